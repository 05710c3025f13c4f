import numpy as np
import pytest

from halftime.dataset import GameSet
from halftime.errors import ConfigError, DataError
from halftime.forecasters.baselines import MeanReversion, Persistence
from halftime.forecasters.dejavu import Dejavu, DejavuConfig
from halftime.forecasters.ensemble import Ensemble, EnsembleConfig, fit_weights


def test_fit_weights_recovers_a_known_convex_combination() -> None:
    rng = np.random.default_rng(0)
    forecasts = rng.normal(0, 5, (3, 500, 6))
    outcome = 0.7 * forecasts[0] + 0.3 * forecasts[2]

    weights = fit_weights(forecasts, outcome)

    np.testing.assert_allclose(weights, [0.7, 0.0, 0.3], atol=1e-4)


def test_fitted_weights_are_non_negative_and_sum_to_one() -> None:
    rng = np.random.default_rng(1)
    forecasts = rng.normal(0, 5, (4, 300, 6))
    # The target is anti-correlated with member 1: a free fit would weigh it < 0.
    outcome = forecasts[0] - 0.5 * forecasts[1]

    weights = fit_weights(forecasts, outcome)

    assert (weights >= 0).all()
    assert weights.sum() == pytest.approx(1.0)
    assert weights[1] == pytest.approx(0.0, abs=1e-6)


def _members(train: GameSet) -> dict[str, Persistence | MeanReversion | Dejavu]:
    return {
        "persistence": Persistence().fit(train),
        "mean_reversion": MeanReversion().fit(train),
        "dejavu": Dejavu(DejavuConfig(k=50)).fit(train),
    }


def test_weights_are_fitted_on_validation_and_recorded(
    train_games: GameSet, validation_games: GameSet, test_games: GameSet, tmp_path
) -> None:
    ensemble = Ensemble(_members(train_games)).fit(train_games, validation_games)

    assert ensemble.weights_ is not None
    assert sum(ensemble.weights_.values()) == pytest.approx(1.0)
    ensemble.save(tmp_path / "ensemble")
    loaded = Ensemble.load(tmp_path / "ensemble")
    assert loaded.weights_ == ensemble.weights_
    np.testing.assert_allclose(loaded.predict(test_games), ensemble.predict(test_games))


def test_fixed_weights_give_the_weighted_mean(
    train_games: GameSet, test_games: GameSet
) -> None:
    members = _members(train_games)
    config = EnsembleConfig(weights={"mean_reversion": 0.6, "dejavu": 0.4})

    forecast = Ensemble(members, config).fit(train_games).predict(test_games)

    expected = 0.6 * members["mean_reversion"].predict(test_games) + 0.4 * members[
        "dejavu"
    ].predict(test_games)
    np.testing.assert_allclose(forecast, expected)


def test_bad_weights_are_refused(train_games: GameSet) -> None:
    with pytest.raises(ConfigError, match="sum to one"):
        EnsembleConfig(weights={"lstm": 0.6, "dejavu": 0.6})
    with pytest.raises(ConfigError, match="not in the ensemble"):
        Ensemble(_members(train_games), EnsembleConfig(weights={"lstm": 1.0})).fit(
            train_games
        )


def test_fitting_weights_needs_validation_games(train_games: GameSet) -> None:
    with pytest.raises(DataError, match="validation games"):
        Ensemble(_members(train_games)).fit(train_games)


def test_weights_are_optimal_when_members_are_nearly_equal() -> None:
    # Real members differ by a few tenths of a point on margins of tens of points:
    # the loss is flat in the weights, and a loose solver stops where it starts.
    rng = np.random.default_rng(2)
    base = rng.normal(0, 8, (1200, 6))
    truth = base + rng.normal(0, 5, base.shape)
    forecasts = np.stack(
        [base + rng.normal(0, 0.4, base.shape) + shift for shift in (0.0, 0.1, 0.2)]
        + [0.95 * base]
    )

    weights = fit_weights(forecasts, truth)

    # Optimality (KKT) on the simplex: members with weight share the smallest
    # gradient of the squared error; members left out have no smaller gradient.
    residual = np.tensordot(weights, forecasts, 1) - truth
    gradient = np.array([np.mean(2 * f * residual) for f in forecasts])
    active = weights > 1e-6
    assert np.ptp(gradient[active]) < 1e-3
    assert (gradient[~active] >= gradient[active].min() - 1e-3).all()
