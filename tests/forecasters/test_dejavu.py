import numpy as np
import pytest

from halftime.dataset import GameSet
from halftime.errors import ConfigError, DataError
from halftime.forecasters.dejavu import Dejavu, DejavuConfig, select_dejavu


def _games(pattern: np.ndarray, outcome: np.ndarray | None = None) -> GameSet:
    live = GameSet.from_patterns(pattern)
    return GameSet(
        pattern=live.pattern,
        outcome=outcome,
        game_id=np.array([f"00200000{i:02d}" for i in range(len(pattern))]),
        date=np.arange(len(pattern)).astype("datetime64[D]"),
        home_team=np.full(len(pattern), "BOS"),
        away_team=np.full(len(pattern), "NYK"),
        season=np.full(len(pattern), "1970-71"),
    )


def _reference() -> GameSet:
    # Three past games: flat at 0, rising by 1 a minute, falling by 1 a minute.
    minutes = np.arange(1, 19, dtype=float)
    pattern = np.stack([np.zeros(18), minutes, -minutes])
    future = np.arange(1, 7, dtype=float)
    outcome = np.stack([np.zeros(6) + 1, 18 + future, -18 - 2 * future])
    return _games(pattern, outcome)


def test_alignment_is_additive_so_a_shifted_game_finds_the_same_analog() -> None:
    model = Dejavu(DejavuConfig(k=1)).fit(_reference())
    # A game rising by 1 a minute, but 30 points higher than the reference.
    live = _games(np.arange(1, 19, dtype=float)[None, :] + 30)

    forecast = model.predict(live)

    # It follows the rising game's changes (+1..+6) from its own margin of 48.
    np.testing.assert_allclose(forecast[0], 48 + np.arange(1, 7))
    assert model.analogs(live).index[0, 0] == 1


def test_negative_and_zero_margins_work() -> None:
    model = Dejavu(DejavuConfig(k=1)).fit(_reference())
    live = _games(-np.arange(1, 19, dtype=float)[None, :] - 5)

    forecast = model.predict(live)

    np.testing.assert_allclose(forecast[0], -23 - 2 * np.arange(1, 7))


@pytest.mark.parametrize(("aggregation", "expected"), [("mean", 2.0), ("median", 1.0)])
def test_aggregation_of_the_analogs_changes(aggregation: str, expected: float) -> None:
    pattern = np.zeros((3, 18))
    outcome = np.array([[0.0] * 6, [1.0] * 6, [5.0] * 6])
    model = Dejavu(DejavuConfig(k=3, aggregation=aggregation)).fit(  # type: ignore[arg-type]
        _games(pattern, outcome)
    )

    forecast = model.predict(_games(np.full((1, 18), 7.0)))

    np.testing.assert_allclose(forecast, 7.0 + expected)


def test_l1_and_l2_can_disagree_on_the_nearest_game() -> None:
    # Reference A differs by 3 in one minute; B differs by 1 in five minutes.
    a = np.zeros(18)
    a[3] = 3.0
    b = np.zeros(18)
    b[2:7] = 1.0
    outcome = np.array([[1.0] * 6, [2.0] * 6])
    reference = _games(np.stack([a, b]), outcome)
    live = _games(np.zeros((1, 18)))

    l1 = Dejavu(DejavuConfig(k=1, distance="l1")).fit(reference).analogs(live)
    l2 = Dejavu(DejavuConfig(k=1, distance="l2")).fit(reference).analogs(live)

    assert l1.index[0, 0] == 0  # |3| < 5 * |1|
    assert l2.index[0, 0] == 1  # sqrt(5) < 3
    assert l1.distance[0, 0] == pytest.approx(3.0)
    assert l2.distance[0, 0] == pytest.approx(np.sqrt(5))


def test_explain_lists_the_nearest_games_with_their_minutes_19_to_24() -> None:
    model = Dejavu(DejavuConfig(k=2)).fit(_reference())
    live = _games(np.arange(1, 19, dtype=float)[None, :])

    table = model.explain(live)[0]

    assert list(table["game_id"]) == ["0020000001", "0020000000"]
    assert table["distance"].iloc[0] == pytest.approx(0.0)
    assert list(table.columns[:6]) == [
        "game_id",
        "date",
        "home_team",
        "away_team",
        "distance",
        "margin_at_cutoff",
    ]
    assert table.loc[0, "margin_19"] == 19 and table.loc[0, "margin_24"] == 24


def test_save_and_load_give_identical_forecasts(
    train_games: GameSet, test_games: GameSet, tmp_path
) -> None:
    model = Dejavu(DejavuConfig(k=20, distance="l1")).fit(train_games)
    model.save(tmp_path / "dejavu")

    loaded = Dejavu.load(tmp_path / "dejavu")

    np.testing.assert_array_equal(loaded.predict(test_games), model.predict(test_games))
    assert loaded.config == model.config
    assert loaded.explain(test_games, k=3)[0].equals(model.explain(test_games, k=3)[0])


def test_k_larger_than_the_training_games_is_refused() -> None:
    with pytest.raises(DataError, match="at least k=10"):
        Dejavu(DejavuConfig(k=10)).fit(_reference())


def test_bad_options_are_named() -> None:
    with pytest.raises(ConfigError, match="distance"):
        DejavuConfig(distance="cosine")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="k must be"):
        DejavuConfig(k=0)


def test_selection_uses_validation_and_records_every_option(
    train_games: GameSet, validation_games: GameSet
) -> None:
    grid = {"k": (1, 50), "window": (None,), "level_weight": (0.0,)}

    selection = select_dejavu(train_games, validation_games, grid)

    assert len(selection.table) == 2 * 2 * 2  # distance x k x aggregation
    best = min(selection.table, key=lambda row: row["validation_mae"])
    assert selection.best.k == best["k"] == 50  # one analog is noise
    assert selection.best.distance == best["distance"]


def test_selection_with_fewer_games_than_any_k_is_a_clear_error(
    validation_games: GameSet,
) -> None:
    few = validation_games.subset(np.arange(5))

    with pytest.raises(DataError, match="fewer than the smallest k"):
        select_dejavu(few, validation_games)
