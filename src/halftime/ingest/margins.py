"""Per-minute margins of every game in one play-by-play table.

Rules (the data-quality report repeats them):

The rules are applied in :mod:`.events` (cleaning and order), :mod:`.running` (the
score) and here (minutes and completeness):

* Order: events are ordered by period and elapsed time; inside one second the feed's
  own row order is kept (a stable sort). ``EVENTNUM`` is not chronological (P4).
* Score: only a made shot or a free throw (``EVENTMSGTYPE`` 1 or 3) moves the score.
  A score written on another row never moves the margin; where it disagrees with the
  running score the game is flagged ``nonscoring_row_score`` (P1).
* Backward scores: each team's running score is the running maximum of its scores,
  so a row that lowers a team's score changes nothing for that team; the game is
  flagged ``score_decrease`` with the rows.
* A row raising a team's score by more than 3 points, or a first score that one
  play cannot reach from 0-0, is flagged (``score_jump``, ``first_score_unreachable``).
* ``margin(m)`` is home minus away after every event with elapsed time at most
  ``60*m`` seconds; minutes after the last event carry the last margin. The game
  starts 0-0, so ``margin(0) = 0``: a score stamped at 0 s counts toward minute 1
  and the game is flagged ``score_at_start``.
* Rows whose clock, period or event type cannot be read are dropped, counted and
  the game is flagged ``unusable_rows`` (a clock is never taken as 0); a game with
  no usable row is rejected (``no_usable_rows``), and so is a game with a team
  score above 400 (``implausible_score``), see :mod:`.events`.
* A game that no recognised scoring row moves at or before halftime is rejected
  (``no_scoring_events`` when scores are written only on other rows, else
  ``no_score_before_halftime``): it is never kept as an invented 0 - 0.
* Completeness: period ``p`` is complete when a later period has events, an
  end-of-period row (type 13) closes it, or its clock reaches 0:00. A game with no
  events in period 1 or 2, or whose period 2 is not complete, has no halftime label
  and is rejected. A game complete through every period from 1 to its last (at
  least 4) keeps ``49 + 5 * n_overtimes`` minutes. For any other kept game the
  table says what is unfinished, and :mod:`.official` decides (with the game
  log's official final) whether to keep minutes 0..24 only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from halftime.constants import (
    HALFTIME_MINUTE,
    OVERTIME_MINUTES,
    REGULATION_MINUTES,
    REGULATION_PERIODS,
)
from halftime.ingest import issues
from halftime.ingest.events import (
    KEY_STRIDE,
    LAST_PERIOD_UNFINISHED,
    Events,
    TableOutcome,
    clock_text,
    empty_games_table,
    order_events,
)
from halftime.ingest.ids import season_of, season_type_of
from halftime.ingest.issues import GameIssue
from halftime.ingest.readers import END_OF_PERIOD, RawTable
from halftime.ingest.running import Running, running_scores


def compute_table(raw: RawTable) -> TableOutcome:
    """Compute per-minute margins, rejections and flags of every game in ``raw``.

    Parameters
    ----------
    raw : RawTable
        One file's rows in file order.

    Returns
    -------
    TableOutcome

    Raises
    ------
    DataError
        If a ``SCORE`` cell is unreadable or disagrees with ``SCOREMARGIN``.
    """
    outcome = TableOutcome(games=empty_games_table(), n_rows=raw.table.num_rows)
    ordered = order_events(raw, outcome)
    if ordered is None:
        return outcome
    ev, ids = ordered
    source = raw.source
    n_games = len(ids)
    running = running_scores(ev, ids, outcome, source)
    lengths, unfinished, reasons = _completeness(ev, n_games, ids, source)
    _reject_scoreless(ev, running, lengths, ids, reasons, source)
    _fill_games(ev, running, lengths, unfinished, ids, outcome)
    outcome.rejected.extend(reasons)
    return outcome


def _completeness(
    ev: Events,
    n_games: int,
    ids: NDArray[np.object_],
    source: str,
) -> tuple[NDArray[np.int64], dict[int, str], list[GameIssue]]:
    """Margin length of every game if complete, 0 if rejected, and what is unfinished.

    Returns
    -------
    lengths : ndarray of shape (n_games,), int
        ``49 + 5 * overtimes`` for a kept game, 0 for a rejected one.
    unfinished : dict of int to str
        Why a kept game is not complete through its last period, by game code.
    rejected : list of GameIssue
    """
    n_periods = np.zeros(n_games, dtype=np.int64)
    np.maximum.at(n_periods, ev.game, ev.period)
    max_period = int(n_periods.max())
    present = np.zeros((n_games, max_period + 2), dtype=bool)
    present[ev.game, ev.period] = True
    closed = np.zeros_like(present)
    np.logical_or.at(closed, (ev.game, ev.period), ev.remaining == 0)
    ends = ev.event_type == END_OF_PERIOD
    closed[ev.game[ends], ev.period[ends]] = True
    # A period is complete if closed or if any later period has events.
    later = np.flip(np.logical_or.accumulate(np.flip(present, axis=1), axis=1), axis=1)
    later = np.concatenate((later[:, 1:], np.zeros((n_games, 1), dtype=bool)), axis=1)
    complete = closed | later

    last_in_game = np.concatenate((ev.game[1:] != ev.game[:-1], [True]))
    last_event = np.flatnonzero(last_in_game)
    lengths = np.zeros(n_games, dtype=np.int64)
    unfinished: dict[int, str] = {}
    rejected: list[GameIssue] = []
    has_rows = np.bincount(ev.game, minlength=n_games) > 0
    for code in np.flatnonzero(has_rows).tolist():
        gid = str(ids[code])
        n = int(n_periods[code])
        if not present[code, 1]:
            rejected.append(
                GameIssue(gid, issues.NO_PERIOD_1, "no events in period 1", source)
            )
            continue
        if not present[code, 2]:
            rejected.append(
                GameIssue(gid, issues.NO_PERIOD_2, "no events in period 2", source)
            )
            continue
        if not complete[code, 2]:
            i = last_event[code]
            rejected.append(
                GameIssue(
                    gid,
                    issues.NO_END_OF_PERIOD_2,
                    f"no halftime label: last event at {clock_text(ev.remaining[i])} "
                    f"of period {ev.period[i]} (data row {ev.row[i]}) and no end of "
                    "period 2",
                    source,
                )
            )
            continue
        overtimes = max(0, n - REGULATION_PERIODS)
        lengths[code] = REGULATION_MINUTES + OVERTIME_MINUTES * overtimes + 1
        missing = [p for p in range(1, n + 1) if not present[code, p]]
        if missing:
            unfinished[code] = f"no events in period(s) {missing}"
        elif n < REGULATION_PERIODS:
            unfinished[code] = f"ends after period {n}, before the end of regulation"
        elif not complete[code, n]:
            i = last_event[code]
            unfinished[code] = (
                f"{LAST_PERIOD_UNFINISHED}: last event at "
                f"{clock_text(ev.remaining[i])} of period {n} (data row {ev.row[i]}), "
                "no end-of-period row"
            )
    return lengths, unfinished, rejected


def _reject_scoreless(
    ev: Events,
    running: Running,
    lengths: NDArray[np.int64],
    ids: NDArray[np.object_],
    rejected: list[GameIssue],
    source: str,
) -> None:
    """Reject kept games that no recognised scoring row moves before halftime.

    A real first half has dozens of scoring rows; a game without one would be kept
    as 0 - 0 from invented values. ``lengths`` is set to 0 for the games rejected.
    """
    n_games = len(ids)
    halftime = HALFTIME_MINUTE * 60.0
    scoring = np.bincount(running.game, minlength=n_games)
    first_half = np.bincount(
        running.game[ev.elapsed[running.position] <= halftime], minlength=n_games
    )
    written = np.bincount(ev.game[~np.isnan(ev.home)], minlength=n_games)
    for code in np.flatnonzero((lengths > 0) & (first_half == 0)):
        gid = str(ids[code])
        if scoring[code] == 0 and written[code] > 0:
            kind = issues.NO_SCORING_EVENTS
            detail = (
                f"{written[code]} row(s) write a score but none is a recognised "
                "scoring event (EVENTMSGTYPE 1 made shot or 3 free throw; v3 "
                "actions whose score changes)"
            )
        else:
            kind = issues.NO_SCORE_BEFORE_HALFTIME
            detail = (
                "no scoring row at or before halftime (a real first half has dozens); "
                "the game would be an invented 0 - 0"
            )
        rejected.append(GameIssue(gid, kind, detail, source))
        lengths[code] = 0


def _fill_games(
    ev: Events,
    running: Running,
    lengths: NDArray[np.int64],
    unfinished: dict[int, str],
    ids: NDArray[np.object_],
    outcome: TableOutcome,
) -> None:
    """Read the margin after every minute of every kept game at once."""
    kept = np.flatnonzero(lengths > 0)
    scoring_key = running.game * KEY_STRIDE + ev.elapsed[running.position]
    query_game = np.repeat(kept, lengths[kept])
    starts = np.repeat(np.cumsum(lengths[kept]) - lengths[kept], lengths[kept])
    minute = np.arange(len(query_game)) - starts
    query_key = query_game * KEY_STRIDE + minute * 60.0
    last = np.searchsorted(scoring_key, query_key, side="right") - 1
    home, away = running.margin_before(last, query_game)
    # The game starts 0 - 0: a score stamped at 0 s counts toward minute 1.
    margin = np.where(minute > 0, home - away, 0.0).astype(np.int64)
    per_game = np.split(margin, np.cumsum(lengths[kept])[:-1]) if len(kept) else []

    # Final score: the running score after the game's last scoring row.
    n_games = len(ids)
    home_final = np.zeros(n_games, dtype=np.int64)
    away_final = np.zeros(n_games, dtype=np.int64)
    if len(running.game):
        last_row = np.concatenate((running.game[1:] != running.game[:-1], [True]))
        home_final[running.game[last_row]] = running.home[last_row]
        away_final[running.game[last_row]] = running.away[last_row]
    n_periods = np.zeros(n_games, dtype=np.int64)
    np.maximum.at(n_periods, ev.game, ev.period)

    flags: dict[str, list[str]] = {}
    for issue in outcome.flagged:
        flags.setdefault(issue.game_id, []).append(issue.kind)
    kept_ids = [str(ids[code]) for code in kept]
    outcome.games = pd.DataFrame(
        {
            "game_id": kept_ids,
            "season": [season_of(gid) for gid in kept_ids],
            "season_type": [season_type_of(gid) for gid in kept_ids],
            "margin": [list(m.tolist()) for m in per_game],
            "n_periods": n_periods[kept],
            "home_final": home_final[kept],
            "away_final": away_final[kept],
            "flags": [sorted(set(flags.get(gid, []))) for gid in kept_ids],
            "unfinished": [unfinished.get(int(code), "") for code in kept],
            "n_events": np.bincount(ev.game, minlength=n_games)[kept],
        }
    )
