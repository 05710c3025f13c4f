"""Error and interval metrics of margin forecasts, in points.

Every forecast and outcome is an array of shape ``(n_games, horizon)`` whose columns
are the forecast minutes (``cutoff+1..cutoff+horizon``, 19..24 by default). The last
column is the halftime margin. Metrics are reported for the halftime minute and for
each forecast minute, keyed by the minute itself (taken from the caller's ``minutes``
array, never assumed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from halftime.errors import DataError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PointMetrics:
    """Mean absolute and root-mean-square errors of point forecasts, in points.

    Attributes
    ----------
    n_samples : int
        Number of games.
    mae, rmse : float
        At halftime (the last forecast minute).
    mae_by_minute, rmse_by_minute : dict of int to float
        For each forecast minute, e.g. ``{19: ..., 24: ...}``.
    """

    n_samples: int
    mae: float
    rmse: float
    mae_by_minute: dict[int, float]
    rmse_by_minute: dict[int, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values; minute keys become strings."""
        return {
            "n_samples": self.n_samples,
            "mae": self.mae,
            "rmse": self.rmse,
            "mae_by_minute": _by_minute(self.mae_by_minute),
            "rmse_by_minute": _by_minute(self.rmse_by_minute),
        }


@dataclass(frozen=True)
class IntervalMetrics:
    """Empirical coverage and mean width of prediction intervals.

    Attributes
    ----------
    n_samples : int
        Number of games.
    coverage : float
        Share of (game, minute) pairs whose margin lies inside its interval, bounds
        included, over every forecast minute.
    mean_width : float
        Mean of ``upper - lower`` in points over every forecast minute; ``inf`` when
        any interval is infinite.
    halftime_coverage, halftime_width : float
        The same at halftime (the last forecast minute).
    coverage_by_minute, width_by_minute : dict of int to float
        The same for each forecast minute.
    """

    n_samples: int
    coverage: float
    mean_width: float
    halftime_coverage: float
    halftime_width: float
    coverage_by_minute: dict[int, float]
    width_by_minute: dict[int, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values: minute keys become strings, infinite widths None."""
        return {
            "n_samples": self.n_samples,
            "coverage": self.coverage,
            "mean_width": json_number(self.mean_width),
            "halftime_coverage": self.halftime_coverage,
            "halftime_width": json_number(self.halftime_width),
            "coverage_by_minute": _by_minute(self.coverage_by_minute),
            "width_by_minute": _by_minute(self.width_by_minute),
        }


def point_metrics(
    forecast: ArrayLike, outcome: ArrayLike, minutes: Sequence[int] | ArrayLike
) -> PointMetrics:
    """Compute MAE and RMSE at halftime and for every forecast minute.

    Parameters
    ----------
    forecast : array-like of shape (n_games, horizon), float, points
    outcome : array-like of shape (n_games, horizon), float, points
    minutes : array-like of shape (horizon,), int
        The game minute of each column, e.g. ``GameSet.minutes``.

    Returns
    -------
    PointMetrics

    Raises
    ------
    DataError
        If shapes disagree, there are no games, or a value is not finite.
    """
    predicted, actual, labels = _check_inputs(forecast, outcome, minutes)
    error = predicted - actual
    mae = np.abs(error).mean(axis=0)
    rmse = np.sqrt((error**2).mean(axis=0))
    return PointMetrics(
        n_samples=int(actual.shape[0]),
        mae=float(mae[-1]),
        rmse=float(rmse[-1]),
        mae_by_minute=dict(zip(labels, mae.tolist(), strict=True)),
        rmse_by_minute=dict(zip(labels, rmse.tolist(), strict=True)),
    )


def interval_metrics(
    lower: ArrayLike,
    upper: ArrayLike,
    outcome: ArrayLike,
    minutes: Sequence[int] | ArrayLike,
) -> IntervalMetrics:
    """Compute coverage and mean width of intervals, overall and per minute.

    Parameters
    ----------
    lower, upper : array-like of shape (n_games, horizon), float, points
        Interval bounds; infinite bounds are accepted (an infinite interval covers
        everything and has infinite width).
    outcome : array-like of shape (n_games, horizon), float, points
    minutes : array-like of shape (horizon,), int

    Returns
    -------
    IntervalMetrics

    Raises
    ------
    DataError
        If shapes disagree, a bound is NaN, or a lower bound exceeds its upper bound.
    """
    low = _as_matrix(lower, "lower bound", allow_infinite=True)
    high = _as_matrix(upper, "upper bound", allow_infinite=True)
    _, actual, labels = _check_inputs(outcome, outcome, minutes)
    for name, bound in (("lower bound", low), ("upper bound", high)):
        if bound.shape != actual.shape:
            raise DataError(
                f"{name} has shape {bound.shape}; the outcome has {actual.shape}"
            )
    if (low > high).any():
        row, step = np.argwhere(low > high)[0]
        raise DataError(
            f"interval of game row {row}, minute {labels[step]} has lower bound "
            f"{low[row, step]} above upper bound {high[row, step]}"
        )

    inside = (low <= actual) & (actual <= high)
    with np.errstate(invalid="ignore"):
        width = high - low  # inf - (-inf) is inf, never NaN here
    coverage = inside.mean(axis=0)
    mean_width = width.mean(axis=0)
    return IntervalMetrics(
        n_samples=int(actual.shape[0]),
        coverage=float(inside.mean()),
        mean_width=float(width.mean()),
        halftime_coverage=float(coverage[-1]),
        halftime_width=float(mean_width[-1]),
        coverage_by_minute=dict(zip(labels, coverage.tolist(), strict=True)),
        width_by_minute=dict(zip(labels, mean_width.tolist(), strict=True)),
    )


def json_number(value: float | None) -> float | None:
    """Return ``value`` for JSON: infinite or NaN become None (JSON has neither)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def jsonable(value: Any) -> Any:
    """Recursively turn numpy scalars into Python ones and NaN or inf into None."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def _by_minute(values: dict[int, float]) -> dict[str, float | None]:
    return {str(minute): json_number(value) for minute, value in values.items()}


def _check_inputs(
    forecast: ArrayLike, outcome: ArrayLike, minutes: Sequence[int] | ArrayLike
) -> tuple[FloatArray, FloatArray, list[int]]:
    predicted = _as_matrix(forecast, "forecast", allow_infinite=False)
    actual = _as_matrix(outcome, "outcome", allow_infinite=False)
    if predicted.shape != actual.shape:
        raise DataError(
            f"forecast has shape {predicted.shape} but the outcome has shape "
            f"{actual.shape}; both must be (n_games, horizon)"
        )
    if actual.shape[0] == 0:
        raise DataError("no games to evaluate: the test split is empty")
    labels = np.asarray(minutes).ravel()
    if labels.size != actual.shape[1]:
        raise DataError(
            f"{labels.size} minute label(s) for {actual.shape[1]} forecast "
            "column(s); pass GameSet.minutes"
        )
    return predicted, actual, [int(minute) for minute in labels]


def _as_matrix(values: ArrayLike, name: str, *, allow_infinite: bool) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2:
        raise DataError(
            f"{name} must be 2-D (n_games, horizon) in points; got shape {array.shape}"
        )
    bad = np.isnan(array) if allow_infinite else ~np.isfinite(array)
    if bad.any():
        row, step = np.argwhere(bad)[0]
        raise DataError(
            f"{name} is missing or not finite at game row {row}, forecast step "
            f"{step + 1}"
        )
    return array
