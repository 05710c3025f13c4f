"""Per-minute margins: order, score rules, minute marks, completeness (P1, P4, P8)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from halftime.ingest import ingest

from .conftest import (
    FREE_THROW,
    MADE_SHOT,
    SIMPLE_GAME,
    game_rows,
    rejected_report,
    write_csv,
)


def only_game(path: Path) -> dict[str, Any]:
    result = ingest(path, progress=False, workers=1)
    assert len(result.games) == 1, result.report.rejected
    game: dict[str, Any] = result.games.iloc[0].to_dict()
    return game


def test_score_on_a_start_row_does_not_move_the_margin(fixtures: Path) -> None:
    result = ingest(fixtures / "p1_score_on_start_row.csv", progress=False, workers=1)

    margin = result.games["margin"].iloc[0]
    assert margin[0] == 0
    assert margin[1] == 2
    kinds = {issue.kind for issue in result.report.flagged}
    assert "nonscoring_row_score" in kinds
    assert "first_score_unreachable" not in kinds


def test_a_first_score_one_play_cannot_reach_is_flagged(tmp_path: Path) -> None:
    events = [(MADE_SHOT, 1, "11:00", "0 - 5")]
    path = write_csv(tmp_path / "g.csv", game_rows("0021800300", events))

    game = only_game(path)

    assert "first_score_unreachable" in game["flags"]


def test_order_is_by_time_not_event_number(fixtures: Path) -> None:
    margin = only_game(fixtures / "p4_order.csv")["margin"]

    assert margin[18] == 0
    assert margin[17] == 2


def test_a_technical_listed_before_the_start_row_still_counts(fixtures: Path) -> None:
    margin = only_game(fixtures / "p4_order.csv")["margin"]

    assert margin[12] == 1


def test_an_event_on_a_minute_mark_counts_toward_that_minute(
    simple_game_csv: Callable[[], Path],
) -> None:
    game = only_game(simple_game_csv())
    margin = game["margin"]

    assert margin[0] == 0
    assert margin[1] == 2  # home basket at exactly 60 s
    assert margin[5:7] == [2, -1]
    assert margin[17:19] == [-1, 1]  # home basket at exactly 1,080 s
    assert margin[35:37] == [1, 0]
    assert margin[47:49] == [0, 2]


def test_a_complete_game_has_49_margins_and_clean_flags(
    simple_game_csv: Callable[[], Path],
) -> None:
    game = only_game(simple_game_csv())

    assert len(game["margin"]) == 49
    assert game["n_periods"] == 4
    assert (game["home_final"], game["away_final"]) == (6, 4)
    assert game["flags"] == []


def test_each_overtime_adds_five_minutes_and_minutes_carry_the_last_margin(
    tmp_path: Path,
) -> None:
    events = [
        (MADE_SHOT, 1, "11:00", "0 - 2"),
        (MADE_SHOT, 4, "0:05", "2 - 2"),
        (MADE_SHOT, 5, "4:30", "2 - 4"),
        (MADE_SHOT, 6, "1:00", "5 - 4"),
    ]
    path = write_csv(tmp_path / "ot.csv", game_rows("0021800301", events, n_periods=6))

    game = only_game(path)
    margin = game["margin"]

    assert len(margin) == 49 + 2 * 5
    assert margin[48] == 0
    assert margin[49] == 2  # 4:30 left in period 5 = 2,910 s: minute 49
    assert margin[56:] == [2, -1, -1]  # 1:00 left in period 6 = 3,420 s: minute 57
    assert game["n_periods"] == 6


def test_a_backward_score_row_is_ignored_for_that_team_and_flagged(
    tmp_path: Path,
) -> None:
    events = [
        (MADE_SHOT, 1, "11:00", "0 - 2"),
        (FREE_THROW, 1, "10:00", "1 - 2"),
        (FREE_THROW, 1, "10:00", "0 - 3"),  # away falls back to 0: a bad row
        (MADE_SHOT, 1, "9:00", "1 - 5"),
    ]
    path = write_csv(tmp_path / "back.csv", game_rows("0021800302", events))

    result = ingest(path, progress=False, workers=1)

    margin = result.games["margin"].iloc[0]
    assert margin[1:4] == [2, 2, 4]  # 1 - 3 after minute 2, 1 - 5 after minute 3
    (issue,) = [i for i in result.report.flagged if i.kind == "score_decrease"]
    assert "data row 4 (period 1 10:00, 0 - 3)" in issue.detail


def test_a_jump_of_more_than_three_points_is_flagged(tmp_path: Path) -> None:
    events = [(MADE_SHOT, 1, "11:00", "0 - 2"), (MADE_SHOT, 1, "10:00", "0 - 9")]
    path = write_csv(tmp_path / "jump.csv", game_rows("0021800303", events))

    assert "score_jump" in only_game(path)["flags"]


def test_a_game_ending_at_3_10_of_period_2_has_no_halftime_label(
    fixtures: Path,
) -> None:
    report = rejected_report(fixtures / "p8_no_end_of_period_2.csv")

    (rejected,) = report.rejected
    assert rejected.game_id == "0021800007"
    assert rejected.kind == "no_end_of_period_2"
    assert "3:10 of period 2" in rejected.detail


def test_a_game_without_period_2_is_rejected(fixtures: Path) -> None:
    report = rejected_report(fixtures / "p8_no_period_2.csv")

    assert [i.kind for i in report.rejected] == ["no_events_in_period_2"]


def test_a_game_complete_only_through_halftime_keeps_25_margins(
    tmp_path: Path,
) -> None:
    rows = game_rows("0021800304", SIMPLE_GAME)
    rows = rows[: rows.index(next(r for r in rows if ",3,7:00 PM,0:30," in r))]
    path = write_csv(tmp_path / "half.csv", rows)  # stops inside period 3

    result = ingest(path, progress=False, workers=1)

    game = result.games.iloc[0]
    assert len(game["margin"]) == 25
    assert game["flags"] == ["incomplete_after_halftime"]
    (issue,) = result.report.flagged
    assert "period 3" in issue.detail


def test_a_clock_reaching_zero_closes_a_period_without_an_end_row(
    tmp_path: Path,
) -> None:
    rows = [r for r in game_rows("0021800305", SIMPLE_GAME) if ",13,0," not in r]
    rows.insert(-1, "0021800305,99,2,0,4,7:00 PM,0:00,,,,,")  # a miss at 0:00
    path = write_csv(tmp_path / "no_end_rows.csv", rows)

    assert len(only_game(path)["margin"]) == 49


@pytest.mark.parametrize("n_games", [1, 3])
def test_many_games_in_one_file_come_out_sorted_by_id(
    tmp_path: Path, n_games: int
) -> None:
    ids = [f"00218004{i:02d}" for i in range(n_games)][::-1]
    rows = [row for gid in ids for row in game_rows(gid, SIMPLE_GAME)]
    path = write_csv(tmp_path / "many.csv", rows)

    result = ingest(path, progress=False, workers=1)

    assert result.games["game_id"].tolist() == sorted(ids)
    assert all(m[48] == 2 for m in result.games["margin"])


def test_a_game_whose_scores_sit_on_no_scoring_event_is_rejected_not_0_0(
    tmp_path: Path,
) -> None:
    rows = game_rows("0021800306", [])
    rows[0] = rows[0].replace(",,,,,", ",,,,0 - 2,2")  # a stray score on the start row
    path = write_csv(tmp_path / "scoreless.csv", rows)

    (rejected,) = rejected_report(path).rejected
    assert (rejected.game_id, rejected.kind) == ("0021800306", "no_scoring_events")


def test_a_game_with_no_score_before_halftime_is_rejected(tmp_path: Path) -> None:
    events = [(MADE_SHOT, 3, "11:00", "0 - 2")]
    path = write_csv(tmp_path / "late.csv", game_rows("0021800307", events))

    (rejected,) = rejected_report(path).rejected
    assert rejected.kind == "no_score_before_halftime"


def test_an_unreadable_event_type_is_reported_with_row_and_value(
    tmp_path: Path,
) -> None:
    rows = game_rows("0021800308", SIMPLE_GAME)
    rows[2] = rows[2].replace(",1,0,1,", ",,0,1,", 1)  # blank type on a basket
    rows[3] = rows[3].replace(",13,0,", ",End,0,", 1)  # text type
    path = write_csv(tmp_path / "types.csv", rows)

    result = ingest(path, progress=False, workers=1)

    assert result.report.dropped_rows == {"unreadable event type": 2}
    (flag,) = [i for i in result.report.flagged if i.kind == "unusable_rows"]
    assert "data row 3 (None)" in flag.detail
    assert "data row 4 ('End')" in flag.detail
