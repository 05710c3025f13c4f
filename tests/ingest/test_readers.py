"""Every accepted file shape reads to the same margins; bad shapes say why (P6)."""

from __future__ import annotations

import gzip
import json
import lzma
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from halftime.errors import DataError
from halftime.ingest import ingest, write_ingest

from .conftest import (
    HEADER,
    SIMPLE_GAME,
    game_rows,
    rejected_report,
    write_csv,
    write_gamelog,
)


def margins_of(path: Path) -> list[list[int]]:
    result = ingest(path, progress=False, workers=1)
    return [list(m) for m in result.games["margin"]]


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.xz"])
def test_compressed_csv_reads_like_plain_csv(
    fixtures: Path, tmp_path: Path, suffix: str
) -> None:
    plain = fixtures / "p2_visitor_first.csv"
    packed = tmp_path / f"game{suffix}"
    opener = gzip.open if suffix.endswith("gz") else lzma.open
    with opener(packed, "wb") as handle:
        handle.write(plain.read_bytes())

    assert margins_of(packed) == margins_of(plain)


def test_v2_csv_is_read_by_column_name_ignoring_extra_columns(fixtures: Path) -> None:
    (margin,) = margins_of(fixtures / "v2_extra_columns.csv")

    assert margin[:2] == [0, 2]


def test_result_set_key_and_numeric_ids_in_json(fixtures: Path) -> None:
    result = ingest(fixtures / "p6_result_set_key.json", progress=False, workers=1)

    assert result.games["game_id"].tolist() == ["0021800009"]
    assert result.games["margin"].iloc[0][:2] == [0, -2]


def test_result_sets_as_a_single_dict_is_accepted(
    fixtures: Path, tmp_path: Path
) -> None:
    payload = json.loads((fixtures / "p6_result_set_key.json").read_text())
    payload["resultSets"] = payload.pop("resultSet")
    path = tmp_path / "single.json.gz"
    with gzip.open(path, "wt") as handle:
        json.dump(payload, handle)

    assert margins_of(path) == margins_of(fixtures / "p6_result_set_key.json")


def test_a_header_only_response_is_a_missing_game_not_zeros(fixtures: Path) -> None:
    alone = rejected_report(fixtures / "p6_header_only.json")

    (missing,) = alone.missing
    assert missing.game_id == "0021201214"
    assert missing.detail == "no play-by-play for game 0021201214"

    mixed = ingest(
        [fixtures / "p6_header_only.json", fixtures / "p2_visitor_first.csv"],
        progress=False,
        workers=1,
    )
    assert mixed.games["game_id"].tolist() == ["0021800002"]
    assert [m.game_id for m in mixed.report.missing] == ["0021201214"]


def test_a_header_only_csv_named_by_its_game_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "0021201214.csv"
    path.write_text(HEADER + "\n")

    report = rejected_report(path)

    assert [m.game_id for m in report.missing] == ["0021201214"]


def test_a_header_only_file_not_named_by_a_game_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "export.csv"
    empty.write_text(HEADER + "\n")
    full = write_csv(tmp_path / "full.csv", game_rows("0021800100", SIMPLE_GAME))

    result = ingest([empty, full], progress=False, workers=1)

    assert any(
        w.startswith(f"{empty}: the file has no rows") for w in result.report.warnings
    )
    with pytest.raises(DataError, match=r"export\.csv: no game accepted.*has no rows"):
        ingest(empty, progress=False, workers=1)


def test_v3_actions_read_like_v1_rows(fixtures: Path) -> None:
    result = ingest(fixtures / "v3_actions.json", progress=False, workers=1)

    game = result.games.iloc[0]
    assert game["game_id"] == "0022300061"
    assert game["margin"][:3] == [0, 2, -1]
    assert game["margin"][24] == 0
    assert (game["home_team"], game["away_team"]) == ("BOS", "NYK")


def test_a_missing_column_names_the_column_and_the_accepted_shapes(
    fixtures: Path, tmp_path: Path
) -> None:
    text = (fixtures / "p2_visitor_first.csv").read_text()
    path = tmp_path / "no_clock.csv"
    path.write_text(text.replace("PCTIMESTRING", "CLOCK"))

    with pytest.raises(DataError, match=r"missing column\(s\) \['PCTIMESTRING'\]"):
        ingest(path, progress=False, workers=1)


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "empty"), ("{not json", "not valid JSON"), ('{"x": 1}', "no resultSets")],
)
def test_unreadable_files_are_errors_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / ("bad.json" if content else "bad.csv")
    path.write_text(content)

    with pytest.raises(DataError, match=message):
        ingest(path, progress=False, workers=1)


def test_a_directory_is_searched_recursively_skipping_gamelogs(
    fixtures: Path, tmp_path: Path
) -> None:
    (tmp_path / "pbp" / "2019").mkdir(parents=True)
    shutil.copy(fixtures / "p2_visitor_first.csv", tmp_path / "pbp" / "2019" / "a.csv")
    shutil.copy(fixtures / "v3_actions.json", tmp_path / "pbp" / "b.json")
    write_gamelog(
        tmp_path / "gamelogs" / "log-2019.csv",
        [("0021800002", "2018-10-20", "BOS", "NYK", 101, 98)],
    )

    result = ingest(tmp_path, progress=False, workers=1)

    assert result.games["game_id"].tolist() == ["0021800002", "0022300061"]


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file or directory"):
        ingest(tmp_path / "nowhere", progress=False)


def _v3(actions: object) -> str:
    return json.dumps({"game": {"gameId": "0022300061", "actions": actions}})


