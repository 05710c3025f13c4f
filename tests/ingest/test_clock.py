"""Every clock format parses to seconds remaining; an empty clock never reads 0 (P5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from halftime.errors import DataError
from halftime.ingest import ingest, parse_clock
from halftime.ingest.clock import elapsed_seconds, parse_clock_column

from .conftest import MADE_SHOT, game_rows, rejected_report, write_csv

CASES = [
    ("12:00", 1, 720.0),
    ("5:07", 1, 307.0),
    ("00:51.6", 2, 51.6),
    ("51.6", 2, 51.6),
    ("PT11M42.00S", 1, 702.0),
    ("PT00M00.00S", 4, 0.0),
    ("PT04M30.00S", 5, 270.0),
]


@pytest.mark.parametrize(("text", "period", "remaining"), CASES)
def test_clock_formats_parse_to_seconds_remaining(
    text: str, period: int, remaining: float
) -> None:
    assert parse_clock(text, period) == pytest.approx(remaining)


def test_the_column_parser_agrees_with_the_scalar_one() -> None:
    texts = pa.array([text for text, _, _ in CASES])
    periods = np.array([period for _, period, _ in CASES])

    parsed = parse_clock_column(texts, periods)

    np.testing.assert_allclose(parsed, [remaining for _, _, remaining in CASES])


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("", 1),
        ("  ", 1),
        ("abc", 1),
        ("12:01", 1),
        ("5:30", 5),
        ("700", 1),
        ("12M00", 1),
        ("1:2", 1),
        ("PT5:07", 1),
        ("5:07S", 1),
        ("60", 1),
        ("0:00.", 1),
        ("1e2", 1),
        ("12:00:00", 1),
    ],
)
def test_an_empty_or_impossible_clock_is_an_error_not_zero(
    text: str, period: int
) -> None:
    with pytest.raises(DataError, match="clock"):
        parse_clock(text, period)
    assert np.isnan(parse_clock_column(pa.array([text]), np.array([period]))[0])


def test_a_null_clock_is_unusable_in_a_column() -> None:
    parsed = parse_clock_column(pa.array([None, "1:00"]), np.array([1, 1]))

    assert np.isnan(parsed[0])
    assert parsed[1] == 60.0


def test_overtime_periods_last_five_minutes() -> None:
    assert elapsed_seconds(5, parse_clock("PT04M30.00S", 5)) == 2910.0
    assert elapsed_seconds(6, 300.0) == 3180.0


def test_tenths_in_period_two_count_toward_halftime_not_minute_23(
    fixtures: Path,
) -> None:
    # Away three at 51.6 s left in period 2 = 1,388.4 s elapsed.
    assert elapsed_seconds(2, parse_clock("51.6", 2)) == pytest.approx(1388.4)

    result = ingest(fixtures / "p5_tenths.csv", progress=False, workers=1)

    margin = result.games["margin"].iloc[0]
    assert margin[23] == 2
    assert margin[24] == -1


def test_rows_with_an_empty_clock_are_dropped_counted_and_flagged(
    tmp_path: Path,
) -> None:
    events = [(MADE_SHOT, 1, "", "0 - 2"), (MADE_SHOT, 1, "10:00", "0 - 4")]
    path = write_csv(tmp_path / "blank.csv", game_rows("0021800200", events))

    result = ingest(path, progress=False, workers=1)

    assert result.report.dropped_rows == {"unreadable clock or period": 1}
    assert "unusable_rows" in result.games["flags"].iloc[0]
    # The unplaced basket is not taken as scored at 12:00 (or anywhere).
    assert result.games["margin"].iloc[0][:3] == [0, 0, 4]


def test_a_game_whose_every_clock_is_unreadable_is_rejected_with_the_count(
    tmp_path: Path,
) -> None:
    rows = game_rows("0021800201", [(MADE_SHOT, 1, "11:00", "0 - 2")])
    rows = [
        row.replace(",12:00,", ",700,").replace(",11:00,", ",12M00,") for row in rows
    ]
    rows = [row.replace(",0:00,", ",x,") for row in rows]
    path = write_csv(tmp_path / "vanish.csv", rows)

    (rejected,) = rejected_report(path).rejected
    assert (rejected.game_id, rejected.kind) == ("0021800201", "no_usable_rows")
    assert f"{len(rows)} row(s) with an unreadable clock" in rejected.detail
