"""Specs of the training shared by the neural forecasters (features, scaling, loop).

The networks here are tiny stand-ins so that each spec checks one behaviour of
:mod:`halftime.forecasters.neural` exactly; the LSTM itself is tested in
``test_lstm.py``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from halftime.dataset import GameSet
from halftime.errors import ConfigError, NotFittedError
from halftime.forecasters.features import (
    build_inputs,
    build_targets,
    targets_to_margins,
)
from halftime.forecasters.neural import NeuralForecaster
from halftime.forecasters.neural_config import NetworkConfig, TrainingConfig
from halftime.forecasters.scaling import MarginScaler


def make_games(
    n: int,
    *,
    cutoff: int = 6,
    horizon: int = 3,
    scale: float = 1.0,
    seed: int = 0,
    first_day: int = 0,
) -> GameSet:
    """Random-walk margins (points) for ``n`` games on consecutive days."""
    rng = np.random.default_rng(seed)
    margins = scale * np.cumsum(rng.normal(0.0, 2.0, (n, cutoff + horizon)), axis=1)
    return GameSet(
        pattern=margins[:, :cutoff],
        outcome=margins[:, cutoff:],
        game_id=np.array([f"{seed:02d}{i:08d}" for i in range(n)]),
        date=np.datetime64("2010-10-26") + np.arange(first_day, first_day + n),
        home_team=np.full(n, "BOS"),
        away_team=np.full(n, "PHI"),
        season=np.full(n, "2010-11"),
        horizon=horizon,
    )


class ZeroNetwork(nn.Module):
    """Forecasts 0 on the scaled axis: its forecast in points is the scaler's mean.

    Its one parameter only ever gets a zero gradient, so training leaves it as is.
    Every batch size it sees in training mode is recorded.
    """

    def __init__(self, horizon: int) -> None:
        super().__init__()
        self.horizon = horizon
        self.unused = nn.Parameter(torch.zeros(1))
        self.train_batches: list[int] = []
        self.threads: list[int] = []

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        self.threads.append(torch.get_num_threads())
        if self.training:
            self.train_batches.append(len(inputs))
        # (batch, horizon, 1): the base accepts a trailing axis of 1
        return torch.zeros(len(inputs), self.horizon, 1) + 0.0 * self.unused


class LinearNetwork(nn.Module):
    """A learnable linear map of the flattened sequence, for training specs."""

    def __init__(self, cutoff: int, horizon: int, n_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(cutoff * n_features, horizon)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        # (batch, cutoff * n_features)
        flat = inputs.reshape(len(inputs), -1)
        return self.linear(flat)  # type: ignore[no-any-return]


class ZeroForecaster(NeuralForecaster[NetworkConfig]):
    kind = "zero-test"
    config_class = NetworkConfig

    def build_network(self, *, cutoff: int, horizon: int, n_features: int) -> nn.Module:
        return ZeroNetwork(horizon)


class LinearForecaster(NeuralForecaster[NetworkConfig]):
    kind = "linear-test"
    config_class = NetworkConfig

    def build_network(self, *, cutoff: int, horizon: int, n_features: int) -> nn.Module:
        return LinearNetwork(cutoff, horizon, n_features)


def quick(**overrides: object) -> TrainingConfig:
    return dataclasses.replace(
        TrainingConfig(max_epochs=3, batch_size=8, progress=False), **overrides
    )


# -- features --------------------------------------------------------------------


def test_inputs_as_changes_start_from_a_tied_game() -> None:
    pattern = np.array([[2.0, 2.0, -1.0]])

    changes = build_inputs(pattern, "changes")
    both = build_inputs(pattern, "both")

    assert changes.shape == (1, 3, 1)
    np.testing.assert_array_equal(changes[0, :, 0], [2.0, 0.0, -3.0])
    assert both.shape == (1, 3, 2)
    np.testing.assert_array_equal(both[0, :, 0], pattern[0])
    np.testing.assert_array_equal(both[0, :, 1], changes[0, :, 0])


@pytest.mark.parametrize("representation", ["levels", "change"])
def test_targets_return_to_the_same_margins(representation: str) -> None:
    games = make_games(5)
    outcome = games.require_outcome()

    targets = build_targets(games.pattern, outcome, representation)
    back = targets_to_margins(games.pattern, targets, representation)

    np.testing.assert_allclose(back, outcome)


def test_change_target_is_measured_from_the_cutoff() -> None:
    pattern = np.array([[1.0, 4.0]])
    outcome = np.array([[6.0, 3.0]])

    np.testing.assert_array_equal(
        build_targets(pattern, outcome, "change"), [[2.0, -1.0]]
    )


# -- scaling (cases M1, M2) ---------------------------------------------------------


def test_scaler_statistics_and_round_trip() -> None:
    inputs = np.array([[[0.0, 10.0], [2.0, 30.0]]])  # (1 game, 2 minutes, 2 features)
    targets = np.array([[-3.0, 5.0]])

    scaler = MarginScaler.fit(inputs, targets)

    assert scaler.input_mean == (1.0, 20.0)
    assert scaler.input_scale == (1.0, 10.0)
    assert (scaler.target_mean, scaler.target_scale) == (1.0, 4.0)
    np.testing.assert_allclose(
        scaler.transform_inputs(inputs)[0], [[-1.0, -1.0], [1.0, 1.0]]
    )
    np.testing.assert_allclose(
        scaler.inverse_transform(scaler.transform(targets)), targets
    )


def test_inverse_transform_keeps_a_batch_horizon_1_shape_in_points() -> None:
    scaler = MarginScaler((0.0,), (1.0,), target_mean=2.0, target_scale=5.0)
    scaled = np.arange(12, dtype=np.float32).reshape(2, 6, 1)

    points = scaler.inverse_transform(scaled)

    assert points.shape == (2, 6, 1)
    np.testing.assert_allclose(points, scaled * 5.0 + 2.0)


def test_constant_feature_is_not_divided_by_zero() -> None:
    scaler = MarginScaler.fit(np.zeros((3, 4, 1)), np.ones((3, 2)))

    assert scaler.input_scale == (1.0,)
    assert scaler.target_scale == 1.0


def test_scaler_survives_json() -> None:
    scaler = MarginScaler((0.5, -1.0), (2.0, 3.0), target_mean=0.25, target_scale=4.5)

    again = MarginScaler.from_dict(json.loads(json.dumps(scaler.to_dict())))

    assert again == scaler


def test_scaler_refuses_a_zero_scale() -> None:
    with pytest.raises(ConfigError, match="scales must be finite and > 0"):
        MarginScaler((0.0,), (0.0,), target_mean=0.0, target_scale=1.0)


def test_scaling_uses_training_games_only() -> None:
    train = make_games(40, seed=1)
    calm = make_games(10, seed=2, first_day=100)
    wild = make_games(10, scale=50.0, seed=3, first_day=100)

    with_calm = LinearForecaster(training=quick()).fit(train, calm)
    with_wild = LinearForecaster(training=quick()).fit(train, wild)

    assert with_calm.scaler_ == with_wild.scaler_
    assert with_calm.scaler_ == MarginScaler.fit(*with_calm.features(train))
    assert with_calm.scaler_ is not None and with_wild.scaler_ is not None
    np.testing.assert_array_equal(
        with_calm.scaler_.transform_inputs(with_calm.features(train)[0]),
        with_wild.scaler_.transform_inputs(with_wild.features(train)[0]),
    )
    # Forecasting other games does not refit anything.
    before = with_calm.scaler_
    with_calm.predict(wild)
    assert with_calm.scaler_ is before


@pytest.mark.parametrize("target", ["levels", "change"])
def test_forecasts_are_in_points(target: str) -> None:
    train = make_games(30, scale=40.0, seed=4)
    games = make_games(7, scale=40.0, seed=5)
    forecaster = ZeroForecaster(NetworkConfig(target=target), quick())

    forecaster.fit(train, games)

    # A zero scaled forecast is the training targets' mean, in points.
    targets = build_targets(train.pattern, train.require_outcome(), target)
    expected = targets_to_margins(
        games.pattern,
        np.full((7, train.horizon), targets.mean()),
        target,
    )
    np.testing.assert_allclose(forecaster.predict(games), expected, rtol=1e-5)
    mae = np.abs(expected - games.require_outcome()).mean()
    assert forecaster.history_[-1]["val_mae_points"] == pytest.approx(mae, rel=1e-5)


# -- the training loop ---------------------------------------------------------------


def test_every_training_game_is_used_once_per_epoch() -> None:
    train = make_games(23, seed=6)
    forecaster = ZeroForecaster(training=quick(batch_size=5, max_epochs=2))

    forecaster.fit(train, make_games(4, seed=7))

    assert isinstance(forecaster.network_, ZeroNetwork)
    assert forecaster.network_.train_batches == [5, 5, 5, 5, 3] * 2


@pytest.mark.parametrize(("loss", "power"), [("mse", 2), ("l1", 1)])
def test_training_loss_is_recorded_on_the_scaled_axis(loss: str, power: int) -> None:
    train = make_games(24, scale=30.0, seed=18)
    forecaster = ZeroForecaster(training=quick(loss=loss, max_epochs=1))

    forecaster.fit(train, make_games(4, seed=19))

    assert forecaster.scaler_ is not None
    scaled = forecaster.scaler_.transform(forecaster.features(train)[1])
    expected = np.mean(np.abs(scaled) ** power)
    recorded = forecaster.history_[0][f"train_{loss}_scaled"]
    assert recorded == pytest.approx(expected, rel=1e-5)


def test_threads_are_set_while_working_and_restored_after() -> None:
    before = torch.get_num_threads()
    forecaster = ZeroForecaster(training=quick(threads=1, max_epochs=1))

    forecaster.fit(make_games(10, seed=20), make_games(3, seed=21))
    forecaster.predict(make_games(3, seed=22))

    assert isinstance(forecaster.network_, ZeroNetwork)
    assert set(forecaster.network_.threads) == {1}
    assert torch.get_num_threads() == before


def test_forecast_covers_every_game_whatever_the_batch_size() -> None:
    train, games = make_games(30, seed=8), make_games(10, seed=9)
    forecaster = LinearForecaster(training=quick()).fit(train, games)
    whole = forecaster.predict(games)

    forecaster.training = dataclasses.replace(forecaster.training, eval_batch_size=3)
    in_pieces = forecaster.predict(games)

    assert in_pieces.shape == (10, 3)
    np.testing.assert_allclose(in_pieces, whole, rtol=1e-6, atol=1e-6)


def test_best_epoch_weights_are_kept_and_training_stops_on_patience() -> None:
    train, validation = make_games(60, seed=10), make_games(20, seed=11)
    training = quick(max_epochs=40, patience=2, learning_rate=0.05)
    forecaster = LinearForecaster(training=training).fit(train, validation)

    maes = [epoch["val_mae_points"] for epoch in forecaster.history_]
    best = int(np.argmin(maes)) + 1
    assert forecaster.best_epoch_ == best
    assert len(maes) < 40
    assert len(maes) == best + 2
    kept = np.abs(forecaster.predict(validation) - validation.require_outcome())
    assert kept.mean() == pytest.approx(min(maes), rel=1e-5)


def test_learning_rate_decays_each_epoch() -> None:
    training = quick(max_epochs=3, learning_rate=0.01, lr_decay=0.5, patience=10)
    forecaster = LinearForecaster(training=training)

    forecaster.fit(make_games(20, seed=12), make_games(5, seed=13))

    rates = [epoch["learning_rate"] for epoch in forecaster.history_]
    assert rates == pytest.approx([0.01, 0.005, 0.0025])


def test_without_validation_the_latest_games_are_held_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    train = make_games(50, seed=14)
    shuffled = train.subset(np.random.default_rng(0).permutation(50))
    forecaster = LinearForecaster(training=quick())

    with caplog.at_level(logging.WARNING):
        forecaster.fit(shuffled)

    assert "latest 5 of 50 training games" in caplog.text
    earliest = train.subset(np.arange(45))
    assert forecaster.scaler_ == MarginScaler.fit(*forecaster.features(earliest))


def test_without_any_validation_training_runs_every_epoch(
    caplog: pytest.LogCaptureFixture,
) -> None:
    forecaster = LinearForecaster(training=quick(max_epochs=4, holdout_fraction=0.0))

    with caplog.at_level(logging.WARNING):
        forecaster.fit(make_games(20, seed=15))

    assert "without early stopping" in caplog.text
    assert len(forecaster.history_) == 4
    assert forecaster.best_epoch_ == 4


def test_same_seed_same_model_and_other_seed_other_model() -> None:
    train, validation = make_games(30, seed=16), make_games(8, seed=17)

    first = LinearForecaster(training=quick(seed=5)).fit(train, validation)
    second = LinearForecaster(training=quick(seed=5)).fit(train, validation)
    other = LinearForecaster(training=quick(seed=6)).fit(train, validation)

    np.testing.assert_array_equal(first.predict(validation), second.predict(validation))
    assert not np.allclose(first.predict(validation), other.predict(validation))


# -- configuration -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("batch_size", 0, "batch_size must be an integer >= 1"),
        ("max_epochs", 2.5, "max_epochs must be an integer >= 1"),
        ("learning_rate", 0.0, "learning_rate must be > 0"),
        ("grad_clip", -1.0, "grad_clip must be > 0 or None"),
        ("lr_decay", 1.5, r"lr_decay must be in \(0, 1\]"),
        ("threads", 0, "threads must be >= 1"),
        ("holdout_fraction", 1.0, r"holdout_fraction must be in \[0, 1\)"),
        ("loss", "huber", "loss must be 'mse' or 'l1'"),
    ],
)
def test_training_config_rejects(option: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        TrainingConfig(**{option: value})


def test_network_config_names_the_accepted_representations() -> None:
    with pytest.raises(ConfigError, match="inputs must be one of"):
        NetworkConfig(inputs="diffs")
    with pytest.raises(ConfigError, match="target must be one of"):
        NetworkConfig(target="delta")


def test_from_config_rejects_unknown_options() -> None:
    with pytest.raises(ConfigError, match=r"unknown training option\(s\) \['epochs'\]"):
        LinearForecaster.from_config({"network": {}, "training": {"epochs": 3}})


def test_config_round_trips_through_json() -> None:
    forecaster = LinearForecaster(
        NetworkConfig(inputs="both", target="levels"), quick(lr_decay=0.5)
    )

    again = LinearForecaster.from_config(
        json.loads(json.dumps(forecaster.config_dict()))
    )

    assert again.config == forecaster.config
    assert again.training == forecaster.training


def test_unfitted_forecaster_says_to_fit(tmp_path: Path) -> None:
    forecaster = LinearForecaster()

    with pytest.raises(NotFittedError, match="call fit"):
        forecaster.predict(make_games(3))
    with pytest.raises(NotFittedError, match="call fit"):
        forecaster.save(tmp_path)
