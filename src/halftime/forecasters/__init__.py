"""Forecasters behind one interface, and the registry that loads saved ones by kind.

Classes are imported lazily so that using a baseline does not import torch.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np

from halftime.dataset import GameSet
from halftime.errors import ConfigError, DataError, HalftimeError
from halftime.forecasters.base import Forecaster, read_manifest

_REGISTRY: dict[str, str] = {
    "persistence": "halftime.forecasters.baselines:Persistence",
    "mean_reversion": "halftime.forecasters.baselines:MeanReversion",
    "dejavu": "halftime.forecasters.dejavu:Dejavu",
    "lstm": "halftime.forecasters.lstm:LSTMForecaster",
    "informer": "halftime.forecasters.informer:InformerForecaster",
    "ensemble": "halftime.forecasters.ensemble:Ensemble",
}

KINDS: tuple[str, ...] = tuple(_REGISTRY)


def forecaster_class(kind: str) -> type[Forecaster]:
    """Return the forecaster class registered under ``kind``."""
    try:
        module_name, class_name = _REGISTRY[kind].split(":")
    except KeyError:
        raise ConfigError(
            f"unknown forecaster {kind!r}; accepted: {', '.join(KINDS)}"
        ) from None
    cls: type[Forecaster] = getattr(importlib.import_module(module_name), class_name)
    return cls


def load_forecaster(directory: Path) -> Forecaster:
    """Load any forecaster saved with :meth:`Forecaster.save` (no unpickling).

    The loaded forecaster forecasts one flat game as a check that its files agree
    with each other; damaged or inconsistent files raise :class:`DataError`.
    """
    manifest = read_manifest(directory)
    kind = str(manifest["kind"])
    cls = forecaster_class(kind)
    try:
        forecaster = cls.load(directory)
        assert forecaster.cutoff_ is not None
        flat = GameSet.from_patterns(
            np.zeros((1, forecaster.cutoff_)), horizon=forecaster.horizon
        )
        finite = bool(np.isfinite(forecaster.predict(flat)).all())
    except ConfigError as error:
        raise DataError(
            f"{directory}: the saved {kind} config is refused: {error}"
        ) from None
    except HalftimeError:
        raise
    except (
        KeyError,
        TypeError,
        ValueError,
        RuntimeError,
        IndexError,
        AttributeError,
        AssertionError,
    ) as error:
        raise DataError(
            f"{directory}: the {kind} model files are damaged or inconsistent "
            f"({error.__class__.__name__}: {error}); fit the model again"
        ) from None
    if not finite:
        raise DataError(
            f"{directory}: the {kind} model forecasts a non-finite margin; its files "
            "are damaged, fit the model again"
        )
    return forecaster


__all__ = ["KINDS", "Forecaster", "forecaster_class", "load_forecaster"]
