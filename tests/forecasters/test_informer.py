"""The Informer forecaster: presets, the forecaster contract, files as data, and
that it learns a pattern persistence cannot follow."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from halftime.dataset import GameSet
from halftime.errors import ConfigError, NotFittedError
from halftime.forecasters import load_forecaster
from halftime.forecasters.informer import (
    NETWORK_FILE,
    PAPER_TRAINING,
    InformerForecaster,
    InformerSettings,
)
from halftime.forecasters.neural_config import TrainingConfig
from halftime.nn.informer import InformerConfig

QUICK = {"max_epochs": 2, "batch_size": 64, "progress": False, "threads": 1}


def _quick(**network: object) -> InformerForecaster:
    return InformerForecaster.from_config(
        {"network": {"preset": "tiny", **network}, "training": QUICK}
    )


def _trending_games(n_games: int, *, seed: int) -> GameSet:
    """Margins that keep each game's own trend (points a minute) to halftime."""
    rng = np.random.default_rng(seed)
    slope = rng.uniform(-1.5, 1.5, size=(n_games, 1))
    minutes = np.arange(1, 25)
    margins = np.round(slope * minutes + rng.normal(0, 0.5, (n_games, 24)))
    games = GameSet.from_patterns(
        margins[:, :18], game_id=[f"g{i}" for i in range(n_games)]
    )
    return GameSet(
        pattern=games.pattern,
        outcome=margins[:, 18:],
        game_id=games.game_id,
        date=games.date,
        home_team=games.home_team,
        away_team=games.away_team,
        season=games.season,
    )


# -- presets and options ----------------------------------------------------------


def test_default_forecaster_uses_the_default_preset_and_trains_on_changes() -> None:
    forecaster = InformerForecaster()
    network = forecaster.config.network_config(cutoff=18, horizon=6)
    assert (network.d_model, network.n_heads, network.d_ff) == (64, 4, 128)
    assert network.start_minutes == 9  # half the input, as in the paper
    assert forecaster.config.target == "change"
    assert forecaster.training.lr_decay == 0.5


def test_paper_preset_trains_with_the_papers_recipe() -> None:
    forecaster = InformerForecaster.from_config({"network": {"preset": "paper"}})

    assert forecaster.training == PAPER_TRAINING
    training = forecaster.training
    assert (training.learning_rate, training.batch_size) == (1e-4, 32)
    assert (training.max_epochs, training.patience, training.lr_decay) == (8, 3, 0.5)
    network = forecaster.config.network_config(cutoff=18, horizon=6)
    assert (network.d_model, network.n_heads, network.d_ff) == (512, 8, 2048)


