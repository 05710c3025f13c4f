"""A game in progress gives margins up to its last whole minute, or names its gap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from halftime.errors import DataError
from halftime.ingest import read_live_game

from .conftest import HEADER, MADE_SHOT, game_rows, write_csv

LIVE = "0022300001"


def live_rows(events: list[tuple[int, int, str, str]], n_periods: int) -> list[str]:
    """A game cut after its last event (no end row for the current period)."""
    return game_rows(LIVE, events, n_periods=n_periods)[:-1]


def test_margins_run_to_the_last_whole_minute(tmp_path: Path) -> None:
    events = [
        (MADE_SHOT, 1, "11:00", "0 - 2"),
        (MADE_SHOT, 1, "8:00", "3 - 2"),
        (MADE_SHOT, 1, "5:00", "3 - 4"),
        (MADE_SHOT, 1, "1:00", "3 - 6"),
        (MADE_SHOT, 2, "10:00", "5 - 6"),
        (MADE_SHOT, 2, "6:00", "5 - 8"),
        (2, 2, "5:55", ""),
    ]
    path = write_csv(tmp_path / "live.csv", live_rows(events, n_periods=2))

    game = read_live_game(path, max_gap_seconds=300)  # sparse rows, on purpose

    assert game.game_id == LIVE
    assert game.elapsed_seconds == 1085.0
    assert game.minutes_played == 18
    assert game.margins.shape == (19,)
    assert game.margins.dtype == np.int64
    assert game.margins[[0, 1, 4, 7, 11, 14, 18]].tolist() == [0, 2, -1, 1, 3, 1, 3]


def test_a_gap_in_the_first_18_minutes_is_an_error_naming_the_minutes(
    tmp_path: Path,
) -> None:
    events = [
        (MADE_SHOT, 1, "11:00", "0 - 2"),
        (MADE_SHOT, 1, "9:00", "3 - 2"),
        (MADE_SHOT, 1, "2:30", "3 - 4"),  # 6:30 with no row at all
        (MADE_SHOT, 2, "6:00", "3 - 6"),
    ]
    path = write_csv(tmp_path / "gap.csv", live_rows(events, n_periods=2))

    with pytest.raises(DataError, match=r"game time 3:00-9:30 \(minutes 4-10\)"):
        read_live_game(path)


def test_a_file_without_rows_is_no_play_by_play(tmp_path: Path) -> None:
    path = tmp_path / f"{LIVE}.csv"
    path.write_text(HEADER + "\n")

    with pytest.raises(DataError, match=f"no play-by-play for game {LIVE}"):
        read_live_game(path)


def test_a_game_with_no_score_yet_has_zero_margins_so_far(tmp_path: Path) -> None:
    events = [(2, 1, "11:41", ""), (4, 1, "10:50", ""), (2, 1, "9:30", "")]
    path = write_csv(tmp_path / "early.csv", live_rows(events, n_periods=1))

    game = read_live_game(path)

    assert game.elapsed_seconds == 150.0
    assert game.margins.tolist() == [0, 0, 0]


def test_a_file_whose_every_clock_is_unreadable_says_why(tmp_path: Path) -> None:
    rows = [row.replace(",12:00,", ",x,") for row in live_rows([], n_periods=1)]
    path = write_csv(tmp_path / "bad.csv", rows)

    with pytest.raises(DataError, match=f"game {LIVE}: no_usable_rows.*clock"):
        read_live_game(path)


def test_a_stretch_of_three_minutes_without_rows_is_a_gap(
    tmp_path: Path,
) -> None:
    events = [(2, 1, f"{m}:00", "") for m in range(11, 0, -1) if m not in (5, 4)]
    path = write_csv(tmp_path / "gap.csv", live_rows(events, n_periods=1))

    with pytest.raises(DataError, match=r"game time 6:00-9:00 \(minutes 7-9\)"):
        read_live_game(path)


def test_rows_that_stop_well_before_the_cutoff_minute_are_refused(
    tmp_path: Path,
) -> None:
    # Rows every 30 s to 15:51, then the next at 18:13: the margin at minute 18
    # would be 129 s old.
    times = [*range(30, 960, 30), 951, 1093, 1110]
    events = [
        (2, 1 + t // 720, f"{(720 - t % 720) // 60}:{(720 - t % 720) % 60:02d}", "")
        for t in sorted(set(times))
    ]
    events.insert(0, (MADE_SHOT, 1, "11:45", "0 - 2"))
    path = write_csv(tmp_path / "stale.csv", live_rows(events, n_periods=2))

    with pytest.raises(DataError, match="15:51 and the cutoff minute 18:00"):
        read_live_game(path)


def test_several_games_need_a_choice(tmp_path: Path) -> None:
    events = [(MADE_SHOT, 1, "11:30", "0 - 2")]
    rows = game_rows(LIVE, events, 1)[:2] + game_rows("0022300002", events, 1)[:2]
    path = write_csv(tmp_path / "two.csv", rows)

    with pytest.raises(DataError, match="holds 2 games"):
        read_live_game(path)
    assert read_live_game(path, game_id="0022300002").game_id == "0022300002"


def test_v3_live_feed_gives_teams(fixtures: Path) -> None:
    game = read_live_game(fixtures / "v3_actions.json", cutoff=24, max_gap_seconds=720)

    assert (game.home_team, game.away_team) == ("BOS", "NYK")
    assert game.margins[:3].tolist() == [0, 2, -1]
    assert game.minutes_played == 24
