"""The data-quality report of an ingest: what was kept, flagged, rejected and why.

Nothing is dropped or invented silently: every rejected game, every flag with the
rows it concerns, every game known but without play-by-play and every dropped row
(by reason) is listed, with the rules that decided them and the games per season
with their date range, including seasons and months that have no games (case P9).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from halftime.ingest.ids import season_start_year
from halftime.ingest.issues import GameIssue

RULES: Final = (
    'Game ids: numbers, quoted text and spreadsheet text (="0021801052") are cleaned '
    "to ten digits; only the leading 00 may be lost (8 or 9 digits are padded); "
    "anything else is rejected with its value (bad_game_id).",
    "Files: a directory is searched for play-by-play, skipping gamelogs/ and files "
    "halftime wrote itself (any data_quality.json; files under the splits/ of a "
    "folder holding games.parquet; files under data/, models/ or results/ of a "
    "folder whose data/games.parquet exists), each listed in the warnings. A "
    "file without rows is listed (as a missing game when its name or parameters "
    "name one, else as a warning). An ingest that accepts no game is an error.",
    "SCORE is read as AWAY - HOME; where SCOREMARGIN (home minus away, TIE = 0) is "
    "also written they must agree, otherwise ingest stops with an error naming the "
    "row. Blank and None mean no new score. A written SCOREMARGIN that is not a "
    "whole number or TIE, or that stands without a SCORE, is an error naming the row.",
    "A team score above 400 rejects the game (implausible_score), naming the row; "
    "no value of one game can reach another.",
    "Order: events are stably sorted by period and elapsed time, keeping the feed's "
    "row order inside one second; EVENTNUM is not used.",
    "Only made shots and free throws (EVENTMSGTYPE 1 and 3) move the score. A score "
    "written on another row is not applied; if it differs from the running score the "
    "game is flagged nonscoring_row_score. In v3 JSON an action whose written score "
    "changes is a scoring row (whatever its actionType vocabulary), except a period "
    "start or end. A game with no scoring row at or before halftime is rejected "
    "(no_scoring_events when scores are written on other rows only, else "
    "no_score_before_halftime), never kept as 0 - 0.",
    "Each team's running score is the running maximum of its scores: a row that "
    "lowers a team's score is ignored for that team (flag score_decrease, with rows).",
    "A row adding more than 3 points to a team is flagged score_jump; a first score "
    "that one play cannot reach from 0 - 0 is flagged first_score_unreachable.",
    "margin(m) = home minus away after every event with elapsed time <= 60*m s; an "
    "event on a minute mark counts toward that minute; regulation periods last 12 "
    "minutes, overtimes 5. margin(0) = 0: a score stamped at 0 s counts toward "
    "minute 1 (flag score_at_start).",
    "Rows whose clock, period or EVENTMSGTYPE cannot be read are dropped and counted, "
    "and the game is flagged unusable_rows with the rows and values; a game whose "
    "every row is unusable is rejected (no_usable_rows) with the count. Clocks "
    "accepted: M:SS or MM:SS (optional tenths), bare seconds under 60, ISO "
    "PT#M#.##S; an empty clock is never read as 0:00.",
    "A game whose last period has no end (no end-of-period row, clock not at 0:00) "
    "is taken as complete when its last score equals the official final and is not "
    "level (flag end_inferred_from_final); otherwise it is cut at halftime.",
    "A period is complete when a later period has events, an end-of-period row closes "
    "it or its clock reaches 0:00. No events in period 1 or 2, or period 2 not "
    "complete: no halftime label, the game is rejected.",
    "A game complete through all of its periods (at least 4) keeps 49 + 5 * overtimes "
    "margins (minutes 0..48 and 5 per overtime); minutes after the last event carry "
    "the last margin. A game complete only through halftime keeps minutes 0..24 and is "
    "flagged incomplete_after_halftime.",
    "Dates, teams and official finals come from the game logs. A complete game whose "
    "last play-by-play score differs from the official final keeps the play-by-play "
    "margins and is flagged final_mismatch with both scores; a game absent from the "
    "logs is flagged not_in_gamelog. A complete game ending level is flagged "
    "tied_final.",
    "A game in several files keeps its most complete copy (complete through its last "
    "period, then more periods, minutes, rows; the first file on a tie); every other "
    "copy is listed as duplicate_game, saying whether it is identical or conflicts "
    "(the kept game is then flagged conflicting_copies). A game named by a file or "
    "log without rows is listed as missing (no_play_by_play, or cancelled when its "
    "log rows have a blank WL).",
    "Game logs: every CSV of the gamelogs folder is read whatever its name. A "
    "GAME_DATE that is not YYYY-MM-DD (gamelog_bad_date), a played game's PTS that "
    "is not a whole number (gamelog_bad_points) and two logs disagreeing on a game "
    "(gamelog_conflict) are flagged; an unreadable GAME_ID is an error naming the "
    "file and row; an empty folder is a warning.",
    "Without game logs: season from game-id digits 4-5, date unknown (splits then "
    "order by game id inside a season), teams unknown.",
)


@dataclass(frozen=True)
class SeasonSummary:
    """Games kept in one season and the dates they span (None when unknown)."""

    season: str
    n_games: int
    first_date: str | None
    last_date: str | None


@dataclass
class QualityReport:
    """Everything an ingest decided, for people and for the artifacts.

    Attributes
    ----------
    sources : list of str
        Files read.
    gamelogs : str or None
        The game-log file or folder used.
    n_rows : int
        Play-by-play rows read.
    n_games_seen : int
        Distinct games with at least one row.
    n_accepted : int
        Games in the games table.
    rejected, flagged, missing : list of GameIssue
        Rejected games (reason), flags of kept games (with details) and games
        known without play-by-play.
    dropped_rows : dict of str to int
        Rows left out, by reason.
    seasons : list of SeasonSummary
    gaps : list of str
        Seasons, and months inside a season's date range, with no games.
    warnings : list of str
        Degraded behaviour the user should know about (e.g. no game logs).
    rules : list of str
        The rules applied, in words.
    """

    sources: list[str] = field(default_factory=list)
    gamelogs: str | None = None
    n_rows: int = 0
    n_games_seen: int = 0
    n_accepted: int = 0
    rejected: list[GameIssue] = field(default_factory=list)
    flagged: list[GameIssue] = field(default_factory=list)
    missing: list[GameIssue] = field(default_factory=list)
    dropped_rows: dict[str, int] = field(default_factory=dict)
    seasons: list[SeasonSummary] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=lambda: list(RULES))

    @property
    def n_flagged_games(self) -> int:
        """Kept games with at least one flag."""
        return len({issue.game_id for issue in self.flagged})

    def flag_counts(self) -> dict[str, int]:
        """Games per flag."""
        return dict(sorted(Counter(issue.kind for issue in self.flagged).items()))

    def reject_counts(self) -> dict[str, int]:
        """Games per rejection reason."""
        return dict(sorted(Counter(issue.kind for issue in self.rejected).items()))

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "summary": {
                "files": len(self.sources),
                "rows": self.n_rows,
                "games_seen": self.n_games_seen,
                "accepted": self.n_accepted,
                "rejected": len(self.rejected),
                "flagged_games": self.n_flagged_games,
                "missing": len(self.missing),
                "flags": self.flag_counts(),
                "rejections": self.reject_counts(),
                "dropped_rows": dict(self.dropped_rows),
            },
            "sources": list(self.sources),
            "gamelogs": self.gamelogs,
            "seasons": [vars(season) for season in self.seasons],
            "gaps": list(self.gaps),
            "rejected": [issue.to_dict() for issue in self.rejected],
            "flagged": [issue.to_dict() for issue in self.flagged],
            "missing": [issue.to_dict() for issue in self.missing],
            "warnings": list(self.warnings),
            "rules": list(self.rules),
        }

    def to_json(self) -> str:
        """The report as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def to_markdown(self) -> str:
        """The report as a Markdown document."""
        lines = ["# Data quality of the ingested play-by-play", ""]
        summary = self.to_dict()["summary"]
        lines += ["| | |", "|---|---|"]
        lines += [
            f"| {key.replace('_', ' ')} | {value} |"
            for key, value in summary.items()
            if not isinstance(value, dict)
        ]
        lines += ["", f"Game logs: {self.gamelogs or 'none found'}", ""]
        for title, counts in (
            ("Flags (games)", summary["flags"]),
            ("Rejections (games)", summary["rejections"]),
            ("Dropped rows", summary["dropped_rows"]),
        ):
            if counts:
                lines += [f"## {title}", ""]
                lines += [f"- {key}: {value}" for key, value in counts.items()]
                lines.append("")
        if self.warnings:
            lines += ["## Warnings", ""] + [f"- {w}" for w in self.warnings] + [""]
        lines += [
            "## Games per season",
            "",
            "| season | games | first date | last date |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {s.season} | {s.n_games} | {s.first_date or 'unknown'} | "
            f"{s.last_date or 'unknown'} |"
            for s in self.seasons
        ]
        lines += ["", "## Seasons or months with no games", ""]
        lines += [f"- {gap}" for gap in self.gaps] or ["- none"]
        for title, items in (
            ("Rejected games", self.rejected),
            ("Flagged games", self.flagged),
            ("Games without play-by-play", self.missing),
        ):
            lines += ["", f"## {title}", ""]
            if not items:
                lines.append("- none")
                continue
            lines += ["| game | kind | detail |", "|---|---|---|"]
            lines += [
                f"| {i.game_id} | {i.kind} | {i.detail.replace('|', '/')} |"
                for i in items
            ]
        lines += ["", "## Rules applied", ""]
        lines += [f"{n}. {rule}" for n, rule in enumerate(self.rules, start=1)]
        return "\n".join(lines) + "\n"


