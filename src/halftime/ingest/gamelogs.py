"""Dates, teams and official finals from stats.nba.com ``leaguegamelog`` files.

A game log has two rows per game, one per team. ``MATCHUP`` says who is at home:
``"BOS vs. PHI"`` is Boston's row at home, ``"PHI @ BOS"`` Philadelphia's row away.
``GAME_DATE`` is the US date of the game and ``PTS`` the official points. A game
whose rows have a blank ``WL`` was not played (e.g. a cancelled game).

The logs are looked for in a folder named ``gamelogs`` beside or inside the
play-by-play directory, or taken from an explicit path; every CSV in the folder is
read, whatever its name. An unreadable ``GAME_ID`` is an error naming the file and
row; an unreadable ``GAME_DATE`` or ``PTS``, and two logs that disagree on a game,
are reported (the date or final is then unknown, or the first log is used).
"""

from __future__ import annotations

import logging
import lzma
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from halftime.errors import DataError
from halftime.ingest.ids import normalize_game_id
from halftime.ingest.issues import GameIssue

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

GAMELOG_BAD_DATE: Final = "gamelog_bad_date"
GAMELOG_BAD_POINTS: Final = "gamelog_bad_points"
GAMELOG_CONFLICT: Final = "gamelog_conflict"


def find_gamelogs(sources: Sequence[Path]) -> Path | None:
    """Return the ``gamelogs`` folder beside or inside a source, or None."""
    for source in sources:
        folder = source if source.is_dir() else source.parent
        for candidate in (folder / "gamelogs", folder.parent / "gamelogs"):
            if candidate.is_dir():
                return candidate
    return None


def gamelog_files(path: Path) -> list[Path]:
    """The game-log files of a folder: every CSV in it, whatever its name."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataError(
            f"{path}: no such game-log file or folder; give a leaguegamelog CSV or a "
            "folder of them (e.g. gamelogs/log-2017.csv.gz)"
        )
    return sorted(p for p in path.iterdir() if p.name.lower().endswith(_LOG_SUFFIXES))


def _read_one(file: Path) -> pd.DataFrame:
    """One game-log file's needed columns as text, with the data-row numbers."""
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as error:
        raise DataError(
            f"{file}: cannot read the game log ({error}); accepted: a stats.nba.com "
            "leaguegamelog CSV (plain, .gz or .xz)"
        ) from None
    missing = [c for c in LOG_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"{file}: game log lacks column(s) {missing}; expected the "
            f"stats.nba.com leaguegamelog columns {list(LOG_COLUMNS)}"
        )
    frame = frame.loc[:, list(LOG_COLUMNS)]
    frame["source"] = str(file)
    frame["row"] = range(1, len(frame) + 1)
    ten_digits = frame["GAME_ID"].str.fullmatch(r"[0-9]{10}")
    if not bool(ten_digits.all()):
        cleaned = []
        for value, row in zip(frame["GAME_ID"], frame["row"], strict=True):
            try:
                cleaned.append(normalize_game_id(value))
            except DataError as error:
                raise DataError(f"{file}, data row {row}: {error}") from None
        frame["GAME_ID"] = cleaned
    return frame


def read_gamelogs(path: Path) -> pd.DataFrame:
    """Read game logs into one row per game (see :func:`read_gamelogs_checked`)."""
    return read_gamelogs_checked(path)[0]


