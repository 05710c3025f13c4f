"""Dejavu: forecast a game from what happened next in the most similar past games.

After Kang, Spiliotis, Petropoulos, Athiniotis, Li and Assimakopoulos (2021), "Deja
vu: A data-centric forecasting approach through time series cross-similarity", Journal
of Business Research. Instead of fitting a model, the method finds the ``k`` reference
series whose recent past is closest to the series being forecast, and aggregates what
those references did next.

Margins can be zero or negative, so the paper's multiplicative scaling does not apply.
halftime aligns additively: each pattern is compared relative to its last value (the
margin at the cutoff), and the forecast is the current margin plus an aggregate of the
neighbours' changes after their own cutoff. Optionally the margin level itself joins
the comparison with weight ``level_weight``, so that a 20-point lead is matched with
other big leads; with ``level_weight=0`` the method is the paper's, shape only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.neighbors import NearestNeighbors

from halftime.dataset import FloatArray, GameSet
from halftime.errors import ConfigError, DataError
from halftime.forecasters.base import Forecaster
from halftime.safe_io import load_arrays, save_arrays

Distance = Literal["l1", "l2"]
Aggregation = Literal["median", "mean"]

_METRIC: dict[str, str] = {"l1": "manhattan", "l2": "euclidean"}
_ARRAYS = "reference.npz"


@dataclass(frozen=True)
class DejavuConfig:
    """Options of :class:`Dejavu`.

    The defaults are the options with the lowest validation MAE on the shared
    seasons (train 1996-97..2012-13, validation 2013-14); ``halftime run`` chooses
    them again on the data it is given.

    Parameters
    ----------
    distance : {"l1", "l2"}
        Distance between aligned patterns.
    k : int
        Number of analogs (past games) whose futures are aggregated.
    aggregation : {"median", "mean"}
        How the analogs' changes after the cutoff are combined, per minute.
    window : int or None
        Compare only the last ``window`` minutes before the cutoff; None uses them all.
    level_weight : float
        Weight of the margin at the cutoff in the comparison (0: shape only).
    """

    distance: Distance = "l1"
    k: int = 200
    aggregation: Aggregation = "median"
    window: int | None = None
    level_weight: float = 0.0

    def __post_init__(self) -> None:
        if self.distance not in _METRIC:
            raise ConfigError(
                f"distance must be one of {sorted(_METRIC)}; got {self.distance!r}"
            )
        if self.aggregation not in ("median", "mean"):
            raise ConfigError(
                f"aggregation must be 'median' or 'mean'; got {self.aggregation!r}"
            )
        if self.k < 1:
            raise ConfigError(f"k must be at least 1; got {self.k}")
        if self.window is not None and self.window < 1:
            raise ConfigError(f"window must be at least 1 minute; got {self.window}")
        if self.level_weight < 0:
            raise ConfigError(f"level_weight must be >= 0; got {self.level_weight}")


@dataclass(frozen=True)
class Analogs:
    """The ``k`` past games closest to each forecast game.

    Attributes
    ----------
    index : ndarray of shape (n_games, k), int
        Rows of the reference (training) games, nearest first.
    distance : ndarray of shape (n_games, k), float
        Distance between aligned patterns, in points.
    """

    index: NDArray[np.intp]
    distance: FloatArray


class Dejavu(Forecaster):
    """Analog forecaster: the current margin plus the analogs' aggregated changes."""

    kind = "dejavu"

    def __init__(self, config: DejavuConfig | None = None) -> None:
        super().__init__()
        self.config = config or DejavuConfig()
        self.reference_: GameSet | None = None
        self._index: NearestNeighbors | None = None

    def config_dict(self) -> dict[str, Any]:
        return asdict(self.config)

    @classmethod
    def option_names(cls) -> list[str]:
        return [option.name for option in fields(DejavuConfig)]

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        return cls(DejavuConfig(**config))

    # -- fitting and forecasting --------------------------------------------------

    def _fit(self, train: GameSet, validation: GameSet | None) -> None:
        if self.config.k > len(train):
            raise DataError(
                f"dejavu needs at least k={self.config.k} training games; the "
                f"training split has {len(train)}"
            )
        self.reference_ = train
        self._build_index()

    def _build_index(self) -> None:
        assert self.reference_ is not None
        features = self._features(self.reference_.pattern)
        self._index = NearestNeighbors(
            n_neighbors=self.config.k, metric=_METRIC[self.config.distance]
        ).fit(features)

    def _features(self, pattern: FloatArray) -> FloatArray:
        """Align patterns on their last value and append the weighted level."""
        window = self.config.window or pattern.shape[1]
        if window > pattern.shape[1]:
            raise ConfigError(
                f"window={window} exceeds the {pattern.shape[1]} input minutes"
            )
        last = pattern[:, -1:]
        # (n_games, window): the recent path relative to the margin at the cutoff
        aligned = pattern[:, -window:] - last
        if self.config.level_weight == 0:
            return aligned
        return np.hstack([aligned, self.config.level_weight * last])

    def analogs(self, games: GameSet, k: int | None = None) -> Analogs:
        """Find the ``k`` nearest training games to each game (default: config k)."""
        self.check_fitted()
        assert self._index is not None and self.reference_ is not None
        k = k or self.config.k
        if k > len(self.reference_):
            raise ConfigError(
                f"k={k} exceeds the {len(self.reference_)} reference games"
            )
        distance, index = self._index.kneighbors(
            self._features(games.pattern), n_neighbors=k
        )
        return Analogs(index=index, distance=distance)

    def _predict(self, games: GameSet) -> FloatArray:
        assert self.reference_ is not None
        found = self.analogs(games)
        return aggregate_analogs(
            games, self.reference_, found.index, self.config.aggregation
        )

    def explain(self, games: GameSet, k: int | None = None) -> list[pd.DataFrame]:
        """The nearest past games behind each forecast, one table per game.

        Each table has one row per analog, nearest first: ``game_id``, ``date``,
        ``home_team``, ``away_team``, ``distance`` (points), ``margin_at_cutoff``
        and the analog's actual margins after each forecast minute
        (``margin_19`` .. ``margin_24`` for the default window), plus the path this
        game would follow if it changed as the analog did (``aligned_24`` etc.).
        """
        found = self.analogs(games, k)
        assert self.reference_ is not None
        reference = self.reference_
        outcome = reference.require_outcome()
        minutes = games.minutes
        tables = []
        for row in range(len(games)):
            rows = found.index[row]
            table = pd.DataFrame(
                {
                    "game_id": reference.game_id[rows],
                    "date": reference.date[rows],
                    "home_team": reference.home_team[rows],
                    "away_team": reference.away_team[rows],
                    "distance": found.distance[row],
                    "margin_at_cutoff": reference.pattern[rows, -1],
                }
            )
            for step, minute in enumerate(minutes):
                table[f"margin_{minute}"] = outcome[rows, step]
            for step, minute in enumerate(minutes):
                table[f"aligned_{minute}"] = (
                    games.pattern[row, -1]
                    + outcome[rows, step]
                    - reference.pattern[rows, -1]
                )
            tables.append(table)
        return tables

    # -- persistence as data -------------------------------------------------------

    def _save_files(self, directory: Path) -> None:
        assert self.reference_ is not None
        reference = self.reference_
        save_arrays(
            directory / _ARRAYS,
            {
                "pattern": reference.pattern,
                "outcome": reference.require_outcome(),
                "game_id": reference.game_id.astype(np.str_),
                "date": reference.date.astype("datetime64[D]"),
                "home_team": reference.home_team.astype(np.str_),
                "away_team": reference.away_team.astype(np.str_),
                "season": reference.season.astype(np.str_),
            },
        )

    def _restore(self, state: dict[str, Any], directory: Path) -> None:
        arrays = load_arrays(directory / _ARRAYS)
        self.reference_ = GameSet(
            pattern=arrays["pattern"].astype(np.float64),
            outcome=arrays["outcome"].astype(np.float64),
            game_id=arrays["game_id"],
            date=arrays["date"],
            home_team=arrays["home_team"],
            away_team=arrays["away_team"],
            season=arrays["season"],
            horizon=arrays["outcome"].shape[1],
        )
        self._build_index()