def _result_set(headers: object, rows: object) -> str:
    return json.dumps(
        {"resultSets": [{"name": "PlayByPlay", "headers": headers, "rowSet": rows}]}
    )


_SHORT_HEADERS = ["GAME_ID", "PERIOD", "PCTIMESTRING", "EVENTMSGTYPE", "SCORE"]
_GOOD_ROW = ["0022300061", 1, "12:00", 12, None]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cr.csv", HEADER + "\r0021800100,0\r", "carriage return"),
        ("nul.csv", "\x00\x01\x02garbage\x00", "NUL bytes"),
        ("blank1.csv", "\n" + HEADER + "\n", "line 1 is blank"),
        ("short.json", _result_set(_SHORT_HEADERS, [_GOOD_ROW, [1, 2]]), "row 2 is 2"),
        ("none.json", _result_set(_SHORT_HEADERS, [_GOOD_ROW, None]), "row 2 is None"),
        ("dict.json", _result_set(_SHORT_HEADERS, [{"a": 1}]), "row 1 is {'a': 1}"),
        ("rows.json", _result_set(_SHORT_HEADERS, "oops"), "rowSet is str"),
        ("heads.json", _result_set(None, []), "headers are NoneType"),
        ("acts.json", _v3("x"), "game.actions is str"),
        ("act.json", _v3([None]), "game.actions item 1 is None"),
        ("act2.json", _v3(["x"]), "game.actions item 1 is 'x'"),
        ("id.json", json.dumps({"game": {"gameId": "abc"}}), "id.json: game.gameId"),
    ],
)
def test_malformed_content_is_a_one_line_error_naming_the_file(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode())

    with pytest.raises(DataError, match=re.escape(message)) as caught:
        ingest(path, progress=False, workers=1)
    assert str(caught.value).startswith(str(path))


def test_a_truncated_gzip_file_is_an_error_naming_it(
    fixtures: Path, tmp_path: Path
) -> None:
    packed = gzip.compress((fixtures / "p2_visitor_first.csv").read_bytes())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])

    with pytest.raises(DataError, match=r"cut\.csv\.gz: cannot read the file"):
        ingest(path, progress=False, workers=1)


def _v3_action(
    number: int, clock: str, kind: str, result: str, home: str, away: str
) -> dict[str, object]:
    return {
        "actionNumber": number,
        "clock": clock,
        "period": 1 if number < 50 else 2,
        "actionType": kind,
        "subType": "start" if clock == "PT12M00.00S" else "end",
        "shotResult": result,
        "scoreHome": home,
        "scoreAway": away,
    }


@pytest.mark.parametrize(
    ("made", "missed", "free", "scores_on_every_action"),
    [
        ("Made Shot", "Missed Shot", "Free Throw", False),  # stats.nba.com v3
        ("2pt", "3pt", "freethrow", True),  # live CDN
        ("Dunk", "Jumper", "FT", False),  # an unknown vocabulary: the score decides
    ],
)
def test_v3_scoring_rows_are_those_whose_written_score_changes(
    tmp_path: Path, made: str, missed: str, free: str, scores_on_every_action: bool
) -> None:
    def quiet(home: str, away: str) -> tuple[str, str]:
        return (home, away) if scores_on_every_action else ("", "")

    actions = [
        _v3_action(1, "PT12M00.00S", "period", "", *quiet("0", "0")),
        _v3_action(2, "PT11M30.00S", missed, "Missed", *quiet("0", "0")),
        _v3_action(3, "PT11M00.00S", made, "Made", "2", "0"),
        _v3_action(4, "PT10M30.00S", free, "Made", "2", "1"),
        _v3_action(5, "PT10M20.00S", free, "Missed", *quiet("2", "1")),
        _v3_action(6, "PT00M00.00S", "period", "", "2", "1"),
        _v3_action(51, "PT12M00.00S", "period", "", "2", "1"),
        _v3_action(52, "PT06M30.00S", made, "Made", "2", "4"),
        _v3_action(53, "PT00M00.00S", "period", "", "2", "4"),
    ]
    path = tmp_path / "v3.json"
    path.write_text(_v3(actions))

    margin = ingest(path, progress=False, workers=1).games["margin"].iloc[0]

    assert margin[:3] == [0, 2, 1]
    assert margin[17:19] == [1, -2]
    assert margin[24] == -2


def test_halftime_outputs_inside_the_data_folder_are_skipped_and_reported(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "0021800100.csv", game_rows("0021800100", SIMPLE_GAME))
    first = ingest(tmp_path, progress=False, workers=1)
    write_ingest(first, tmp_path / "data")  # as `halftime ingest --out` does
    (tmp_path / "data" / "splits").mkdir()
    (tmp_path / "data" / "splits" / "train.csv").write_text("game_id\n0021800100\n")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "metrics.json").write_text("{}")

    again = ingest(tmp_path, progress=False, workers=1)

    pd.testing.assert_frame_equal(again.games, first.games)
    skipped = [w for w in again.report.warnings if "skipped, written by" in w]
    assert len(skipped) == 3
    assert any("data_quality.json" in w for w in skipped)


def test_play_by_play_kept_beside_a_games_table_is_still_read(tmp_path: Path) -> None:
    write_csv(tmp_path / "0021800100.csv", game_rows("0021800100", SIMPLE_GAME))
    write_ingest(ingest(tmp_path, progress=False, workers=1), tmp_path)
    write_csv(tmp_path / "0021800101.csv", game_rows("0021800101", SIMPLE_GAME))

    result = ingest(tmp_path, progress=False, workers=1)

    assert result.games["game_id"].tolist() == ["0021800100", "0021800101"]
