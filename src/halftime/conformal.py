"""Split-conformal prediction intervals around any forecaster's margins.

Given a forecaster fitted on training games, the absolute errors ``|y - yhat|`` on
*calibration* games (later than the training games and earlier than the test games)
are ranked separately for each forecast minute. The interval for a new game is the
forecast plus or minus the calibration error of rank ``k = ceil((n + 1)(1 - alpha))``
among the ``n`` calibration games.

Guarantee
---------
If the calibration games and a new game are exchangeable (their errors could have come
in any order), the interval for each forecast minute holds the true margin with
probability at least ``1 - alpha``, marginally over the calibration draw and the new
game, and at most ``1 - alpha + 1 / (n + 1)`` when errors have no ties. Margins are
whole points, so errors do tie and the coverage usually lands a little above the
target (the interval is conservative, never short). The guarantee
holds for each minute on its own, not for the whole path at once, and it weakens when
the game drifts between the calibration and test seasons (rule changes, pace).

When ``k > n`` no calibration error is large enough to promise the coverage: the
interval is infinite (with a :class:`CalibrationWarning`), or, if the caller asks for
finite intervals only, :class:`~halftime.errors.DataError` is raised. It is never
shrunk to the largest error seen, which would quietly break the guarantee (case M5).

Why not MAPIE: it wraps a single-output scikit-learn estimator and refits or
calibrates it itself, while halftime calibrates already-made multi-minute forecasts of
six kinds of models, one quantile per minute, with the exact finite-sample rank and an
explicit infinite interval; the few lines below do that without another dependency.
"""

from __future__ import annotations

import logging
import math
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from halftime.constants import DEFAULT_ALPHA
from halftime.errors import ConfigError, DataError, NotFittedError
from halftime.safe_io import read_json, write_json

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]

CONFORMAL_FILE = "conformal.json"
"""File name of a saved :class:`SplitConformal`, written beside the model's files."""

FORMAT_VERSION = 1
_INFINITE = "inf"


class CalibrationWarning(UserWarning):
    """The calibration set is too small for the requested coverage."""


def _check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)):
        raise ConfigError(f"alpha must be a number in (0, 1); got {alpha!r}")
    value = float(alpha)
    if not 0.0 < value < 1.0:
        raise ConfigError(
            f"alpha must be in (0, 1), e.g. 0.05 for 95% intervals; got {alpha!r}"
        )
    return value


def conformal_rank(n: int, alpha: float) -> int:
    """Return the finite-sample rank ``k = ceil((n + 1)(1 - alpha))``.

    ``alpha`` is read from its shortest decimal form (``0.7`` as exactly 7/10), so
    that floating-point error cannot push the product over a whole number: with
    ``n = 9`` and ``alpha = 0.7`` the rank is 3, not 4.

    Parameters
    ----------
    n : int
        Number of calibration scores, at least 0.
    alpha : float
        Miscoverage in (0, 1).

    Returns
    -------
    int
        The rank, from 1 up to ``n + 1``; a rank above ``n`` means no score is
        large enough.
    """
    if n < 0:
        raise DataError(f"the number of calibration scores must be >= 0; got {n}")
    _check_alpha(alpha)
    # numpy scalars print their own shortest decimal (float32 0.7 as "0.7").
    text = str(alpha) if isinstance(alpha, np.floating) else repr(float(alpha))
    exact_alpha = Fraction(text)
    return math.ceil((n + 1) * (1 - exact_alpha))


