import numpy as np

from halftime.dataset import GameSet
from halftime.forecasters.baselines import MeanReversion, Persistence
from synthetic import random_walk_games


def test_persistence_carries_the_margin_at_the_cutoff_forward(
    train_games: GameSet, test_games: GameSet
) -> None:
    forecast = Persistence().fit(train_games).predict(test_games)

    assert forecast.shape == (len(test_games), 6)
    np.testing.assert_array_equal(forecast, np.repeat(test_games.pattern[:, -1:], 6, 1))


def test_mean_reversion_recovers_a_known_shrinkage() -> None:
    rng = np.random.default_rng(1)
    last = rng.normal(0, 8, 4000)
    pattern = np.tile(last[:, None], (1, 18))
    # Each minute keeps 98% of the lead per minute plus 0.1 points for the home side.
    steps = np.arange(1, 7)
    outcome = last[:, None] * 0.98**steps + 0.1 * steps + rng.normal(0, 0.5, (4000, 6))
    games = GameSet.from_patterns(pattern)
    games = GameSet(
        pattern=games.pattern,
        outcome=outcome,
        game_id=games.game_id,
        date=games.date,
        home_team=games.home_team,
        away_team=games.away_team,
        season=games.season,
    )

    model = MeanReversion().fit(games)

    assert model.slope_ is not None and model.intercept_ is not None
    np.testing.assert_allclose(model.slope_, 0.98**steps - 1, atol=0.01)
    np.testing.assert_allclose(model.intercept_, 0.1 * steps, atol=0.05)


def test_mean_reversion_beats_persistence_on_reverting_games() -> None:
    table = random_walk_games(6000, reversion=0.08, seed=3)
    train = GameSet.from_games_table(table.iloc[:4000])
    test = GameSet.from_games_table(table.iloc[4000:])
    target = test.require_outcome()[:, -1]

    reverting = MeanReversion().fit(train).predict(test)[:, -1]
    persistent = Persistence().fit(train).predict(test)[:, -1]

    rmse = np.sqrt(np.mean((reverting - target) ** 2))
    assert rmse < 0.97 * np.sqrt(np.mean((persistent - target) ** 2))
