"""SCORE is visitor first and agrees with SCOREMARGIN; TIE, blank, None (P2, P3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from halftime.errors import DataError
from halftime.ingest import ingest
from halftime.ingest.running import _per_game_cummax
from halftime.ingest.score import parse_scores

from .conftest import MADE_SHOT, SIMPLE_GAME, game_rows, write_csv


def test_score_is_away_first_and_margin_is_home_minus_away() -> None:
    parsed = parse_scores(pa.array(["98 - 101"]), pa.array(["3"]))

    assert parsed.home[0] == 101
    assert parsed.away[0] == 98
    assert len(parsed.mismatch_rows) == 0


def test_tie_is_zero_and_blank_or_none_is_no_score() -> None:
    parsed = parse_scores(
        pa.array(["2 - 2", "", None, "None", " 4 - 2 "]),
        pa.array(["TIE", "", None, "None", "-2"]),
    )

    np.testing.assert_array_equal(parsed.home[[0, 4]], [2, 2])
    assert np.isnan(parsed.home[1:4]).all()
    assert np.isnan(parsed.away[1:4]).all()
    assert len(parsed.mismatch_rows) == 0
    assert len(parsed.bad_rows) == 0


def test_a_mismatch_between_score_and_margin_is_found() -> None:
    parsed = parse_scores(pa.array(["0 - 2", "0 - 2"]), pa.array(["2", "-2"]))

    assert parsed.mismatch_rows.tolist() == [1]


def test_visitor_first_game_reads_home_101_away_98(fixtures: Path) -> None:
    result = ingest(fixtures / "p2_visitor_first.csv", progress=False, workers=1)

    game = result.games.iloc[0]
    assert (game["home_final"], game["away_final"]) == (101, 98)
    assert game["margin"][24] == 3
    assert game["margin"][1] == -3


def test_a_mismatch_is_an_error_naming_game_and_row(fixtures: Path) -> None:
    with pytest.raises(DataError, match=r"game 0021800003, data row 2: SCORE"):
        ingest(fixtures / "p2_mismatch.csv", progress=False, workers=1)


def test_an_unreadable_score_is_an_error_naming_what_is_accepted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad_score.csv"
    text = (Path(__file__).parent / "fixtures" / "p2_visitor_first.csv").read_text()
    path.write_text(text.replace("3 - 0,-3", "3 to 0,-3"))

    with pytest.raises(DataError, match=r'data row 2: SCORE is not "AWAY - HOME"'):
        ingest(path, progress=False, workers=1)


def test_tie_blank_and_none_never_reach_a_margin_as_nan(fixtures: Path) -> None:
    result = ingest(fixtures / "p3_tie_blank_none.csv", progress=False, workers=1)

    margin = result.games["margin"].iloc[0]
    assert margin[:4] == [0, 2, 0, 0]
    assert all(isinstance(value, int) for value in margin)
    assert result.games["flags"].iloc[0] == ["incomplete_after_halftime"]


@pytest.mark.parametrize("huge", ["150000", "99999999999999999999", "401"])
def test_an_implausible_score_rejects_its_game_and_leaves_the_next_alone(
    tmp_path: Path, huge: str
) -> None:
    corrupt = [(MADE_SHOT, 1, "11:00", "0 - 2"), (MADE_SHOT, 1, "10:00", f"0 - {huge}")]
    alone = write_csv(tmp_path / "b.csv", game_rows("0021800002", SIMPLE_GAME))
    both = write_csv(
        tmp_path / "ab.csv",
        game_rows("0021800001", corrupt) + game_rows("0021800002", SIMPLE_GAME),
    )

    result = ingest(both, progress=False, workers=1)

    expected = ingest(alone, progress=False, workers=1).games
    assert result.games["margin"].tolist() == expected["margin"].tolist()
    (rejected,) = result.report.rejected
    assert (rejected.game_id, rejected.kind) == ("0021800001", "implausible_score")
    assert f"data row 3 (SCORE 0 - {int(huge)}" in rejected.detail


def test_running_maxima_restart_at_each_game_whatever_the_values() -> None:
    values = np.array([0.0, 1e6, 5.0, 3.0, 1e20, 2.0])
    game = np.array([0, 0, 1, 1, 2, 3])

    running = _per_game_cummax(values, game)

    assert running.tolist() == [0.0, 1e6, 5.0, 5.0, 1e20, 2.0]


@pytest.mark.parametrize(
    ("margin_text", "message"),
    [("abc", "not a whole number or TIE"), ("2.0", "not a whole number or TIE")],
)
def test_an_unreadable_scoremargin_is_an_error_not_ignored(
    tmp_path: Path, margin_text: str, message: str
) -> None:
    rows = game_rows("0021800001", SIMPLE_GAME)
    rows[1] = rows[1].rsplit(",", 1)[0] + f",{margin_text}"
    path = write_csv(tmp_path / "m.csv", rows)

    with pytest.raises(DataError, match=rf"game 0021800001, data row 2: .*{message}"):
        ingest(path, progress=False, workers=1)


def test_a_scoremargin_without_a_score_is_an_error(tmp_path: Path) -> None:
    rows = game_rows("0021800001", SIMPLE_GAME)
    rows[0] = rows[0] + "5"  # start row: blank SCORE, SCOREMARGIN 5
    path = write_csv(tmp_path / "m.csv", rows)

    with pytest.raises(DataError, match="data row 1: SCOREMARGIN is written but SCORE"):
        ingest(path, progress=False, workers=1)