def conformal_quantile(
    scores: ArrayLike, alpha: float, *, allow_infinite: bool = True
) -> float:
    """Return the split-conformal quantile of calibration scores.

    Parameters
    ----------
    scores : array-like of shape (n_calibration,), float
        Nonconformity scores of the calibration games, here absolute errors in
        points.
    alpha : float
        Miscoverage in (0, 1); the interval aims at ``1 - alpha`` coverage.
    allow_infinite : bool, default True
        What to do when the rank ``ceil((n + 1)(1 - alpha))`` exceeds ``n``: return
        ``inf`` with a :class:`CalibrationWarning` (True) or raise (False).

    Returns
    -------
    float
        The score of rank ``ceil((n + 1)(1 - alpha))`` in increasing order, or
        ``inf``.

    Raises
    ------
    DataError
        If the scores are not one-dimensional and finite, or the set is too small
        for ``alpha`` and ``allow_infinite`` is False.
    ConfigError
        If ``alpha`` is not in (0, 1).
    """
    values = np.asarray(scores, dtype=np.float64)
    if values.ndim != 1:
        raise DataError(
            f"calibration scores must be one-dimensional; got shape {values.shape}"
        )
    if not np.isfinite(values).all():
        position = int(np.flatnonzero(~np.isfinite(values))[0])
        raise DataError(
            f"calibration score {position} is {values[position]}; every score must "
            "be finite (check the calibration forecasts and outcomes)"
        )
    n = values.size
    rank = conformal_rank(n, alpha)
    if rank > n:
        smallest = _smallest_calibration_size(alpha)
        message = (
            f"calibration set too small for alpha={alpha}: {n} score(s) give rank "
            f"{rank}, beyond the largest score; at least {smallest} calibration "
            "games are needed for a finite interval"
        )
        if not allow_infinite:
            raise DataError(message)
        warnings.warn(
            message + "; the interval is infinite", CalibrationWarning, stacklevel=2
        )
        return math.inf
    return float(np.sort(values)[rank - 1])


def _smallest_calibration_size(alpha: float) -> int:
    """Smallest ``n`` with ``ceil((n + 1)(1 - alpha)) <= n``."""
    exact_alpha = Fraction(repr(float(alpha)))
    return max(math.ceil((1 - exact_alpha) / exact_alpha), 1)


