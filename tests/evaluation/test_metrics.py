"""Point and interval metrics on tiny games computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from halftime.errors import DataError
from halftime.evaluation.metrics import interval_metrics, json_number, point_metrics

MINUTES = [7, 8]  # any labels: nothing assumes 19..24


def test_mae_and_rmse_at_halftime_and_per_minute_by_hand() -> None:
    forecast = np.array([[0.0, 1.0], [2.0, 2.0], [4.0, -3.0]])
    outcome = np.array([[1.0, 4.0], [2.0, 2.0], [1.0, 1.0]])
    # errors minute 7: -1, 0, 3 -> MAE 4/3, RMSE sqrt(10/3)
    # errors minute 8: -3, 0, -4 -> MAE 7/3, RMSE sqrt(25/3)
    metrics = point_metrics(forecast, outcome, MINUTES)

    assert metrics.n_samples == 3
    assert metrics.mae == pytest.approx(7 / 3)
    assert metrics.rmse == pytest.approx(math.sqrt(25 / 3))
    assert metrics.mae_by_minute == pytest.approx({7: 4 / 3, 8: 7 / 3})
    assert metrics.rmse_by_minute == pytest.approx(
        {7: math.sqrt(10 / 3), 8: math.sqrt(25 / 3)}
    )
    assert metrics.to_dict()["mae_by_minute"].keys() == {"7", "8"}


def test_halftime_is_the_last_column_whatever_the_labels() -> None:
    forecast = np.zeros((2, 3))
    outcome = np.array([[1.0, 2.0, 5.0], [1.0, 2.0, 7.0]])
    metrics = point_metrics(forecast, outcome, np.array([22, 23, 24]))
    assert metrics.mae == 6.0
    assert list(metrics.mae_by_minute) == [22, 23, 24]


def test_coverage_and_width_of_known_intervals() -> None:
    outcome = np.array([[0.0, 5.0], [2.0, -1.0]])
    lower = np.array([[-1.0, 0.0], [2.0, 0.0]])  # bound itself counts as inside
    upper = np.array([[1.0, 4.0], [3.0, 10.0]])
    # inside: [[yes, no], [yes, no]]; widths [[2, 4], [1, 10]]
    metrics = interval_metrics(lower, upper, outcome, MINUTES)

    assert metrics.coverage == 0.5
    assert metrics.coverage_by_minute == {7: 1.0, 8: 0.0}
    assert metrics.halftime_coverage == 0.0
    assert metrics.mean_width == pytest.approx(17 / 4)
    assert metrics.width_by_minute == pytest.approx({7: 1.5, 8: 7.0})
    assert metrics.halftime_width == 7.0


def test_infinite_intervals_cover_everything_and_report_infinite_width() -> None:
    outcome = np.array([[0.0, 5.0], [2.0, -1.0]])
    lower = np.array([[-1.0, -np.inf], [1.0, -np.inf]])
    upper = np.array([[1.0, np.inf], [3.0, np.inf]])
    metrics = interval_metrics(lower, upper, outcome, MINUTES)

    assert metrics.coverage_by_minute == {7: 1.0, 8: 1.0}
    assert metrics.width_by_minute[7] == 2.0
    assert math.isinf(metrics.width_by_minute[8])
    assert math.isinf(metrics.mean_width)
    as_json = metrics.to_dict()
    assert as_json["mean_width"] is None
    assert as_json["width_by_minute"] == {"7": 2.0, "8": None}


def test_json_number_maps_non_finite_to_none() -> None:
    assert json_number(1.5) == 1.5
    assert json_number(math.inf) is None
    assert json_number(math.nan) is None


def test_inputs_that_do_not_fit_are_refused_with_what_is_expected() -> None:
    with pytest.raises(DataError, match=r"\(2, 2\).*\(2, 3\)"):
        point_metrics(np.zeros((2, 2)), np.zeros((2, 3)), MINUTES)
    with pytest.raises(DataError, match="2 minute label"):
        point_metrics(np.zeros((2, 3)), np.zeros((2, 3)), MINUTES)
    with pytest.raises(DataError, match="test split is empty"):
        point_metrics(np.zeros((0, 2)), np.zeros((0, 2)), MINUTES)
    with pytest.raises(DataError, match="game row 1, forecast step 2"):
        point_metrics([[0, 0], [0, np.nan]], np.zeros((2, 2)), MINUTES)
    with pytest.raises(DataError, match=r"lower bound 3\.0 above upper bound 1\.0"):
        interval_metrics([[3.0, 0.0]], [[1.0, 0.0]], [[0.0, 0.0]], MINUTES)
