"""The game clock: text to seconds remaining, and to seconds elapsed (case P5).

stats.nba.com writes the clock remaining in a period as ``12:00`` or ``5:07`` (v1 and
v2 feeds), sometimes with tenths (``00:51.6``) or as bare seconds in the last minute
(``51.6``); the v3 feed writes ISO 8601 durations (``PT11M42.00S``). Regulation
periods last 12 minutes and overtime periods 5, so period 5 with 4:30 left is
``2880 + 30 = 2910`` seconds into the game. An empty or unreadable clock is never
taken as 0: the row cannot be placed in time and is reported as unusable.
"""

from __future__ import annotations

import math
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

CLOCK_PATTERN: Final = (
    r"^(?:(?P<m1>\d{1,2}):(?P<s1>\d{2}(?:\.\d+)?)"
    r"|(?P<s2>\d{1,2}(?:\.\d+)?)"
    r"|PT(?:(?P<m3>\d{1,2})M)?(?P<s3>\d{1,2}(?:\.\d+)?)S)$"
)
"""Exactly ``M:SS`` or ``MM:SS`` (optional ``.d+`` tenths), bare seconds ``SS(.d+)``
under 60, or ISO ``PT#M#(.##)S``. Anything else (``700``, ``12M00``, ``1:2``,
``PT5:07``, ``5:07S``) is not a clock: the row is unusable, not guessed."""

MAX_PERIOD: Final = 20
"""Highest period accepted (no NBA game has gone past six overtimes, period 10)."""

_CLOCK = re.compile(CLOCK_PATTERN)
_ACCEPTED = "accepted: 12:00, 5:07, 00:51.6, 51.6 (under 60) or PT11M42.00S"


def _clock_seconds(text: str) -> float:
    """Seconds written by one clock text; NaN when it is not an accepted clock."""
    match = _CLOCK.match(text.strip())
    if match is None:
        return math.nan
    minutes = match.group("m1") or match.group("m3")
    seconds = float(match.group("s1") or match.group("s2") or match.group("s3"))
    if seconds >= 60:
        return math.nan
    return (int(minutes) if minutes else 0) * 60 + seconds


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
        If the text is empty, not one of the accepted clock formats (60
        seconds or more is never accepted), or exceeds the length of the period.
    """
    length = period_seconds(period)
    remaining = _clock_seconds(str(text))
    if math.isnan(remaining):
        raise DataError(
            f"clock {text!r} in period {period} is not a clock; {_ACCEPTED}"
        )
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
    by_value = np.array(
        [_clock_seconds(text) for text in encoded.dictionary.to_pylist()],
        dtype=np.float64,
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
