"""A weighted combination of fitted forecasters.

The weights are non-negative and sum to one. By default they minimise the squared error
of the combined forecast on validation games (never test games); fixed weights such as
the seed plan's 0.6 LSTM + 0.4 Dejavu can be given instead. An ensemble's training time
includes its members'. The members are saved
inside the ensemble's directory, each as the data files its own kind writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import numpy as np
from scipy.optimize import minimize

from halftime.dataset import FloatArray, GameSet
from halftime.errors import ConfigError, DataError
from halftime.forecasters.base import Forecaster

logger = logging.getLogger(__name__)

SEED_WEIGHTS: dict[str, float] = {"lstm": 0.6, "dejavu": 0.4}
"""The seed plan's weighting."""

_MEMBERS = "members"


@dataclass(frozen=True)
class EnsembleConfig:
    """Options of :class:`Ensemble`.

    Parameters
    ----------
    weights : dict of str to float, or None
        Fixed weights by member name (non-negative, summing to one). None fits them
        on validation games.
    """

    weights: dict[str, float] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.weights is None:
            return
        values = np.array(list(self.weights.values()), dtype=np.float64)
        if (values < 0).any() or not np.isclose(values.sum(), 1.0):
            raise ConfigError(
                f"ensemble weights must be non-negative and sum to one; got "
                f"{self.weights}"
            )


def fit_weights(forecasts: FloatArray, outcome: FloatArray) -> FloatArray:
    """Non-negative weights summing to one that minimise the mean squared error.

    Parameters
    ----------
    forecasts : ndarray of shape (n_members, n_games, horizon), points
    outcome : ndarray of shape (n_games, horizon), points

    Returns
    -------
    ndarray of shape (n_members,)
    """
    n_members = forecasts.shape[0]
    # (n_members, n_games * horizon)
    stacked = forecasts.reshape(n_members, -1)
    target = outcome.reshape(-1)

    # Members' forecasts are nearly equal, so the loss is flat in the weights: the
    # tolerance must be far below the default or the solver stops where it starts.
    def loss(weights: FloatArray) -> float:
        return float(np.mean((weights @ stacked - target) ** 2))

    def gradient(weights: FloatArray) -> FloatArray:
        residual = weights @ stacked - target
        return np.asarray(2 * stacked @ residual / len(target))

    start = np.full(n_members, 1.0 / n_members)
    result = minimize(
        loss,
        start,
        jac=gradient,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n_members,
        constraints=[{"type": "eq", "fun": lambda w: float(np.sum(w) - 1.0)}],
        options={"ftol": 1e-12, "maxiter": 1000},
    )
    if not result.success:
        logger.warning("ensemble weights may not be optimal: %s", result.message)
    weights = np.clip(np.asarray(result.x, dtype=np.float64), 0.0, None)
    return np.asarray(weights / weights.sum())


class Ensemble(Forecaster):
    """Weighted mean of fitted member forecasters' forecasts.

    Parameters
    ----------
    members : dict of str to Forecaster
        Fitted forecasters, by name. They are not refitted.
    config : EnsembleConfig
    """

    kind = "ensemble"

    def __init__(
        self,
        members: dict[str, Forecaster] | None = None,
        config: EnsembleConfig | None = None,
    ) -> None:
        super().__init__()
        self.members = dict(members or {})
        self.config = config or EnsembleConfig()
        self.weights_: dict[str, float] | None = None

    def config_dict(self) -> dict[str, Any]:
        return {"weights": self.config.weights, "members": sorted(self.members)}

    @classmethod
    def option_names(cls) -> list[str]:
        return ["weights"]

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        return cls(config=EnsembleConfig(weights=config.get("weights")))

    def _fit(self, train: GameSet, validation: GameSet | None) -> None:
        if not self.members:
            raise ConfigError("an ensemble needs at least one fitted member")
        for name, member in self.members.items():
            member.check_fitted()
            if member.cutoff_ != train.cutoff:
                raise DataError(
                    f"member {name} reads {member.cutoff_} minutes; the games have "
                    f"{train.cutoff}"
                )
        if self.config.weights is not None:
            unknown = set(self.config.weights) - set(self.members)
            if unknown:
                raise ConfigError(
                    f"weights name member(s) {sorted(unknown)} that are not in the "
                    f"ensemble; members: {sorted(self.members)}"
                )
            self.weights_ = {
                name: float(self.config.weights.get(name, 0.0)) for name in self.members
            }
            return
        if validation is None:
            raise DataError(
                "the ensemble fits its weights on validation games, and none were "
                "given; pass validation games or fixed weights"
            )
        names = sorted(self.members)
        forecasts = np.stack([self.members[name].predict(validation) for name in names])
        weights = fit_weights(forecasts, validation.require_outcome())
        self.weights_ = {
            name: float(weight) for name, weight in zip(names, weights, strict=True)
        }
        logger.info("ensemble weights fitted on validation games: %s", self.weights_)

    def _prior_fit_seconds(self) -> float:
        return sum(member.fit_seconds_ or 0.0 for member in self.members.values())

    def _predict(self, games: GameSet) -> FloatArray:
        assert self.weights_ is not None
        total = np.zeros((len(games), self.horizon))
        for name, weight in self.weights_.items():
            if weight > 0:
                total += weight * self.members[name].predict(games)
        return total

    def _state(self) -> dict[str, Any]:
        return {"weights": self.weights_}

    def _save_files(self, directory: Path) -> None:
        for name, member in self.members.items():
            member.save(directory / _MEMBERS / name)

    def _restore(self, state: dict[str, Any], directory: Path) -> None:
        from halftime.forecasters import load_forecaster

        self.weights_ = {k: float(v) for k, v in state["weights"].items()}
        self.members = {
            name: load_forecaster(directory / _MEMBERS / name) for name in self.weights_
        }
