"""Forecasters behind one interface, and the registry that loads saved ones by kind.

Classes are imported lazily so that using a baseline does not import torch.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from halftime.errors import ConfigError
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
    """Load any forecaster saved with :meth:`Forecaster.save` (no unpickling)."""
    manifest = read_manifest(directory)
    return forecaster_class(str(manifest["kind"])).load(directory)


__all__ = ["KINDS", "Forecaster", "forecaster_class", "load_forecaster"]
