"""Benchmark halftime's LSTM next to Nixtla's neuralforecast LSTM on the same split.

Prints a markdown table: training time (to early stop for halftime), inference time
per 1,000 games, and the test MAE in points over minutes 19..24 and at halftime
(minute 24), with persistence beside them.

neuralforecast is an optional, heavy extra. Install it into a separate virtual
environment so the main one is not disturbed, then point the benchmark at it::

    python -m venv /tmp/nfvenv
    /tmp/nfvenv/bin/pip install torch==2.13.0 neuralforecast
    python benchmarks/bench_lstm.py --games OUT/data/games.parquet \\
        --neuralforecast-python /tmp/nfvenv/bin/python

Without it the table says that neuralforecast is missing and shows halftime alone.
``--games`` takes the ``games.parquet`` written by ``halftime ingest`` (or a
play-by-play folder, ingested on the fly). The splits are halftime's defaults:
training through 2012-13, validation 2013-14..2014-15 (its earlier half stops
training early, as in ``halftime run``), test 2015-16..2016-17.

neuralforecast trains for a fixed number of steps: its validation is the tail of
each training series, which for 24-minute series is the forecast window itself, so
it cannot stop early on separate validation games.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

INPUT_SIZE = 18  # halftime.constants.DEFAULT_CUTOFF; the worker cannot import halftime
HORIZON = 6  # halftime.constants.DEFAULT_HORIZON
INFERENCE_REPEATS = 3


def main() -> None:
    args = parse_args()
    if args.nf_worker:
        run_neuralforecast_worker(Path(args.nf_worker[0]), Path(args.nf_worker[1]))
        return
    if args.games is None:
        sys.exit("bench_lstm: --games is required (games.parquet or a pbp folder)")

    from halftime.constants import DEFAULT_CUTOFF, DEFAULT_HORIZON

    if (DEFAULT_CUTOFF, DEFAULT_HORIZON) != (INPUT_SIZE, HORIZON):
        sys.exit("bench_lstm: INPUT_SIZE/HORIZON disagree with halftime.constants")
    train, validation, test = load_splits(args.games)
    print(
        f"games: train {len(train)}, early-stopping validation {len(validation)}, "
        f"test {len(test)}; torch threads {args.threads}",
        file=sys.stderr,
    )

    rows = [persistence_row(test)]
    rows.append(halftime_row(train, validation, test, args.threads))
    steps = args.nf_max_steps or rows[-1]["steps_to_best"]
    rows.append(neuralforecast_row(train, test, args, steps))
    print(markdown_table(rows))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=Path, help="games.parquet or pbp folder")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch CPU threads for both models"
    )
    parser.add_argument(
        "--neuralforecast-python",
        type=Path,
        help="python of a venv with neuralforecast (if not importable here)",
    )
    parser.add_argument(
        "--nf-max-steps",
        type=int,
        default=None,
        help="neuralforecast training steps (default: as many batches of 32 as "
        "halftime's LSTM ran to its early stop)",
    )
    parser.add_argument(
        "--nf-scaler",
        default="robust",
        help="neuralforecast scaler_type (its default: robust, per window)",
    )
    parser.add_argument("--nf-worker", nargs=2, help=argparse.SUPPRESS)
    return parser.parse_args()


def load_splits(games_path: Path) -> tuple[Any, Any, Any]:
    from halftime.pipeline import load_games
    from halftime.splits import SplitConfig, make_splits

    games, _ = load_games(games_path, None, progress=False)
    splits = make_splits(games, SplitConfig())
    return splits.train, splits.selection, splits.test


def mae_columns(forecast: np.ndarray, outcome: np.ndarray) -> dict[str, float]:
    """MAE in points over every forecast minute and at halftime (the last one)."""
    error = np.abs(forecast - outcome)
    return {"mae": float(error.mean()), "mae_halftime": float(error[:, -1].mean())}


def persistence_row(test: Any) -> dict[str, Any]:
    forecast = np.repeat(test.pattern[:, -1:], test.horizon, axis=1)
    return {"model": "persistence (margin at minute 18)"} | mae_columns(
        forecast, test.require_outcome()
    )


def halftime_row(
    train: Any, validation: Any, test: Any, threads: int
) -> dict[str, Any]:
    from halftime.forecasters.lstm import LSTMForecaster
    from halftime.forecasters.neural_config import TrainingConfig

    forecaster = LSTMForecaster(training=TrainingConfig(threads=threads))
    started = time.perf_counter()
    forecaster.fit(train, validation)
    train_seconds = time.perf_counter() - started

    seconds_per_game = best_time(lambda: forecaster.predict(test)) / len(test)
    epochs, best = len(forecaster.history_), forecaster.best_epoch_
    steps_per_epoch = math.ceil(len(train) / forecaster.training.batch_size)
    return {
        "model": "halftime LSTM (64x2, changes -> change)",
        "train_s": train_seconds,
        "training": f"{epochs} epochs, best {best} (early stop)",
        "steps_to_best": (best or epochs) * steps_per_epoch,
        "infer_ms_per_1000": 1e6 * seconds_per_game,
    } | mae_columns(forecaster.predict(test), test.require_outcome())


def best_time(action: Any) -> float:
    times = []
    for _ in range(INFERENCE_REPEATS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


# -- neuralforecast -----------------------------------------------------------------


def neuralforecast_row(
    train: Any, test: Any, args: argparse.Namespace, steps: int
) -> dict[str, Any]:
    row: dict[str, Any] = {"model": "neuralforecast LSTM (h=6, input_size=18)"}
    python = args.neuralforecast_python
    if python is None:
        try:
            import neuralforecast  # noqa: F401
        except ImportError:
            row["note"] = (
                "MISSING: neuralforecast is not installed here and no "
                "--neuralforecast-python was given"
            )
            return row
        python = Path(sys.executable)
    with tempfile.TemporaryDirectory() as folder:
        job, result = Path(folder) / "job.npz", Path(folder) / "result.json"
        np.savez(
            job,
            train=np.concatenate([train.pattern, train.require_outcome()], axis=1),
            test_pattern=test.pattern,
            max_steps=np.array(steps),
            threads=np.array(args.threads),
            scaler=np.array(args.nf_scaler),
        )
        command = [str(python), __file__, "--nf-worker", str(job), str(result)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not result.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            row["note"] = f"FAILED (exit {done.returncode}): {' | '.join(tail)}"
            return row
        payload = json.loads(result.read_text())
    forecast = np.asarray(payload["forecast"], dtype=np.float64)
    return (
        row
        | {
            "train_s": payload["train_s"],
            "training": f"{steps} steps of 32 series (fixed, no early stop)",
            "infer_ms_per_1000": 1e6 * payload["infer_s"] / len(test),
            "note": f"neuralforecast {payload['version']}, scaler {args.nf_scaler}",
        }
        | mae_columns(forecast, test.require_outcome())
    )


def run_neuralforecast_worker(job_path: Path, result_path: Path) -> None:
    """Train and time neuralforecast's LSTM; runs in the venv that has it."""
    import logging

    import pandas as pd
    import torch
    from neuralforecast import NeuralForecast, __version__
    from neuralforecast.models import LSTM

    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning_fit").setLevel(logging.ERROR)
    job = np.load(job_path)
    torch.set_num_threads(int(job["threads"]))

    def long_frame(margins: np.ndarray) -> pd.DataFrame:
        # One series per game; ds is the minute 1..n.
        n_games, n_minutes = margins.shape
        return pd.DataFrame(
            {
                "unique_id": np.repeat(np.arange(n_games), n_minutes),
                "ds": np.tile(np.arange(1, n_minutes + 1), n_games),
                "y": margins.ravel(),
            }
        )

    model = LSTM(
        h=HORIZON,
        input_size=INPUT_SIZE,
        encoder_hidden_size=64,
        encoder_n_layers=2,
        decoder_hidden_size=64,
        learning_rate=1e-3,
        max_steps=int(job["max_steps"]),
        batch_size=32,
        random_seed=2021,
        scaler_type=str(job["scaler"]),
        accelerator="cpu",
        enable_progress_bar=False,
        enable_model_summary=False,
        logger=False,
        enable_checkpointing=False,
    )
    forecaster = NeuralForecast(models=[model], freq=1)
    started = time.perf_counter()
    forecaster.fit(long_frame(job["train"]))
    train_seconds = time.perf_counter() - started

    test_frame = long_frame(job["test_pattern"])
    times = []
    for _ in range(INFERENCE_REPEATS):
        started = time.perf_counter()
        predicted = forecaster.predict(df=test_frame)
        times.append(time.perf_counter() - started)
    predicted = predicted.sort_values(["unique_id", "ds"])
    forecast = predicted["LSTM"].to_numpy().reshape(-1, HORIZON)
    result_path.write_text(
        json.dumps(
            {
                "train_s": train_seconds,
                "infer_s": min(times),
                "forecast": forecast.tolist(),
                "version": __version__,
            }
        )
    )


def markdown_table(rows: list[dict[str, Any]]) -> str:
    def number(row: dict[str, Any], key: str, digits: int) -> str:
        return f"{row[key]:.{digits}f}" if key in row else "-"

    lines = [
        "| model | training (s) | training | inference (ms / 1,000 games) "
        "| test MAE 19-24 (pts) | test MAE halftime (pts) | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [
            row["model"],
            number(row, "train_s", 1),
            row.get("training", "-"),
            number(row, "infer_ms_per_1000", 1),
            number(row, "mae", 3),
            number(row, "mae_halftime", 3),
            row.get("note", ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
