"""The two frozen configs a neural forecaster is built from.

:class:`TrainingConfig` says how any neural forecaster is trained (optimiser,
batches, early stopping, seed, threads); :class:`NetworkConfig` carries the feature
options every network's config shares, and each network subclasses it with its
own options. Both are validated on creation and saved as JSON in the forecaster's
manifest, so they live apart from the training loop that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from halftime.constants import DEFAULT_SEED
from halftime.errors import ConfigError
from halftime.forecasters.features import (
    INPUT_REPRESENTATIONS,
    TARGET_REPRESENTATIONS,
    InputRepresentation,
    TargetRepresentation,
)


@dataclass(frozen=True)
class TrainingConfig:
    """How a neural forecaster is trained.

    Parameters
    ----------
    learning_rate : float
        Adam's initial step size.
    batch_size : int
        Games per optimisation step (the last batch may be smaller).
    max_epochs : int
        Passes over the training games at most.
    patience : int
        Epochs without a better validation MAE before training stops; the weights
        of the best epoch are kept.
    grad_clip : float or None
        Largest gradient norm; None disables clipping.
    lr_decay : float or None
        Factor applied to the learning rate after each epoch (the Informer uses 0.5).
    seed : int
        Seeds torch, numpy and Python's ``random``; the same seed gives the same
        model.
    threads : int or None
        Torch CPU threads while training and forecasting; None uses the
        forecaster's
        :attr:`~halftime.forecasters.neural.NeuralForecaster.auto_threads` (at most
        the CPU count).
    holdout_fraction : float
        Without validation games, the latest fraction of the training games (by
        date) is held out for early stopping; 0 trains for ``max_epochs``.
    eval_batch_size : int
        Games per forward pass when forecasting; every game is forecast.
    progress : bool
        Show a tqdm progress bar over epochs.
    loss : {"mse", "l1"}
        Training loss on the scaled targets: squared error (forecasts the mean) or
        absolute error (forecasts the median, which the MAE rewards).
    """

    learning_rate: float = 1e-3
    batch_size: int = 32
    max_epochs: int = 50
    patience: int = 5
    grad_clip: float | None = 1.0
    lr_decay: float | None = None
    seed: int = DEFAULT_SEED
    threads: int | None = None
    holdout_fraction: float = 0.1
    eval_batch_size: int = 1024
    progress: bool = True
    loss: Literal["mse", "l1"] = "mse"

    def __post_init__(self) -> None:
        positive_ints = ("batch_size", "max_epochs", "patience", "eval_batch_size")
        for name in positive_ints:
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be an integer >= 1; got {value!r}")
        if not self.learning_rate > 0:
            raise ConfigError(f"learning_rate must be > 0; got {self.learning_rate}")
        if self.grad_clip is not None and not self.grad_clip > 0:
            raise ConfigError(f"grad_clip must be > 0 or None; got {self.grad_clip}")
        if self.lr_decay is not None and not 0 < self.lr_decay <= 1:
            raise ConfigError(
                f"lr_decay must be in (0, 1] or None; got {self.lr_decay}"
            )
        if self.threads is not None and self.threads < 1:
            raise ConfigError(f"threads must be >= 1 or None; got {self.threads}")
        if self.loss not in ("mse", "l1"):
            raise ConfigError(f"loss must be 'mse' or 'l1'; got {self.loss!r}")
        if not 0 <= self.holdout_fraction < 1:
            raise ConfigError(
                f"holdout_fraction must be in [0, 1); got {self.holdout_fraction}"
            )


@dataclass(frozen=True)
class NetworkConfig:
    """Feature options every neural forecaster's config carries.

    Subclass it (frozen) to add the network's own options; call
    ``super().__post_init__()`` from a subclass's ``__post_init__``.

    Parameters
    ----------
    inputs : {"changes", "levels", "both"}
        The margin sequence as per-minute changes, as levels, or both.
    target : {"change", "levels"}
        Forecast the change from the margin at the cutoff, or the margin itself.
    """

    inputs: InputRepresentation = "changes"
    target: TargetRepresentation = "change"

    def __post_init__(self) -> None:
        if self.inputs not in INPUT_REPRESENTATIONS:
            raise ConfigError(
                f"inputs must be one of {INPUT_REPRESENTATIONS}; got {self.inputs!r}"
            )
        if self.target not in TARGET_REPRESENTATIONS:
            raise ConfigError(
                f"target must be one of {TARGET_REPRESENTATIONS}; got {self.target!r}"
            )
