"""Rows of one play-by-play table, cleaned and put in event order.

A row needs a readable game id, period and clock to be placed in a game's timeline.
Rows without them, or without a whole-number ``EVENTMSGTYPE``, are counted by
reason: a row with an unreadable id is rejected with the value as written; a game
with some unusable rows (clock, period or event type) is flagged ``unusable_rows``
with the rows and values, and a game whose every row is unusable is rejected
(``no_usable_rows``) with the count. An empty clock is never read as 0:00 and an
empty event type never read as a type. A game with a team score above
:data:`MAX_TEAM_SCORE` is rejected whole (``implausible_score``), naming the row.
The rows kept are ordered by game, period and elapsed time, keeping the feed's own
order inside one second (``EVENTNUM`` is not chronological).
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
_INT_LIMIT: Final = 2.0**31  # integers beyond this are not periods or types
_UNREADABLE: Final = -(2**62)  # an event type that no file writes

MAX_TEAM_SCORE: Final = 400
"""Highest believable score of one team (the NBA record is 186): a larger score is
a corrupt row, and its game is rejected (``implausible_score``)."""

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
    "n_events",
)
"""Columns of a table's games; ``unfinished`` says why a game is not complete
through its last period ("" when it is), for the pipeline to decide, and
``n_events`` counts its usable rows (to choose between two copies of a game)."""

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

    Rows with an unreadable game id, clock, period or event type are counted in
    ``outcome`` (and their games rejected or flagged); the rest are returned sorted
    by game, period and elapsed time, file order inside one second. None if no row
    is left.

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
    event_type = _to_int(table.column("EVENTMSGTYPE"), default=_UNREADABLE)
    remaining = parse_clock_column(table.column("PCTIMESTRING"), period)
    margin_column = (
        table.column("SCOREMARGIN") if "SCOREMARGIN" in table.column_names else None
    )
    scores = parse_scores(table.column("SCORE"), margin_column)
    named = np.append(ids, "with an unreadable id")
    check_scores(scores, named[game_code], row_number, source)

    # Step 3: games with an implausible score are rejected whole, naming the row;
    # their rows never reach the vectorised steps that span games.
    rejected = np.zeros(len(ids) + 1, dtype=bool)
    with np.errstate(invalid="ignore"):
        huge = ~bad & ((scores.home > MAX_TEAM_SCORE) | (scores.away > MAX_TEAM_SCORE))
    for code in np.unique(game_code[huge]):
        hits = np.flatnonzero(huge & (game_code == code))
        i = int(hits[0])
        rejected[code] = True
        outcome.rejected.append(
            GameIssue(
                str(ids[code]),
                issues.IMPLAUSIBLE_SCORE,
                f"{len(hits)} row(s) with a team score above {MAX_TEAM_SCORE}, first "
                f"at data row {row_number[i]} (SCORE "
                f"{table.column('SCORE')[i].as_py()}, away - home)",
                source,
            )
        )

    # Step 4: rows that cannot be placed (clock, period) or typed (event type).
    no_clock = np.isnan(remaining)
    no_type = event_type == _UNREADABLE
    unusable = (no_clock | no_type) & ~bad
    if unusable.any():
        outcome.dropped_rows["unreadable clock or period"] += int(
            (no_clock & ~bad).sum()
        )
        outcome.dropped_rows["unreadable event type"] += int(
            (no_type & ~no_clock & ~bad).sum()
        )
        outcome.dropped_rows = +outcome.dropped_rows
        type_text = table.column("EVENTMSGTYPE")
        usable_rows = np.bincount(game_code[~bad & ~unusable], minlength=len(ids) + 1)
        for code in np.unique(game_code[unusable]):
            if rejected[code]:
                continue
            rows = np.flatnonzero(unusable & (game_code == code))
            detail = _unusable_detail(rows, no_clock, type_text, row_number)
            if usable_rows[code] == 0:
                rejected[code] = True
                outcome.rejected.append(
                    GameIssue(
                        str(ids[code]),
                        issues.NO_USABLE_ROWS,
                        f"every row is unusable: {detail}",
                        source,
                    )
                )
                continue
            outcome.flagged.append(
                GameIssue(
                    str(ids[code]), issues.UNUSABLE_ROWS, f"{detail} dropped", source
                )
            )
    keep = ~bad & ~unusable & ~rejected[game_code]
    if not keep.any():
        return None

    # Step 5: stable order by (game, period, elapsed), file order inside a second.
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


def _unusable_detail(
    rows: NDArray[np.intp],
    no_clock: NDArray[np.bool_],
    type_text: pa.ChunkedArray,
    row_number: NDArray[np.int64],
) -> str:
    """Say how many rows of a game are unusable, why, and quote a few."""
    clock_rows = rows[no_clock[rows]]
    type_rows = rows[~no_clock[rows]]
    parts = []
    if len(clock_rows):
        parts.append(
            f"{len(clock_rows)} row(s) with an unreadable clock or period, data rows "
            f"{row_number[clock_rows[:DETAIL_ROWS]].tolist()}"
        )
    if len(type_rows):
        values = pc.take(type_text, pa.array(type_rows[:DETAIL_ROWS])).to_pylist()
        quoted = ", ".join(
            f"data row {row_number[i]} ({value!r})"
            for i, value in zip(type_rows[:DETAIL_ROWS], values, strict=True)
        )
        parts.append(
            f"{len(type_rows)} row(s) whose EVENTMSGTYPE is not a whole number: "
            f"{quoted}"
        )
    return "; ".join(parts)


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
        out = out.astype(np.int64)
        return np.where(np.abs(out) < _INT_LIMIT, out, default)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers = pd.to_numeric(
            pd.Series(values.to_pylist(), dtype=object), errors="coerce"
        ).to_numpy(dtype=np.float64, na_value=np.nan)
        whole = (
            np.isfinite(numbers)
            & (numbers == np.round(numbers))
            & (np.abs(numbers) < _INT_LIMIT)
        )
        return np.where(whole, numbers, default).astype(np.int64)


def clock_text(remaining: float) -> str:
    """Seconds remaining as ``M:SS``."""
    minutes, seconds = divmod(remaining, 60)
    return f"{int(minutes)}:{seconds:04.1f}".replace(".0", "")


def empty_games_table() -> pd.DataFrame:
    """A games table with no rows and the columns of :data:`GAME_COLUMNS`."""
    return pd.DataFrame({column: [] for column in GAME_COLUMNS})