def aggregate_analogs(
    games: GameSet,
    reference: GameSet,
    index: NDArray[np.intp],
    aggregation: Aggregation,
) -> FloatArray:
    """The current margin plus the analogs' aggregated changes after the cutoff.

    Parameters
    ----------
    index : ndarray of shape (n_games, k), int
        Rows of ``reference`` that are each game's analogs.

    Returns
    -------
    ndarray of shape (n_games, horizon), points
    """
    # (n_reference, horizon): each reference game's change after its cutoff
    change = reference.require_outcome() - reference.pattern[:, -1:]
    # (n_games, k, horizon)
    neighbour_change = change[index]
    if aggregation == "median":
        combined = np.median(neighbour_change, axis=1)
    else:
        combined = neighbour_change.mean(axis=1)
    return np.asarray(games.pattern[:, -1:] + combined)


@dataclass(frozen=True)
class DejavuSelection:
    """The Dejavu options with the lowest validation MAE, and every option tried."""

    best: DejavuConfig
    table: list[dict[str, Any]]
    criterion: str = "mean MAE over forecast minutes, validation games"


DEFAULT_GRID: dict[str, tuple[Any, ...]] = {
    "distance": ("l1", "l2"),
    "k": (10, 25, 50, 100, 200, 400),
    "aggregation": ("median", "mean"),
    "window": (6, 12, None),
    "level_weight": (0.0, 0.5),
}