class SplitConformal:
    """Per-minute split-conformal intervals around point forecasts.

    Parameters
    ----------
    alpha : float, default 0.05
        Miscoverage; 0.05 gives 95% intervals.
    allow_infinite : bool, default True
        When a minute's calibration set is too small for ``alpha``: give that minute
        an infinite interval with a :class:`CalibrationWarning` (True), or raise
        :class:`~halftime.errors.DataError` from :meth:`calibrate` (False).

    Attributes
    ----------
    quantiles_ : ndarray of shape (horizon,), float, points
        Half-width of the interval for each forecast minute; ``inf`` where the
        calibration set was too small.
    n_calibration_ : int
        Number of calibration games.

    Examples
    --------
    >>> conformal = SplitConformal(alpha=0.25)
    >>> forecast = np.zeros((3, 1))
    >>> _ = conformal.calibrate(forecast, np.array([[1.0], [-2.0], [3.0]]))
    >>> conformal.quantiles_
    array([3.])
    """

    def __init__(
        self, alpha: float = DEFAULT_ALPHA, *, allow_infinite: bool = True
    ) -> None:
        self.alpha = _check_alpha(alpha)
        self.allow_infinite = allow_infinite
        self.quantiles_: FloatArray | None = None
        self.n_calibration_: int | None = None

    @property
    def is_calibrated(self) -> bool:
        return self.quantiles_ is not None

    @property
    def coverage(self) -> float:
        """Target coverage ``1 - alpha``."""
        return 1.0 - self.alpha

    def calibrate(self, forecast: ArrayLike, outcome: ArrayLike) -> Self:
        """Rank the absolute errors of calibration games, minute by minute.

        Parameters
        ----------
        forecast : array-like of shape (n_games, horizon), float, points
            The fitted forecaster's margins for the calibration games.
        outcome : array-like of shape (n_games, horizon), float, points
            The margins that happened.

        Returns
        -------
        self

        Raises
        ------
        DataError
            If the shapes differ or are not 2-D, a value is not finite, or (with
            ``allow_infinite=False``) there are too few games for ``alpha``.
        """
        predicted = _as_forecast_matrix(forecast, "calibration forecast")
        actual = _as_forecast_matrix(outcome, "calibration outcome")
        if predicted.shape != actual.shape:
            raise DataError(
                f"calibration forecast has shape {predicted.shape} but the outcome "
                f"has shape {actual.shape}; both must be (n_games, horizon)"
            )

        scores = np.abs(actual - predicted)
        quantiles = np.empty(scores.shape[1])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CalibrationWarning)
            for step in range(scores.shape[1]):
                quantiles[step] = conformal_quantile(
                    scores[:, step], self.alpha, allow_infinite=self.allow_infinite
                )
        too_small = [w for w in caught if issubclass(w.category, CalibrationWarning)]
        if too_small:
            # One warning for the whole horizon instead of one per minute.
            warnings.warn(str(too_small[0].message), CalibrationWarning, stacklevel=2)

        self.quantiles_ = quantiles
        self.n_calibration_ = int(scores.shape[0])
        logger.info(
            "calibrated %.0f%% intervals on %d games: half-widths %s points",
            100 * self.coverage,
            self.n_calibration_,
            np.array2string(quantiles, precision=2),
        )
        return self

    def interval(self, forecast: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Return the lower and upper interval bounds around forecasts.

        Parameters
        ----------
        forecast : array-like of shape (n_games, horizon), float, points

        Returns
        -------
        lower, upper : ndarray of shape (n_games, horizon), float, points
            ``forecast - quantiles_`` and ``forecast + quantiles_``; infinite where
            the calibration set was too small.
        """
        quantiles = self._require_calibrated()
        predicted = _as_forecast_matrix(forecast, "forecast")
        if predicted.shape[1] != quantiles.size:
            raise DataError(
                f"forecast covers {predicted.shape[1]} minute(s) but the intervals "
                f"were calibrated for {quantiles.size}"
            )
        return predicted - quantiles, predicted + quantiles

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state; infinite half-widths are written as the string "inf"."""
        quantiles = self._require_calibrated()
        return {
            "format_version": FORMAT_VERSION,
            "alpha": self.alpha,
            "allow_infinite": self.allow_infinite,
            "n_calibration": self.n_calibration_,
            "quantiles": [
                _INFINITE if math.isinf(q) else float(q) for q in quantiles.tolist()
            ],
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> SplitConformal:
        """Rebuild a calibrated object from :meth:`to_dict` output."""
        version = state.get("format_version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise DataError(
                f"conformal state has format version {version}; this halftime "
                f"reads version {FORMAT_VERSION}"
            )
        try:
            conformal = cls(
                float(state["alpha"]),
                allow_infinite=bool(state.get("allow_infinite", True)),
            )
            quantiles = [
                math.inf if q in (_INFINITE, None) else float(q)
                for q in state["quantiles"]
            ]
            conformal.n_calibration_ = int(state["n_calibration"])
        except (KeyError, TypeError, ValueError) as error:
            raise DataError(
                f"not a halftime conformal state ({error.__class__.__name__}: "
                f"{error}); expected keys alpha, n_calibration, quantiles"
            ) from None
        conformal.quantiles_ = np.asarray(quantiles, dtype=np.float64)
        quantiles_array = conformal.quantiles_
        if (
            quantiles_array.ndim != 1
            or np.isnan(quantiles_array).any()
            or (quantiles_array < 0).any()
        ):
            raise DataError("conformal quantiles must be a list of numbers >= 0")
        return conformal

    def save(self, directory: Path) -> Path:
        """Write ``conformal.json`` into ``directory`` (beside the model files)."""
        path = directory / CONFORMAL_FILE
        write_json(path, self.to_dict())
        return path

    @classmethod
    def load(cls, directory: Path) -> SplitConformal:
        """Read ``conformal.json`` from ``directory``."""
        state = read_json(directory / CONFORMAL_FILE)
        if not isinstance(state, dict):
            raise DataError(f"{directory / CONFORMAL_FILE}: not a conformal state")
        return cls.from_dict(state)

    def _require_calibrated(self) -> FloatArray:
        if self.quantiles_ is None:
            raise NotFittedError(
                "these conformal intervals are not calibrated yet; call calibrate() "
                "with calibration forecasts and outcomes, or load a saved "
                "conformal.json"
            )
        return self.quantiles_


def _as_forecast_matrix(values: ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2:
        raise DataError(
            f"{name} must be 2-D (n_games, horizon) in points; got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        row, step = np.argwhere(~np.isfinite(array))[0]
        raise DataError(
            f"{name} has a missing or infinite margin at game row {row}, forecast "
            f"step {step + 1}"
        )
    return array
