"""The game clock: text to seconds remaining, and to seconds elapsed (case P5).

stats.nba.com writes the clock remaining in a period as ``12:00`` or ``5:07`` (v1 and
v2 feeds), sometimes with tenths (``00:51.6``) or as bare seconds in the last minute
(``51.6``); the v3 feed writes ISO 8601 durations (``PT11M42.00S``). Regulation
periods last 12 minutes and overtime periods 5, so period 5 with 4:30 left is
``2880 + 30 = 2910`` seconds into the game. An empty or unreadable clock is never
taken as 0: the row cannot be placed in time and is reported as unusable.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from halftime.constants import (
    OVERTIME_SECONDS,
    QUARTER_SECONDS,
    REGULATION_PERIODS,
    REGULATION_SECONDS,
)
from halftime.errors import DataError

CLOCK_PATTERN: Final = r"^(?:PT)?(?:(\d+)[:M])?(\d+(?:\.\d*)?)S?$"
"""``M:SS``, ``MM:SS.f``, ``SS.f`` and ``PT<M>M<S.ff>S``; minutes are optional."""

MAX_PERIOD: Final = 20
"""Highest period accepted (no NBA game has gone past six overtimes, period 10)."""

_CLOCK = re.compile(CLOCK_PATTERN)
_NAMED_PATTERN: Final = (
    r"^(?:PT)?(?:(?P<minutes>\d+)[:M])?(?P<seconds>\d+(?:\.\d*)?)S?$"
)
_ACCEPTED = "accepted: 12:00, 5:07, 00:51.6, 51.6 or PT11M42.00S"


def period_seconds(period: int) -> int:
    """Return the length of a period in seconds (720 regulation, 300 overtime)."""
    if not 1 <= period <= MAX_PERIOD:
        raise DataError(f"period {period} is not a period; accepted: 1 to {MAX_PERIOD}")
    return QUARTER_SECONDS if period <= REGULATION_PERIODS else OVERTIME_SECONDS


def parse_clock(text: str, period: int) -> float:
    """Return the seconds remaining in ``period`` written by a clock ``text``.

    Parameters
    ----------
    text : str
        The clock, e.g. ``"12:00"``, ``"5:07"``, ``"00:51.6"``, ``"51.6"`` or
        ``"PT04M30.00S"``.
    period : int
        The period (1-4 regulation, 5 and up overtime), used to check the range.

    Returns
    -------
    float
        Seconds remaining, between 0 and the period's length.

    Raises
    ------
    DataError
        If the text is empty, not a clock, has 60 seconds or more after the
        minutes, or exceeds the length of the period.
    """
    length = period_seconds(period)
    match = _CLOCK.match(str(text).strip())
    if match is None:
        raise DataError(
            f"clock {text!r} in period {period} is not a clock; {_ACCEPTED}"
        )
    minutes, seconds = match.group(1), float(match.group(2))
    if minutes is not None and seconds >= 60:
        raise DataError(f"clock {text!r} has {seconds:g} seconds; {_ACCEPTED}")
    remaining = (int(minutes) if minutes is not None else 0) * 60 + seconds
    if remaining > length:
        raise DataError(
            f"clock {text!r} exceeds the {length // 60}-minute period {period}"
        )
    return remaining


def elapsed_seconds(period: int, remaining: float) -> float:
    """Return the game time elapsed at ``remaining`` seconds left in ``period``."""
    return float(
        elapsed_seconds_array(np.array([period]), np.array([remaining], dtype=float))[0]
    )


def elapsed_seconds_array(
    period: NDArray[np.int64], remaining: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Vectorised game time elapsed, in seconds.

    Parameters
    ----------
    period : ndarray of shape (n_rows,), int
        Periods, 1 and up.
    remaining : ndarray of shape (n_rows,), float, seconds
        Seconds remaining in the period.

    Returns
    -------
    ndarray of shape (n_rows,), float, seconds
        ``(p-1)*720 + 720 - remaining`` in regulation,
        ``2880 + (p-5)*300 + 300 - remaining`` in overtime.
    """
    regulation = (period - 1) * QUARTER_SECONDS + QUARTER_SECONDS - remaining
    overtime = (
        REGULATION_SECONDS
        + (period - REGULATION_PERIODS - 1) * OVERTIME_SECONDS
        + OVERTIME_SECONDS
        - remaining
    )
    return np.where(period <= REGULATION_PERIODS, regulation, overtime).astype(
        np.float64
    )


def parse_clock_column(
    clock: pa.Array | pa.ChunkedArray, period: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Vectorised :func:`parse_clock`; NaN where the clock is unusable.

    Parameters
    ----------
    clock : pyarrow string array of shape (n_rows,)
        Clock texts; nulls and blanks are unusable.
    period : ndarray of shape (n_rows,), int
        Periods of the rows; rows with a period outside 1..MAX_PERIOD are unusable.

    Returns
    -------
    ndarray of shape (n_rows,), float, seconds
        Seconds remaining in the period, NaN where the row cannot be placed in time.
    """
    # A feed writes few distinct clocks (about 721 per season): parse each once.
    if isinstance(clock, pa.ChunkedArray):
        clock = clock.combine_chunks()
    encoded = pc.dictionary_encode(clock.cast(pa.string()))
    text = pc.utf8_trim_whitespace(encoded.dictionary)
    parts = pc.extract_regex(text, pattern=_NAMED_PATTERN)
    minutes_text = pc.struct_field(parts, "minutes")
    minutes_text = pc.if_else(pc.equal(minutes_text, ""), None, minutes_text)
    minutes = _to_float(minutes_text)
    seconds = _to_float(pc.struct_field(parts, "seconds"))
    has_minutes = ~np.isnan(minutes)
    with np.errstate(invalid="ignore"):
        too_many_seconds = has_minutes & (seconds >= 60)
    by_value = np.where(
        too_many_seconds, np.nan, np.where(has_minutes, minutes, 0.0) * 60 + seconds
    )
    by_value = np.append(by_value, np.nan)  # the code of a null clock
    codes = encoded.indices.fill_null(len(by_value) - 1).to_numpy(zero_copy_only=False)
    remaining = by_value[codes]
    length = np.where(period <= REGULATION_PERIODS, QUARTER_SECONDS, OVERTIME_SECONDS)
    with np.errstate(invalid="ignore"):
        unusable = (
            (remaining > length)
            | (period < 1)
            | (period > MAX_PERIOD)
            | np.isnan(remaining)
        )
    return np.where(unusable, np.nan, remaining)


def _to_float(values: pa.Array | pa.ChunkedArray) -> NDArray[np.float64]:
    """Cast digit strings (null where absent) to a float array with NaN."""
    floats = pc.cast(values, pa.float64())
    return np.asarray(floats.to_numpy(zero_copy_only=False), dtype=np.float64)
