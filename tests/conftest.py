"""Shared fixtures: small synthetic games written here, and the shared real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from halftime.dataset import GameSet
from synthetic import random_walk_games

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
PBP_DIR = SHARED_DATA / "nba-pbp-stats-lawlers-law"


@pytest.fixture(scope="session")
def games_table() -> pd.DataFrame:
    """1,800 synthetic games over three seasons, 2000-01 .. 2002-03."""
    return random_walk_games(1800, start="2000-11-01")


@pytest.fixture(scope="session")
def train_games(games_table: pd.DataFrame) -> GameSet:
    return GameSet.from_games_table(games_table.iloc[:1200])


@pytest.fixture(scope="session")
def validation_games(games_table: pd.DataFrame) -> GameSet:
    return GameSet.from_games_table(games_table.iloc[1200:1500])


@pytest.fixture(scope="session")
def test_games(games_table: pd.DataFrame) -> GameSet:
    return GameSet.from_games_table(games_table.iloc[1500:])


def requires_shared_data() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not PBP_DIR.is_dir(), reason=f"shared play-by-play not found at {PBP_DIR}"
    )
