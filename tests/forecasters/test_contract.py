"""One contract that every forecaster kind keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from halftime.dataset import GameSet
from halftime.errors import DataError, NotFittedError
from halftime.forecasters import KINDS, Forecaster, load_forecaster
from halftime.training import TrainedModel, build_forecaster

# Small and quick versions of each kind; the contract does not depend on size.
QUICK: dict[str, dict[str, Any]] = {
    "persistence": {},
    "mean_reversion": {},
    "dejavu": {"k": 20},
    "lstm": {"max_epochs": 2, "hidden_size": 8, "num_layers": 1, "progress": False},
    "informer": {"max_epochs": 1, "preset": "tiny", "progress": False},
    "ensemble": {},
}


def _fitted(kind: str, train: GameSet, validation: GameSet) -> Forecaster:
    members = {}
    if kind == "ensemble":
        for name in ("mean_reversion", "dejavu"):
            member = build_forecaster(name, seed=0, options=QUICK[name])
            member.fit(train, validation)
            members[name] = TrainedModel(name, member, None, {})  # type: ignore[arg-type]
    forecaster = build_forecaster(kind, seed=0, options=QUICK[kind], fitted=members)
    return forecaster.fit(train, validation)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_registered_kind_is_covered() -> None:
    assert set(QUICK) == set(KINDS)


def test_forecast_shape_and_units(
    kind: str, train_games: GameSet, validation_games: GameSet, test_games: GameSet
) -> None:
    forecast = _fitted(kind, train_games, validation_games).predict(test_games)

    assert forecast.shape == (len(test_games), test_games.horizon)
    assert np.isfinite(forecast).all()
    # In points: within a few minutes' swing of the margin at the cutoff.
    swing = np.abs(forecast - test_games.pattern[:, -1:]).max()
    assert swing < 30


def test_save_and_load_give_identical_forecasts_without_pickle(
    kind: str,
    train_games: GameSet,
    validation_games: GameSet,
    test_games: GameSet,
    tmp_path: Path,
) -> None:
    forecaster = _fitted(kind, train_games, validation_games)
    forecaster.save(tmp_path / kind)

    loaded = load_forecaster(tmp_path / kind)

    assert type(loaded) is type(forecaster)
    np.testing.assert_allclose(
        loaded.predict(test_games), forecaster.predict(test_games), atol=1e-5
    )
    written = {path.suffix for path in (tmp_path / kind).rglob("*") if path.is_file()}
    assert written <= {".json", ".npz", ".pt"}


def test_using_before_fit_says_which_method_to_call(
    kind: str, test_games: GameSet
) -> None:
    if kind == "ensemble":
        pytest.skip("an ensemble is built from fitted members")
    forecaster = build_forecaster(kind, seed=0, options=QUICK[kind])

    with pytest.raises(NotFittedError, match=r"call fit\(\)"):
        forecaster.predict(test_games)


def test_an_empty_training_split_refuses_to_train(
    kind: str, test_games: GameSet
) -> None:
    if kind == "ensemble":
        pytest.skip("an ensemble is built from fitted members")
    empty = test_games.subset(np.zeros(len(test_games), dtype=bool))
    forecaster = build_forecaster(kind, seed=0, options=QUICK[kind])

    with pytest.raises(DataError, match="no games"):
        forecaster.fit(empty)


def test_a_different_cutoff_is_refused_at_predict(
    kind: str, train_games: GameSet, validation_games: GameSet
) -> None:
    forecaster = _fitted(kind, train_games, validation_games)
    shorter = GameSet.from_patterns(np.zeros((2, 12)))

    with pytest.raises(DataError, match="12"):
        forecaster.predict(shorter)
