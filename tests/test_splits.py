import numpy as np
import pandas as pd
import pytest

from halftime.errors import ConfigError, DataError
from halftime.splits import SplitConfig, make_splits, write_splits

BY_SEASON = SplitConfig(train_end="2000-01", validation_end="2001-02", test_end=None)


def test_every_train_game_precedes_every_validation_and_test_game(
    games_table: pd.DataFrame,
) -> None:
    splits = make_splits(games_table, BY_SEASON)

    assert splits.train.date.max() < splits.validation.date.min()
    assert splits.validation.date.max() < splits.test.date.min()
    assert len(splits.train) + len(splits.validation) + len(splits.test) == len(
        games_table
    )
    assert set(splits.test.season) == {"2002-03"}


def test_selection_precedes_calibration_and_both_cover_validation(
    games_table: pd.DataFrame,
) -> None:
    splits = make_splits(games_table, BY_SEASON)

    assert splits.selection.date.max() < splits.calibration.date.min()
    assert len(splits.selection) + len(splits.calibration) == len(splits.validation)
    assert not set(splits.selection.game_id) & set(splits.calibration.game_id)


def test_boundaries_can_be_dates(games_table: pd.DataFrame) -> None:
    config = SplitConfig(
        train_end="2001-06-30", validation_end="2002-06-30", test_end="2003-06-30"
    )

    splits = make_splits(games_table, config)

    assert str(splits.train.date.max()) < "2001-07-01"
    assert str(splits.test.date.min()) > "2002-06-30"


def test_a_boundary_inside_a_game_day_is_refused(games_table: pd.DataFrame) -> None:
    shuffled = games_table.copy()
    # Put one validation-season game on the last training day.
    shuffled.loc[600, "date"] = shuffled.loc[599, "date"]
    config = SplitConfig(
        train_start=None, train_end="2000-01", validation_end="2001-02", test_end=None
    )

    with pytest.raises(DataError, match="before every validation game"):
        make_splits(shuffled, config)


def test_an_empty_split_refuses_and_says_why(games_table: pd.DataFrame) -> None:
    config = SplitConfig(train_end="1990-91", validation_end="2001-02")

    with pytest.raises(
        DataError, match=r"train split \(the first game through 1990-91\) has no games"
    ):
        make_splits(games_table, config)


def test_bad_boundary_is_named() -> None:
    with pytest.raises(ConfigError, match="train_end='2013'"):
        SplitConfig(train_end="2013")


def test_without_dates_games_are_ordered_by_season_and_id(
    games_table: pd.DataFrame,
) -> None:
    undated = games_table.assign(date=pd.NaT)

    splits = make_splits(undated, BY_SEASON)

    assert splits.ordered_by == "season, then game id"
    assert set(splits.train.season) == {"2000-01"}
    with pytest.raises(DataError, match="give the boundaries as seasons"):
        make_splits(undated, SplitConfig(train_end="2001-06-30"))


def test_splits_are_written_in_the_seed_shape(
    games_table: pd.DataFrame, tmp_path
) -> None:
    splits = make_splits(games_table, BY_SEASON)

    paths = write_splits(splits, tmp_path)

    train = pd.read_parquet(paths["train"])
    assert {"game_id", "date", "home_team", "away_team", "pattern", "outcome"} <= set(
        train.columns
    )
    assert len(train["pattern"].iloc[0]) == 18
    assert len(train["outcome"].iloc[0]) == 6
    np.testing.assert_array_equal(
        np.stack(train["outcome"].to_numpy()), splits.train.outcome
    )


def test_the_halves_of_validation_never_share_a_game_day(
    games_table: pd.DataFrame,
) -> None:
    # 600 validation games, five a day: a 0.5 share would cut at game 300, a day
    # boundary; 0.499 cuts inside a day and must move to the next day.
    config = SplitConfig(
        train_end="2000-01",
        validation_end="2001-02",
        test_end=None,
        calibration_fraction=0.499,
    )

    splits = make_splits(games_table, config)

    assert splits.selection.date.max() < splits.calibration.date.min()
    assert len(splits.selection) % 5 == 0


def test_short_games_are_listed_and_named_when_they_empty_a_split(
    games_table: pd.DataFrame,
) -> None:
    short = games_table.copy()
    short.loc[:599, "margin"] = short.loc[:599, "margin"].map(lambda m: m[:20])

    with pytest.raises(DataError, match=r"600 game\(s\), all shorter than the 24"):
        make_splits(short, BY_SEASON)

    short = games_table.copy()
    short.loc[5, "margin"] = short.loc[5, "margin"][:20]
    listed = make_splits(short, BY_SEASON).describe()["games_too_short"]["train"]
    assert listed == [{"game_id": short.loc[5, "game_id"], "minutes": 19}]
