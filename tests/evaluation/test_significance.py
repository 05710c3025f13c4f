"""Paired tests against persistence on synthetic games with a known answer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from halftime.errors import ConfigError, DataError
from halftime.evaluation.significance import (
    compare_to_baseline,
    diebold_mariano,
    loss_differential,
    paired_bootstrap,
)


def _games(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cutoff_margin = rng.normal(0, 8, n)
    outcome = cutoff_margin + rng.normal(0, 5, n)
    return cutoff_margin, outcome


def test_a_clearly_better_model_is_called_better_with_small_p_values() -> None:
    persistence, outcome = _games(600, seed=1)
    rng = np.random.default_rng(2)
    model = outcome + rng.normal(0, 2, outcome.size)  # much closer to the truth

    result = compare_to_baseline(model, persistence, outcome, model="oracle")

    assert result.verdict == "better than persistence"
    assert result.mean_difference < 0 and result.percent_difference < -30
    assert result.ci_high < 0
    assert result.dm_p_value < 1e-6
    assert result.bootstrap_p_value < 0.01
    assert result.model_mae < result.baseline_mae
    assert result.n_games == 600


def test_a_clearly_worse_model_is_called_worse() -> None:
    persistence, outcome = _games(600, seed=3)
    model = persistence + 4.0
    result = compare_to_baseline(model, persistence, outcome)
    assert result.verdict == "worse than persistence"
    assert result.ci_low > 0


def test_models_equal_in_distribution_show_no_significant_difference() -> None:
    """Over many draws the DM p-value is roughly uniform: rejections ~ 5%."""
    p_values = []
    for seed in range(60):
        rng = np.random.default_rng(seed)
        outcome = rng.normal(0, 8, 300)
        model_a = outcome + rng.normal(0, 4, 300)
        model_b = outcome + rng.normal(0, 4, 300)
        p_values.append(
            diebold_mariano(loss_differential(model_a, model_b, outcome))[1]
        )
    rejections = np.mean(np.asarray(p_values) < 0.05)
    assert rejections <= 0.15
    assert np.median(p_values) > 0.2

    rng = np.random.default_rng(99)
    outcome = rng.normal(0, 8, 300)
    result = compare_to_baseline(
        outcome + rng.normal(0, 4, 300),
        outcome + rng.normal(0, 4, 300),
        outcome,
        n_resamples=500,
    )
    assert result.verdict == "no significant difference"
    assert result.ci_low < 0 < result.ci_high
    assert result.bootstrap_p_value > 0.05 and result.dm_p_value > 0.05


def test_identical_forecasts_give_p_one_and_no_difference() -> None:
    persistence, outcome = _games(50, seed=4)
    result = compare_to_baseline(persistence, persistence, outcome)
    assert result.mean_difference == 0.0
    assert result.dm_statistic == 0.0
    assert result.dm_p_value == 1.0 and result.bootstrap_p_value == 1.0
    assert result.verdict == "no significant difference"


def test_diebold_mariano_matches_a_one_sample_t_test() -> None:
    differences = np.random.default_rng(5).normal(0.3, 2.0, 40)
    statistic, p_value = diebold_mariano(differences)
    reference = stats.ttest_1samp(differences, 0.0)
    assert statistic == pytest.approx(reference.statistic)
    assert p_value == pytest.approx(reference.pvalue)


def test_constant_non_zero_differences_are_infinitely_significant() -> None:
    statistic, p_value = diebold_mariano(np.full(10, -1.0))
    assert statistic == -math.inf and p_value == 0.0


def test_bootstrap_is_repeatable_and_brackets_the_mean() -> None:
    differences = np.random.default_rng(6).normal(-0.5, 1.0, 200)
    first = paired_bootstrap(differences, n_resamples=300, seed=11)
    second = paired_bootstrap(differences, n_resamples=300, seed=11)
    assert first == second
    ci_low, ci_high, p_value = first
    assert ci_low < differences.mean() < ci_high
    # A standard error of about 1/sqrt(200): the interval is about +-0.14 wide.
    assert 0.2 < ci_high - ci_low < 0.4
    assert p_value == pytest.approx(1 / 301)


def test_result_is_json_ready() -> None:
    persistence, outcome = _games(30, seed=7)
    as_dict = compare_to_baseline(persistence + 1, persistence, outcome).to_dict()
    assert {"mean_difference", "percent_difference", "ci_low", "ci_high"} <= set(
        as_dict
    )
    assert {"bootstrap_p_value", "dm_p_value", "verdict"} <= set(as_dict)


def test_bad_inputs_and_options_are_refused() -> None:
    with pytest.raises(DataError, match="equal length"):
        loss_differential([1.0, 2.0], [1.0], [1.0, 2.0])
    with pytest.raises(DataError, match="at least 2 games"):
        diebold_mariano([1.0])
    with pytest.raises(ConfigError, match="n_resamples"):
        paired_bootstrap([1.0, 2.0], n_resamples=0)
    with pytest.raises(ConfigError, match="confidence"):
        paired_bootstrap([1.0, 2.0], confidence=95)
