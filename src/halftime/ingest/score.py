"""The score columns of stats.nba.com play-by-play (cases P2 and P3).

``SCORE`` is written visitor first, ``"AWAY - HOME"``: ``"98 - 101"`` means the home
team has 101 and the visitor 98. ``SCOREMARGIN`` is home minus away as text, ``TIE``
when level. Both are blank on rows that change nothing, and some feeds write the
literal ``None`` there: blank and ``None`` mean "no new score", never 0. Where both
columns are written they must agree; a disagreement is an error naming the row, and
so is a written ``SCOREMARGIN`` that is not a whole number or ``TIE`` (``abc``,
``2.0``) or that stands on a row without a ``SCORE``: a margin is never ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from halftime.errors import DataError

_SCORE_PATTERN: Final = r"^\s*(?P<away>\d+)\s*-\s*(?P<home>\d+)\s*$"
_NO_VALUE: Final = ("", "None", "none", "null", "NULL", "nan", "NaN")


@dataclass(frozen=True)
class ParsedScores:
    """Scores written on some rows of a play-by-play table.

    Attributes
    ----------
    home, away : ndarray of shape (n_rows,), float, points
        The score written on the row; NaN where the row writes no score.
    bad_rows : ndarray of shape (n_bad,), int
        Positions of rows whose ``SCORE`` is written but is not ``"AWAY - HOME"``.
    mismatch_rows : ndarray of shape (n_mismatch,), int
        Positions of rows whose ``SCOREMARGIN`` disagrees with their ``SCORE``.
    bad_margin_rows : ndarray of shape (n_bad_margin,), int
        Positions of rows whose ``SCOREMARGIN`` is written but is not a whole
        number or ``TIE`` (e.g. ``abc``, ``2.0``).
    orphan_margin_rows : ndarray of shape (n_orphan,), int
        Positions of rows with a ``SCOREMARGIN`` but no ``SCORE``.
    """

    home: NDArray[np.float64]
    away: NDArray[np.float64]
    bad_rows: NDArray[np.intp]
    mismatch_rows: NDArray[np.intp]
    bad_margin_rows: NDArray[np.intp] = field(
        default_factory=lambda: np.empty(0, dtype=np.intp)
    )
    orphan_margin_rows: NDArray[np.intp] = field(
        default_factory=lambda: np.empty(0, dtype=np.intp)
    )


def _written(values: pa.Array | pa.ChunkedArray) -> NDArray[np.bool_]:
    """True where a text cell holds a value (not null, blank or ``None``)."""
    trimmed = pc.utf8_trim_whitespace(values.cast(pa.string()))
    empty = pc.is_in(trimmed, value_set=pa.array(_NO_VALUE))
    written = pc.and_(pc.is_valid(trimmed), pc.invert(empty))
    return np.asarray(written.to_numpy(zero_copy_only=False), dtype=bool)


def parse_scores(
    score: pa.Array | pa.ChunkedArray,
    score_margin: pa.Array | pa.ChunkedArray | None,
) -> ParsedScores:
    """Parse ``SCORE`` (and check it against ``SCOREMARGIN`` when given).

    Parameters
    ----------
    score : pyarrow string array of shape (n_rows,)
        ``"AWAY - HOME"`` on score rows; blank, null or ``None`` elsewhere.
    score_margin : pyarrow string array of shape (n_rows,) or None
        Home minus away, ``TIE`` for 0; blank, null or ``None`` where not written.

    Returns
    -------
    ParsedScores
    """
    n_rows = len(score)
    home = np.full(n_rows, np.nan)
    away = np.full(n_rows, np.nan)
    empty = np.empty(0, dtype=np.intp)
    has_score = _written(score)
    bad_margin, orphan = empty, empty
    if score_margin is not None:
        margin_rows = np.flatnonzero(_written(score_margin))
        if len(margin_rows):
            margin_all = _parse_margin(
                pc.take(score_margin.cast(pa.string()), pa.array(margin_rows))
            )
            bad_margin = margin_rows[np.isnan(margin_all)]
            orphan = margin_rows[~has_score[margin_rows]]
    rows = np.flatnonzero(has_score)
    if len(rows) == 0:
        return ParsedScores(home, away, empty, empty, bad_margin, orphan)

    texts = pc.take(score.cast(pa.string()), pa.array(rows))
    parts = pc.extract_regex(texts, pattern=_SCORE_PATTERN)
    away_part = pc.cast(pc.struct_field(parts, "away"), pa.float64())
    home_part = pc.cast(pc.struct_field(parts, "home"), pa.float64())
    away_values = np.asarray(away_part.to_numpy(zero_copy_only=False), dtype=float)
    home_values = np.asarray(home_part.to_numpy(zero_copy_only=False), dtype=float)
    bad = np.isnan(away_values) | np.isnan(home_values)
    home[rows] = home_values
    away[rows] = away_values

    mismatch = empty
    if score_margin is not None:
        margin = _parse_margin(pc.take(score_margin.cast(pa.string()), pa.array(rows)))
        written = ~np.isnan(margin) & ~bad
        disagree = written & (margin != home_values - away_values)
        mismatch = rows[disagree]
    return ParsedScores(home, away, rows[bad], mismatch, bad_margin, orphan)


def _parse_margin(values: pa.Array | pa.ChunkedArray) -> NDArray[np.float64]:
    """``SCOREMARGIN`` texts to floats: ``TIE`` is 0, unwritten is NaN."""
    trimmed = pc.utf8_trim_whitespace(values)
    tie = pc.equal(pc.utf8_upper(trimmed), "TIE")
    numeric = pc.if_else(tie, "0", trimmed)
    numeric = pc.if_else(
        pc.match_substring_regex(numeric, r"^[+-]?\d+$"), numeric, None
    )
    floats = pc.cast(numeric, pa.float64())
    return np.asarray(floats.to_numpy(zero_copy_only=False), dtype=float)


def check_scores(
    parsed: ParsedScores,
    game_ids: NDArray[np.object_],
    rows: NDArray[np.int64],
    where: str,
) -> None:
    """Raise :class:`DataError` for the first unreadable or contradictory score row.

    Checked in turn: ``SCORE`` not ``"AWAY - HOME"``; ``SCOREMARGIN`` written but
    unreadable; ``SCOREMARGIN`` without a ``SCORE``; the two disagreeing.

    Parameters
    ----------
    parsed : ParsedScores
    game_ids : ndarray of shape (n_rows,), str
    rows : ndarray of shape (n_rows,), int
        Data-row numbers in the source (1 = first row after the header).
    where : str
        The source, for the message.
    """
    if len(parsed.bad_rows):
        i = int(parsed.bad_rows[0])
        raise DataError(
            f"{where}: game {game_ids[i]}, data row {rows[i]}: SCORE is not "
            f'"AWAY - HOME" ({len(parsed.bad_rows)} such row(s)); accepted: '
            '"98 - 101", blank or None'
        )
    if len(parsed.bad_margin_rows):
        i = int(parsed.bad_margin_rows[0])
        raise DataError(
            f"{where}: game {game_ids[i]}, data row {rows[i]}: SCOREMARGIN is "
            f"written but is not a whole number or TIE "
            f"({len(parsed.bad_margin_rows)} such row(s)); accepted: 3, -12, TIE, "
            "blank or None"
        )
    if len(parsed.orphan_margin_rows):
        i = int(parsed.orphan_margin_rows[0])
        raise DataError(
            f"{where}: game {game_ids[i]}, data row {rows[i]}: SCOREMARGIN is "
            f"written but SCORE is blank ({len(parsed.orphan_margin_rows)} such "
            'row(s)); a row with a margin must write its score, "AWAY - HOME"'
        )
    if len(parsed.mismatch_rows):
        i = int(parsed.mismatch_rows[0])
        home, away = parsed.home[i], parsed.away[i]
        raise DataError(
            f"{where}: game {game_ids[i]}, data row {rows[i]}: SCORE "
            f'"{away:.0f} - {home:.0f}" (away - home) gives a home margin of '
            f"{home - away:+.0f} but SCOREMARGIN disagrees "
            f"({len(parsed.mismatch_rows)} such row(s)); SCOREMARGIN must be home "
            "minus away, TIE when level"
        )
