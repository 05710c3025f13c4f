"""Chronological splits of whole games: train, then validation, then test.

Every training game is earlier than every validation game, and every validation game
earlier than every test game, so no model ever learns from the future. Boundaries are
given as seasons (``"2012-13"``: through the end of that season) or ISO dates
(``"2013-06-30"``: through that day, inclusive).

The validation games are used twice, on disjoint halves in time: the earlier half
(*selection*) chooses options and stops training early; the later half
(*calibration*) calibrates the conformal intervals. Residuals of a model on games it
was tuned on would be too small, and the intervals too narrow.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from halftime.constants import DEFAULT_CUTOFF, DEFAULT_HORIZON
from halftime.dataset import GameSet, validate_window
from halftime.errors import ConfigError, DataError

logger = logging.getLogger(__name__)

_SEASON = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

SPLIT_NAMES = ("train", "validation", "test")


@dataclass(frozen=True)
class SplitConfig:
    """Where the chronological splits end.

    Parameters
    ----------
    train_end, validation_end : str
        Last season (``"2012-13"``) or last date (``"2013-06-30"``) of the split,
        inclusive.
    test_end : str or None
        Last season or date of the test split; None takes every later game.
    train_start : str or None
        First season or date of the training split; None starts at the first game.
    calibration_fraction : float
        Share of validation games, the latest ones, kept for conformal calibration.
    cutoff, horizon : int
        Input minutes and forecast minutes.
    """

    train_end: str = "2012-13"
    validation_end: str = "2014-15"
    test_end: str | None = "2016-17"
    train_start: str | None = None
    calibration_fraction: float = 0.5
    cutoff: int = DEFAULT_CUTOFF
    horizon: int = DEFAULT_HORIZON

    def __post_init__(self) -> None:
        for name in ("train_end", "validation_end", "test_end", "train_start"):
            value = getattr(self, name)
            if value is not None and not (_SEASON.match(value) or _DATE.match(value)):
                raise ConfigError(
                    f"{name}={value!r}: expected a season like '2012-13' or a date "
                    "like '2013-06-30'"
                )
        try:
            validate_window(self.cutoff, self.horizon)
        except DataError as error:
            raise ConfigError(str(error)) from None
        if not 0 < self.calibration_fraction < 1:
            raise ConfigError(
                "calibration_fraction must be between 0 and 1; got "
                f"{self.calibration_fraction}"
            )


@dataclass(frozen=True)
class Splits:
    """The games of each split, and what the split used."""

    train: GameSet
    validation: GameSet
    test: GameSet
    config: SplitConfig
    ordered_by: str

    @property
    def selection(self) -> GameSet:
        """Earlier validation games: options and early stopping."""
        return self.validation.subset(np.arange(self._calibration_start()))

    @property
    def calibration(self) -> GameSet:
        """Later validation games: conformal calibration only."""
        start = self._calibration_start()
        return self.validation.subset(np.arange(start, len(self.validation)))

    def _calibration_start(self) -> int:
        """First calibration game: the latest share, moved to a new game day.

        A game day is never shared by the two halves, so every selection game is
        strictly earlier than every calibration game (when dates are known).
        """
        n = len(self.validation)
        start = n - round(n * self.config.calibration_fraction)
        dates = self.validation.date
        while 0 < start < n and dates[start] == dates[start - 1]:
            start += 1
        return start

    def describe(self) -> dict[str, Any]:
        """Counts and exact date ranges of every split, for reports."""
        return {
            "config": asdict(self.config),
            "ordered_by": self.ordered_by,
            "train": self.train.describe(),
            "validation": self.validation.describe(),
            "selection": self.selection.describe(),
            "calibration": self.calibration.describe(),
            "test": self.test.describe(),
            "games_too_short": {
                name: [
                    {"game_id": game.game_id, "minutes": game.n_minutes}
                    for game in getattr(self, name).skipped
                ]
                for name in SPLIT_NAMES
            },
        }


def season_label(start_year: int) -> str:
    """``2012`` -> ``"2012-13"``."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def _season_start(label: str) -> int:
    return int(label[:4])


def _upper_mask(games: pd.DataFrame, bound: str | None) -> pd.Series:
    """Games at or before ``bound`` (a season or a date)."""
    if bound is None:
        return pd.Series(True, index=games.index)
    if _SEASON.match(bound):
        return games["_season_start"] <= _season_start(bound)
    return games["_date"] <= pd.Timestamp(bound)


