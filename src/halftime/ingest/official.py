"""Game logs joined to the games: dates, teams and official finals.

A complete game whose last play-by-play score differs from the official final keeps
its play-by-play margins and is flagged ``final_mismatch``. A game whose last period
has no end (no end-of-period row, clock not at 0:00) is taken as complete when its
last score equals the official final and is not level (``end_inferred_from_final``);
otherwise its margins are cut at halftime (``incomplete_after_halftime``). Games of
the logs' seasons without play-by-play are listed as missing, a game with a blank
``WL`` as cancelled. Without logs, the fallbacks are said in a warning.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from halftime.constants import HALFTIME_MINUTE, REGULATION_MINUTES
from halftime.ingest import issues
from halftime.ingest.events import LAST_PERIOD_UNFINISHED
from halftime.ingest.gamelogs import (
    GAMELOG_BAD_DATE,
    GAMELOG_BAD_POINTS,
    GAMELOG_CONFLICT,
    find_gamelogs,
    gamelog_files,
    read_gamelogs_checked,
)
from halftime.ingest.issues import GameIssue
from halftime.ingest.quality import QualityReport
from halftime.ingest.storage import GAMES_COLUMNS, empty_games

logger = logging.getLogger(__name__)

_FULL_GAME: Final = REGULATION_MINUTES + 1
_LOG_FLAGS: Final = (GAMELOG_BAD_DATE, GAMELOG_BAD_POINTS, GAMELOG_CONFLICT)


def join_gamelogs(
    games: pd.DataFrame,
    report: QualityReport,
    sources: list[Path],
    gamelogs: Path | None,
    teams: dict[str, tuple[str, str]],
    seen: set[str],
) -> pd.DataFrame:
    """Add dates, teams and official finals; flag and list what disagrees."""
    if games.empty:
        return empty_games()
    path = gamelogs if gamelogs is not None else find_gamelogs(sources)
    if path is None:
        message = (
            "no game logs found (looked for a gamelogs/ folder beside and inside the "
            "source; pass gamelogs=...): dates unknown (splits order games by id "
            "inside a season), teams unknown, official finals not checked"
        )
        logger.warning(message)
        report.warnings.append(message)
        logs = None
    else:
        report.gamelogs = str(path)
        logs, log_issues = read_gamelogs_checked(path)
        if not gamelog_files(path):
            message = (
                f"{path}: no game-log file in this folder (looked for *.csv, "
                "*.csv.gz, *.csv.xz): dates unknown, teams unknown, official finals "
                "not checked"
            )
            logger.warning(message)
            report.warnings.append(message)
            logs = None
        else:
            kept = set(games["game_id"])
            report.flagged += [i for i in log_issues if i.game_id in kept]
            report.warnings += [
                f"game log, game {i.game_id} (no play-by-play kept): {i.detail}"
                for i in log_issues
                if i.game_id not in kept
            ]

    n = len(games)
    if logs is not None:
        joined = logs.reindex(games["game_id"])
        date = pd.to_datetime(joined["date"].to_numpy())
        home_team = joined["home_team"].fillna("").astype(str).to_numpy()
        away_team = joined["away_team"].fillna("").astype(str).to_numpy()
        official_home = joined["official_home_final"].to_numpy(dtype=object)
        official_away = joined["official_away_final"].to_numpy(dtype=object)
    else:
        date = pd.to_datetime(np.full(n, np.datetime64("NaT", "ns")))
        home_team = np.full(n, "", dtype=object)
        away_team = np.full(n, "", dtype=object)
        official_home = np.full(n, pd.NA, dtype=object)
        official_away = np.full(n, pd.NA, dtype=object)
    for index, gid in enumerate(games["game_id"]):
        if not home_team[index] and gid in teams:
            home_team[index], away_team[index] = teams[gid]

    games = games.assign(
        date=pd.Series(date, index=games.index).astype("datetime64[ns]"),
        home_team=home_team,
        away_team=away_team,
        official_home_final=pd.array(official_home, dtype="Int64"),
        official_away_final=pd.array(official_away, dtype="Int64"),
    )
    _flag_against_logs(games, report, logs)
    _add_flags(games, [i for i in report.flagged if i.kind in _LOG_FLAGS])
    if logs is not None:
        _list_missing(logs, report, seen)
    return games.loc[:, list(GAMES_COLUMNS)]


def _flag_against_logs(
    games: pd.DataFrame, report: QualityReport, logs: pd.DataFrame | None
) -> None:
    """Decide unfinished games; flag final mismatches, level finals, absent games.

    A game whose last period has no end (no end-of-period row, clock not at 0:00)
    is taken as complete when its last play-by-play score equals the official
    final and is not level; otherwise its margins are cut at halftime.
    """
    ids = games["game_id"].to_numpy(dtype=object)
    home = games["home_final"].to_numpy(dtype=np.int64)
    away = games["away_final"].to_numpy(dtype=np.int64)
    official = np.stack(
        [
            games["official_away_final"].to_numpy(dtype=np.float64, na_value=np.nan),
            games["official_home_final"].to_numpy(dtype=np.float64, na_value=np.nan),
        ]
    )
    known = ~np.isnan(official).any(axis=0)
    agrees = known & (official[0] == away) & (official[1] == home)
    unfinished = games["unfinished"].to_numpy(dtype=object)
    end_only = np.array([u.startswith(LAST_PERIOD_UNFINISHED) for u in unfinished])
    rescued = end_only & agrees & (home != away)
    cut = (unfinished != "") & ~rescued

    new: list[GameIssue] = []
    for i in np.flatnonzero(rescued):
        new.append(
            GameIssue(
                str(ids[i]),
                issues.END_FROM_FINAL,
                f"{unfinished[i]}; the last score {away[i]} - {home[i]} (away - home) "
                "equals the official final, so the game is taken as complete",
            )
        )
    for i in np.flatnonzero(cut):
        new.append(
            GameIssue(
                str(ids[i]),
                issues.INCOMPLETE,
                f"{unfinished[i]}; margins kept through minute {HALFTIME_MINUTE}",
            )
        )
    for i in np.flatnonzero(known & ~agrees):
        new.append(
            GameIssue(
                str(ids[i]),
                issues.FINAL_MISMATCH,
                f"play-by-play final {away[i]} - {home[i]} (away - home), game log "
                f"{official[0, i]:.0f} - {official[1, i]:.0f}; play-by-play margins "
                "kept",
            )
        )
    for i in np.flatnonzero(~cut & (home == away)):
        new.append(
            GameIssue(
                str(ids[i]),
                issues.TIED_FINAL,
                f"complete game ends level at {home[i]} - {away[i]}",
            )
        )
    if logs is not None:
        absent = ~games["game_id"].isin(logs.index).to_numpy()
        new += [
            GameIssue(gid, issues.NOT_IN_GAMELOG, "game not in the game logs")
            for gid in games["game_id"][absent]
        ]
    report.flagged.extend(new)
    extra: dict[str, list[str]] = {}
    for issue in new:
        extra.setdefault(issue.game_id, []).append(issue.kind)
    games["flags"] = pd.Series(
        [
            sorted(set(flags) | set(extra.get(gid, [])))
            for gid, flags in zip(ids, games["flags"], strict=True)
        ],
        index=games.index,
        dtype=object,
    )
    games["margin"] = pd.Series(
        [
            margin[: HALFTIME_MINUTE + 1] if cut_here else margin
            for margin, cut_here in zip(games["margin"], cut, strict=True)
        ],
        index=games.index,
        dtype=object,
    )


def _add_flags(games: pd.DataFrame, found: list[GameIssue]) -> None:
    """Add the kinds of ``found`` to the ``flags`` of their games."""
    extra: dict[str, set[str]] = {}
    for issue in found:
        extra.setdefault(issue.game_id, set()).add(issue.kind)
    if extra:
        games["flags"] = pd.Series(
            [
                sorted(set(flags) | extra.get(gid, set()))
                for gid, flags in zip(games["game_id"], games["flags"], strict=True)
            ],
            index=games.index,
            dtype=object,
        )


def _list_missing(logs: pd.DataFrame, report: QualityReport, seen: set[str]) -> None:
    """List the games of the logs' seasons that have no play-by-play."""
    years = {gid[3:5] for gid in seen}
    types = {gid[2] for gid in seen}
    ids = logs.index.to_numpy(dtype=object)
    wanted = np.array(
        [gid not in seen and gid[3:5] in years and gid[2] in types for gid in ids],
        dtype=bool,
    )
    already = {issue.game_id for issue in report.missing}
    for game_id, row in logs.loc[wanted].iterrows():
        gid = str(game_id)
        date = row["date"].date() if pd.notna(row["date"]) else "unknown date"
        who = f"{row['away_team']} @ {row['home_team']}, {date}"
        if row["cancelled"]:
            issue = GameIssue(
                gid,
                issues.CANCELLED,
                f"not played ({who}): blank WL in the game log, no play-by-play",
            )
        else:
            issue = GameIssue(
                gid, issues.NO_PLAY_BY_PLAY, f"no play-by-play for game ({who})"
            )
        if gid in already:
            report.missing = [i for i in report.missing if i.game_id != gid]
        report.missing.append(issue)