def select_dejavu(
    train: GameSet,
    validation: GameSet,
    grid: dict[str, tuple[Any, ...]] | None = None,
) -> DejavuSelection:
    """Choose Dejavu's options by MAE on validation games (never on test games).

    The neighbours are searched once per (distance, window, level_weight) with the
    largest ``k``; smaller ``k`` and both aggregations reuse that search.
    """
    grid = {**DEFAULT_GRID, **(grid or {})}
    if len(validation) == 0:
        raise DataError("cannot choose Dejavu's options: no validation games")
    # Windows as long as the input or longer all mean "every input minute".
    windows = [w for w in grid["window"] if w is None or w < train.cutoff]
    grid["window"] = tuple(dict.fromkeys(windows or [None]))
    usable_k = [k for k in grid["k"] if k <= len(train)]
    if not usable_k:
        raise DataError(
            f"cannot choose Dejavu's options: the training split has {len(train)} "
            f"games, fewer than the smallest k tried ({min(grid['k'])})"
        )
    target = validation.require_outcome()
    largest_k = max(usable_k)
    table: list[dict[str, Any]] = []
    for distance in grid["distance"]:
        for window in grid["window"]:
            for level_weight in grid["level_weight"]:
                searcher = Dejavu(
                    DejavuConfig(
                        distance=distance,
                        k=largest_k,
                        window=window,
                        level_weight=level_weight,
                    )
                ).fit(train)
                nearest = searcher.analogs(validation).index
                for k in grid["k"]:
                    if k > largest_k:
                        continue
                    for aggregation in grid["aggregation"]:
                        config = replace(searcher.config, k=k, aggregation=aggregation)
                        forecast = aggregate_analogs(
                            validation, train, nearest[:, :k], aggregation
                        )
                        error = np.abs(forecast - target)
                        table.append(
                            {
                                **asdict(config),
                                "validation_mae": float(error.mean()),
                                "validation_mae_halftime": float(error[:, -1].mean()),
                            }
                        )
    best_row = min(table, key=lambda row: row["validation_mae"])
    best = DejavuConfig(
        **{key: best_row[key] for key in DejavuConfig.__dataclass_fields__}
    )
    return DejavuSelection(best=best, table=table)
