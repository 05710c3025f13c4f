"""Every accepted file shape reads to the same margins; bad shapes say why (P6)."""

from __future__ import annotations

import gzip
import json
import lzma
import shutil
from pathlib import Path

import pytest

from halftime.errors import DataError
from halftime.ingest import GAMES_COLUMNS, ingest

from .conftest import HEADER, write_gamelog


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
    alone = ingest(fixtures / "p6_header_only.json", progress=False, workers=1)

    assert alone.games.empty
    assert list(alone.games.columns) == list(GAMES_COLUMNS)
    (missing,) = alone.report.missing
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

    result = ingest(path, progress=False, workers=1)

    assert result.games.empty
    assert [m.game_id for m in result.report.missing] == ["0021201214"]


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
