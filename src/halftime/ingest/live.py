"""One game in progress: its margins so far, refused where the feed has a gap.

A live feed is read with the same readers and score rules as finished games. The
margins run from minute 0 to ``k``, the last whole minute of game time reached by
an event. A stretch of the first ``cutoff`` minutes with no row at all (longer than
``max_gap_seconds``) means the feed lost events: carrying the margin across it would
forecast from invented values, so it is an error naming the minutes (case P8); so
is a game past the cutoff minute whose last row before it is older than
``max_stale_seconds``. A game with no score yet has margins of 0 so far.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray

from halftime.constants import DEFAULT_CUTOFF
from halftime.errors import DataError
from halftime.ingest.events import (
    Events,
    TableOutcome,
    empty_games_table,
    order_events,
)
from halftime.ingest.gamelogs import read_gamelogs
from halftime.ingest.readers import RawTable, read_raw
from halftime.ingest.running import running_scores

LIVE_MAX_GAP_SECONDS: Final = 150.0
"""Longest stretch without any row accepted inside the first ``cutoff`` minutes.

Measured on the shared play-by-play (2015-16 and 2016-17, 2,460 games): rows come
every 20-30 s; the largest stretch without a row in the first 18 minutes of any
game is 96 s in 2015-16 and 112 s in 2016-17, the 99th percentile of a game's
largest stretch 33-34 s. 150 s is a third above the worst real game, so it refuses
only feeds that lost rows."""

LIVE_MAX_STALE_SECONDS: Final = 90.0
"""Oldest the last row may be at the cutoff minute, once the game has passed it.

In the same seasons the last row at or before minute 18 is at most 31 s old (99th
percentile 22 s); a feed whose rows stop well before the cutoff minute and resume
after it would give the margin at the cutoff from a carried-forward value."""


@dataclass(frozen=True)
class LiveGame:
    """A game in progress.

    Attributes
    ----------
    game_id : str
    margins : ndarray of shape (k + 1,), int, points
        Home minus away after minutes ``0..k``; ``margins[0] == 0``.
    elapsed_seconds : float
        Game time of the last event, in seconds.
    home_team, away_team : str
        Tricodes, ``""`` where unknown.
    flags : tuple of str
        Data-quality flags (as in the games table).
    """

    game_id: str
    margins: NDArray[np.int64]
    elapsed_seconds: float
    home_team: str = ""
    away_team: str = ""
    flags: tuple[str, ...] = field(default=())

    @property
    def minutes_played(self) -> int:
        """``k``, the last whole minute reached."""
        return len(self.margins) - 1


def _clock(seconds: float) -> str:
    """Game time as ``M:SS``."""
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def read_live_game(
    path: Path,
    *,
    game_id: str | None = None,
    gamelogs: Path | None = None,
    cutoff: int = DEFAULT_CUTOFF,
    max_gap_seconds: float = LIVE_MAX_GAP_SECONDS,
    max_stale_seconds: float = LIVE_MAX_STALE_SECONDS,
) -> LiveGame:
    """Read the margins so far of one game in progress.

    Parameters
    ----------
    path : Path
        A play-by-play file of any accepted shape (see :mod:`.readers`).
    game_id : str, optional
        The game to read when the file holds several.
    gamelogs : Path, optional
        A game log giving the teams (v3 files name them themselves).
    cutoff : int, default 18
        Minutes checked for gaps.
    max_gap_seconds : float, default 150
        Longest stretch without a row accepted inside the first ``cutoff`` minutes.
    max_stale_seconds : float, default 90
        Once the last event is past minute ``cutoff``: the oldest the last row at
        or before minute ``cutoff`` may be.

    Returns
    -------
    LiveGame
        Margins after minutes ``0..k``, ``k`` the last whole minute reached by the
        last event's elapsed time (all 0 before the first score).

    Raises
    ------
    DataError
        If the file has no usable rows for the game (saying why), holds several
        games and none is chosen, has an unreadable or contradictory score, has a
        gap, or its last row before the cutoff minute is stale.
    """
    raw = read_raw(Path(path))
    outcome = TableOutcome(games=empty_games_table(), n_rows=raw.table.num_rows)
    ordered = order_events(raw, outcome)
    if ordered is None:
        raise DataError(f"{path}: {_why_nothing(raw, outcome)}")
    ev, ids = ordered
    ids = ids[np.unique(ev.game)]  # games left with rows (others were rejected)
    ev = _recode(ev, np.searchsorted(np.unique(ev.game), ev.game))
    if game_id is None:
        if len(ids) != 1:
            raise DataError(
                f"{path}: holds {len(ids)} games ({', '.join(map(str, ids[:5]))}); "
                "choose one (`halftime predict --game-id`, or game_id= in Python)"
            )
        code = 0
    else:
        matches = np.flatnonzero(ids == game_id)
        if not len(matches):
            why = [
                f"{i.kind}, {i.detail}"
                for i in outcome.rejected
                if i.game_id == game_id
            ]
            raise DataError(
                f"{path}: no usable rows for game {game_id}"
                + (f" ({'; '.join(why)})" if why else "")
                + f"; the file holds {', '.join(map(str, ids[:5]))}"
            )
        code = int(matches[0])
    chosen = str(ids[code])

    running = running_scores(ev, ids, outcome, raw.source)
    elapsed = ev.elapsed[ev.game == code]
    last = float(elapsed.max())
    _check_gaps(elapsed, cutoff * 60.0, max_gap_seconds, chosen, path)
    _check_stale(elapsed, cutoff * 60.0, max_stale_seconds, chosen, path)

    # Margin after each whole minute: the last scoring row at or before it (0 - 0
    # before the first; a game with no score yet has all-zero margins).
    k = math.floor(last / 60)
    in_game = running.game == code
    times = ev.elapsed[running.position[in_game]]
    margin_rows = np.append(0.0, running.home[in_game] - running.away[in_game])
    last_row = np.searchsorted(times, np.arange(k + 1) * 60.0, side="right")
    margins = margin_rows[last_row]
    margins[0] = 0.0  # the game starts 0 - 0 (see margins.py)

    home, away = raw.teams.get(chosen, ("", ""))
    if gamelogs is not None:
        logs = read_gamelogs(gamelogs)
        if chosen in logs.index:
            home = str(logs.at[chosen, "home_team"])
            away = str(logs.at[chosen, "away_team"])
    flags = tuple(sorted({i.kind for i in outcome.flagged if i.game_id == chosen}))
    return LiveGame(
        game_id=chosen,
        margins=margins.astype(np.int64),
        elapsed_seconds=last,
        home_team=home,
        away_team=away,
        flags=flags,
    )


def _why_nothing(raw: RawTable, outcome: TableOutcome) -> str:
    """Say why a file gave no usable row: empty, or each row's problem."""
    if raw.table.num_rows == 0:
        named = ", ".join(raw.empty_games) or "(no game named by the file)"
        return f"no play-by-play for game {named}: the file has no rows"
    reasons = [f"game {i.game_id}: {i.kind}, {i.detail}" for i in outcome.rejected]
    dropped = ", ".join(f"{n} {why}" for why, n in outcome.dropped_rows.items())
    return "no usable play-by-play row: " + "; ".join(
        reasons + ([f"rows dropped: {dropped}"] if dropped else [])
    )


