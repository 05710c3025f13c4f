"""Training shared by the neural forecasters (the LSTM and the Informer).

A neural forecaster reads the margins after minutes ``1..cutoff`` as a sequence of
``n_features`` values per minute and forecasts the whole horizon in one shot. This
module does everything around the network: it builds the features
(:mod:`~halftime.forecasters.features`), scales them with statistics of the
training games only (:mod:`~halftime.forecasters.scaling`, case M1), trains with
Adam on the mean squared error with gradient clipping and early stopping on the
validation MAE in points (as :mod:`~halftime.forecasters.neural_config` says), and
saves the weights as a weights-only torch file beside a JSON manifest (case M6).
Subclasses only say how to build their network.
"""

from __future__ import annotations

import abc
import copy
import logging
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, ClassVar, Generic, Self, TypeVar

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn
from tqdm.auto import tqdm

from halftime.dataset import FloatArray, GameSet
from halftime.errors import ConfigError, DataError, NotFittedError
from halftime.forecasters.base import Forecaster
from halftime.forecasters.features import (
    build_inputs,
    build_targets,
    n_features,
    targets_to_margins,
)
from halftime.forecasters.neural_config import NetworkConfig, TrainingConfig
from halftime.forecasters.scaling import MarginScaler
from halftime.safe_io import load_torch_state, save_torch_state

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "weights.pt"


ConfigT = TypeVar("ConfigT", bound=NetworkConfig)


def build_config(cls: type[Any], values: dict[str, Any], what: str) -> Any:
    """Build a config dataclass, naming unknown options and the accepted ones."""
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"unknown {what} option(s) {unknown}; accepted: {sorted(known)}"
        )
    return cls(**values)


# -- the forecaster -------------------------------------------------------------


