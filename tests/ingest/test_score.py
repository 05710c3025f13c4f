"""SCORE is visitor first and agrees with SCOREMARGIN; TIE, blank, None (P2, P3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from halftime.errors import DataError
from halftime.ingest import ingest
from halftime.ingest.score import parse_scores


def test_score_is_away_first_and_margin_is_home_minus_away() -> None:
    parsed = parse_scores(pa.array(["98 - 101"]), pa.array(["3"]))

    assert parsed.home[0] == 101
    assert parsed.away[0] == 98
    assert len(parsed.mismatch_rows) == 0


def test_tie_is_zero_and_blank_or_none_is_no_score() -> None:
    parsed = parse_scores(
        pa.array(["2 - 2", "", None, "None", " 4 - 2 "]),
        pa.array(["TIE", "", None, "None", "-2"]),
    )

    np.testing.assert_array_equal(parsed.home[[0, 4]], [2, 2])
    assert np.isnan(parsed.home[1:4]).all()
    assert np.isnan(parsed.away[1:4]).all()
    assert len(parsed.mismatch_rows) == 0
    assert len(parsed.bad_rows) == 0


def test_a_mismatch_between_score_and_margin_is_found() -> None:
    parsed = parse_scores(pa.array(["0 - 2", "0 - 2"]), pa.array(["2", "-2"]))

    assert parsed.mismatch_rows.tolist() == [1]


def test_visitor_first_game_reads_home_101_away_98(fixtures: Path) -> None:
    result = ingest(fixtures / "p2_visitor_first.csv", progress=False, workers=1)

    game = result.games.iloc[0]
    assert (game["home_final"], game["away_final"]) == (101, 98)
    assert game["margin"][24] == 3
    assert game["margin"][1] == -3


def test_a_mismatch_is_an_error_naming_game_and_row(fixtures: Path) -> None:
    with pytest.raises(DataError, match=r"game 0021800003, data row 2: SCORE"):
        ingest(fixtures / "p2_mismatch.csv", progress=False, workers=1)


def test_an_unreadable_score_is_an_error_naming_what_is_accepted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad_score.csv"
    text = (Path(__file__).parent / "fixtures" / "p2_visitor_first.csv").read_text()
    path.write_text(text.replace("3 - 0,-3", "3 to 0,-3"))

    with pytest.raises(DataError, match=r'data row 2: SCORE is not "AWAY - HOME"'):
        ingest(path, progress=False, workers=1)


def test_tie_blank_and_none_never_reach_a_margin_as_nan(fixtures: Path) -> None:
    result = ingest(fixtures / "p3_tie_blank_none.csv", progress=False, workers=1)

    margin = result.games["margin"].iloc[0]
    assert margin[:4] == [0, 2, 0, 0]
    assert all(isinstance(value, int) for value in margin)
    assert result.games["flags"].iloc[0] == ["incomplete_after_halftime"]
