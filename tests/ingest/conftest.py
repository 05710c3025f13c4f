"""Builders of small, hand-written play-by-play files for the ingest tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from halftime.ingest import NoGamesError, QualityReport, ingest

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = (
    "GAME_ID,EVENTNUM,EVENTMSGTYPE,EVENTMSGACTIONTYPE,PERIOD,WCTIMESTRING,"
    "PCTIMESTRING,HOMEDESCRIPTION,NEUTRALDESCRIPTION,VISITORDESCRIPTION,SCORE,"
    "SCOREMARGIN"
)
MADE_SHOT, FREE_THROW, START, END = 1, 3, 12, 13

# (event type, period, clock, "AWAY - HOME" or "")
Event = tuple[int, int, str, str]


def margin_text(score: str) -> str:
    """SCOREMARGIN written by stats.nba.com for a SCORE (home minus away)."""
    if not score:
        return ""
    away, home = (int(part) for part in score.split(" - "))
    return "TIE" if home == away else str(home - away)


def game_rows(game_id: str, events: Sequence[Event], n_periods: int = 4) -> list[str]:
    """CSV rows of a game: start and end rows around each period's events."""
    rows = []
    number = 0
    for period in range(1, n_periods + 1):
        length = "12:00" if period <= 4 else "5:00"
        inside = [e for e in events if e[1] == period]
        body = [(START, period, length, "")] + inside + [(END, period, "0:00", "")]
        for kind, p, clock, score in body:
            rows.append(
                f"{game_id},{number},{kind},0,{p},7:00 PM,{clock},,,,{score},"
                f"{margin_text(score)}"
            )
            number += 1
    return rows


def write_csv(path: Path, rows: Sequence[str]) -> Path:
    """Write a play-by-play CSV with the 12-column header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def write_gamelog(
    path: Path, games: Sequence[tuple[str, str, str, str, int, int]]
) -> Path:
    """Write a leaguegamelog CSV: (game_id, date, home, away, home_pts, away_pts).

    Points of -1 write a blank WL and zero points (a game not played).
    """
    lines = ["SEASON_ID,TEAM_ID,TEAM_ABBREVIATION,GAME_ID,GAME_DATE,MATCHUP,WL,PTS"]
    for game_id, date, home, away, home_pts, away_pts in games:
        if home_pts < 0:
            home_wl = away_wl = ""
            home_pts = away_pts = 0
        else:
            home_wl = "W" if home_pts > away_pts else "L"
            away_wl = "L" if home_wl == "W" else "W"
        lines.append(
            f"2,1,{home},{game_id},{date},{home} vs. {away},{home_wl},{home_pts}"
        )
        lines.append(
            f"2,2,{away},{game_id},{date},{away} @ {home},{away_wl},{away_pts}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def rejected_report(source: Path | Sequence[Path]) -> QualityReport:
    """Ingest a source that must give no game; return the report of why."""
    with pytest.raises(NoGamesError, match="no game accepted") as caught:
        ingest(source, progress=False, workers=1)
    return caught.value.report


SIMPLE_GAME: list[Event] = [
    (MADE_SHOT, 1, "11:00", "0 - 2"),  # home 2 at 60 s: minute 1
    (MADE_SHOT, 1, "6:30", "3 - 2"),  # away 3 at 330 s: minute 6
    (MADE_SHOT, 2, "6:00", "3 - 4"),  # home 2 at 1080 s: minute 18 exactly
    (FREE_THROW, 3, "0:30", "4 - 4"),  # away 1 at 2130 s: minute 36
    (MADE_SHOT, 4, "0:01", "4 - 6"),  # home 2 at 2879 s: minute 48
]
"""A complete regulation game ending 4 - 6 (away - home)."""


@pytest.fixture
def fixtures() -> Path:
    """The folder of hand-written fixture files."""
    return FIXTURES


@pytest.fixture
def simple_game_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write the simple game under a chosen id and return the file."""

    def write(game_id: str = "0021800100", name: str = "pbp.csv") -> Path:
        return write_csv(tmp_path / name, game_rows(game_id, SIMPLE_GAME))

    return write