def _recode(ev: Events, game: NDArray[np.int64]) -> Events:
    """The same events with new game codes."""
    return replace(ev, game=game.astype(np.int64))


def _check_stale(
    elapsed: NDArray[np.float64],
    cutoff_seconds: float,
    max_stale: float,
    game_id: str,
    path: Path,
) -> None:
    """Raise if the game passed the cutoff but its last row before it is old."""
    if elapsed.max() < cutoff_seconds:
        return
    before = elapsed[elapsed <= cutoff_seconds]
    latest = float(before.max()) if len(before) else 0.0
    if cutoff_seconds - latest > max_stale:
        raise DataError(
            f"{path}: game {game_id} has no play-by-play rows between game time "
            f"{_clock(latest)} and the cutoff minute {_clock(cutoff_seconds)} "
            f"({cutoff_seconds - latest:g} s, more than {max_stale:g} s); the margin "
            "at the cutoff would be carried forward, not observed, so it is not "
            "forecast"
        )


def _check_gaps(
    elapsed: NDArray[np.float64],
    window: float,
    max_gap: float,
    game_id: str,
    path: Path,
) -> None:
    """Raise if the rows leave a stretch longer than ``max_gap`` inside ``window``."""
    times = np.concatenate(([0.0], np.sort(elapsed)))
    inside = times[times <= window]
    after = times[times > window]
    times = np.concatenate((inside, after[:1]))
    gaps = np.diff(times)
    where = np.flatnonzero(gaps > max_gap)
    if len(where):
        stretches = ", ".join(
            f"{_clock(times[i])}-{_clock(times[i + 1])} (minutes "
            f"{math.floor(times[i] / 60) + 1}-{math.ceil(times[i + 1] / 60)})"
            for i in where
        )
        raise DataError(
            f"{path}: game {game_id} has no play-by-play rows in game time "
            f"{stretches}, longer than {max_gap:g} s; its margins there would be "
            "carried forward, not observed, so it is not forecast"
        )
