"""The games table: its columns, the result of an ingest, saving and loading.

One row per accepted game, columns :data:`GAMES_COLUMNS`: ``game_id`` (ten digits),
``date`` (NaT if unknown), ``season`` (``"2015-16"``), ``season_type``,
``home_team`` and ``away_team`` (tricodes, ``""`` if unknown), ``margin`` (home
minus away after minutes 0, 1, ..., 48 and 5 more per overtime, or 0..24 for a game
complete only through halftime), ``n_periods``, ``home_final`` and ``away_final``
(last play-by-play score), ``official_home_final`` and ``official_away_final``
(game log, null if unknown) and ``flags`` (empty when clean). It is saved as
``games.parquet`` beside ``data_quality.json`` and ``data_quality.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from halftime.constants import HALFTIME_MINUTE, OVERTIME_MINUTES, REGULATION_MINUTES
from halftime.errors import DataError
from halftime.ingest.quality import QualityReport

GAMES_COLUMNS: Final = (
    "game_id",
    "date",
    "season",
    "season_type",
    "home_team",
    "away_team",
    "margin",
    "n_periods",
    "home_final",
    "away_final",
    "official_home_final",
    "official_away_final",
    "flags",
)

GAMES_FILE: Final = "games.parquet"

REPORT_JSON: Final = "data_quality.json"

REPORT_MARKDOWN: Final = "data_quality.md"

_FULL_GAME: Final = REGULATION_MINUTES + 1


@dataclass(frozen=True)
class IngestResult:
    """The games table and the report of one ingest.

    Attributes
    ----------
    games : DataFrame of shape (n_games, 13)
        One row per accepted game, columns :data:`GAMES_COLUMNS`.
    report : QualityReport
    """

    games: pd.DataFrame
    report: QualityReport


def empty_games() -> pd.DataFrame:
    """A games table with no rows."""
    return pd.DataFrame({column: [] for column in GAMES_COLUMNS})


def write_ingest(result: IngestResult, out_dir: Path) -> dict[str, Path]:
    """Write the games table and the report.

    Returns
    -------
    dict of str to Path
        ``games`` (games.parquet), ``data_quality_json`` and ``data_quality_md``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "games": out_dir / GAMES_FILE,
        "data_quality_json": out_dir / REPORT_JSON,
        "data_quality_md": out_dir / REPORT_MARKDOWN,
    }
    games = result.games
    table = pa.table(
        {
            "game_id": pa.array(games["game_id"].astype(str), pa.string()),
            "date": pa.array(
                games["date"].astype("datetime64[ns]"), pa.timestamp("ns")
            ),
            "season": pa.array(games["season"].astype(str), pa.string()),
            "season_type": pa.array(games["season_type"].astype(str), pa.string()),
            "home_team": pa.array(games["home_team"].astype(str), pa.string()),
            "away_team": pa.array(games["away_team"].astype(str), pa.string()),
            "margin": pa.array(list(games["margin"]), pa.list_(pa.int64())),
            "n_periods": pa.array(games["n_periods"].astype(np.int64), pa.int64()),
            "home_final": pa.array(games["home_final"].astype(np.int64), pa.int64()),
            "away_final": pa.array(games["away_final"].astype(np.int64), pa.int64()),
            "official_home_final": pa.array(
                games["official_home_final"].astype("Int64"), pa.int64()
            ),
            "official_away_final": pa.array(
                games["official_away_final"].astype("Int64"), pa.int64()
            ),
            "flags": pa.array(list(games["flags"]), pa.list_(pa.string())),
        }
    )
    pq.write_table(table, paths["games"])
    paths["data_quality_json"].write_text(result.report.to_json())
    paths["data_quality_md"].write_text(result.report.to_markdown())
    return paths


def read_games(path: Path) -> pd.DataFrame:
    """Read ``games.parquet`` back, checking that it is an ingest table.

    Parameters
    ----------
    path : Path
        ``games.parquet`` or the folder holding it.

    Returns
    -------
    DataFrame of shape (n_games, 13)
        Columns :data:`GAMES_COLUMNS`; ``margin`` and ``flags`` as lists.

    Raises
    ------
    DataError
        If the file is missing or unreadable, lacks a column, or has a game id,
        margin or season that breaks the contract.
    """
    path = Path(path)
    if path.is_dir():
        path = path / GAMES_FILE
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as error:
        raise DataError(
            f"{path}: cannot read the games table ({error}); write it with "
            "`halftime ingest`"
        ) from None
    missing = [c for c in GAMES_COLUMNS if c not in table.column_names]
    if missing:
        raise DataError(
            f"{path}: games table lacks column(s) {missing}; expected "
            f"{list(GAMES_COLUMNS)} as written by `halftime ingest`"
        )
    games: pd.DataFrame = table.select(list(GAMES_COLUMNS)).to_pandas()
    games["official_home_final"] = games["official_home_final"].astype("Int64")
    games["official_away_final"] = games["official_away_final"].astype("Int64")
    games["margin"] = pd.Series(
        [None if m is None else list(m.tolist()) for m in games["margin"]],
        index=games.index,
        dtype=object,
    )
    games["flags"] = pd.Series(
        [[] if f is None else list(f) for f in games["flags"]],
        index=games.index,
        dtype=object,
    )
    _validate(games, path)
    return games


def _validate(games: pd.DataFrame, path: Path) -> None:
    """Check the contract of the games table, naming the first offending game."""
    bad_id = ~games["game_id"].astype(str).str.fullmatch(r"[0-9]{10}")
    if bad_id.any():
        value = games["game_id"][bad_id].iloc[0]
        raise DataError(f"{path}: game id {value!r} is not ten digits")
    for gid, margin in zip(games["game_id"], games["margin"], strict=True):
        length = -1 if margin is None else len(margin)
        overtime = (length - _FULL_GAME) % OVERTIME_MINUTES == 0
        if not (length == HALFTIME_MINUTE + 1 or (length >= _FULL_GAME and overtime)):
            raise DataError(
                f"{path}: game {gid} has {length} margins; expected 25 (through "
                "halftime) or 49 + 5 per overtime"
            )
        if margin[0] != 0:
            raise DataError(f"{path}: game {gid} has margin(0) = {margin[0]}, not 0")