def _lower_mask(games: pd.DataFrame, bound: str | None) -> pd.Series:
    if bound is None:
        return pd.Series(True, index=games.index)
    if _SEASON.match(bound):
        return games["_season_start"] >= _season_start(bound)
    return games["_date"] >= pd.Timestamp(bound)


def make_splits(games: pd.DataFrame, config: SplitConfig | None = None) -> Splits:
    """Split the ingest table chronologically into train, validation and test games.

    Games are ordered by date; where the date is unknown (no game logs), by season
    and then game id, which numbers a season's games in schedule order.

    Raises
    ------
    DataError
        If a split is empty, or dates are needed (a date boundary) but unknown.
    """
    config = config or SplitConfig()
    table = games.copy()
    table["_season_start"] = table["season"].str.slice(0, 4).astype(int)
    if "date" not in table.columns:
        table["date"] = pd.NaT
    table["_date"] = pd.to_datetime(table["date"], errors="coerce")
    has_dates = bool(table["_date"].notna().all())
    boundaries = (
        config.train_start,
        config.train_end,
        config.validation_end,
        config.test_end,
    )
    if not has_dates and any(b and _DATE.match(b) for b in boundaries):
        raise DataError(
            "date boundaries need game dates, and some games have none (no game "
            "logs found); give the boundaries as seasons like '2012-13' instead"
        )
    ordered_by = "date, then game id" if has_dates else "season, then game id"
    if not has_dates:
        logger.warning(
            "game dates unknown for some games; splits are ordered by season and "
            "game id"
        )
    table = table.sort_values(
        ["_date", "game_id"] if has_dates else ["_season_start", "game_id"],
        kind="stable",
    )

    train_mask = _lower_mask(table, config.train_start) & _upper_mask(
        table, config.train_end
    )
    validation_mask = ~_upper_mask(table, config.train_end) & _upper_mask(
        table, config.validation_end
    )
    test_mask = ~_upper_mask(table, config.validation_end) & _upper_mask(
        table, config.test_end
    )
    ranges = {
        "train": f"{config.train_start or 'the first game'} through {config.train_end}",
        "validation": f"after {config.train_end} through {config.validation_end}",
        "test": f"after {config.validation_end} through {config.test_end or 'the end'}",
    }
    parts = {}
    for name, mask in zip(
        SPLIT_NAMES, (train_mask, validation_mask, test_mask), strict=True
    ):
        part = GameSet.from_games_table(
            table.loc[mask.to_numpy()], cutoff=config.cutoff, horizon=config.horizon
        )
        if len(part) == 0 and part.skipped:
            raise DataError(
                f"the {name} split ({ranges[name]}) has {len(part.skipped)} game(s), "
                f"all shorter than the {config.cutoff + config.horizon} minutes the "
                f"models need (e.g. {part.skipped[0].game_id}, "
                f"{part.skipped[0].n_minutes} minutes)"
            )
        if len(part) == 0:
            raise DataError(
                f"the {name} split ({ranges[name]}) has no games; the data holds "
                f"seasons {table['season'].min()} to {table['season'].max()}. Set "
                "the split boundaries (--train-end, --validation-end, --test-end)"
            )
        parts[name] = part
    _check_chronological(parts, has_dates)
    return Splits(config=config, ordered_by=ordered_by, **parts)


def _check_chronological(parts: dict[str, GameSet], has_dates: bool) -> None:
    if not has_dates:
        return
    for earlier, later in (("train", "validation"), ("validation", "test")):
        if parts[earlier].date.max() >= parts[later].date.min():
            raise DataError(
                f"{earlier} games reach {parts[earlier].date.max()} but {later} "
                f"games start {parts[later].date.min()}; boundaries must leave every "
                f"{earlier} game before every {later} game (use a season or a date "
                "between game days)"
            )


def write_splits(splits: Splits, directory: Path) -> dict[str, Path]:
    """Write ``train/validation/test.parquet`` in the seed's shape.

    Each row is a game with ``game_id``, ``date``, ``season``, ``home_team``,
    ``away_team``, ``pattern`` (margins after minutes 1..cutoff) and ``outcome``
    (margins after the next ``horizon`` minutes).
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in SPLIT_NAMES:
        part: GameSet = getattr(splits, name)
        frame = pd.DataFrame(
            {
                "game_id": part.game_id,
                "date": part.date,
                "season": part.season,
                "home_team": part.home_team,
                "away_team": part.away_team,
                "pattern": list(part.pattern),
                "outcome": list(part.require_outcome()),
            }
        )
        path = directory / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        written[name] = path
    return written
