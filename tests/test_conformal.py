"""Split-conformal intervals: the finite-sample rank (case M5), coverage, files."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from halftime.conformal import (
    CONFORMAL_FILE,
    CalibrationWarning,
    SplitConformal,
    conformal_quantile,
    conformal_rank,
)
from halftime.errors import ConfigError, DataError, NotFittedError

# -- case M5: the finite-sample quantile --------------------------------------------


def test_m5_three_scores_alpha_quarter_gives_the_largest() -> None:
    assert conformal_rank(3, 0.25) == 3
    assert conformal_quantile([1, 2, 3], 0.25) == 3


def test_m5_rank_beyond_n_gives_an_infinite_interval_with_a_warning() -> None:
    with pytest.warns(CalibrationWarning, match="too small for alpha=0.1"):
        quantile = conformal_quantile([1, 2, 3, 4, 5], 0.1)
    assert quantile == math.inf


def test_m5_rank_beyond_n_is_an_error_when_only_finite_is_accepted() -> None:
    with pytest.raises(DataError, match="at least 9 calibration games"):
        conformal_quantile([1, 2, 3, 4, 5], 0.1, allow_infinite=False)


def test_m5_nineteen_scores_alpha_tenth_gives_eighteen() -> None:
    assert conformal_quantile(np.arange(1, 20), 0.1) == 18


def test_m5_floating_point_does_not_push_the_rank_up() -> None:
    assert (9 + 1) * (1 - 0.7) > 3  # the trap: 3.0000000000000004
    assert conformal_rank(9, 0.7) == 3
    assert conformal_quantile(np.arange(1, 10), 0.7) == 3


@pytest.mark.parametrize("n", range(1, 60))
@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.2, 0.3, 0.7, 0.9])
def test_rank_matches_exact_rational_arithmetic(n: int, alpha: float) -> None:
    # (n + 1)(1 - alpha) with alpha = p / 100, in integers only.
    percent = round(alpha * 100)
    expected = -((-(n + 1) * (100 - percent)) // 100)
    assert conformal_rank(n, alpha) == expected


def test_unsorted_scores_are_ranked() -> None:
    assert conformal_quantile([3.5, 0.5, 2.0], 0.25) == 3.5
    assert conformal_quantile([3.5, 0.5, 2.0, 1.0], 0.5) == 2.0


def test_no_scores_at_all_give_an_infinite_interval() -> None:
    with pytest.warns(CalibrationWarning):
        assert conformal_quantile([], 0.05) == math.inf


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, 1.5, True, "0.05"])
def test_alpha_outside_zero_one_is_refused(alpha: object) -> None:
    with pytest.raises(ConfigError, match="alpha"):
        conformal_quantile([1.0, 2.0], alpha)  # type: ignore[arg-type]


def test_non_finite_scores_are_refused_with_their_position() -> None:
    with pytest.raises(DataError, match="score 1 is nan"):
        conformal_quantile([1.0, float("nan")], 0.5)


# -- SplitConformal ------------------------------------------------------------------


def test_calibrate_takes_one_quantile_per_forecast_minute() -> None:
    forecast = np.zeros((3, 2))
    outcome = np.array([[1.0, -10.0], [-2.0, 20.0], [3.0, 30.0]])
    conformal = SplitConformal(alpha=0.25).calibrate(forecast, outcome)
    assert conformal.n_calibration_ == 3
    np.testing.assert_array_equal(conformal.quantiles_, [3.0, 30.0])


def test_interval_is_forecast_plus_minus_the_quantile_with_the_same_shape() -> None:
    conformal = SplitConformal(alpha=0.25).calibrate(
        np.zeros((3, 2)), np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    )
    forecast = np.array([[0.0, 1.0], [5.0, -5.0], [2.0, 2.0], [1.0, 1.0]])
    lower, upper = conformal.interval(forecast)
    assert lower.shape == upper.shape == (4, 2)
    np.testing.assert_array_equal(lower, forecast - [3.0, 30.0])
    np.testing.assert_array_equal(upper, forecast + [3.0, 30.0])


def test_too_few_calibration_games_give_infinite_bounds_and_one_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        conformal = SplitConformal(alpha=0.1).calibrate(
            np.zeros((5, 3)), np.ones((5, 3))
        )
    assert [w.category for w in caught] == [CalibrationWarning]
    lower, upper = conformal.interval(np.zeros((2, 3)))
    assert np.isneginf(lower).all() and np.isposinf(upper).all()


def test_too_few_calibration_games_raise_when_only_finite_is_accepted() -> None:
    conformal = SplitConformal(alpha=0.1, allow_infinite=False)
    with pytest.raises(DataError, match="too small"):
        conformal.calibrate(np.zeros((5, 3)), np.ones((5, 3)))


def test_interval_before_calibrate_says_what_to_call() -> None:
    with pytest.raises(NotFittedError, match="call calibrate"):
        SplitConformal().interval(np.zeros((1, 6)))
    with pytest.raises(NotFittedError):
        SplitConformal().to_dict()


def test_mismatched_or_wrong_rank_inputs_are_refused() -> None:
    conformal = SplitConformal(alpha=0.25)
    with pytest.raises(DataError, match=r"\(4, 6\).*\(4, 5\)"):
        conformal.calibrate(np.zeros((4, 6)), np.zeros((4, 5)))
    with pytest.raises(DataError, match="2-D"):
        conformal.calibrate(np.zeros(4), np.zeros(4))
    with pytest.raises(DataError, match="game row 1, forecast step 2"):
        conformal.calibrate(np.zeros((3, 2)), [[0, 0], [0, np.nan], [0, 0]])
    conformal.calibrate(np.zeros((3, 2)), np.ones((3, 2)))
    with pytest.raises(DataError, match="calibrated for 2"):
        conformal.interval(np.zeros((1, 6)))


def test_json_round_trip_keeps_finite_and_infinite_quantiles(tmp_path: Path) -> None:
    conformal = SplitConformal(alpha=0.2)
    conformal.quantiles_ = np.array([1.5, math.inf, 2.25])
    conformal.n_calibration_ = 7

    path = conformal.save(tmp_path)
    assert path == tmp_path / CONFORMAL_FILE
    text = path.read_text()
    json.loads(text)  # standard JSON: no Infinity literal
    assert "Infinity" not in text

    restored = SplitConformal.load(tmp_path)
    assert restored.alpha == 0.2
    assert restored.n_calibration_ == 7
    np.testing.assert_array_equal(restored.quantiles_, [1.5, math.inf, 2.25])
    lower, upper = restored.interval(np.zeros((1, 3)))
    assert np.isposinf(upper[0, 1]) and np.isneginf(lower[0, 1])
    assert upper[0, 0] == 1.5


def test_from_dict_accepts_null_for_infinite_and_refuses_garbage() -> None:
    state = {"alpha": 0.05, "n_calibration": 3, "quantiles": [None, 1.0]}
    np.testing.assert_array_equal(
        SplitConformal.from_dict(state).quantiles_, [math.inf, 1.0]
    )
    with pytest.raises(DataError, match="expected keys"):
        SplitConformal.from_dict({"alpha": 0.05})
    with pytest.raises(DataError, match="format version 9"):
        SplitConformal.from_dict({**state, "format_version": 9})


# -- the guarantee -------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_coverage_on_exchangeable_games_is_at_least_the_target(alpha: float) -> None:
    """Marginal coverage >= 1 - alpha, and <= 1 - alpha + 1/(n+1) without ties.

    Each repetition draws calibration and test games from one heavy-tailed
    random-walk model, calibrates on a biased forecaster and measures the test
    coverage per minute. Averaged over repetitions, the coverage must sit within a
    tolerance of the theory. The plain empirical quantile of the same scores, which
    ignores the finite-sample rank, must fall below it: the test can tell them apart.
    """
    rng = np.random.default_rng(7)
    n_calibration, n_test, horizon, repetitions = 39, 200, 3, 400
    coverage = np.empty((repetitions, horizon))
    naive_coverage = np.empty((repetitions, horizon))
    for repetition in range(repetitions):
        start = rng.normal(0.0, 8.0, size=(n_calibration + n_test, 1))
        steps = rng.standard_t(df=4, size=(n_calibration + n_test, horizon)) * 2.0
        outcome = start + np.cumsum(steps, axis=1)
        # persistence with a small bias, (n_games, horizon)
        forecast = np.repeat(start + 0.5, horizon, axis=1)
        conformal = SplitConformal(alpha=alpha).calibrate(
            forecast[:n_calibration], outcome[:n_calibration]
        )
        lower, upper = conformal.interval(forecast[n_calibration:])
        held_out = outcome[n_calibration:]
        coverage[repetition] = ((lower <= held_out) & (held_out <= upper)).mean(axis=0)

        scores = np.abs(outcome - forecast)
        naive = np.quantile(scores[:n_calibration], 1 - alpha, axis=0)
        naive_coverage[repetition] = (scores[n_calibration:] <= naive).mean(axis=0)

    mean_coverage = coverage.mean(axis=0)
    upper_bound = 1 - alpha + 1 / (n_calibration + 1)
    # Across repetitions the coverage varies with the calibration draw
    # (Beta-distributed); four standard errors of that mean is the tolerance.
    tolerance = 4 * coverage.std(axis=0, ddof=1) / np.sqrt(repetitions)
    assert (mean_coverage >= 1 - alpha - tolerance).all(), mean_coverage
    assert (mean_coverage <= upper_bound + tolerance).all(), mean_coverage
    assert (naive_coverage.mean(axis=0) < 1 - alpha - tolerance).all()


def test_a_float32_alpha_is_read_as_its_decimal() -> None:
    assert conformal_rank(9, np.float32(0.7)) == 3
