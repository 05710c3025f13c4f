"""Standardisation of a neural forecaster's features, fitted on training games only.

Networks train best on values near zero with unit spread, but forecasts are judged
in points. :class:`MarginScaler` holds the means and scales of the training games'
inputs and targets (never of validation or test games: case M1), scales features
on the way in, returns forecasts to points on the way out (case M2), and is saved
as plain JSON in the forecaster's manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from halftime.dataset import FloatArray
from halftime.errors import ConfigError, DataError


@dataclass(frozen=True)
class MarginScaler:
    """Standardise inputs and targets with statistics of the training games only.

    Inputs are scaled per feature (last axis); targets with one mean and one scale
    for every forecast minute, so a loss on scaled targets weighs every minute as
    the loss in points does.

    Parameters
    ----------
    input_mean, input_scale : tuple of float, one per input feature, points
    target_mean, target_scale : float, points
    """

    input_mean: tuple[float, ...]
    input_scale: tuple[float, ...]
    target_mean: float
    target_scale: float

    def __post_init__(self) -> None:
        if len(self.input_mean) != len(self.input_scale):
            raise ConfigError(
                f"scaler has {len(self.input_mean)} input means and "
                f"{len(self.input_scale)} input scales; they must match"
            )
        scales = (*self.input_scale, self.target_scale)
        if not all(np.isfinite(s) and s > 0 for s in scales):
            raise ConfigError(f"scaler scales must be finite and > 0; got {scales}")

    @classmethod
    def fit(cls, inputs: NDArray[Any], targets: NDArray[Any]) -> MarginScaler:
        """Compute the statistics from training inputs and targets.

        Parameters
        ----------
        inputs : ndarray of shape (n_games, cutoff, n_features), points
        targets : ndarray of shape (n_games, horizon), points

        A constant feature gets scale 1 so that nothing is divided by zero.
        """
        flat = np.asarray(inputs, dtype=np.float64).reshape(-1, inputs.shape[-1])
        input_scale = flat.std(axis=0)
        input_scale[~(input_scale > 0)] = 1.0
        target_scale = float(np.asarray(targets, dtype=np.float64).std())
        return cls(
            input_mean=tuple(float(v) for v in flat.mean(axis=0)),
            input_scale=tuple(float(v) for v in input_scale),
            target_mean=float(np.mean(targets)),
            target_scale=target_scale if target_scale > 0 else 1.0,
        )

    def transform_inputs(self, inputs: NDArray[Any]) -> NDArray[np.float32]:
        """Scale inputs of shape (..., n_features); the shape is kept."""
        mean = np.asarray(self.input_mean, dtype=np.float64)
        scale = np.asarray(self.input_scale, dtype=np.float64)
        return ((np.asarray(inputs, dtype=np.float64) - mean) / scale).astype(
            np.float32
        )

    def transform(self, targets: NDArray[Any]) -> NDArray[np.float32]:
        """Scale targets in points; any shape, e.g. (batch, horizon, 1), is kept."""
        values = np.asarray(targets, dtype=np.float64)
        return ((values - self.target_mean) / self.target_scale).astype(np.float32)

    def inverse_transform(self, scaled: NDArray[Any]) -> FloatArray:
        """Return scaled targets to points; any shape is kept (case M2)."""
        values = np.asarray(scaled, dtype=np.float64)
        return values * self.target_scale + self.target_mean

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready statistics."""
        return {
            "input_mean": list(self.input_mean),
            "input_scale": list(self.input_scale),
            "target_mean": self.target_mean,
            "target_scale": self.target_scale,
        }

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> MarginScaler:
        """Rebuild a scaler from :meth:`to_dict` output."""
        try:
            return cls(
                input_mean=tuple(float(v) for v in payload["input_mean"]),
                input_scale=tuple(float(v) for v in payload["input_scale"]),
                target_mean=float(payload["target_mean"]),
                target_scale=float(payload["target_scale"]),
            )
        except (KeyError, TypeError) as error:
            raise DataError(f"scaler statistics are incomplete ({error!r})") from None
