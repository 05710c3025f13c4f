"""The score rules: which rows move the score, and what a backward score does.

Only a made shot or a free throw (``EVENTMSGTYPE`` 1 or 3) moves the score; a score
written on another row is checked against the running score and, where it differs,
flagged ``nonscoring_row_score`` without being applied (case P1). Each team's
running score is the running maximum of its scores, so a row lowering a team's score
changes nothing for that team and is flagged ``score_decrease``. A row adding more
than three points to a team (``score_jump``), a first score one play cannot reach
from 0 - 0 (``first_score_unreachable``) and a score stamped at 0 s of game time
(``score_at_start``) are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from halftime.ingest import issues
from halftime.ingest.events import DETAIL_ROWS, Events, TableOutcome, clock_text
from halftime.ingest.issues import GameIssue
from halftime.ingest.readers import SCORING_EVENT_TYPES

MAX_POINTS_PER_ROW: Final = 3
"""The most one row can add to a team's score (a three, or an and-one free throw)."""


@dataclass(frozen=True)
class Running:
    """Scoring rows in event order and each team's running score after them.

    Attributes
    ----------
    position : ndarray of shape (n_scoring,), int
        Index of each scoring row in :class:`~halftime.ingest.events.Events`.
    game : ndarray of shape (n_scoring,), int
        Game code of each scoring row.
    home, away : ndarray of shape (n_scoring,), float, points
        Running scores after each scoring row.
    """

    position: NDArray[np.intp]
    game: NDArray[np.int64]
    home: NDArray[np.float64]
    away: NDArray[np.float64]

    def margin_before(
        self, index: NDArray[np.intp], game: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Running (home, away) after scoring row ``index`` if it is in ``game``.

        Parameters
        ----------
        index : ndarray of shape (n,), int
            Positions in the scoring rows; -1 (before any) gives 0 - 0.
        game : ndarray of shape (n,), int
            The game each query belongs to; a row of another game gives 0 - 0.

        Returns
        -------
        home, away : ndarray of shape (n,), float, points
        """
        padded = np.where(index < 0, len(self.game), index)
        same = np.append(self.game, -1)[padded] == game
        home = np.where(same, np.append(self.home, 0.0)[padded], 0.0)
        away = np.where(same, np.append(self.away, 0.0)[padded], 0.0)
        return home, away


def _per_game_cummax(
    values: NDArray[np.float64], game: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Running maximum of ``values`` restarted at each game.

    Grouped by game, so no value of one game can reach another, whatever it is.
    """
    if len(values) == 0:
        return values.copy()
    running = pd.Series(values).groupby(game, sort=False).cummax()
    return np.asarray(running.to_numpy(dtype=np.float64), dtype=np.float64)


def _previous_in_game(
    running: NDArray[np.float64], game: NDArray[np.int64]
) -> NDArray[np.float64]:
    """The running value before each row of its game (0 for a game's first row)."""
    previous = np.concatenate(([0.0], running[:-1]))
    first = np.concatenate(([True], game[1:] != game[:-1]))
    return np.where(first, 0.0, previous)


def running_scores(
    ev: Events,
    ids: NDArray[np.object_],
    outcome: TableOutcome,
    source: str,
) -> Running:
    """Apply the score rules; flag decreases, jumps, odd first and stray scores.

    Parameters
    ----------
    ev : Events
        Usable rows in event order.
    ids : ndarray of shape (n_games,), str
        Game id of each game code.
    outcome : TableOutcome
        Receives the flags.
    source : str
        The file, for the flags.

    Returns
    -------
    Running
    """
    has_score = ~np.isnan(ev.home)
    scoring = has_score & np.isin(ev.event_type, SCORING_EVENT_TYPES)
    position = np.flatnonzero(scoring)
    game = ev.game[position]
    raw_home, raw_away = ev.home[position], ev.away[position]
    home = _per_game_cummax(raw_home, game)
    away = _per_game_cummax(raw_away, game)
    before_home = _previous_in_game(home, game)
    before_away = _previous_in_game(away, game)

    def flag(mask: NDArray[np.bool_], kind: str, what: str) -> None:
        for code in np.unique(game[mask]):
            hits = position[mask & (game == code)]
            quoted = ", ".join(
                f"data row {ev.row[i]} (period {ev.period[i]} "
                f"{clock_text(ev.remaining[i])}, {ev.away[i]:.0f} - {ev.home[i]:.0f})"
                for i in hits[:DETAIL_ROWS]
            )
            outcome.flagged.append(
                GameIssue(str(ids[code]), kind, f"{len(hits)} {what}: {quoted}", source)
            )

    flag(
        (raw_home < before_home) | (raw_away < before_away),
        issues.SCORE_DECREASE,
        "row(s) lowering a team's score, ignored for that team (away - home)",
    )
    first = np.concatenate(([True], game[1:] != game[:-1]))
    flag(
        ~first
        & (
            (home - before_home > MAX_POINTS_PER_ROW)
            | (away - before_away > MAX_POINTS_PER_ROW)
        ),
        issues.SCORE_JUMP,
        f"row(s) adding more than {MAX_POINTS_PER_ROW} points to a team",
    )
    flag(
        first
        & (
            (raw_home + raw_away > MAX_POINTS_PER_ROW)
            | ((raw_home > 0) & (raw_away > 0))
        ),
        issues.FIRST_SCORE_UNREACHABLE,
        "first score(s) not reachable from 0 - 0 by one play",
    )

    at_start = ev.elapsed[position] <= 0
    flag(
        at_start,
        issues.SCORE_AT_START,
        "score(s) stamped at 0 s of game time, counted toward minute 1",
    )

    # A score on a non-scoring row is checked against the running score there.
    stray = np.flatnonzero(has_score & ~scoring)
    if len(stray):
        last = np.searchsorted(position, stray, side="right") - 1
        running = Running(position=position, game=game, home=home, away=away)
        current_home, current_away = running.margin_before(last, ev.game[stray])
        differs = (ev.home[stray] != current_home) | (ev.away[stray] != current_away)
        for code in np.unique(ev.game[stray[differs]]):
            hits = stray[differs & (ev.game[stray] == code)]
            quoted = ", ".join(
                f"data row {ev.row[i]} (type {ev.event_type[i]}, period {ev.period[i]} "
                f"{clock_text(ev.remaining[i])}, {ev.away[i]:.0f} - {ev.home[i]:.0f})"
                for i in hits[:DETAIL_ROWS]
            )
            outcome.flagged.append(
                GameIssue(
                    str(ids[code]),
                    issues.NONSCORING_ROW_SCORE,
                    f"{len(hits)} score(s) on non-scoring rows differ from the running "
                    f"score and were not applied (away - home): {quoted}",
                    source,
                )
            )
    return Running(position=position, game=game, home=home, away=away)
