"""Shared fixtures: small synthetic games written here, and the shared real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from halftime import pipeline
from halftime.dataset import GameSet
from synthetic import RUN_SPLIT, random_walk_games

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


RUN_OPTIONS = {"lstm": {"max_epochs": 2, "hidden_size": 8, "progress": False}}
RUN_KINDS = ("persistence", "mean_reversion", "dejavu", "lstm", "ensemble")


@pytest.fixture(scope="session")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A whole ``halftime run`` on 1,800 synthetic games; (output root, summary)."""
    root = tmp_path_factory.mktemp("run")
    games = root / "games.parquet"
    random_walk_games(1800).to_parquet(games)
    text = pipeline.run(
        games,
        root / "out",
        split=RUN_SPLIT,
        kinds=RUN_KINDS,
        options=RUN_OPTIONS,
        progress=False,
    )
    return root / "out", text
