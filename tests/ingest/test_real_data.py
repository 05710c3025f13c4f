"""The shared play-by-play's known faults, each handled by its stated rule.

These tests read one season file each from ``../shared/data`` (beside the
repository) and are skipped where that folder is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from halftime.ingest import IngestResult, ingest

from .conftest import SIMPLE_GAME, game_rows, write_csv

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
PBP = DATA / "nba-pbp-stats-lawlers-law"
GAMELOGS = PBP / "gamelogs"

pytestmark = pytest.mark.skipif(
    not (PBP / "pbp").is_dir(), reason=f"shared play-by-play not found at {PBP}"
)


def season(year: int) -> IngestResult:
    return ingest(
        PBP / "pbp" / f"pbp_{year}.csv.xz", gamelogs=GAMELOGS, progress=False, workers=1
    )


@pytest.fixture(scope="module")
def season_1997() -> IngestResult:
    return season(1997)


def game(result: IngestResult, game_id: str) -> dict[str, Any]:
    games = result.games.set_index("game_id")
    row: dict[str, Any] = games.loc[game_id].to_dict()
    return row


def details(result: IngestResult, game_id: str, kind: str) -> list[str]:
    return [
        i.detail
        for i in result.report.flagged
        if (i.game_id, i.kind) == (game_id, kind)
    ]


def test_every_1996_97_game_is_kept_with_a_date_and_teams(
    season_1997: IngestResult,
) -> None:
    games = season_1997.games

    assert len(games) == 1189
    assert season_1997.report.rejected == []
    assert games["date"].notna().all()
    assert (games["home_team"] != "").all()
    assert games["margin"].map(lambda m: m[0] == 0 and len(m) >= 25).all()


def test_final_mismatch_keeps_play_by_play_margins(season_1997: IngestResult) -> None:
    row = game(season_1997, "0029600070")

    assert (row["away_final"], row["home_final"]) == (86, 101)
    assert (row["official_away_final"], row["official_home_final"]) == (79, 108)
    assert "final_mismatch" in row["flags"]
    assert row["margin"][-1] == 15


def test_final_mismatch_with_missing_last_rows_is_cut_at_halftime(
    season_1997: IngestResult,
) -> None:
    for game_id in ("0029600332", "0029600370"):
        row = game(season_1997, game_id)
        assert row["flags"] == ["final_mismatch", "incomplete_after_halftime"]
        assert len(row["margin"]) == 25


def test_a_backward_score_row_is_ignored_and_its_row_named(
    season_1997: IngestResult,
) -> None:
    (detail,) = details(season_1997, "0029600183", "score_decrease")

    assert "data row 83524 (period 4 6:07, 81 - 85)" in detail
    row = game(season_1997, "0029600183")
    assert (row["away_final"], row["home_final"]) == (101, 105)


def test_missing_end_rows_with_the_official_final_count_as_complete(
    season_1997: IngestResult,
) -> None:
    row = game(season_1997, "0029600263")

    assert row["flags"] == ["end_inferred_from_final"]
    assert len(row["margin"]) == 49


def test_a_bad_end_of_overtime_row_does_not_move_the_margin() -> None:
    result = season(2004)

    # 0020300005 has an instant-replay row "34 - 34" after 85 - 83 in overtime.
    row = game(result, "0020300005")
    assert (row["away_final"], row["home_final"]) == (85, 83)
    (detail,) = details(result, "0020300005", "nonscoring_row_score")
    assert "34 - 34" in detail
    assert "final_mismatch" in game(result, "0020300778")["flags"]


def test_the_cancelled_game_is_reported(tmp_path: Path) -> None:
    # Any 2012-13 game makes ingest list that season's log games without rows.
    path = write_csv(tmp_path / "one.csv", game_rows("0021200001", SIMPLE_GAME))

    report = ingest(path, gamelogs=GAMELOGS, progress=False, workers=1).report

    cancelled = [m for m in report.missing if m.kind == "cancelled"]
    assert [m.game_id for m in cancelled] == ["0021201214"]
    assert "IND @ BOS, 2013-04-16" in cancelled[0].detail
