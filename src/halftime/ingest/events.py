"""Rows of one play-by-play table, cleaned and put in event order.

A row needs a readable game id, period and clock to be placed in a game's timeline.
Rows without them are counted by reason, and their game is rejected (unreadable id,
reported with the value as written) or flagged ``unusable_rows`` (clock or period):
an empty clock is never read as 0:00. The rows kept are ordered by game, period and
elapsed time, keeping the feed's own order inside one second (``EVENTNUM`` is not
chronological).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from halftime.errors import DataError
from halftime.ingest import issues
from halftime.ingest.clock import elapsed_seconds_array, parse_clock_column
from halftime.ingest.ids import normalize_game_id
from halftime.ingest.issues import GameIssue
from halftime.ingest.readers import RawTable
from halftime.ingest.score import check_scores, parse_scores

DETAIL_ROWS: Final = 5
"""Rows quoted in a flag's detail."""

KEY_STRIDE: Final = 10_000.0
"""More than any elapsed second count: ``game * KEY_STRIDE + seconds`` sorts by game."""
_PERIOD_STRIDE: Final = 1_000  # > any period number

GAME_COLUMNS: Final = (
    "game_id",
    "season",
    "season_type",
    "margin",
    "n_periods",
    "home_final",
    "away_final",
    "flags",
    "unfinished",
)
"""Columns of a table's games; ``unfinished`` says why a game is not complete
through its last period ("" when it is), for the pipeline to decide."""

LAST_PERIOD_UNFINISHED: Final = "last period not finished"


@dataclass
class TableOutcome:
    """What one table of play-by-play gave.

    Attributes
    ----------
    games : DataFrame of shape (n_kept, 8)
        Columns :data:`GAME_COLUMNS`, one row per kept game.
    rejected, flagged, missing : list of GameIssue
        Rejected games with their reason; flags of kept games with details;
        games named by the source that have no rows.
    dropped_rows : Counter
        Rows left out, by reason.
    n_rows : int
        Rows read.
    teams : dict of str to (str, str)
        Home and away tricodes written in the source, by game.
    """

    games: pd.DataFrame
    rejected: list[GameIssue] = field(default_factory=list)
    flagged: list[GameIssue] = field(default_factory=list)
    missing: list[GameIssue] = field(default_factory=list)
    dropped_rows: Counter[str] = field(default_factory=Counter)
    n_rows: int = 0
    teams: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Events:
    """Usable rows of one table in event order (all arrays of shape (n_events,))."""

    game: NDArray[np.int64]
    row: NDArray[np.int64]
    period: NDArray[np.int64]
    remaining: NDArray[np.float64]
    elapsed: NDArray[np.float64]
    event_type: NDArray[np.int64]
    home: NDArray[np.float64]
    away: NDArray[np.float64]


def order_events(
    raw: RawTable, outcome: TableOutcome
) -> tuple[Events, NDArray[np.object_]] | None:
    """Clean one table's rows and put them in event order.

    Rows with an unreadable game id, clock or period are counted in ``outcome``
    (and their games rejected or flagged); the rest are returned sorted by game,
    period and elapsed time, file order inside one second. None if no row is left.

    Raises
    ------
    DataError
        If a ``SCORE`` cell is unreadable or disagrees with ``SCOREMARGIN``.
    """
    table = raw.table
    source = raw.source
    outcome.teams.update(raw.teams)
    outcome.missing.extend(
        GameIssue(
            gid, issues.NO_PLAY_BY_PLAY, f"no play-by-play for game {gid}", source
        )
        for gid in raw.empty_games
    )
    if table.num_rows == 0:
        return None
    row_number = np.arange(1, table.num_rows + 1, dtype=np.int64)

    # Step 1: game ids; rows with an unreadable id are rejected with their value.
    game_code, ids = _game_codes(table.column("GAME_ID"))
    bad = game_code < 0
    if bad.any():
        _reject_bad_ids(table.column("GAME_ID"), bad, row_number, outcome, source)

    # Step 2: period, event type, clock and score of every row.
    period = _to_int(table.column("PERIOD"), default=0)
    event_type = _to_int(table.column("EVENTMSGTYPE"), default=-1)
    remaining = parse_clock_column(table.column("PCTIMESTRING"), period)
    margin_column = (
        table.column("SCOREMARGIN") if "SCOREMARGIN" in table.column_names else None
    )
    scores = parse_scores(table.column("SCORE"), margin_column)
    named = np.append(ids, "with an unreadable id")
    check_scores(scores, named[game_code], row_number, source)

    unusable = np.isnan(remaining) & ~bad
    if unusable.any():
        outcome.dropped_rows["unreadable clock or period"] += int(unusable.sum())
        for code in np.unique(game_code[unusable]):
            rows = row_number[unusable & (game_code == code)]
            outcome.flagged.append(
                GameIssue(
                    str(ids[code]),
                    issues.UNUSABLE_ROWS,
                    f"{len(rows)} row(s) with an unreadable clock or period dropped, "
                    f"data rows {rows[:DETAIL_ROWS].tolist()}",
                    source,
                )
            )
    keep = ~bad & ~unusable
    if not keep.any():
        return None

    # Step 3: stable order by (game, period, elapsed), file order inside a second.
    kept = np.flatnonzero(keep)
    elapsed_all = elapsed_seconds_array(period[kept], remaining[kept])
    # One key per row: game, then period, then elapsed; a stable sort keeps the
    # file order inside one second (and is fast on the nearly sorted feed).
    key = (game_code[kept] * _PERIOD_STRIDE + period[kept]) * KEY_STRIDE
    order = np.argsort(key + elapsed_all, kind="stable")
    rows = kept[order]
    ev = Events(
        game=game_code[rows],
        row=row_number[rows],
        period=period[rows],
        remaining=remaining[rows],
        elapsed=elapsed_all[order],
        event_type=event_type[rows],
        home=scores.home[rows],
        away=scores.away[rows],
    )
    return ev, ids


