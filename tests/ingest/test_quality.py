"""The report lists games per season, empty seasons and months, and its rules (P9)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from halftime.ingest import ingest
from halftime.ingest.quality import RULES, QualityReport, summarize_seasons

from .conftest import SIMPLE_GAME, game_rows, write_csv, write_gamelog


def games_on(dates: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game_id": list(dates),
            "season": [f"20{gid[3:5]}-{int(gid[3:5]) + 1:02d}" for gid in dates],
            "date": pd.to_datetime(list(dates.values())),
        }
    )


def test_games_per_season_with_their_date_range() -> None:
    games = games_on(
        {
            "0021500001": "2015-10-27",
            "0021500002": "2015-11-02",
            "0021600001": "2016-10-25",
        }
    )

    seasons, _ = summarize_seasons(games)

    assert [(s.season, s.n_games, s.first_date, s.last_date) for s in seasons] == [
        ("2015-16", 2, "2015-10-27", "2015-11-02"),
        ("2016-17", 1, "2016-10-25", "2016-10-25"),
    ]


def test_a_missing_season_and_a_month_without_games_are_listed() -> None:
    games = games_on(
        {
            "0021300001": "2013-10-29",
            "0021300002": "2014-01-05",
            "0021500001": "2015-10-27",
        }
    )

    _, gaps = summarize_seasons(games)

    assert gaps == [
        "2013-14: no games in 2013-11 (inside 2013-10-29..2014-01-05)",
        "2013-14: no games in 2013-12 (inside 2013-10-29..2014-01-05)",
        "2014-15: no games",
    ]


def test_unknown_dates_are_said_not_invented() -> None:
    games = pd.DataFrame(
        {"game_id": ["0021500001"], "season": ["2015-16"], "date": [pd.NaT]}
    )

    (season,), gaps = summarize_seasons(games)

    assert (season.first_date, season.last_date) == (None, None)
    assert gaps == []


def test_report_round_trips_to_json_and_renders_markdown(tmp_path: Path) -> None:
    write_csv(tmp_path / "pbp" / "a.csv", game_rows("0021800100", SIMPLE_GAME))
    write_csv(tmp_path / "pbp" / "b.csv", game_rows("0021800101", SIMPLE_GAME[:1])[:3])
    write_gamelog(
        tmp_path / "gamelogs" / "log.csv",
        [("0021800100", "2018-10-16", "BOS", "PHI", 6, 4)],
    )

    report = ingest(tmp_path, progress=False, workers=1).report
    data = json.loads(report.to_json())
    text = report.to_markdown()

    assert data["summary"]["accepted"] == 1
    assert data["summary"]["rejected"] == 1
    assert data["summary"]["rejections"] == {"no_events_in_period_2": 1}
    assert data["seasons"] == [
        {
            "season": "2018-19",
            "n_games": 1,
            "first_date": "2018-10-16",
            "last_date": "2018-10-16",
        }
    ]
    assert data["rules"] == list(RULES)
    assert "| 0021800101 | no_events_in_period_2 |" in text
    assert "| 2018-19 | 1 | 2018-10-16 | 2018-10-16 |" in text


def test_an_empty_report_still_renders() -> None:
    text = QualityReport().to_markdown()

    assert "## Rejected games\n\n- none" in text
