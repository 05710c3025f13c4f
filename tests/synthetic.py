"""Synthetic games for tests: margins that wander like real ones, written here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from halftime.splits import SplitConfig

RUN_SPLIT = SplitConfig(train_end="2000-01", validation_end="2001-02", test_end=None)
"""Three synthetic seasons: train 2000-01, validation 2001-02, test 2002-03."""


def random_walk_games(
    n_games: int,
    *,
    seed: int = 0,
    start: str = "2000-11-01",
    minutes: int = 48,
    reversion: float = 0.02,
) -> pd.DataFrame:
    """A games table like the ingest's: margins that wander and revert a little."""
    rng = np.random.default_rng(seed)
    margins = np.zeros((n_games, minutes + 1))
    strength = rng.normal(0, 0.3, n_games)
    for minute in range(1, minutes + 1):
        step = rng.normal(strength, 2.4) - reversion * margins[:, minute - 1]
        margins[:, minute] = margins[:, minute - 1] + np.round(step)
    # 600 games a season, five a day from the start date, one season a year
    index = np.arange(n_games)
    dates = pd.DatetimeIndex(
        [
            pd.Timestamp(start)
            + pd.DateOffset(years=int(i // 600), days=int(i % 600 // 5))
            for i in index
        ]
    )
    season_start = np.where(dates.month >= 8, dates.year, dates.year - 1)
    return pd.DataFrame(
        {
            "game_id": [f"002{s % 100:02d}{i:05d}" for i, s in enumerate(season_start)],
            "date": dates,
            "season": [f"{s}-{(s + 1) % 100:02d}" for s in season_start],
            "home_team": rng.choice(["BOS", "LAL", "CHI", "NYK"], n_games),
            "away_team": rng.choice(["MIA", "DEN", "PHX", "SAS"], n_games),
            "season_type": "regular",
            "margin": [row.astype(int).tolist() for row in margins],
            "n_periods": 4,
            "home_final": 100 + margins[:, -1].astype(int),
            "away_final": 100,
            "official_home_final": 100 + margins[:, -1].astype(int),
            "official_away_final": 100,
            "flags": [[] for _ in range(n_games)],
        }
    )