class NeuralForecaster(Forecaster, Generic[ConfigT]):
    """A forecaster whose network maps scaled input sequences to scaled targets.

    Subclasses set :attr:`kind` and :attr:`config_class` and implement
    :meth:`build_network`. Everything else (features, scaling, seeding, training,
    early stopping, forecasting in points, saving) happens here.

    Parameters
    ----------
    config : NetworkConfig subclass, optional
        The network and feature options; defaults to ``config_class()``.
    training : TrainingConfig, optional
    """

    config_class: ClassVar[type[NetworkConfig]]
    auto_threads: ClassVar[int | None] = None
    """Torch threads when ``TrainingConfig.threads`` is None; None keeps torch's."""

    def __init__(
        self, config: ConfigT | None = None, training: TrainingConfig | None = None
    ) -> None:
        super().__init__()
        self.config: ConfigT = config if config is not None else self._default_config()
        self.training = training if training is not None else TrainingConfig()
        self.network_: nn.Module | None = None
        self.scaler_: MarginScaler | None = None
        self.history_: list[dict[str, float]] = []
        self.best_epoch_: int | None = None
        self.validation_source_: str | None = None

    def _default_config(self) -> ConfigT:
        config: ConfigT = self.config_class()  # type: ignore[assignment]
        return config

    @abc.abstractmethod
    def build_network(self, *, cutoff: int, horizon: int, n_features: int) -> nn.Module:
        """Return a fresh network for these sizes.

        The network maps a float32 tensor of shape (batch, cutoff, n_features) of
        scaled inputs to scaled targets of shape (batch, horizon) (or
        (batch, horizon, 1)).
        """

    # -- Forecaster hooks -------------------------------------------------------

    def config_dict(self) -> dict[str, Any]:
        return {"network": asdict(self.config), "training": asdict(self.training)}

    @classmethod
    def option_names(cls) -> list[str]:
        network = [option.name for option in fields(cls.config_class)]
        return network + [option.name for option in fields(TrainingConfig)]

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        network = build_config(cls.config_class, config.get("network", {}), cls.kind)
        training = build_config(TrainingConfig, config.get("training", {}), "training")
        return cls(network, training)

    def _fit(self, train: GameSet, validation: GameSet | None) -> None:
        settings = self.training
        train, validation = self._split_validation(train, validation)

        # Features and scaling, from the training games only (case M1).
        train_inputs, train_targets = self.features(train)
        self.scaler_ = MarginScaler.fit(train_inputs, train_targets)
        x_train = torch.from_numpy(self.scaler_.transform_inputs(train_inputs))
        y_train = torch.from_numpy(self.scaler_.transform(train_targets))

        with self._torch_threads():
            # Seed everything before the network draws its initial weights.
            random.seed(settings.seed)
            np.random.seed(settings.seed % 2**32)
            torch.manual_seed(settings.seed)
            shuffle = torch.Generator().manual_seed(settings.seed)
            network = self.build_network(
                cutoff=train.cutoff,
                horizon=train.horizon,
                n_features=n_features(self.config.inputs),
            )
            self.network_ = network
            self._train(network, x_train, y_train, validation, shuffle)

    def _train(
        self,
        network: nn.Module,
        x_train: torch.Tensor,
        y_train: torch.Tensor,
        validation: GameSet | None,
        shuffle: torch.Generator,
    ) -> None:
        settings = self.training
        optimiser = torch.optim.Adam(network.parameters(), lr=settings.learning_rate)
        loss_fn = nn.MSELoss() if settings.loss == "mse" else nn.L1Loss()
        best_mae, best_state, stale = np.inf, None, 0
        self.history_ = []
        self.best_epoch_ = None
        epochs = tqdm(
            range(1, settings.max_epochs + 1),
            desc=f"{self.kind} epochs",
            unit="epoch",
            disable=None if settings.progress else True,
            leave=False,
        )
        for epoch in epochs:
            started = time.perf_counter()

            # One pass over the shuffled training games, the last batch included.
            network.train()
            order = torch.randperm(len(x_train), generator=shuffle)
            total = 0.0
            for start in range(0, len(order), settings.batch_size):
                batch = order[start : start + settings.batch_size]
                optimiser.zero_grad()
                # (batch, horizon)
                forecast = network(x_train[batch]).reshape(len(batch), -1)
                loss = loss_fn(forecast, y_train[batch])
                loss.backward()
                if settings.grad_clip is not None:
                    nn.utils.clip_grad_norm_(network.parameters(), settings.grad_clip)
                optimiser.step()
                total += loss.item() * len(batch)
            record = {
                "epoch": float(epoch),
                f"train_{settings.loss}_scaled": total / len(order),
                "learning_rate": float(optimiser.param_groups[0]["lr"]),
            }

            # Validation in points decides early stopping.
            if validation is not None:
                record.update(self._validate(validation))
                if record["val_mae_points"] < best_mae:
                    best_mae, stale = record["val_mae_points"], 0
                    best_state = copy.deepcopy(network.state_dict())
                    self.best_epoch_ = epoch
                else:
                    stale += 1
            else:
                self.best_epoch_ = epoch
            record["seconds"] = time.perf_counter() - started
            self.history_.append(record)
            epochs.set_postfix(_postfix(record))
            logger.debug("%s epoch %d: %s", self.kind, epoch, record)
            if validation is not None and stale >= settings.patience:
                logger.info(
                    "%s: early stop after epoch %d; best epoch %d (val MAE %.3f pts)",
                    self.kind,
                    epoch,
                    self.best_epoch_,
                    best_mae,
                )
                break
            if settings.lr_decay is not None:
                for group in optimiser.param_groups:
                    group["lr"] *= settings.lr_decay
        epochs.close()
        if best_state is not None:
            network.load_state_dict(best_state)
        network.eval()

    def _validate(self, validation: GameSet) -> dict[str, float]:
        assert self.scaler_ is not None
        inputs, targets = self.features(validation)
        scaled = self._forward(inputs)
        mse = float(np.mean((scaled - self.scaler_.transform(targets)) ** 2))
        margins = targets_to_margins(
            validation.pattern,
            self.scaler_.inverse_transform(scaled),
            self.config.target,
        )
        mae = float(np.mean(np.abs(margins - validation.require_outcome())))
        return {"val_mse_scaled": mse, "val_mae_points": mae}

    def _predict(self, games: GameSet) -> FloatArray:
        assert self.scaler_ is not None
        inputs = build_inputs(games.pattern, self.config.inputs)
        with self._torch_threads():
            scaled = self._forward(inputs)
        # (n_games, horizon), points
        return targets_to_margins(
            games.pattern, self.scaler_.inverse_transform(scaled), self.config.target
        )

    def _forward(self, inputs: NDArray[np.float32]) -> NDArray[np.float32]:
        """Scaled forecasts (n_games, horizon) for unscaled inputs, every game."""
        if self.network_ is None or self.scaler_ is None:
            raise NotFittedError(f"this {self.kind} forecaster has no network yet")
        network = self.network_
        network.eval()
        x = torch.from_numpy(self.scaler_.transform_inputs(inputs))
        step = self.training.eval_batch_size
        chunks = []
        with torch.inference_mode():
            for start in range(0, len(x), step):
                batch = x[start : start + step]
                # (batch, horizon)
                chunks.append(network(batch).reshape(len(batch), -1))
        return torch.cat(chunks).numpy()

    def features(self, games: GameSet) -> tuple[NDArray[np.float32], FloatArray]:
        """Unscaled inputs (n, cutoff, n_features) and targets (n, horizon), points."""
        inputs = build_inputs(games.pattern, self.config.inputs)
        targets = build_targets(
            games.pattern, games.require_outcome(), self.config.target
        )
        return inputs, targets

    def _split_validation(
        self, train: GameSet, validation: GameSet | None
    ) -> tuple[GameSet, GameSet | None]:
        """Use the validation games, or hold out the latest training games."""
        if validation is not None:
            validation.require_outcome()
            self.validation_source_ = "validation games"
            return train, validation
        n_holdout = round(self.training.holdout_fraction * len(train))
        if n_holdout == 0 or n_holdout >= len(train):
            self.validation_source_ = "none"
            logger.warning(
                "%s: no validation games; training for all %d epochs without early "
                "stopping. Pass validation games or set holdout_fraction > 0",
                self.kind,
                self.training.max_epochs,
            )
            return train, None
        # Chronological: the latest games by date (unknown dates sort last).
        order = np.argsort(train.date, kind="stable")
        self.validation_source_ = (
            f"latest {n_holdout} of {len(train)} training games "
            f"({self.training.holdout_fraction:.0%}) held out by date"
        )
        logger.warning(
            "%s: no validation games; early stopping on the %s",
            self.kind,
            self.validation_source_,
        )
        return train.subset(order[:-n_holdout]), train.subset(order[-n_holdout:])

    @contextmanager
    def _torch_threads(self) -> Iterator[None]:
        previous = torch.get_num_threads()
        wanted = self.training.threads or self.auto_threads
        if wanted is not None:
            torch.set_num_threads(min(wanted, os.cpu_count() or 1))
        try:
            yield
        finally:
            torch.set_num_threads(previous)

    # -- saving -----------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        assert self.scaler_ is not None
        return {
            "scaler": self.scaler_.to_dict(),
            "history": self.history_,
            "best_epoch": self.best_epoch_,
            "seed": self.training.seed,
            "validation_source": self.validation_source_,
            "weights": WEIGHTS_FILE,
            "torch_version": torch.__version__,
        }

    def _save_files(self, directory: Path) -> None:
        assert self.network_ is not None
        save_torch_state(directory / WEIGHTS_FILE, self.network_.state_dict())

    def _restore(self, state: dict[str, Any], directory: Path) -> None:
        if "scaler" not in state:
            raise DataError(f"{directory}: the manifest has no scaler statistics")
        assert self.cutoff_ is not None and self.horizon_ is not None
        self.scaler_ = MarginScaler.from_dict(state["scaler"])
        self.history_ = list(state.get("history", []))
        self.best_epoch_ = state.get("best_epoch")
        self.validation_source_ = state.get("validation_source")
        network = self.build_network(
            cutoff=self.cutoff_,
            horizon=self.horizon_,
            n_features=n_features(self.config.inputs),
        )
        weights = load_torch_state(directory / WEIGHTS_FILE)
        try:
            network.load_state_dict(weights)
        except RuntimeError as error:
            raise DataError(
                f"{directory / WEIGHTS_FILE}: weights do not fit this {self.kind} "
                f"config ({str(error).splitlines()[0]})"
            ) from None
        network.eval()
        self.network_ = network


def _postfix(record: dict[str, float]) -> dict[str, str]:
    labels = {
        "train_mse_scaled": "train_mse(scaled)",
        "train_l1_scaled": "train_l1(scaled)",
        "val_mse_scaled": "val_mse(scaled)",
        "val_mae_points": "val_mae(pts)",
    }
    return {
        label: f"{record[key]:.4f}" for key, label in labels.items() if key in record
    }
