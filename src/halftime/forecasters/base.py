"""The interface every forecaster follows.

A forecaster is fitted on training games (and, if it tunes or stops early, on
validation games), forecasts the margin after each of the ``horizon`` minutes that
follow the cutoff, in points, and saves itself as data: a ``forecaster.json`` with its
kind, config and fitted statistics, plus arrays (``.npz``) or weights-only torch files.
"""

from __future__ import annotations

import abc
import time
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from halftime.dataset import FloatArray, GameSet
from halftime.errors import DataError, NotFittedError
from halftime.safe_io import read_json, refuse_pickle, write_json

MANIFEST = "forecaster.json"
FORMAT_VERSION = 1


class Forecaster(abc.ABC):
    """Forecast margins after minutes ``cutoff+1..cutoff+horizon`` from a pattern.

    Subclasses set :attr:`kind`, implement :meth:`_fit`, :meth:`_predict`,
    :meth:`_state` and :meth:`_restore`, and keep their options in a frozen
    dataclass returned by :meth:`config_dict`.
    """

    kind: ClassVar[str]
    """Registry name, written into ``forecaster.json``."""

    def __init__(self) -> None:
        self.cutoff_: int | None = None
        self.horizon_: int | None = None
        self.fit_seconds_: float | None = None
        self.training_range_: dict[str, Any] | None = None

    # -- public API -------------------------------------------------------------

    def fit(self, train: GameSet, validation: GameSet | None = None) -> Self:
        """Fit on ``train`` games; ``validation`` games are used only for tuning.

        Raises
        ------
        DataError
            If ``train`` has no games or no outcomes.
        """
        if len(train) == 0:
            raise DataError(
                f"{self.kind}: the training split has no games; check the split "
                "dates and the data directory"
            )
        train.require_outcome()
        if validation is not None and len(validation) == 0:
            validation = None
        if validation is not None and validation.cutoff != train.cutoff:
            raise DataError(
                f"validation games have {validation.cutoff} input minutes, "
                f"training games {train.cutoff}"
            )
        started = time.perf_counter()
        self._fit(train, validation)
        self.fit_seconds_ = time.perf_counter() - started + self._prior_fit_seconds()
        self.cutoff_ = train.cutoff
        self.horizon_ = train.horizon
        self.training_range_ = train.describe()
        return self

    def predict(self, games: GameSet) -> FloatArray:
        """Forecast the margins after minutes ``cutoff+1..cutoff+horizon``.

        Returns
        -------
        ndarray of shape (n_games, horizon), float, points
        """
        self.check_fitted()
        if games.cutoff != self.cutoff_:
            raise DataError(
                f"{self.kind} was fitted on {self.cutoff_} input minutes; these "
                f"games have {games.cutoff}"
            )
        if len(games) == 0:
            return np.empty((0, self.horizon))
        forecast = np.asarray(self._predict(games), dtype=np.float64)
        expected = (len(games), self.horizon)
        if forecast.shape != expected:
            raise RuntimeError(
                f"{self.kind} returned shape {forecast.shape}; expected {expected}"
            )
        return forecast

    @property
    def is_fitted(self) -> bool:
        return self.cutoff_ is not None

    @property
    def horizon(self) -> int:
        self.check_fitted()
        assert self.horizon_ is not None
        return self.horizon_

    def check_fitted(self) -> None:
        if not self.is_fitted:
            raise NotFittedError(
                f"this {self.kind} forecaster is not fitted yet; call fit() first "
                "or load a saved one"
            )

    def save(self, directory: Path) -> None:
        """Write the forecaster into ``directory`` as JSON and data files."""
        self.check_fitted()
        directory.mkdir(parents=True, exist_ok=True)
        self._save_files(directory)
        write_json(
            directory / MANIFEST,
            {
                "kind": self.kind,
                "format_version": FORMAT_VERSION,
                "config": self.config_dict(),
                "cutoff": self.cutoff_,
                "horizon": self.horizon_,
                "fit_seconds": self.fit_seconds_,
                "training_range": self.training_range_,
                "state": self._state(),
            },
        )

    @classmethod
    def load(cls, directory: Path) -> Self:
        """Read a forecaster written by :meth:`save`; nothing is unpickled."""
        manifest = read_manifest(directory)
        if manifest["kind"] != cls.kind:
            raise DataError(
                f"{directory} holds a {manifest['kind']!r} forecaster, not {cls.kind!r}"
            )
        forecaster = cls.from_config(manifest["config"])
        forecaster.cutoff_ = int(manifest["cutoff"])
        forecaster.horizon_ = int(manifest["horizon"])
        forecaster.fit_seconds_ = manifest.get("fit_seconds")
        forecaster.training_range_ = manifest.get("training_range")
        forecaster._restore(manifest.get("state") or {}, directory)
        return forecaster

    # -- for subclasses ---------------------------------------------------------

    @abc.abstractmethod
    def config_dict(self) -> dict[str, Any]:
        """The forecaster's options, as JSON-ready values."""

    @classmethod
    def option_names(cls) -> list[str]:
        """Names of the options :meth:`from_config` accepts, for error messages."""
        return []

    @classmethod
    @abc.abstractmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        """Build an unfitted forecaster from :meth:`config_dict` output."""

    @abc.abstractmethod
    def _fit(self, train: GameSet, validation: GameSet | None) -> None: ...

    @abc.abstractmethod
    def _predict(self, games: GameSet) -> FloatArray: ...

    def _prior_fit_seconds(self) -> float:
        """Training time of parts fitted before :meth:`fit` (an ensemble's members)."""
        return 0.0

    def _state(self) -> dict[str, Any]:
        """Fitted statistics small enough for JSON."""
        return {}

    def _save_files(self, directory: Path) -> None:
        """Write fitted arrays or weights beside the manifest, if any."""

    def _restore(self, state: dict[str, Any], directory: Path) -> None:
        """Restore fitted statistics from :meth:`_state` and files in ``directory``."""


def read_manifest(directory: Path) -> dict[str, Any]:
    """Read ``forecaster.json`` from a model directory, refusing pickles (case M6)."""
    refuse_pickle(directory)
    if not directory.is_dir():
        raise DataError(
            f"{directory}: not a model directory; expected a directory written by "
            "`halftime run` or `halftime train`, holding forecaster.json"
        )
    manifest = read_json(directory / MANIFEST)
    if not isinstance(manifest, dict) or "kind" not in manifest:
        raise DataError(f"{directory / MANIFEST}: not a halftime forecaster manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise DataError(
            f"{directory / MANIFEST}: format version {manifest.get('format_version')}"
            f" is not supported (this halftime reads version {FORMAT_VERSION})"
        )
    return manifest
