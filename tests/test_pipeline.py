"""The jobs end to end on a small synthetic games table: files, numbers, reuse."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from halftime import pipeline
from halftime.errors import DataError
from halftime.splits import SplitConfig
from synthetic import RUN_SPLIT, random_walk_games

KINDS = ("persistence", "mean_reversion", "dejavu", "lstm", "ensemble")


def test_run_writes_splits_models_and_results(finished_run: tuple[Path, str]) -> None:
    out, text = finished_run

    for name in ("train", "validation", "test"):
        assert (out / "data" / "splits" / f"{name}.parquet").is_file()
    for kind in (*KINDS, "ensemble_seed"):
        assert (out / "models" / kind / "forecaster.json").is_file()
        assert (out / "models" / kind / "conformal.json").is_file()
    results = out / "results"
    for name in (
        "report.md",
        "comparison.json",
        "dejavu_validation_metrics.json",
        "conformal_test_metrics.json",
        "lstm_test_metrics.json",
    ):
        assert (results / name).is_file(), name
    assert "persistence" in text and "dejavu" in text
    seed = json.loads(
        (out / "models" / "ensemble_seed" / "forecaster.json").read_text()
    )
    assert seed["state"]["weights"] == {"lstm": 0.6, "dejavu": 0.4}


def test_results_keep_the_seed_names_and_real_numbers(
    finished_run: tuple[Path, str],
) -> None:
    out, _ = finished_run
    results = out / "results"
    test = pd.read_parquet(out / "data" / "splits" / "test.parquet")
    outcome = np.stack(test["outcome"].tolist())
    persistence = np.stack(test["pattern"].tolist())[:, -1]

    lstm = json.loads((results / "lstm_test_metrics.json").read_text())
    conformal = json.loads((results / "conformal_test_metrics.json").read_text())
    base = json.loads((results / "persistence_test_metrics.json").read_text())

    assert lstm["n_samples"] == len(test)
    assert 0 < lstm["test_mae"] < lstm["test_rmse"]
    assert base["test_mae"] == pytest.approx(
        np.abs(outcome[:, -1] - persistence).mean()
    )
    for kind in KINDS:
        assert 0.8 < conformal[kind]["empirical_coverage"] <= 1.0
        assert conformal[kind]["avg_interval_width"] > 0


def test_dejavu_defaults_are_chosen_on_validation_and_recorded(
    finished_run: tuple[Path, str],
) -> None:
    out, _ = finished_run
    chosen = json.loads(
        (out / "results" / "dejavu_validation_metrics.json").read_text()
    )
    saved = json.loads((out / "models" / "dejavu" / "forecaster.json").read_text())

    assert saved["config"] == chosen["chosen"]
    best = min(row["validation_mae"] for row in chosen["options"])
    assert chosen["validation_mae"] == best


def test_compare_reads_the_saved_models_and_test_split(
    finished_run: tuple[Path, str],
) -> None:
    out, _ = finished_run

    text = pipeline.compare(out)

    assert "ensemble" in text


def test_evaluate_leaves_out_games_the_models_have_seen(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    # The same three seasons again: only the test season is new to the models.
    games = tmp_path / "games.parquet"
    random_walk_games(1800).to_parquet(games)

    pipeline.evaluate_on(out / "models", games, tmp_path / "results", progress=False)

    comparison = json.loads((tmp_path / "results" / "comparison.json").read_text())
    description = comparison["data"]["description"]
    assert description["games_left_out_as_seen"] == 1200
    assert comparison["data"]["test"]["n_games"] == 600


def test_evaluate_refuses_when_every_game_was_seen(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    games = tmp_path / "games.parquet"
    random_walk_games(1200).to_parquet(games)

    with pytest.raises(DataError, match=r"0 game\(s\) left to evaluate"):
        pipeline.evaluate_on(out / "models", games, tmp_path / "r", progress=False)


def test_a_single_model_directory_still_leaves_out_its_games(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    games = tmp_path / "games.parquet"
    random_walk_games(1800).to_parquet(games)

    pipeline.evaluate_on(
        out / "models" / "dejavu", games, tmp_path / "r", progress=False
    )

    comparison = json.loads((tmp_path / "r" / "comparison.json").read_text())
    assert comparison["data"]["description"]["games_left_out_as_seen"] == 1200


def test_a_model_without_its_record_of_seen_games_is_refused(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    copy = tmp_path / "models"
    shutil.copytree(out / "models" / "mean_reversion", copy / "mean_reversion")
    (copy / "mean_reversion" / "games_seen.npz").unlink()

    with pytest.raises(DataError, match="no record of the games"):
        pipeline.evaluate_on(copy, out / "data" / "games.parquet", tmp_path / "r")


def test_compare_refuses_a_test_split_the_models_have_seen(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    # Retraining one model on a later split rewrites the saved test split.
    pipeline.train_one(
        "persistence",
        out.parent / "games.parquet",
        copy,
        split=SplitConfig(train_end="2000-01", validation_end="2002-01-31"),
        progress=False,
    )

    with pytest.raises(DataError, match="were used to fit, tune or calibrate"):
        pipeline.compare(copy)


def test_train_ensemble_refuses_members_that_saw_its_validation_games(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    games = out.parent / "games.parquet"
    later = SplitConfig(train_end="2001-02", validation_end="2003-01-31")
    pipeline.train_one("dejavu", games, copy, split=later, progress=False)

    with pytest.raises(DataError, match="member dejavu was fitted on 600"):
        pipeline.train_one("ensemble", games, copy, split=RUN_SPLIT, progress=False)


def test_train_ensemble_never_nests_an_ensemble(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)

    pipeline.train_one(
        "ensemble", out.parent / "games.parquet", copy, split=RUN_SPLIT, progress=False
    )

    saved = json.loads((copy / "models" / "ensemble" / "forecaster.json").read_text())
    assert set(saved["config"]["members"]) == {"mean_reversion", "dejavu", "lstm"}


def test_compare_writes_the_same_numbers_as_the_run(
    finished_run: tuple[Path, str],
) -> None:
    out, _ = finished_run
    results = out / "results" / "comparison.json"
    before = json.loads(results.read_text())["models"]

    pipeline.compare(out)

    after = json.loads(results.read_text())["models"]
    for name, entry in before.items():
        assert after[name]["halftime"] == entry["halftime"]
        assert after[name]["interval"]["coverage"] == entry["interval"]["coverage"]


def test_the_target_coverage_is_the_one_the_intervals_were_calibrated_for(
    tmp_path: Path,
) -> None:
    games = tmp_path / "games.parquet"
    random_walk_games(1800).to_parquet(games)
    kinds = ("persistence", "mean_reversion")
    pipeline.run(
        games, tmp_path, split=RUN_SPLIT, kinds=kinds, alpha=0.2, progress=False
    )

    pipeline.compare(tmp_path)

    conformal = json.loads(
        (tmp_path / "results" / "conformal_test_metrics.json").read_text()
    )
    assert conformal["mean_reversion"]["target_coverage"] == pytest.approx(0.8)


def test_a_short_cutoff_still_chooses_dejavu_options(tmp_path: Path) -> None:
    games = tmp_path / "games.parquet"
    random_walk_games(1800).to_parquet(games)
    split = SplitConfig(
        train_end="2000-01", validation_end="2001-02", test_end=None, cutoff=10
    )

    pipeline.run(games, tmp_path, split=split, kinds=("dejavu",), progress=False)

    chosen = json.loads(
        (tmp_path / "results" / "dejavu_validation_metrics.json").read_text()
    )
    assert {row["window"] for row in chosen["options"]} == {6, None}
