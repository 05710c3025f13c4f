"""Game ids are cleaned to ten digits and read for season and type (case P7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from halftime.errors import DataError
from halftime.ingest import ingest, normalize_game_id
from halftime.ingest.ids import season_of, season_type_of

from .conftest import rejected_report


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (21801052, "0021801052"),
        ("0021801052", "0021801052"),
        ('="0021801052"', "0021801052"),
        ("21801052.0", "0021801052"),
        (41700151, "0041700151"),
    ],
)
def test_every_spelling_of_an_id_is_the_same_game(
    written: object, expected: str
) -> None:
    assert normalize_game_id(written) == expected


@pytest.mark.parametrize(
    "written",
    ["2180105X", "", None, "12345678901", 0, True, "1", 1, "1801052", "00021801052"],
)
def test_an_id_shorter_than_eight_or_longer_than_ten_digits_is_refused_with_its_value(
    written: object,
) -> None:
    with pytest.raises(DataError, match=repr(written).replace("(", r"\(")):
        normalize_game_id(written)


@pytest.mark.parametrize(
    ("game_id", "season_type"),
    [
        ("0021801052", "regular"),
        ("0041700151", "playoffs"),
        ("0052000201", "play-in"),
        ("0011800001", "preseason"),
        ("0031800001", "all-star"),
        ("0091800001", "unknown"),
    ],
)
def test_third_digit_gives_the_season_type(game_id: str, season_type: str) -> None:
    assert season_type_of(game_id) == season_type


def test_digits_four_and_five_give_the_season() -> None:
    assert season_of("0021801052") == "2018-19"
    assert season_of("0029600070") == "1996-97"
    assert season_of("0029901141") == "1999-00"


def test_rows_of_one_game_spelled_three_ways_make_one_game(fixtures: Path) -> None:
    result = ingest(fixtures / "p7_ids.csv", progress=False, workers=1)

    assert result.games["game_id"].tolist() == ["0021801052"]
    assert result.games["margin"].iloc[0][:2] == [0, 2]


def test_a_bad_id_rejects_its_rows_with_the_value(fixtures: Path) -> None:
    result = ingest(fixtures / "p7_ids.csv", progress=False, workers=1)

    (rejected,) = result.report.rejected
    assert rejected.kind == "bad_game_id"
    assert rejected.game_id == "2180105X"
    assert "data row 6" in rejected.detail
    assert result.report.dropped_rows == {"bad game id": 1}


def test_a_file_of_only_bad_ids_is_an_error_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    rows = (Path(__file__).parent / "fixtures" / "p7_ids.csv").read_text().splitlines()
    path.write_text("\n".join([rows[0], rows[-1]]) + "\n")

    report = rejected_report(path)

    assert [r.game_id for r in report.rejected] == ["2180105X"]