def read_gamelogs_checked(path: Path) -> tuple[pd.DataFrame, list[GameIssue]]:
    """Read game logs into one row per game, with what is wrong in them.

    Every CSV of a folder is read whatever its name (the games are told apart by
    their ids, not by the file names).

    Parameters
    ----------
    path : Path
        A ``leaguegamelog`` CSV (plain, ``.gz`` or ``.xz``) or a folder of them.

    Returns
    -------
    games : DataFrame of shape (n_games, 6), indexed by ten-digit ``game_id``
        Columns :data:`GAMELOG_COLUMNS`: ``date`` (datetime64, NaT where
        unreadable), ``home_team`` and ``away_team`` (tricodes), official points
        (nullable ints, null where unreadable) and ``cancelled`` (True when
        ``WL`` is blank on both rows).
    issues : list of GameIssue
        ``gamelog_bad_date`` (a ``GAME_DATE`` that is not ``YYYY-MM-DD``),
        ``gamelog_bad_points`` (a played game's ``PTS`` that is not a whole
        number) and ``gamelog_conflict`` (two log rows for the same team of a
        game that disagree), each naming the file and row.

    Raises
    ------
    DataError
        If a file cannot be read, lacks a needed column, has an unreadable
        ``GAME_ID`` (naming file and row), or a game does not have one home and
        one away row.
    """
    frames = [_read_one(file) for file in gamelog_files(path)]
    if not frames:
        return _empty(), []
    logs = pd.concat(frames, ignore_index=True)
    found: list[GameIssue] = []
    is_home = logs["MATCHUP"].str.contains(" vs. ", regex=False)
    is_away = logs["MATCHUP"].str.contains(" @ ", regex=False)
    logs["side"] = np.where(is_home, "home", np.where(is_away, "away", ""))
    found += _conflicts(logs.loc[logs["side"] != ""])
    home = logs.loc[is_home].drop_duplicates("GAME_ID").set_index("GAME_ID")
    away = logs.loc[is_away].drop_duplicates("GAME_ID").set_index("GAME_ID")
    unpaired = home.index.symmetric_difference(away.index)
    if len(unpaired):
        gid = unpaired[0]
        lone = logs.loc[logs["GAME_ID"] == gid].iloc[0]
        raise DataError(
            f"{lone['source']}, data row {lone['row']}: game {gid} (MATCHUP "
            f"{lone['MATCHUP']!r}) lacks a home row (MATCHUP 'BOS vs. PHI') or an "
            f"away row (MATCHUP 'PHI @ BOS'); {len(unpaired)} such game(s)"
        )
    away = away.reindex(home.index)
    date = pd.to_datetime(home["GAME_DATE"], format="%Y-%m-%d", errors="coerce")
    for gid in home.index[date.isna().to_numpy()]:
        row = home.loc[gid]
        found.append(
            GameIssue(
                str(gid),
                GAMELOG_BAD_DATE,
                f"GAME_DATE {row['GAME_DATE']!r} at {row['source']}, data row "
                f"{row['row']} is not YYYY-MM-DD; date unknown",
                str(row["source"]),
            )
        )
    cancelled = (home["WL"].str.strip() == "") & (away["WL"].str.strip() == "")
    points = {}
    for side, rows in (("home", home), ("away", away)):
        numbers = pd.to_numeric(rows["PTS"], errors="coerce")
        whole = numbers.notna() & (numbers == numbers.round())
        for gid in rows.index[(~whole & ~cancelled).to_numpy()]:
            row = rows.loc[gid]
            found.append(
                GameIssue(
                    str(gid),
                    GAMELOG_BAD_POINTS,
                    f"{side} PTS {row['PTS']!r} at {row['source']}, data row "
                    f"{row['row']} is not a whole number; official final unknown",
                    str(row["source"]),
                )
            )
        points[side] = numbers.where(whole).astype("Int64")
    games = pd.DataFrame(
        {
            "date": date,
            "home_team": home["TEAM_ABBREVIATION"],
            "away_team": away["TEAM_ABBREVIATION"],
            "official_home_final": points["home"],
            "official_away_final": points["away"],
            "cancelled": cancelled,
        },
        index=home.index.rename("game_id"),
    )
    games.loc[games["cancelled"], ["official_home_final", "official_away_final"]] = (
        pd.NA
    )
    logger.info("read %d games from %d game-log file(s)", len(games), len(frames))
    return games, found


def _conflicts(logs: pd.DataFrame) -> list[GameIssue]:
    """Games whose several rows for one side (from several logs) disagree."""
    key = ["GAME_ID", "side"]
    values = ["GAME_DATE", "TEAM_ABBREVIATION", "PTS", "WL"]
    repeated = logs.loc[logs.duplicated(key, keep=False)]
    if repeated.empty:
        return []
    distinct = repeated.drop_duplicates([*key, *values])
    differing = distinct.loc[distinct.duplicated(key, keep=False)]
    found = []
    for (gid, side), rows in differing.groupby(key, sort=True):
        where = "; ".join(
            f"{r.source} data row {r.row}: {r.TEAM_ABBREVIATION} {r.GAME_DATE} "
            f"PTS {r.PTS}"
            for r in rows.itertuples()
        )
        found.append(
            GameIssue(
                str(gid),
                GAMELOG_CONFLICT,
                f"game logs disagree on the {side} row ({where}); the first is used",
                str(rows["source"].iloc[0]),
            )
        )
    return found


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
