"""One game in progress: its margins so far, refused where the feed has a gap.

A live feed is read with the same readers and score rules as finished games. The
margins run from minute 0 to ``k``, the last whole minute of game time reached by
an event. A stretch of the first ``cutoff`` minutes with no row at all (longer than
``max_gap_seconds``) means the feed lost events: carrying the margin across it would
forecast from invented values, so it is an error naming the minutes (case P8).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray

from halftime.constants import DEFAULT_CUTOFF
from halftime.errors import DataError
from halftime.ingest.events import TableOutcome, empty_games_table, order_events
from halftime.ingest.gamelogs import read_gamelogs
from halftime.ingest.readers import read_raw
from halftime.ingest.running import running_scores

LIVE_MAX_GAP_SECONDS: Final = 240.0
"""Longest stretch without any row accepted in a live feed (4 minutes)."""


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
    max_gap_seconds : float, default 240
        Longest stretch without a row accepted inside the first ``cutoff`` minutes.

    Returns
    -------
    LiveGame

    Raises
    ------
    DataError
        If the file has no rows for the game, holds several games and none is
        chosen, has an unreadable or contradictory score, or has a gap.
    """
    raw = read_raw(Path(path))
    outcome = TableOutcome(games=empty_games_table(), n_rows=raw.table.num_rows)
    ordered = order_events(raw, outcome)
    if ordered is None:
        named = raw.empty_games[0] if raw.empty_games else "in the file"
        raise DataError(f"{path}: no play-by-play for game {named}")
    ev, ids = ordered
    if game_id is None:
        if len(ids) != 1:
            raise DataError(
                f"{path}: holds {len(ids)} games ({', '.join(map(str, ids[:5]))}); "
                "choose one with game_id="
            )
        code = 0
    else:
        matches = np.flatnonzero(ids == game_id)
        if not len(matches):
            raise DataError(
                f"{path}: no rows for game {game_id}; the file holds "
                f"{', '.join(map(str, ids[:5]))}"
            )
        code = int(matches[0])
    chosen = str(ids[code])

    running = running_scores(ev, ids, outcome, raw.source)
    elapsed = ev.elapsed[ev.game == code]
    last = float(elapsed.max())
    _check_gaps(elapsed, cutoff * 60.0, max_gap_seconds, chosen, path)

    # Margin after each whole minute: the last scoring row at or before it.
    k = math.floor(last / 60)
    in_game = running.game == code
    times = ev.elapsed[running.position[in_game]]
    margin_rows = running.home[in_game] - running.away[in_game]
    last_row = np.searchsorted(times, np.arange(k + 1) * 60.0, side="right") - 1
    margins = np.where(last_row >= 0, margin_rows[np.maximum(last_row, 0)], 0.0)
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