def test_given_options_override_the_preset() -> None:
    forecaster = InformerForecaster.from_config(
        {"network": {"preset": "paper", "d_model": 64}, "training": {"max_epochs": 2}}
    )
    assert forecaster.config.network_config(cutoff=18, horizon=6).d_model == 64
    assert forecaster.training.max_epochs == 2
    assert forecaster.training.learning_rate == 1e-4


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"network": {"e_layers": 3}}, "unknown informer option.*e_layers"),
        ({"training": {"lradj": "type1"}}, "unknown training option.*lradj"),
        ({"network": {"preset": "huge"}}, "unknown Informer preset 'huge'"),
        ({"network": {"n_heads": 5}}, "must divide d_model"),
        ({"network": {"target": "ratio"}}, "target must be one of"),
    ],
)
def test_bad_options_are_refused_by_name(
    config: dict[str, dict[str, object]], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        InformerForecaster.from_config(config)


def test_a_start_token_longer_than_the_input_is_refused_at_fit(
    train_games: GameSet,
) -> None:
    short = GameSet.from_patterns(train_games.pattern[:50, :6])
    short = GameSet(
        pattern=short.pattern,
        outcome=train_games.require_outcome()[:50],
        game_id=short.game_id,
        date=short.date,
        home_team=short.home_team,
        away_team=short.away_team,
        season=short.season,
    )
    with pytest.raises(ConfigError, match=r"start_minutes \(9\) exceeds the 6 input"):
        _quick(start_minutes=9).fit(short)


def test_options_round_trip_through_the_saved_config() -> None:
    forecaster = _quick(start_minutes=6, distil=False, inputs="both")
    rebuilt = InformerForecaster.from_config(forecaster.config_dict())
    assert rebuilt.config == forecaster.config
    assert rebuilt.training == forecaster.training


# -- the forecaster contract ------------------------------------------------------


@pytest.fixture(scope="module")
def fitted(train_games: GameSet, validation_games: GameSet) -> InformerForecaster:
    """A tiny Informer fitted for two epochs on 400 synthetic games."""
    return _quick(start_minutes=6).fit(
        train_games.subset(np.arange(400)), validation_games
    )


def test_forecasting_before_fit_says_to_call_fit(test_games: GameSet) -> None:
    with pytest.raises(NotFittedError, match="fit"):
        InformerForecaster().predict(test_games)
    with pytest.raises(NotFittedError, match="fit"):
        InformerForecaster().save(Path("unused"))


def test_fit_predict_save_load_round_trip(
    fitted: InformerForecaster, test_games: GameSet, tmp_path: Path
) -> None:
    forecaster = fitted
    forecast = forecaster.predict(test_games)
    forecaster.save(tmp_path / "informer")

    loaded = load_forecaster(tmp_path / "informer")

    assert isinstance(loaded, InformerForecaster)
    assert forecast.shape == (len(test_games), 6)
    assert np.isfinite(forecast).all()
    # Identical numbers, also on a second call: the ProbSparse sample is seeded
    # in evaluation mode.
    np.testing.assert_array_equal(loaded.predict(test_games), forecast)
    np.testing.assert_array_equal(forecaster.predict(test_games), forecast)


def test_saved_model_is_json_and_weights_only(
    fitted: InformerForecaster, tmp_path: Path
) -> None:
    forecaster = fitted
    forecaster.save(tmp_path)

    written = json.loads((tmp_path / NETWORK_FILE).read_text())
    network = InformerConfig.from_dict(written)
    assert network == forecaster.network_config_
    assert network.start_minutes == 6
    weights = torch.load(tmp_path / "weights.pt", weights_only=True)
    assert all(isinstance(value, torch.Tensor) for value in weights.values())
    assert {path.suffix for path in tmp_path.iterdir()} == {".json", ".pt"}


def test_validation_mae_is_recorded_in_points_each_epoch(
    fitted: InformerForecaster, validation_games: GameSet
) -> None:
    forecaster = fitted

    history = forecaster.history_
    assert [record["epoch"] for record in history] == [1.0, 2.0]
    forecast = forecaster.predict(validation_games)
    best = min(record["val_mae_points"] for record in history)
    mae = np.abs(forecast - validation_games.require_outcome()).mean()
    assert mae == pytest.approx(best, rel=1e-4)


def test_the_same_seed_gives_the_same_model(
    fitted: InformerForecaster,
    train_games: GameSet,
    validation_games: GameSet,
    test_games: GameSet,
) -> None:
    again = _quick(start_minutes=6).fit(
        train_games.subset(np.arange(400)), validation_games
    )
    np.testing.assert_array_equal(again.predict(test_games), fitted.predict(test_games))


# -- it learns --------------------------------------------------------------------


def test_learns_a_trend_that_persistence_cannot_follow() -> None:
    train = _trending_games(1500, seed=0)
    validation = _trending_games(300, seed=1)
    test = _trending_games(300, seed=2)
    forecaster = InformerForecaster(
        InformerSettings(preset="tiny"),
        TrainingConfig(
            learning_rate=3e-3,
            batch_size=64,
            max_epochs=6,
            patience=6,
            lr_decay=0.8,
            progress=False,
            threads=1,
        ),
    ).fit(train, validation)

    informer_mae = np.abs(forecaster.predict(test) - test.require_outcome()).mean()
    persistence_mae = np.abs(test.pattern[:, -1:] - test.require_outcome()).mean()
    # Persistence misses the trend by about 2.6 points on average.
    assert persistence_mae > 2.0
    assert informer_mae < 0.5 * persistence_mae
