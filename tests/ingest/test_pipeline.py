"""Ingest joins game logs, decides unfinished games, and saves a checked table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from halftime.dataset import GameSet
from halftime.errors import DataError
from halftime.ingest import GAMES_COLUMNS, ingest, read_games, write_ingest

from .conftest import SIMPLE_GAME, game_rows, write_csv, write_gamelog

GAME = "0021800100"


@pytest.fixture
def season_dir(tmp_path: Path) -> Path:
    """A data folder: pbp/ with two games, gamelogs/ with three (one cancelled)."""
    rows = game_rows(GAME, SIMPLE_GAME) + game_rows("0021800101", SIMPLE_GAME)
    write_csv(tmp_path / "pbp" / "pbp_2019.csv", rows)
    write_gamelog(
        tmp_path / "gamelogs" / "log-2019.csv",
        [
            (GAME, "2018-10-16", "BOS", "PHI", 6, 4),
            ("0021800101", "2018-10-17", "GSW", "OKC", 6, 9),
            ("0021800102", "2018-10-18", "IND", "BOS", -1, -1),
        ],
    )
    write_gamelog(tmp_path / "gamelogs" / "log-1990.csv", [])  # another season
    return tmp_path


def test_the_table_has_the_contract_columns_and_types(season_dir: Path) -> None:
    games = ingest(season_dir, progress=False, workers=1).games

    assert list(games.columns) == list(GAMES_COLUMNS)
    first = games.iloc[0]
    assert first["game_id"] == GAME
    assert first["date"] == pd.Timestamp("2018-10-16")
    assert (first["season"], first["season_type"]) == ("2018-19", "regular")
    assert (first["home_team"], first["away_team"]) == ("BOS", "PHI")
    assert (first["official_home_final"], first["official_away_final"]) == (6, 4)
    assert first["flags"] == []


def test_gamelogs_are_found_beside_or_given_explicitly(
    season_dir: Path, tmp_path: Path
) -> None:
    beside = ingest(season_dir / "pbp", progress=False, workers=1)
    moved = season_dir / "gamelogs"
    explicit = ingest(
        season_dir / "pbp" / "pbp_2019.csv", gamelogs=moved, progress=False, workers=1
    )

    assert beside.report.gamelogs == str(moved)
    assert explicit.games["home_team"].tolist() == ["BOS", "GSW"]


def test_a_final_that_disagrees_with_the_log_is_flagged_and_pbp_kept(
    season_dir: Path,
) -> None:
    result = ingest(season_dir, progress=False, workers=1)

    second = result.games.iloc[1]
    assert second["flags"] == ["final_mismatch"]
    assert second["margin"][48] == 2
    (issue,) = [i for i in result.report.flagged if i.kind == "final_mismatch"]
    assert "play-by-play final 4 - 6 (away - home), game log 9 - 6" in issue.detail


def test_the_cancelled_game_is_reported_missing(season_dir: Path) -> None:
    report = ingest(season_dir, progress=False, workers=1).report

    (missing,) = report.missing
    assert (missing.game_id, missing.kind) == ("0021800102", "cancelled")
    assert "BOS @ IND, 2018-10-18" in missing.detail


def test_without_gamelogs_a_warning_and_a_report_line_and_fallbacks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_csv(tmp_path / "only" / "g.csv", game_rows(GAME, SIMPLE_GAME))

    result = ingest(path, progress=False, workers=1)

    assert "no game logs found" in caplog.text
    assert any("no game logs found" in w for w in result.report.warnings)
    game = result.games.iloc[0]
    assert game["season"] == "2018-19"
    assert pd.isna(game["date"])
    assert game["home_team"] == ""
    assert pd.isna(game["official_home_final"])


def test_an_unfinished_last_period_matching_the_official_final_is_complete(
    tmp_path: Path,
) -> None:
    rows = game_rows(GAME, SIMPLE_GAME)[:-1]  # no end-of-period row for period 4
    rows[-1] = rows[-1].replace(",0:01,", ",0:05,")
    write_csv(tmp_path / "pbp" / "g.csv", rows)
    log = tmp_path / "gamelogs" / "log.csv"

    write_gamelog(log, [(GAME, "2018-10-16", "BOS", "PHI", 6, 4)])
    agreed = ingest(tmp_path / "pbp", gamelogs=log, progress=False, workers=1)
    write_gamelog(log, [(GAME, "2018-10-16", "BOS", "PHI", 8, 4)])
    disagreed = ingest(tmp_path / "pbp", gamelogs=log, progress=False, workers=1)

    assert len(agreed.games["margin"].iloc[0]) == 49
    assert agreed.games["flags"].iloc[0] == ["end_inferred_from_final"]
    assert len(disagreed.games["margin"].iloc[0]) == 25
    assert disagreed.games["flags"].iloc[0] == [
        "final_mismatch",
        "incomplete_after_halftime",
    ]


def test_a_game_absent_from_the_logs_and_a_tied_final_are_flagged(
    tmp_path: Path,
) -> None:
    events = [*SIMPLE_GAME[:-1], (1, 4, "0:01", "6 - 6")]
    write_csv(tmp_path / "pbp" / "g.csv", game_rows(GAME, events))
    write_gamelog(tmp_path / "gamelogs" / "log.csv", [])

    result = ingest(tmp_path, progress=False, workers=1)

    assert result.games["flags"].iloc[0] == ["not_in_gamelog", "tied_final"]


def test_a_game_in_two_files_keeps_the_first_and_reports_the_second(
    tmp_path: Path,
) -> None:
    first = write_csv(tmp_path / "a.csv", game_rows(GAME, SIMPLE_GAME))
    second = write_csv(tmp_path / "b.csv", game_rows(GAME, SIMPLE_GAME[:1]))

    result = ingest([first, second], progress=False, workers=1)

    assert len(result.games) == 1
    assert result.games["margin"].iloc[0][48] == 2
    (rejected,) = result.report.rejected
    assert (rejected.kind, rejected.source) == ("duplicate_game", str(second))


def test_two_worker_processes_give_the_same_table(season_dir: Path) -> None:
    extra = write_csv(
        season_dir / "pbp" / "pbp_2019b.csv", game_rows("0021800103", SIMPLE_GAME)
    )
    assert extra.exists()

    serial = ingest(season_dir, progress=False, workers=1)
    parallel = ingest(season_dir, progress=False, workers=2)

    pd.testing.assert_frame_equal(serial.games, parallel.games)


def test_write_and_read_back_round_trip(season_dir: Path, tmp_path: Path) -> None:
    result = ingest(season_dir, progress=False, workers=1)

    paths = write_ingest(result, tmp_path / "out")
    games = read_games(paths["games"])

    pd.testing.assert_frame_equal(games, result.games)
    assert set(paths) == {"games", "data_quality_json", "data_quality_md"}
    assert '"accepted": 2' in paths["data_quality_json"].read_text()
    assert "# Data quality" in paths["data_quality_md"].read_text()


def test_reading_a_table_without_a_column_names_it(
    season_dir: Path, tmp_path: Path
) -> None:
    paths = write_ingest(ingest(season_dir, progress=False, workers=1), tmp_path)
    table = pq.read_table(paths["games"]).drop_columns(["margin"])
    pq.write_table(table, paths["games"])

    with pytest.raises(DataError, match=r"lacks column\(s\) \['margin'\]"):
        read_games(tmp_path)


def test_reading_a_table_with_a_bad_margin_length_names_the_game(
    season_dir: Path, tmp_path: Path
) -> None:
    result = ingest(season_dir, progress=False, workers=1)
    result.games.at[0, "margin"] = result.games.at[0, "margin"][:30]
    write_ingest(result, tmp_path)

    with pytest.raises(DataError, match=f"game {GAME} has 30 margins"):
        read_games(tmp_path)


def test_the_table_feeds_gameset_patterns_and_outcomes(season_dir: Path) -> None:
    games = ingest(season_dir, progress=False, workers=1).games

    game_set = GameSet.from_games_table(games)

    assert game_set.pattern.shape == (2, 18)
    assert game_set.outcome is not None
    assert game_set.outcome.shape == (2, 6)
    assert game_set.pattern[0, 17] == 1  # home basket exactly at minute 18
    assert str(game_set.date[0]) == "2018-10-16"


def test_a_table_without_dates_round_trips(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "solo" / "g.csv", game_rows(GAME, SIMPLE_GAME))
    result = ingest(path, progress=False, workers=1)

    games = read_games(write_ingest(result, tmp_path / "out")["games"])

    assert games["date"].isna().all()
    assert games["official_home_final"].isna().all()
    assert games["margin"].iloc[0] == result.games["margin"].iloc[0]
