"""Baselines that every other model must be shown beside.

:class:`Persistence` carries the margin at the cutoff forward; over six minutes the
margin moves almost like a random walk, so this is hard to beat. :class:`MeanReversion`
adds, for each forecast minute, a least-squares line in the margin at the cutoff:
leads shrink a little and the home side gains a little as the half goes on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Self

import numpy as np

from halftime.dataset import FloatArray, GameSet
from halftime.errors import ConfigError
from halftime.forecasters.base import Forecaster


class Persistence(Forecaster):
    """Forecast every minute after the cutoff as the margin at the cutoff."""

    kind = "persistence"

    def config_dict(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        return cls()

    def _fit(self, train: GameSet, validation: GameSet | None) -> None:
        """Nothing to learn; only the window sizes are recorded."""

    def _predict(self, games: GameSet) -> FloatArray:
        # (n_games, horizon): the last known margin repeated
        return np.repeat(games.pattern[:, -1:], self.horizon, axis=1)


@dataclass(frozen=True)
class MeanReversionConfig:
    """Options of :class:`MeanReversion`.

    Parameters
    ----------
    ridge : float
        L2 penalty on the slope, in squared points; 0 is ordinary least squares.
    """

    ridge: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.ridge, int | float) or not self.ridge >= 0:
            raise ConfigError(f"ridge must be a number >= 0; got {self.ridge!r}")


class MeanReversion(Forecaster):
    """``margin(cutoff+h) = margin(cutoff) + a_h + b_h * margin(cutoff)``.

    ``b_h`` below zero means leads shrink; ``a_h`` is the drift toward the home team.
    Both are fitted per forecast minute ``h`` on training games.
    """

    kind = "mean_reversion"

    def __init__(self, config: MeanReversionConfig | None = None) -> None:
        super().__init__()
        self.config = config or MeanReversionConfig()
        self.intercept_: FloatArray | None = None
        self.slope_: FloatArray | None = None

    def config_dict(self) -> dict[str, Any]:
        return asdict(self.config)

    @classmethod
    def option_names(cls) -> list[str]:
        return [option.name for option in fields(MeanReversionConfig)]

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        return cls(MeanReversionConfig(**config))

    def _fit(self, train: GameSet, validation: GameSet | None) -> None:
        last = train.pattern[:, -1]
        change = train.require_outcome() - last[:, np.newaxis]
        centred = last - last.mean()
        # One slope and intercept per forecast minute, closed-form ridge.
        slope = (centred @ (change - change.mean(axis=0))) / (
            centred @ centred + self.config.ridge
        )
        self.slope_ = slope
        self.intercept_ = change.mean(axis=0) - slope * last.mean()

    def _predict(self, games: GameSet) -> FloatArray:
        assert self.intercept_ is not None and self.slope_ is not None
        last = games.pattern[:, -1:]
        # (n_games, horizon)
        return last + self.intercept_ + last * self.slope_

    def _state(self) -> dict[str, Any]:
        assert self.intercept_ is not None and self.slope_ is not None
        return {
            "intercept": self.intercept_.tolist(),
            "slope": self.slope_.tolist(),
        }

    def _restore(self, state: dict[str, Any], directory: Any) -> None:
        self.intercept_ = np.asarray(state["intercept"], dtype=np.float64)
        self.slope_ = np.asarray(state["slope"], dtype=np.float64)
