"""Games as forecasting examples: what the models read and what they must forecast.

A :class:`GameSet` holds, for ``n`` games, the margins after minutes ``1..cutoff`` (the
*pattern*) and, when known, after minutes ``cutoff+1..cutoff+horizon`` (the
*outcome*), with each game's id, date and teams. Every forecaster takes and returns
these, so the models never see the play-by-play or the ingest table directly.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from halftime.constants import DEFAULT_CUTOFF, DEFAULT_HORIZON, HALFTIME_MINUTE
from halftime.errors import DataError

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ShortGame:
    """A game left out because it has fewer minutes than the models need (case M3)."""

    game_id: str
    n_minutes: int
    needed: int


@dataclass(frozen=True, eq=False)
class GameSet:
    """Margins of ``n`` games cut at ``cutoff`` minutes, with their identities.

    Parameters
    ----------
    pattern : ndarray of shape (n_games, cutoff), float, points
        Home-minus-away margin after minutes ``1..cutoff``.
    outcome : ndarray of shape (n_games, horizon), float, points, or None
        Margin after minutes ``cutoff+1..cutoff+horizon``; None for live games.
    game_id, home_team, away_team, season : ndarray of shape (n_games,), str
    date : ndarray of shape (n_games,), datetime64[D]
        Not-a-time where unknown.
    horizon : int
        Number of minutes to forecast; must match ``outcome`` when it is given.
    """

    pattern: FloatArray
    outcome: FloatArray | None
    game_id: NDArray[np.str_]
    date: NDArray[np.datetime64]
    home_team: NDArray[np.str_]
    away_team: NDArray[np.str_]
    season: NDArray[np.str_]
    horizon: int = DEFAULT_HORIZON
    skipped: tuple[ShortGame, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.pattern.ndim != 2:
            raise DataError(
                f"pattern must be 2-D (n_games, cutoff); got shape {self.pattern.shape}"
            )
        n = self.pattern.shape[0]
        for name in ("game_id", "date", "home_team", "away_team", "season"):
            length = len(getattr(self, name))
            if length != n:
                raise DataError(f"{name} has {length} entries for {n} games")
        if self.outcome is not None and self.outcome.shape != (n, self.horizon):
            raise DataError(
                f"outcome must have shape ({n}, {self.horizon}); "
                f"got {self.outcome.shape}"
            )
        if not np.isfinite(self.pattern).all():
            row = int(np.flatnonzero(~np.isfinite(self.pattern).all(axis=1))[0])
            raise DataError(
                f"game {self.game_id[row]}: pattern has a missing or infinite margin; "
                "every minute 1..cutoff needs a margin"
            )

    def __len__(self) -> int:
        return int(self.pattern.shape[0])

    @property
    def cutoff(self) -> int:
        """Number of minutes read by the models."""
        return int(self.pattern.shape[1])

    @property
    def minutes(self) -> NDArray[np.int64]:
        """The forecast minutes, ``cutoff+1..cutoff+horizon``."""
        return np.arange(self.cutoff + 1, self.cutoff + self.horizon + 1)

    def require_outcome(self) -> FloatArray:
        """Return the outcome, or raise if these games have none (live games)."""
        if self.outcome is None:
            raise DataError(
                "these games have no known minutes after the cutoff; fitting and "
                "evaluation need finished (or at least half-finished) games"
            )
        return self.outcome

    def subset(self, index: NDArray[np.intp] | NDArray[np.bool_]) -> GameSet:
        """Return the games selected by an integer or boolean index."""
        return GameSet(
            pattern=self.pattern[index],
            outcome=None if self.outcome is None else self.outcome[index],
            game_id=self.game_id[index],
            date=self.date[index],
            home_team=self.home_team[index],
            away_team=self.away_team[index],
            season=self.season[index],
            horizon=self.horizon,
        )

    @classmethod
    def from_patterns(
        cls,
        pattern: Sequence[Sequence[float]] | FloatArray,
        *,
        horizon: int = DEFAULT_HORIZON,
        game_id: Sequence[str] | None = None,
    ) -> GameSet:
        """Build live games (no outcome) from margins after minutes ``1..cutoff``."""
        array = np.asarray(pattern, dtype=np.float64)
        if array.ndim == 1:
            array = array[np.newaxis, :]
        n = array.shape[0]
        ids = np.asarray(
            game_id if game_id is not None else [f"live-{i}" for i in range(n)],
            dtype=np.str_,
        )
        unknown = np.full(n, "", dtype=np.str_)
        return cls(
            pattern=array,
            outcome=None,
            game_id=ids,
            date=np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
            home_team=unknown,
            away_team=unknown.copy(),
            season=unknown.copy(),
            horizon=horizon,
        )

    @classmethod
    def from_games_table(
        cls,
        games: pd.DataFrame,
        *,
        cutoff: int = DEFAULT_CUTOFF,
        horizon: int = DEFAULT_HORIZON,
    ) -> GameSet:
        """Cut the ingest table (one row per game) into patterns and outcomes.

        Games with fewer than ``cutoff + horizon`` minutes are skipped and listed in
        :attr:`skipped` with their id and length (case M3).

        Parameters
        ----------
        games : DataFrame
            The ingest table: columns ``game_id``, ``date``, ``season``,
            ``home_team``, ``away_team`` and ``margin`` (a list of margins after
            minutes ``0, 1, 2, ...``).
        """
        validate_window(cutoff, horizon)
        missing = {"game_id", "margin"} - set(games.columns)
        if missing:
            raise DataError(
                f"games table lacks column(s) {sorted(missing)}; it must come from "
                "`halftime ingest`"
            )
        needed = cutoff + horizon + 1  # minute 0 is the first entry
        lengths = games["margin"].map(len).to_numpy()
        keep = lengths >= needed
        skipped = tuple(
            ShortGame(str(gid), int(length) - 1, cutoff + horizon)
            for gid, length in zip(
                games["game_id"].to_numpy()[~keep], lengths[~keep], strict=True
            )
        )
        if skipped:
            logger.warning(
                "skipped %d game(s) shorter than %d minutes, e.g. %s",
                len(skipped),
                cutoff + horizon,
                skipped[0].game_id,
            )
        kept = games.loc[keep]
        if len(kept):
            margins = np.stack([np.asarray(m[:needed]) for m in kept["margin"]])
        else:
            margins = np.empty((0, needed))
        margins = margins.astype(np.float64)

        def column(name: str) -> NDArray[np.str_]:
            if name not in kept.columns:
                return np.full(len(kept), "", dtype=np.str_)
            return kept[name].fillna("").astype(str).to_numpy(dtype=np.str_)

        if "date" in kept.columns:
            dates = pd.to_datetime(kept["date"]).to_numpy().astype("datetime64[D]")
        else:
            dates = np.full(len(kept), np.datetime64("NaT"), dtype="datetime64[D]")
        return cls(
            pattern=margins[:, 1 : cutoff + 1],
            outcome=margins[:, cutoff + 1 : needed],
            game_id=column("game_id"),
            date=dates,
            home_team=column("home_team"),
            away_team=column("away_team"),
            season=column("season"),
            horizon=horizon,
            skipped=skipped,
        )

    def describe(self) -> dict[str, Any]:
        """Counts and date range, for reports and artifacts."""
        dates = self.date[~np.isnat(self.date)]
        return {
            "n_games": len(self),
            "first_date": str(dates.min()) if len(dates) else None,
            "last_date": str(dates.max()) if len(dates) else None,
            "seasons": sorted(set(self.season.tolist()) - {""}),
        }


def validate_window(cutoff: int, horizon: int) -> None:
    """Check a cutoff and horizon: whole minutes inside the first half.

    halftime forecasts toward the halftime margin, so the last forecast minute may
    not pass minute 24.
    """
    if cutoff < 1:
        raise DataError(f"cutoff must be at least 1 minute; got {cutoff}")
    if horizon < 1:
        raise DataError(f"horizon must be at least 1 minute; got {horizon}")
    if cutoff + horizon > HALFTIME_MINUTE:
        raise DataError(
            f"cutoff {cutoff} + horizon {horizon} passes halftime (minute "
            f"{HALFTIME_MINUTE}); the forecast must end at or before halftime"
        )
