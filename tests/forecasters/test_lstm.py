"""Specs of the LSTM forecaster: the network, the forecaster contract, safe files."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from halftime.dataset import GameSet
from halftime.errors import ConfigError, NotFittedError, UnsafeModelFileError
from halftime.forecasters import forecaster_class, load_forecaster
from halftime.forecasters.lstm import LSTMConfig, LSTMForecaster, MarginLSTM
from halftime.forecasters.neural import WEIGHTS_FILE
from halftime.forecasters.neural_config import TrainingConfig

TINY = LSTMConfig(hidden_size=8, num_layers=2, dropout=0.1)


def quick(**overrides: object) -> TrainingConfig:
    return dataclasses.replace(
        TrainingConfig(max_epochs=2, batch_size=16, threads=1, progress=False),
        **overrides,
    )


def make_games(
    n: int, *, cutoff: int = 18, horizon: int = 6, seed: int = 0, reversion: float = 0.0
) -> GameSet:
    """Random-walk margins; with ``reversion`` the lead at the cutoff shrinks after."""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0.0, 2.0, (n, cutoff + horizon)), axis=1)
    pattern = walk[:, :cutoff]
    after = walk[:, cutoff:] - walk[:, cutoff - 1 : cutoff]
    shrink = 1.0 - reversion * np.arange(1, horizon + 1) / horizon
    outcome = pattern[:, -1:] * shrink + 0.3 * after
    return GameSet(
        pattern=pattern,
        outcome=outcome,
        game_id=np.array([f"{seed:02d}{i:08d}" for i in range(n)]),
        date=np.datetime64("2012-10-30") + np.arange(n),
        home_team=np.full(n, "LAL"),
        away_team=np.full(n, "DAL"),
        season=np.full(n, "2012-13"),
        horizon=horizon,
    )


class PlantsMarker:
    """Unpickling this object creates ``marker``: a stand-in for malicious code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Path.touch, (self.marker,))


@pytest.fixture(scope="module")
def fitted() -> tuple[LSTMForecaster, GameSet]:
    games = make_games(90, seed=1)
    train, validation = games.subset(np.arange(70)), games.subset(np.arange(70, 90))
    return LSTMForecaster(TINY, quick()).fit(train, validation), validation


# -- the network ----------------------------------------------------------------------


@pytest.mark.parametrize("n_features", [1, 2])
def test_network_maps_a_sequence_to_the_whole_horizon(n_features: int) -> None:
    network = MarginLSTM(TINY, horizon=6, n_features=n_features)

    forecast = network(torch.zeros(5, 18, n_features))

    assert forecast.shape == (5, 6)


