import numpy as np
import pandas as pd
import pytest

from halftime.dataset import GameSet
from halftime.errors import DataError


def _table(margins: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game_id": [f"00200000{i:02d}" for i in range(len(margins))],
            "date": pd.date_range("2001-01-01", periods=len(margins)),
            "season": "2000-01",
            "home_team": "BOS",
            "away_team": "NYK",
            "margin": margins,
        }
    )


def test_pattern_is_minutes_1_to_cutoff_and_outcome_the_next_minutes() -> None:
    margins = list(range(49))  # margin after minute m is m
    games = GameSet.from_games_table(_table([margins]))

    np.testing.assert_array_equal(games.pattern[0], np.arange(1, 19))
    assert games.outcome is not None
    np.testing.assert_array_equal(games.outcome[0], np.arange(19, 25))
    np.testing.assert_array_equal(games.minutes, np.arange(19, 25))


def test_cutoff_and_horizon_are_parameters() -> None:
    games = GameSet.from_games_table(_table([list(range(49))]), cutoff=12, horizon=3)

    assert games.cutoff == 12
    assert games.outcome is not None
    np.testing.assert_array_equal(games.outcome[0], [13, 14, 15])


def test_games_too_short_are_skipped_and_counted_with_id_and_length() -> None:
    table = _table([list(range(49)), list(range(20))])  # second: 19 minutes

    games = GameSet.from_games_table(table)

    assert len(games) == 1
    assert [(s.game_id, s.n_minutes, s.needed) for s in games.skipped] == [
        ("0020000001", 19, 24)
    ]


def test_a_missing_margin_is_refused_naming_the_game() -> None:
    pattern = np.zeros((2, 18))
    pattern[1, 5] = np.nan

    with pytest.raises(DataError, match="live-1"):
        GameSet.from_patterns(pattern)


def test_live_games_have_no_outcome() -> None:
    games = GameSet.from_patterns([0.0] * 18)

    assert games.outcome is None
    with pytest.raises(DataError, match="no known minutes"):
        games.require_outcome()


def test_missing_columns_are_named() -> None:
    with pytest.raises(DataError, match="margin"):
        GameSet.from_games_table(pd.DataFrame({"game_id": ["0020000001"]}))
