"""Dates, teams and official finals from stats.nba.com ``leaguegamelog`` files.

A game log has two rows per game, one per team. ``MATCHUP`` says who is at home:
``"BOS vs. PHI"`` is Boston's row at home, ``"PHI @ BOS"`` Philadelphia's row away.
``GAME_DATE`` is the US date of the game and ``PTS`` the official points. A game
whose rows have a blank ``WL`` was not played (e.g. a cancelled game).

The logs are looked for in a folder named ``gamelogs`` beside or inside the
play-by-play directory, or taken from an explicit path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import pandas as pd

from halftime.errors import DataError
from halftime.ingest.ids import normalize_game_id

logger = logging.getLogger(__name__)

LOG_COLUMNS: Final = (
    "GAME_ID",
    "GAME_DATE",
    "MATCHUP",
    "WL",
    "PTS",
    "TEAM_ABBREVIATION",
)
GAMELOG_COLUMNS: Final = (
    "date",
    "home_team",
    "away_team",
    "official_home_final",
    "official_away_final",
    "cancelled",
)
_LOG_SUFFIXES: Final = (".csv", ".csv.gz", ".csv.xz")
_SEASON_IN_NAME = re.compile(r"(\d{4})")


def find_gamelogs(sources: Sequence[Path]) -> Path | None:
    """Return the ``gamelogs`` folder beside or inside a source, or None."""
    for source in sources:
        folder = source if source.is_dir() else source.parent
        for candidate in (folder / "gamelogs", folder.parent / "gamelogs"):
            if candidate.is_dir():
                return candidate
    return None


def _log_files(path: Path, end_years: Iterable[int] | None) -> list[Path]:
    """The game-log files of a folder (only the seasons wanted, when named by year)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataError(
            f"{path}: no such game-log file or folder; give a leaguegamelog CSV or a "
            "folder of them (e.g. gamelogs/log-2017.csv.gz)"
        )
    files = sorted(p for p in path.iterdir() if p.name.lower().endswith(_LOG_SUFFIXES))
    if end_years is None:
        return files
    wanted = set(end_years)
    chosen = []
    for file in files:
        match = _SEASON_IN_NAME.search(file.name)
        if match is None or int(match.group(1)) in wanted:
            chosen.append(file)
    return chosen


def read_gamelogs(path: Path, end_years: Iterable[int] | None = None) -> pd.DataFrame:
    """Read game logs into one row per game.

    Parameters
    ----------
    path : Path
        A ``leaguegamelog`` CSV (plain, ``.gz`` or ``.xz``) or a folder of them.
    end_years : iterable of int, optional
        Read only files whose name carries one of these years (the year a season
        ends, as in ``log-2017.csv.gz`` for 2016-17); files without a year are read.

    Returns
    -------
    DataFrame of shape (n_games, 6), indexed by ten-digit ``game_id``
        Columns :data:`GAMELOG_COLUMNS`: ``date`` (datetime64), ``home_team`` and
        ``away_team`` (tricodes), official points (nullable ints) and
        ``cancelled`` (True when ``WL`` is blank on both rows).

    Raises
    ------
    DataError
        If a file lacks a needed column or a game does not have one home and one
        away row.
    """
    frames = []
    for file in _log_files(path, end_years):
        try:
            frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as error:
            raise DataError(f"{file}: cannot read the game log ({error})") from None
        missing = [c for c in LOG_COLUMNS if c not in frame.columns]
        if missing:
            raise DataError(
                f"{file}: game log lacks column(s) {missing}; expected the "
                f"stats.nba.com leaguegamelog columns {list(LOG_COLUMNS)}"
            )
        frame = frame.loc[:, list(LOG_COLUMNS)]
        frame["source"] = str(file)
        frames.append(frame)
    if not frames:
        return _empty()
    logs = pd.concat(frames, ignore_index=True)
    ten_digits = logs["GAME_ID"].str.fullmatch(r"[0-9]{10}")
    if not bool(ten_digits.all()):
        logs["GAME_ID"] = [normalize_game_id(v) for v in logs["GAME_ID"]]
    is_home = logs["MATCHUP"].str.contains(" vs. ", regex=False)
    is_away = logs["MATCHUP"].str.contains(" @ ", regex=False)
    home = logs.loc[is_home].drop_duplicates("GAME_ID").set_index("GAME_ID")
    away = logs.loc[is_away].drop_duplicates("GAME_ID").set_index("GAME_ID")
    unpaired = home.index.symmetric_difference(away.index)
    if len(unpaired):
        gid = unpaired[0]
        raise DataError(
            f"game log: game {gid} lacks a home row (MATCHUP 'BOS vs. PHI') or an away "
            f"row (MATCHUP 'PHI @ BOS'); {len(unpaired)} such game(s)"
        )
    away = away.reindex(home.index)
    games = pd.DataFrame(
        {
            "date": pd.to_datetime(home["GAME_DATE"], errors="coerce"),
            "home_team": home["TEAM_ABBREVIATION"],
            "away_team": away["TEAM_ABBREVIATION"],
            "official_home_final": pd.to_numeric(home["PTS"], errors="coerce").astype(
                "Int64"
            ),
            "official_away_final": pd.to_numeric(away["PTS"], errors="coerce").astype(
                "Int64"
            ),
            "cancelled": (home["WL"].str.strip() == "")
            & (away["WL"].str.strip() == ""),
        },
        index=home.index.rename("game_id"),
    )
    games.loc[games["cancelled"], ["official_home_final", "official_away_final"]] = (
        pd.NA
    )
    logger.info("read %d games from %d game-log file(s)", len(games), len(frames))
    return games


def _empty() -> pd.DataFrame:
    """A game-log table with no games."""
    return pd.DataFrame(
        {
            "date": pd.Series([], dtype="datetime64[ns]"),
            "home_team": pd.Series([], dtype=object),
            "away_team": pd.Series([], dtype=object),
            "official_home_final": pd.Series([], dtype="Int64"),
            "official_away_final": pd.Series([], dtype="Int64"),
            "cancelled": pd.Series([], dtype=bool),
        },
        index=pd.Index([], name="game_id", dtype=object),
    )
