"""Ingest joins game logs, decides unfinished games, and saves a checked table."""

from __future__ import annotations

import gzip
import subprocess
import sys
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


def test_of_two_differing_copies_the_complete_one_wins_whatever_the_order(
    tmp_path: Path,
) -> None:
    # A halftime snapshot (periods 1-2 only) sorts before the complete copy.
    snapshot = write_csv(
        tmp_path / "a_snapshot.csv", game_rows(GAME, SIMPLE_GAME[:3], n_periods=2)
    )
    full = write_csv(tmp_path / "z_full.csv", game_rows(GAME, SIMPLE_GAME))

    result = ingest([snapshot, full], progress=False, workers=1)

    (game,) = result.games.to_dict("records")
    assert len(game["margin"]) == 49
    assert game["margin"][48] == 2
    assert "conflicting_copies" in game["flags"]
    assert "incomplete_after_halftime" not in game["flags"]
    (rejected,) = result.report.rejected
    assert (rejected.kind, rejected.source) == ("duplicate_game", str(snapshot))
    assert "conflicting copies" in rejected.detail
    assert str(full) in rejected.detail


def test_identical_copies_keep_the_first_and_report_the_other(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", game_rows(GAME, SIMPLE_GAME))
    second = write_csv(tmp_path / "b.csv", game_rows(GAME, SIMPLE_GAME))

    result = ingest([first, second], progress=False, workers=1)

    assert result.games["flags"].iloc[0] == []
    (rejected,) = result.report.rejected
    assert (rejected.kind, rejected.source) == ("duplicate_game", str(second))
    assert rejected.detail == f"identical copy; kept the one in {first}"


def test_a_copy_rejected_in_one_file_is_a_duplicate_when_another_is_kept(
    tmp_path: Path,
) -> None:
    cut = write_csv(tmp_path / "a.csv", game_rows(GAME, SIMPLE_GAME[:2], 1))
    full = write_csv(tmp_path / "b.csv", game_rows(GAME, SIMPLE_GAME))

    result = ingest([cut, full], progress=False, workers=1)

    assert len(result.games) == 1
    (rejected,) = result.report.rejected
    assert rejected.kind == "duplicate_game"
    assert "no_events_in_period_2" in rejected.detail


def test_default_workers_run_from_code_piped_to_python(season_dir: Path) -> None:
    # Two files, so the default (two worker processes) is used.
    write_csv(season_dir / "pbp" / "more.csv", game_rows("0021800103", SIMPLE_GAME))
    code = (
        "from pathlib import Path\n"
        "from halftime.ingest import ingest\n"
        f"result = ingest(Path({str(season_dir)!r}), progress=False)\n"
        "print(len(result.games))\n"
    )
    done = subprocess.run(
        [sys.executable, "-"],
        input=code,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "3"


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


def _log_lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_every_game_log_in_the_folder_is_read_whatever_its_name(
    season_dir: Path,
) -> None:
    logs = season_dir / "gamelogs"
    (logs / "log-2019.csv").rename(logs / "leaguegamelog_2018-19.csv")

    games = ingest(season_dir, progress=False, workers=1).games

    assert games["home_team"].tolist() == ["BOS", "GSW"]


def test_an_empty_gamelogs_folder_is_a_warning(season_dir: Path) -> None:
    for file in (season_dir / "gamelogs").iterdir():
        file.unlink()

    report = ingest(season_dir, progress=False, workers=1).report

    assert any("no game-log file in this folder" in w for w in report.warnings)


def test_bad_dates_and_points_in_a_log_are_flagged(season_dir: Path) -> None:
    log = season_dir / "gamelogs" / "log-2019.csv"
    lines = _log_lines(log)
    lines[1] = lines[1].replace("2018-10-16", "16/10/2018")  # home row of GAME
    lines[4] = lines[4].rsplit(",", 1)[0] + ",nine"  # away row of the second game
    log.write_text("\n".join(lines) + "\n")

    result = ingest(season_dir, progress=False, workers=1)

    games = result.games.set_index("game_id")
    assert pd.isna(games.at[GAME, "date"])
    assert "gamelog_bad_date" in games.at[GAME, "flags"]
    assert "gamelog_bad_points" in games.at["0021800101", "flags"]
    assert pd.isna(games.at["0021800101", "official_away_final"])
    details = [i.detail for i in result.report.flagged if i.kind.startswith("gamelog")]
    assert any("'16/10/2018'" in d and "data row 1" in d for d in details)


def test_two_logs_that_disagree_on_a_game_are_flagged(season_dir: Path) -> None:
    write_gamelog(
        season_dir / "gamelogs" / "other.csv",
        [(GAME, "2018-10-16", "BOS", "PHI", 6, 5)],
    )

    games = ingest(season_dir, progress=False, workers=1).games.set_index("game_id")

    assert "gamelog_conflict" in games.at[GAME, "flags"]


def test_a_bad_game_id_in_a_log_names_the_file_and_row(season_dir: Path) -> None:
    log = season_dir / "gamelogs" / "log-2019.csv"
    lines = _log_lines(log)
    lines[3] = lines[3].replace("0021800101", "abc")
    log.write_text("\n".join(lines) + "\n")

    with pytest.raises(DataError, match=r"log-2019\.csv, data row 3: game id 'abc'"):
        ingest(season_dir, progress=False, workers=1)


def test_a_truncated_gzip_log_names_the_file(season_dir: Path) -> None:
    log = season_dir / "gamelogs" / "log-2019.csv"
    packed = gzip.compress(log.read_bytes())
    log.unlink()
    (season_dir / "gamelogs" / "log-2019.csv.gz").write_bytes(packed[:60])

    with pytest.raises(DataError, match=r"log-2019\.csv\.gz: cannot read the game"):
        ingest(season_dir, progress=False, workers=1)
