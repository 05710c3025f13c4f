"""Figures are written as non-empty PNG files (no pixel comparisons)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from halftime.dataset import GameSet
from halftime.errors import DataError
from halftime.evaluation.plots import (
    analogs_from_table,
    plot_coverage_by_minute,
    plot_fan_chart,
    typical_game,
    write_plots,
)
from halftime.evaluation.report import ModelResult, build_comparison

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _is_png(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(PNG_SIGNATURE) and len(data) > 1000


@pytest.fixture(scope="module")
def results(test_games: GameSet) -> dict[str, ModelResult]:
    rng = np.random.default_rng(3)
    last = np.repeat(test_games.pattern[:, -1:], test_games.horizon, axis=1)
    forecast = last + rng.normal(0, 1, last.shape)
    half_width = np.arange(1, test_games.horizon + 1) * 2.0
    # The last minute's interval is infinite: the band must still be drawn.
    half_width[-1] = np.inf
    return {
        "model_a": ModelResult(
            "model_a", forecast, forecast - half_width, forecast + half_width
        ),
        "model_b": ModelResult("model_b", last + 0.5),
    }


def test_every_figure_is_written_as_a_png(
    tmp_path: Path, test_games: GameSet, results: dict[str, ModelResult]
) -> None:
    comparison = build_comparison(
        test_games, results, {}, n_resamples=50, tests_by_minute=False
    )
    analogs = np.cumsum(np.ones((3, test_games.horizon)), axis=1)
    written = write_plots(
        tmp_path,
        comparison,
        test_games,
        results,
        analogs=analogs,
        analog_labels=["one", "two", "three"],
    )
    assert [path.name for path in written] == [
        "error_by_minute.png",
        "coverage_by_minute.png",
        "fan_chart.png",
    ]
    assert all(path.parent == tmp_path / "plots" and _is_png(path) for path in written)


def test_no_coverage_figure_without_intervals(
    tmp_path: Path, test_games: GameSet, results: dict[str, ModelResult]
) -> None:
    comparison = build_comparison(
        test_games,
        {"model_b": results["model_b"]},
        {},
        n_resamples=50,
        tests_by_minute=False,
    )
    assert plot_coverage_by_minute(comparison, tmp_path / "c.png") is None
    assert not (tmp_path / "c.png").exists()


def test_fan_chart_refuses_bad_inputs(
    tmp_path: Path, test_games: GameSet, results: dict[str, ModelResult]
) -> None:
    path = tmp_path / "fan.png"
    with pytest.raises(DataError, match="outside the"):
        plot_fan_chart(test_games, len(test_games), results, path)
    with pytest.raises(DataError, match=r"shape \(k, 6\)"):
        plot_fan_chart(test_games, 0, results, path, analogs=np.zeros((2, 5)))
    with pytest.raises(DataError, match="no intervals for 'model_b'"):
        plot_fan_chart(test_games, 0, results, path, band_model="model_b")
    assert not path.exists()


def test_analogs_from_a_similar_games_table() -> None:
    table = pd.DataFrame(
        {
            "date": pd.to_datetime(["2001-01-02", "2001-03-04"]),
            "home_team": ["BOS", "LAL"],
            "away_team": ["MIA", "DEN"],
            "margin_at_cutoff": [3.0, -2.0],
            "margin_19": [5.0, -2.0],
            "margin_20": [4.0, 1.0],
        }
    )
    changes, labels = analogs_from_table(table, np.array([19, 20]))
    np.testing.assert_array_equal(changes, [[2.0, 1.0], [0.0, 3.0]])
    assert labels == ["2001-01-02 MIA at BOS", "2001-03-04 DEN at LAL"]
    with pytest.raises(DataError, match="margin_21"):
        analogs_from_table(table, [19, 20, 21])


def test_typical_game_has_the_median_change_to_halftime(test_games: GameSet) -> None:
    index = typical_game(test_games)
    change = np.abs(test_games.require_outcome()[:, -1] - test_games.pattern[:, -1])
    assert abs(change[index] - np.median(change)) == np.min(
        np.abs(change - np.median(change))
    )