def test_network_reads_the_last_minute() -> None:
    torch.manual_seed(0)
    network = MarginLSTM(TINY, horizon=6, n_features=1).eval()
    margins = torch.zeros(1, 18, 1)
    changed = margins.clone()
    changed[0, -1, 0] = 3.0

    assert not torch.allclose(network(margins), network(changed))


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("hidden_size", 0, "hidden_size must be an integer >= 1"),
        ("num_layers", 1.5, "num_layers must be an integer >= 1"),
        ("dropout", 1.0, r"dropout must be in \[0, 1\)"),
        ("inputs", "deltas", "inputs must be one of"),
    ],
)
def test_config_rejects(option: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        LSTMConfig(**{option: value})


def test_defaults_follow_the_design() -> None:
    config, training = LSTMConfig(), TrainingConfig()

    assert (config.hidden_size, config.num_layers, config.dropout) == (64, 2, 0.1)
    assert (training.learning_rate, training.batch_size) == (1e-3, 32)
    assert (training.max_epochs, training.patience, training.grad_clip) == (50, 5, 1.0)
    assert training.seed == 2021


# -- the forecaster contract ---------------------------------------------------------


def test_registry_builds_the_lstm() -> None:
    assert forecaster_class("lstm") is LSTMForecaster


def test_forecast_has_one_row_per_game_and_one_column_per_minute(
    fitted: tuple[LSTMForecaster, GameSet],
) -> None:
    forecaster, validation = fitted

    forecast = forecaster.predict(validation)

    assert forecast.shape == (20, 6)
    assert np.isfinite(forecast).all()
    assert len(forecaster.history_) == 2


def test_live_games_without_outcome_are_forecast(
    fitted: tuple[LSTMForecaster, GameSet],
) -> None:
    forecaster, validation = fitted
    live = GameSet.from_patterns(validation.pattern[:3])

    np.testing.assert_array_equal(
        forecaster.predict(live), forecaster.predict(validation)[:3]
    )


def test_horizon_comes_from_the_data() -> None:
    games = make_games(30, cutoff=10, horizon=3, seed=2)

    forecaster = LSTMForecaster(TINY, quick(max_epochs=1)).fit(games)

    assert forecaster.predict(games).shape == (30, 3)


def test_unfitted_lstm_says_to_fit() -> None:
    with pytest.raises(NotFittedError, match="call fit"):
        LSTMForecaster().predict(make_games(2))


def test_save_and_load_give_identical_forecasts(
    fitted: tuple[LSTMForecaster, GameSet], tmp_path: Path
) -> None:
    forecaster, validation = fitted

    forecaster.save(tmp_path)
    loaded = load_forecaster(tmp_path)

    manifest = json.loads((tmp_path / "forecaster.json").read_text())
    state = manifest["state"]
    assert state["seed"] == forecaster.training.seed
    assert state["best_epoch"] == forecaster.best_epoch_
    assert state["scaler"] == forecaster.scaler_.to_dict()  # type: ignore[union-attr]
    assert [epoch["epoch"] for epoch in state["history"]] == [1.0, 2.0]
    assert isinstance(loaded, LSTMForecaster)
    assert loaded.config == forecaster.config
    assert loaded.scaler_ == forecaster.scaler_
    assert loaded.best_epoch_ == forecaster.best_epoch_
    assert loaded.history_ == forecaster.history_
    np.testing.assert_array_equal(
        loaded.predict(validation), forecaster.predict(validation)
    )


def test_saved_weights_are_plain_tensors(
    fitted: tuple[LSTMForecaster, GameSet], tmp_path: Path
) -> None:
    forecaster, _ = fitted
    forecaster.save(tmp_path)

    state = torch.load(tmp_path / WEIGHTS_FILE, weights_only=True)

    assert set(state) == set(forecaster.network_.state_dict())  # type: ignore[union-attr]
    assert all(isinstance(value, torch.Tensor) for value in state.values())


@pytest.mark.parametrize("how", ["torch.save", "pickle.dump"])
def test_planted_malicious_weights_are_refused_unread(
    fitted: tuple[LSTMForecaster, GameSet], tmp_path: Path, how: str
) -> None:
    forecaster, _ = fitted
    model_dir, marker = tmp_path / "model", tmp_path / "marker"
    forecaster.save(model_dir)
    payload = {"lstm.weight_ih_l0": PlantsMarker(marker)}
    if how == "torch.save":
        torch.save(payload, model_dir / WEIGHTS_FILE)
    else:
        with (model_dir / WEIGHTS_FILE).open("wb") as handle:
            pickle.dump(payload, handle)

    with pytest.raises(UnsafeModelFileError, match="weights"):
        load_forecaster(model_dir)

    assert not marker.exists()


def test_a_pickle_handed_over_as_the_model_is_refused(tmp_path: Path) -> None:
    marker, planted = tmp_path / "marker", tmp_path / "model.pkl"
    with planted.open("wb") as handle:
        pickle.dump(PlantsMarker(marker), handle)

    with pytest.raises(UnsafeModelFileError, match=r"refusing to read a \.pkl"):
        load_forecaster(planted)

    assert not marker.exists()


# -- training ----------------------------------------------------------------------


def test_same_seed_gives_the_same_weights() -> None:
    games = make_games(40, seed=3)
    train, validation = games.subset(np.arange(30)), games.subset(np.arange(30, 40))

    first = LSTMForecaster(TINY, quick(seed=11)).fit(train, validation)
    second = LSTMForecaster(TINY, quick(seed=11)).fit(train, validation)

    assert first.network_ is not None and second.network_ is not None
    for (name, a), b in zip(
        first.network_.state_dict().items(),
        second.network_.state_dict().values(),
        strict=True,
    ):
        assert torch.equal(a, b), name
    np.testing.assert_array_equal(first.predict(validation), second.predict(validation))


@pytest.mark.parametrize(
    "config",
    [
        LSTMConfig(hidden_size=16, num_layers=1, inputs="changes", target="change"),
        LSTMConfig(hidden_size=16, num_layers=1, inputs="both", target="levels"),
    ],
)
def test_lstm_learns_leads_that_shrink(config: LSTMConfig) -> None:
    games = make_games(300, seed=4, reversion=0.5)
    train, validation = games.subset(np.arange(240)), games.subset(np.arange(240, 300))
    training = quick(max_epochs=12, batch_size=24, learning_rate=1e-2, patience=12)

    forecaster = LSTMForecaster(config, training).fit(train, validation)

    outcome = validation.require_outcome()
    lstm_mae = np.abs(forecaster.predict(validation) - outcome).mean()
    persistence_mae = np.abs(validation.pattern[:, -1:] - outcome).mean()
    assert lstm_mae < 0.7 * persistence_mae
