"""Is a model's error really lower than persistence's? Paired tests over games.

Both tests look at the loss differential of each test game,
``d_i = |model_i - y_i| - |baseline_i - y_i|`` in points (negative when the model is
closer), and ask whether its mean differs from zero:

- a paired bootstrap resamples whole games with replacement (a fixed seed makes it
  repeatable) for a percentile confidence interval of the mean of ``d``, and a
  two-sided p-value from the bootstrap distribution shifted to mean zero;
- the Diebold-Mariano test divides the mean of ``d`` by its standard error. Each game
  is one forecast origin, so the differentials are independent across games and need
  no autocovariance (h-step) terms; with the Harvey-Leybourne-Newbold small-sample
  correction for one origin per game the statistic uses the sample variance
  (``ddof=1``) and a Student t tail with ``n - 1`` degrees of freedom.

A difference is called significant only when both agree: the bootstrap interval
excludes zero and the Diebold-Mariano p-value is below ``1 - confidence``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from halftime.constants import DEFAULT_SEED
from halftime.errors import ConfigError, DataError

FloatArray = NDArray[np.float64]

DEFAULT_RESAMPLES = 2000
DEFAULT_CONFIDENCE = 0.95

BETTER = "better than {baseline}"
NO_DIFFERENCE = "no significant difference"
WORSE = "worse than {baseline}"


@dataclass(frozen=True)
class PairedComparison:
    """A model's absolute error against a baseline's on the same games.

    Attributes
    ----------
    model, baseline : str
        Names of the two forecasters.
    minute : int or None
        The forecast minute compared (the halftime minute by default).
    n_games : int
    model_mae, baseline_mae : float
        Mean absolute errors in points.
    mean_difference : float
        Mean of ``|model error| - |baseline error|`` in points; negative when the
        model is better.
    percent_difference : float
        ``100 * mean_difference / baseline_mae``; negative when the model is
        better. NaN when the baseline is perfect.
    ci_low, ci_high : float
        Bootstrap percentile interval of ``mean_difference`` at ``confidence``.
    bootstrap_p_value : float
        Two-sided, from ``n_resamples`` resamples of games.
    dm_statistic, dm_p_value : float
        Diebold-Mariano statistic (Student t, ``n_games - 1`` degrees of freedom)
        and its two-sided p-value.
    confidence : float
    n_resamples : int
    seed : int
    verdict : str
        "better than <baseline>", "no significant difference" or
        "worse than <baseline>".
    """

    model: str
    baseline: str
    minute: int | None
    n_games: int
    model_mae: float
    baseline_mae: float
    mean_difference: float
    percent_difference: float
    ci_low: float
    ci_high: float
    bootstrap_p_value: float
    dm_statistic: float
    dm_p_value: float
    confidence: float
    n_resamples: int
    seed: int
    verdict: str

    @property
    def significant(self) -> bool:
        return self.verdict != NO_DIFFERENCE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (non-finite numbers become None)."""
        return {
            key: (
                None if isinstance(value, float) and not math.isfinite(value) else value
            )
            for key, value in asdict(self).items()
        }


def loss_differential(
    forecast: ArrayLike, baseline: ArrayLike, outcome: ArrayLike
) -> FloatArray:
    """Return ``|forecast - outcome| - |baseline - outcome|`` per game, in points.

    Parameters
    ----------
    forecast, baseline, outcome : array-like of shape (n_games,), float, points

    Returns
    -------
    ndarray of shape (n_games,), float, points
    """
    arrays = [np.asarray(a, dtype=np.float64) for a in (forecast, baseline, outcome)]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1 or arrays[0].ndim != 1:
        raise DataError(
            "forecast, baseline and outcome must be 1-D arrays of equal length "
            f"(one margin per game); got shapes {[a.shape for a in arrays]}"
        )
    if not all(np.isfinite(a).all() for a in arrays):
        raise DataError("forecasts and outcomes must be finite margins in points")
    predicted, reference, actual = arrays
    return np.abs(predicted - actual) - np.abs(reference - actual)


