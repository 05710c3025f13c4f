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
from synthetic import random_walk_games

SPLIT = SplitConfig(train_end="2000-01", validation_end="2001-02", test_end=None)
QUICK = {"lstm": {"max_epochs": 2, "hidden_size": 8, "progress": False}}
KINDS = ("persistence", "mean_reversion", "dejavu", "lstm", "ensemble")


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("run")
    games = root / "games.parquet"
    random_walk_games(1800).to_parquet(games)
    text = pipeline.run(
        games, root / "out", split=SPLIT, kinds=KINDS, options=QUICK, progress=False
    )
    return root / "out", text


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


def test_predict_gives_a_path_an_interval_and_similar_games(
    finished_run: tuple[Path, str],
) -> None:
    out, _ = finished_run
    margins = ",".join(str(m) for m in range(-9, 9))  # -9 .. +8

    result = pipeline.predict_game(out / "models", margins=margins, similar=3)

    assert result["model"] == "ensemble"
    assert result["minutes"] == [19, 20, 21, 22, 23, 24]
    assert all(
        low < mid < high
        for low, mid, high in zip(
            result["lower"], result["forecast"], result["upper"], strict=True
        )
    )
    assert len(result["similar_games"]) == 3
    assert "margin_24" in result["similar_games"][0]
    assert "minute" in pipeline.format_predict(result)


def test_predict_refuses_the_wrong_number_of_margins(
    finished_run: tuple[Path, str],
) -> None:
    out, _ = finished_run

    with pytest.raises(DataError, match="exactly 18"):
        pipeline.predict_game(out / "models", margins="1,2,3")


def _live_csv(path: Path, minutes: int) -> Path:
    """A v1 play-by-play of a game in progress: a home basket every minute."""
    header = (
        "GAME_ID,EVENTNUM,EVENTMSGTYPE,EVENTMSGACTIONTYPE,PERIOD,WCTIMESTRING,"
        "PCTIMESTRING,HOMEDESCRIPTION,NEUTRALDESCRIPTION,VISITORDESCRIPTION,SCORE,"
        "SCOREMARGIN"
    )
    rows = [header, "0021600999,0,12,0,1,7:00 PM,12:00,,,,,"]
    home = 0
    for minute in range(1, minutes + 1):
        period = 1 if minute <= 12 else 2
        remaining = 12 * period - minute  # whole minutes left in the period
        home += 2
        rows.append(
            f"0021600999,{minute},1,1,{period},7:00 PM,{remaining}:00,"
            f"Basket,,,0 - {home},{home}"
        )
        if minute == 12:
            rows.append("0021600999,100,13,0,1,7:30 PM,0:00,,,,,")
            rows.append("0021600999,101,12,0,2,7:35 PM,12:00,,,,,")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_predict_reads_a_game_in_progress(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    pbp = _live_csv(tmp_path / "live.csv", minutes=19)

    result = pipeline.predict_game(out / "models", pbp=pbp, model="dejavu")

    assert result["game_id"] == "0021600999"
    assert result["known_margins"] == [2.0 * m for m in range(1, 19)]
    assert len(result["forecast"]) == 6


def test_predict_refuses_a_game_before_the_cutoff(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    pbp = _live_csv(tmp_path / "early.csv", minutes=10)

    with pytest.raises(DataError, match="reached minute 10"):
        pipeline.predict_game(out / "models", pbp=pbp)


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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2", "has 2 value"),
        (",".join(["1"] * 17 + ["nan"]), "minute 18 has 'nan'"),
        (",".join(["1"] * 17 + ["1e308"]), "minute 18"),
        (",".join(["2.5"] + ["1"] * 17), "minute 1 has '2.5'"),
        (",".join(["400"] + ["1"] * 17), "between -100 and 100"),
    ],
)
def test_margins_must_be_whole_points_for_every_minute(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        pipeline.parse_margins(text, 18)


def test_negative_margins_parse() -> None:
    values = pipeline.parse_margins(",".join(["-3"] * 18), 18)

    assert values.tolist() == [-3.0] * 18
