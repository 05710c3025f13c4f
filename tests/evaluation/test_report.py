"""The comparison of models on test games, and the results files it becomes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from halftime.conformal import SplitConformal
from halftime.dataset import GameSet
from halftime.errors import DataError
from halftime.evaluation.metrics import point_metrics
from halftime.evaluation.report import (
    ModelResult,
    build_comparison,
    describe_splits,
    format_summary,
    write_results,
)
from halftime.forecasters.baselines import MeanReversion, Persistence


def _result(
    name: str,
    forecast: np.ndarray,
    calibration: tuple[np.ndarray, np.ndarray] | None = None,
    alpha: float = 0.05,
) -> ModelResult:
    lower = upper = None
    if calibration is not None:
        conformal = SplitConformal(alpha).calibrate(*calibration)
        lower, upper = conformal.interval(forecast)
    return ModelResult(
        name,
        forecast,
        lower,
        upper,
        fit_seconds=0.5,
        predict_seconds=0.01,
        extra={"k": 3},
    )


@pytest.fixture(scope="module")
def models(
    train_games: GameSet, validation_games: GameSet, test_games: GameSet
) -> dict[str, ModelResult]:
    """Persistence and mean reversion with intervals, and a noisy stand-in for
    Dejavu without intervals."""
    results = {}
    for forecaster in (Persistence(), MeanReversion()):
        forecaster.fit(train_games)
        calibration = (
            forecaster.predict(validation_games),
            validation_games.require_outcome(),
        )
        results[forecaster.kind] = _result(
            forecaster.kind, forecaster.predict(test_games), calibration
        )
    noise = np.random.default_rng(0).normal(0, 3, test_games.require_outcome().shape)
    results["dejavu"] = _result("dejavu", results["persistence"].forecast + noise)
    return results


@pytest.fixture(scope="module")
def splits(
    train_games: GameSet, validation_games: GameSet, test_games: GameSet
) -> dict[str, dict[str, object]]:
    return describe_splits(
        {"train": train_games, "calibration": validation_games, "test": test_games}
    )


def test_every_model_gets_errors_gains_and_a_test_against_persistence(
    test_games: GameSet, models: dict[str, ModelResult], splits: dict
) -> None:
    comparison = build_comparison(test_games, models, splits, n_resamples=200)
    outcome = test_games.require_outcome()
    entries = comparison["models"]

    assert list(entries) == ["persistence", "mean_reversion", "dejavu"]
    assert comparison["task"]["minutes"] == [19, 20, 21, 22, 23, 24]
    for name, entry in entries.items():
        expected = point_metrics(models[name].forecast, outcome, test_games.minutes)
        assert entry["halftime"]["mae"] == pytest.approx(expected.mae)
        assert entry["halftime"]["rmse"] == pytest.approx(expected.rmse)
        assert entry["by_minute"]["mae"]["19"] == pytest.approx(
            expected.mae_by_minute[19]
        )
        assert entry["n_samples"] == len(test_games)

    persistence_mae = entries["persistence"]["halftime"]["mae"]
    dejavu_mae = entries["dejavu"]["halftime"]["mae"]
    reversion = entries["mean_reversion"]
    gain = persistence_mae - reversion["halftime"]["mae"]
    assert reversion["vs_persistence"]["mae_improvement_points"] == pytest.approx(gain)
    assert reversion["vs_persistence"]["mae_improvement_percent"] == pytest.approx(
        100 * gain / persistence_mae
    )
    assert reversion["vs_dejavu"]["mae_improvement_points"] == pytest.approx(
        dejavu_mae - reversion["halftime"]["mae"]
    )
    assert entries["persistence"]["vs_persistence"] is None
    assert entries["dejavu"]["vs_dejavu"] is None

    # The noisy stand-in is clearly worse than persistence; the test says so.
    test = entries["dejavu"]["vs_persistence"]["test"]
    assert test["verdict"] == "worse than persistence"
    assert set(entries["dejavu"]["vs_persistence"]["test_by_minute"]) == {
        str(m) for m in range(19, 25)
    }


def test_intervals_are_reported_beside_their_target(
    test_games: GameSet, models: dict[str, ModelResult], splits: dict
) -> None:
    comparison = build_comparison(
        test_games,
        models,
        splits,
        alpha=0.05,
        tests_by_minute=False,
        n_resamples=100,
    )
    interval = comparison["models"]["mean_reversion"]["interval"]
    assert interval["target_coverage"] == 0.95
    assert 0.9 < interval["coverage"] < 1.0
    assert set(interval["coverage_by_minute"]) == {str(m) for m in range(19, 25)}
    assert interval["mean_width"] > 0
    assert comparison["models"]["dejavu"]["interval"] is None


def test_persistence_is_computed_when_the_caller_did_not_run_it(
    test_games: GameSet, models: dict[str, ModelResult], splits: dict
) -> None:
    comparison = build_comparison(
        test_games,
        {"mean_reversion": models["mean_reversion"]},
        splits,
        tests_by_minute=False,
        n_resamples=100,
    )
    persistence = comparison["models"]["persistence"]
    expected = np.abs(
        test_games.require_outcome()[:, -1] - test_games.pattern[:, -1]
    ).mean()
    assert persistence["halftime"]["mae"] == pytest.approx(expected)
    assert "computed" in persistence["extra"]["note"]
    assert comparison["models"]["mean_reversion"]["vs_persistence"] is not None


def test_infinite_intervals_become_null_in_json_and_inf_in_the_report(
    tmp_path: Path, test_games: GameSet, splits: dict
) -> None:
    forecast = np.repeat(test_games.pattern[:, -1:], test_games.horizon, axis=1)
    tiny = (forecast[:5], test_games.require_outcome()[:5])
    with pytest.warns(UserWarning, match="too small"):
        result = _result("persistence", forecast, tiny, alpha=0.1)
    comparison = build_comparison(
        test_games, {"persistence": result}, splits, alpha=0.1
    )
    interval = comparison["models"]["persistence"]["interval"]
    assert interval["coverage"] == 1.0
    assert interval["mean_width"] is None

    write_results(tmp_path, comparison)
    metrics = json.loads((tmp_path / "conformal_test_metrics.json").read_text())
    assert metrics["persistence"]["avg_interval_width"] is None
    report = (tmp_path / "report.md").read_text()
    assert "| inf |" in report and "Infinite intervals" in report


def test_write_results_writes_the_files_with_the_agreed_keys(
    tmp_path: Path, test_games: GameSet, models: dict[str, ModelResult], splits: dict
) -> None:
    comparison = build_comparison(
        test_games,
        models,
        splits,
        n_resamples=100,
        extras={"ensemble_weights": {"dejavu": 0.25, "lstm": 0.75}},
    )
    written = write_results(tmp_path, comparison)

    names = {path.name for path in written}
    assert names == {
        "comparison.json",
        "report.md",
        "conformal_test_metrics.json",
        "persistence_test_metrics.json",
        "mean_reversion_test_metrics.json",
        "dejavu_test_metrics.json",
    }
    for path in written:
        if path.suffix == ".json":
            # Strict JSON: no NaN or Infinity literals anywhere.
            json.loads(path.read_text(), parse_constant=_refuse_constant)

    metrics = json.loads((tmp_path / "mean_reversion_test_metrics.json").read_text())
    entry = comparison["models"]["mean_reversion"]
    assert metrics["test_mae"] == entry["halftime"]["mae"]
    assert metrics["test_rmse"] == entry["halftime"]["rmse"]
    assert metrics["n_samples"] == len(test_games)

    conformal = json.loads((tmp_path / "conformal_test_metrics.json").read_text())
    assert set(conformal) == {"persistence", "mean_reversion"}
    assert conformal["mean_reversion"]["empirical_coverage"] == pytest.approx(
        entry["interval"]["coverage"]
    )
    assert conformal["mean_reversion"]["avg_interval_width"] == pytest.approx(
        entry["interval"]["mean_width"]
    )
    assert json.loads((tmp_path / "comparison.json").read_text()) == comparison


def test_report_has_splits_main_table_minute_table_and_notes(
    tmp_path: Path, test_games: GameSet, models: dict[str, ModelResult], splits: dict
) -> None:
    comparison = build_comparison(
        test_games,
        models,
        splits,
        n_resamples=100,
        extras={"dejavu_defaults": {"k": 20}},
    )
    write_results(tmp_path, comparison)
    report = (tmp_path / "report.md").read_text()

    assert "## Data and splits" in report
    train = splits["train"]
    assert (
        f"| train | {train['n_games']} | {train['first_date']} | {train['last_date']} |"
        in report
    )
    assert "## Halftime margin (minute 24)" in report
    assert "| persistence | " in report and "| mean_reversion | " in report
    assert "vs Dejavu" in report
    assert "## MAE by forecast minute" in report and "min 19" in report
    assert "## Paired test against persistence by forecast minute" in report
    assert f"Test games: {len(test_games)}, {splits['test']['first_date']} to" in report
    assert "## Notes" in report and "dejavu defaults: k=20" in report


def test_data_description_can_carry_the_splits_and_the_alpha(
    test_games: GameSet, models: dict[str, ModelResult], splits: dict
) -> None:
    description = {
        "source": "somewhere",
        "alpha": 0.1,
        "splits": {"config": {"test_season": "2002-03"}, **splits},
    }
    comparison = build_comparison(
        test_games,
        {"persistence": models["persistence"]},
        data_description=description,
    )
    assert comparison["task"]["target_coverage"] == pytest.approx(0.9)
    assert comparison["data"]["splits"]["train"] == splits["train"]
    assert comparison["data"]["description"] == {"source": "somewhere", "alpha": 0.1}


def test_summary_names_every_model_and_its_verdict(
    test_games: GameSet, models: dict[str, ModelResult], splits: dict
) -> None:
    comparison = build_comparison(
        test_games, models, splits, n_resamples=100, tests_by_minute=False
    )
    summary = format_summary(comparison)
    assert "persistence" in summary and "(baseline)" in summary
    assert "dejavu" in summary and "worse than persistence" in summary


def test_results_that_do_not_fit_the_test_games_are_refused(
    test_games: GameSet, splits: dict
) -> None:
    with pytest.raises(DataError, match="forecast has shape"):
        build_comparison(test_games, {"x": ModelResult("x", np.zeros((3, 6)))}, splits)
    with pytest.raises(DataError, match="both interval bounds"):
        ModelResult("x", np.zeros((3, 6)), lower=np.zeros((3, 6)))
    with pytest.raises(DataError, match="file name"):
        ModelResult("../x", np.zeros((3, 6)))
    with pytest.raises(DataError, match="named 'y'"):
        build_comparison(test_games, {"x": ModelResult("y", np.zeros((3, 6)))}, splits)


def _refuse_constant(name: str) -> float:
    raise AssertionError(f"non-standard JSON constant {name}")


def test_nan_percent_when_persistence_is_perfect() -> None:
    pattern = np.zeros((4, 2))
    games = GameSet(
        pattern=pattern,
        outcome=np.zeros((4, 1)),
        game_id=np.array(["a", "b", "c", "d"]),
        date=np.full(4, np.datetime64("NaT"), dtype="datetime64[D]"),
        home_team=np.full(4, ""),
        away_team=np.full(4, ""),
        season=np.full(4, ""),
        horizon=1,
    )
    other = ModelResult("other", np.ones((4, 1)))
    comparison = build_comparison(games, {"other": other}, {}, n_resamples=50)
    gain = comparison["models"]["other"]["vs_persistence"]
    assert gain["mae_improvement_points"] == -1.0
    assert gain["mae_improvement_percent"] is None
    assert not math.isnan(comparison["models"]["persistence"]["halftime"]["mae"])