def paired_bootstrap(
    differences: ArrayLike,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> tuple[float, float, float]:
    """Bootstrap the mean of per-game loss differentials.

    Parameters
    ----------
    differences : array-like of shape (n_games,), float, points
    n_resamples : int, default 2000
    confidence : float, default 0.95
    seed : int
        Seed of the resampling; the same seed gives the same result.

    Returns
    -------
    ci_low, ci_high : float
        Percentile interval of the mean difference, in points.
    p_value : float
        Two-sided: the share of resampled means, shifted to mean zero, at least as
        far from zero as the observed mean, with the ``(count + 1) / (B + 1)``
        correction so it is never exactly 0.
    """
    values = _check_differences(differences)
    _check_options(n_resamples, confidence)
    rng = np.random.default_rng(seed)
    n = values.size
    observed = float(values.mean())

    # (n_resamples, n_games) indices of games drawn with replacement, in chunks to
    # bound memory on large test sets.
    means = np.empty(n_resamples)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        draws = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = values[draws].mean(axis=1)

    tail = (1 - confidence) / 2
    ci_low, ci_high = np.quantile(means, [tail, 1 - tail])
    centred = means - observed
    extreme = np.abs(centred) >= abs(observed) - 1e-12
    p_value = float((extreme.sum() + 1) / (n_resamples + 1))
    return float(ci_low), float(ci_high), p_value


def diebold_mariano(differences: ArrayLike) -> tuple[float, float]:
    """Diebold-Mariano test of zero mean loss differential, one origin per game.

    Parameters
    ----------
    differences : array-like of shape (n_games,), float, points
        At least two games.

    Returns
    -------
    statistic : float
        ``mean(d) / sqrt(var(d, ddof=1) / n)``; 0 when every difference is 0 and
        ``+-inf`` when they are all the same non-zero value.
    p_value : float
        Two-sided, Student t with ``n - 1`` degrees of freedom.
    """
    values = _check_differences(differences)
    if values.size < 2:
        raise DataError("the Diebold-Mariano test needs at least 2 games")
    mean = float(values.mean())
    variance = float(values.var(ddof=1))
    if variance == 0.0:
        if mean == 0.0:
            return 0.0, 1.0
        return math.copysign(math.inf, mean), 0.0
    statistic = mean / math.sqrt(variance / values.size)
    p_value = float(2 * stats.t.sf(abs(statistic), df=values.size - 1))
    return statistic, p_value


def compare_to_baseline(
    forecast: ArrayLike,
    baseline: ArrayLike,
    outcome: ArrayLike,
    *,
    model: str = "model",
    baseline_name: str = "persistence",
    minute: int | None = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> PairedComparison:
    """Paired bootstrap and Diebold-Mariano tests of a model against a baseline.

    Parameters
    ----------
    forecast, baseline, outcome : array-like of shape (n_games,), float, points
        One forecast minute (e.g. the halftime column) of each forecaster and the
        margin that happened.
    model, baseline_name : str
        Names used in the result and the verdict.
    minute : int, optional
        The game minute compared, recorded in the result.
    n_resamples, confidence, seed
        Options of :func:`paired_bootstrap`.

    Returns
    -------
    PairedComparison
    """
    differences = loss_differential(forecast, baseline, outcome)
    _check_options(n_resamples, confidence)
    actual = np.asarray(outcome, dtype=np.float64)
    model_mae = float(np.abs(np.asarray(forecast, dtype=np.float64) - actual).mean())
    baseline_mae = float(np.abs(np.asarray(baseline, dtype=np.float64) - actual).mean())
    mean_difference = float(differences.mean())
    percent = 100 * mean_difference / baseline_mae if baseline_mae > 0 else math.nan

    ci_low, ci_high, bootstrap_p = paired_bootstrap(
        differences, n_resamples=n_resamples, confidence=confidence, seed=seed
    )
    dm_statistic, dm_p = diebold_mariano(differences)

    significant = (ci_high < 0 or ci_low > 0) and dm_p < 1 - confidence
    if not significant:
        verdict = NO_DIFFERENCE
    elif mean_difference < 0:
        verdict = BETTER.format(baseline=baseline_name)
    else:
        verdict = WORSE.format(baseline=baseline_name)
    return PairedComparison(
        model=model,
        baseline=baseline_name,
        minute=minute,
        n_games=int(differences.size),
        model_mae=model_mae,
        baseline_mae=baseline_mae,
        mean_difference=mean_difference,
        percent_difference=percent,
        ci_low=ci_low,
        ci_high=ci_high,
        bootstrap_p_value=bootstrap_p,
        dm_statistic=dm_statistic,
        dm_p_value=dm_p,
        confidence=confidence,
        n_resamples=n_resamples,
        seed=seed,
        verdict=verdict,
    )


def _check_differences(differences: ArrayLike) -> FloatArray:
    values = np.asarray(differences, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise DataError(
            "loss differentials must be a non-empty 1-D array (one per game); got "
            f"shape {values.shape}"
        )
    if not np.isfinite(values).all():
        raise DataError("loss differentials must be finite")
    return values


def _check_options(n_resamples: int, confidence: float) -> None:
    if n_resamples < 1:
        raise ConfigError(f"n_resamples must be at least 1; got {n_resamples}")
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be in (0, 1); got {confidence}")