def summarize_seasons(games: pd.DataFrame) -> tuple[list[SeasonSummary], list[str]]:
    """Games per season with date ranges, and the seasons and months with none.

    Parameters
    ----------
    games : DataFrame
        The games table (``season``, ``date`` and ``game_id`` columns).

    Returns
    -------
    seasons : list of SeasonSummary
        One per season with games, in season order.
    gaps : list of str
        Seasons between the first and the last with no games, and calendar months
        between a season's first and last date with no games.
    """
    if games.empty:
        return [], []
    summaries: list[SeasonSummary] = []
    gaps: list[str] = []
    dates = pd.to_datetime(games["date"])
    for season, index in games.groupby("season").groups.items():
        season_dates = dates.loc[index].dropna()
        if season_dates.empty:
            summaries.append(SeasonSummary(str(season), len(index), None, None))
            continue
        first, last = season_dates.min(), season_dates.max()
        summaries.append(
            SeasonSummary(str(season), len(index), str(first.date()), str(last.date()))
        )
        months = pd.period_range(first, last, freq="M")
        played = set(season_dates.dt.to_period("M"))
        gaps += [
            f"{season}: no games in {month} (inside {first.date()}..{last.date()})"
            for month in months
            if month not in played
        ]
    starts = sorted({season_start_year(str(gid)) for gid in games["game_id"]})
    for year in range(starts[0], starts[-1] + 1):
        if year not in starts:
            gaps.append(f"{year}-{(year + 1) % 100:02d}: no games")
    return summaries, gaps