def _game_codes(
    column: pa.ChunkedArray,
) -> tuple[NDArray[np.int64], NDArray[np.object_]]:
    """Code every row by its game (sorted ids); -1 where the id is unreadable.

    Ids are cleaned once per distinct value written, not once per row.
    """
    encoded = pc.dictionary_encode(column.combine_chunks())
    written = encoded.dictionary.to_pylist()
    cleaned: list[str | None] = []
    for value in written:
        try:
            cleaned.append(normalize_game_id(value))
        except DataError:
            cleaned.append(None)
    ids = np.array(sorted({gid for gid in cleaned if gid is not None}), dtype=object)
    position = {gid: i for i, gid in enumerate(ids)}
    code_of_value = np.array(
        [position[gid] if gid is not None else -1 for gid in cleaned] + [-1],
        dtype=np.int64,
    )
    indices = encoded.indices.fill_null(len(written)).to_numpy(zero_copy_only=False)
    return code_of_value[indices], ids


def _reject_bad_ids(
    column: pa.ChunkedArray,
    bad: NDArray[np.bool_],
    row_number: NDArray[np.int64],
    outcome: TableOutcome,
    source: str,
) -> None:
    """Reject, with their values, the rows whose game id is unreadable (P7)."""
    values = pd.Series(column.to_pylist(), dtype=object)[bad].fillna("<blank>")
    values = values.astype(str)
    for value, count in values.value_counts().items():
        first = int(row_number[bad][np.flatnonzero(values.to_numpy() == value)[0]])
        outcome.rejected.append(
            GameIssue(
                str(value),
                issues.BAD_GAME_ID,
                f"game id {value!r} is not ten digits after cleaning "
                f"({count} row(s), first at data row {first})",
                source,
            )
        )
    outcome.dropped_rows["bad game id"] += int(bad.sum())


def _to_int(values: pa.ChunkedArray | pa.Array, default: int) -> NDArray[np.int64]:
    """Text integers to int64; ``default`` where blank or unreadable."""
    try:
        ints = pc.cast(values, pa.int64())
        out = np.asarray(ints.fill_null(default).to_numpy(zero_copy_only=False))
        return out.astype(np.int64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers = pd.to_numeric(
            pd.Series(values.to_pylist(), dtype=object), errors="coerce"
        ).to_numpy(dtype=np.float64, na_value=np.nan)
        whole = np.isfinite(numbers) & (numbers == np.round(numbers))
        return np.where(whole, numbers, default).astype(np.int64)


def clock_text(remaining: float) -> str:
    """Seconds remaining as ``M:SS``."""
    minutes, seconds = divmod(remaining, 60)
    return f"{int(minutes)}:{seconds:04.1f}".replace(".0", "")


def empty_games_table() -> pd.DataFrame:
    """A games table with no rows and the columns of :data:`GAME_COLUMNS`."""
    return pd.DataFrame({column: [] for column in GAME_COLUMNS})
