"""Benchmark halftime's Informer next to Nixtla's neuralforecast Informer, same split.

Prints a markdown table: training time, the test MAE in points over minutes 19..24
and at halftime (minute 24), and the halftime RMSE, with persistence beside them.

neuralforecast is an optional, heavy extra. Install it into a separate virtual
environment so that halftime's is not disturbed, then point the benchmark at it::

    python -m venv /tmp/nfvenv
    /tmp/nfvenv/bin/pip install torch==2.13.0
    /tmp/nfvenv/bin/pip install neuralforecast
    python benchmarks/bench_informer.py --games OUT/data/games.parquet \\
        --neuralforecast-python /tmp/nfvenv/bin/python

Without it the table says in its neuralforecast row that neuralforecast is missing,
and shows halftime alone. ``--games`` takes the ``games.parquet`` written by
``halftime ingest`` (or a play-by-play folder, ingested on the fly). The splits are
halftime's defaults: training through 2012-13, validation 2013-14..2014-15 (its
earlier half stops training early, as in ``halftime run``), test 2015-16..2016-17.

The two Informers are set up alike: ``d_model`` 64, 4 heads, feed-forward 128,
factor 5, dropout 0.05, distilling, a decoder start of half the input, MSE loss,
Adam at halftime's learning rate halved as often as halftime's epochs, and as many
training windows (one per game, 32 a step) as halftime's run saw. What differs, and
is part of what is compared: neuralforecast has no pyramid (one 3-layer encoder
stack) and no game-minute embedding, and it forecasts the margin itself; halftime's
default forecasts the change from minute 18 (``--also-levels`` adds halftime
forecasting the margin itself, as the paper and neuralforecast do). neuralforecast
trains for a fixed number of steps: its validation is the tail of each training
series, which for 24-minute games is the forecast window itself, so it cannot stop
early on separate validation games.
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


def main() -> None:
    args = parse_args()
    if args.nf_worker:
        run_neuralforecast_worker(Path(args.nf_worker[0]), Path(args.nf_worker[1]))
        return
    if args.games is None:
        sys.exit("bench_informer: --games is required (games.parquet or a pbp folder)")

    from halftime.constants import DEFAULT_CUTOFF, DEFAULT_HORIZON

    if (DEFAULT_CUTOFF, DEFAULT_HORIZON) != (INPUT_SIZE, HORIZON):
        sys.exit("bench_informer: INPUT_SIZE/HORIZON disagree with halftime.constants")
    train, validation, test = load_splits(args.games)
    print(
        f"games: train {len(train)}, early-stopping validation {len(validation)}, "
        f"test {len(test)}; torch threads {args.threads}",
        file=sys.stderr,
    )

    rows = [persistence_row(test)]
    halftime = halftime_row(train, validation, test, args.threads, target="change")
    rows.append(halftime)
    if args.also_levels:
        rows.append(halftime_row(train, validation, test, args.threads, "levels"))
    rows.append(neuralforecast_row(train, test, args, halftime))
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
        help="neuralforecast training steps (default: as many batches of 32 games "
        "as halftime's Informer ran)",
    )
    parser.add_argument(
        "--also-levels",
        action="store_true",
        help="also train halftime's Informer on the margin itself (paper setting)",
    )
    parser.add_argument("--nf-worker", nargs=2, help=argparse.SUPPRESS)
    return parser.parse_args()


def load_splits(games_path: Path) -> tuple[Any, Any, Any]:
    from halftime.pipeline import load_games
    from halftime.splits import SplitConfig, make_splits

    games, _ = load_games(games_path, None, progress=False)
    splits = make_splits(games, SplitConfig())
    return splits.train, splits.selection, splits.test


def error_columns(forecast: np.ndarray, outcome: np.ndarray) -> dict[str, float]:
    """MAE in points over every forecast minute and at halftime, halftime RMSE."""
    error = forecast - outcome
    return {
        "mae": float(np.abs(error).mean()),
        "mae_halftime": float(np.abs(error[:, -1]).mean()),
        "rmse_halftime": float(np.sqrt((error[:, -1] ** 2).mean())),
    }


def persistence_row(test: Any) -> dict[str, Any]:
    forecast = np.repeat(test.pattern[:, -1:], test.horizon, axis=1)
    return {"model": "persistence (margin at minute 18)"} | error_columns(
        forecast, test.require_outcome()
    )


def halftime_row(
    train: Any, validation: Any, test: Any, threads: int, target: str
) -> dict[str, Any]:
    from halftime.forecasters.informer import InformerForecaster

    forecaster = InformerForecaster.from_config(
        {
            "network": {"preset": "default", "target": target},
            "training": {"threads": threads, "progress": False},
        }
    )
    started = time.perf_counter()
    forecaster.fit(train, validation)
    train_seconds = time.perf_counter() - started

    epochs = len(forecaster.history_)
    batch_size = forecaster.training.batch_size
    return {
        "model": f"halftime Informer (default preset, levels -> {target})",
        "train_s": train_seconds,
        "training": f"{epochs} epochs of batch {batch_size}, best "
        f"{forecaster.best_epoch_} (early stop)",
        "epochs": epochs,
        "learning_rate": forecaster.training.learning_rate,
        "steps_as_batches_of_32": epochs * math.ceil(len(train) / 32),
    } | error_columns(forecaster.predict(test), test.require_outcome())


# -- neuralforecast -----------------------------------------------------------------


def neuralforecast_row(
    train: Any, test: Any, args: argparse.Namespace, halftime: dict[str, Any]
) -> dict[str, Any]:
    row: dict[str, Any] = {"model": "neuralforecast Informer (h=6, input_size=18)"}
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
    if not Path(python).is_file():
        row["note"] = f"MISSING: {python} does not exist"
        return row
    steps = args.nf_max_steps or halftime["steps_as_batches_of_32"]
    with tempfile.TemporaryDirectory() as folder:
        job, result = Path(folder) / "job.npz", Path(folder) / "result.json"
        np.savez(
            job,
            train=np.concatenate([train.pattern, train.require_outcome()], axis=1),
            test_pattern=test.pattern,
            max_steps=np.array(steps),
            lr_decays=np.array(halftime["epochs"]),
            learning_rate=np.array(halftime["learning_rate"]),
            threads=np.array(args.threads),
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
            "training": f"{steps} steps of 32 games (fixed, no early stop)",
            "note": f"neuralforecast {payload['version']}",
        }
        | error_columns(forecast, test.require_outcome())
    )


def run_neuralforecast_worker(job_path: Path, result_path: Path) -> None:
    """Train neuralforecast's Informer and forecast; runs in the venv that has it."""
    import logging

    import pandas as pd
    import torch
    from neuralforecast import NeuralForecast, __version__
    from neuralforecast.losses.pytorch import MSE
    from neuralforecast.models import Informer

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

    model = Informer(
        h=HORIZON,
        input_size=INPUT_SIZE,
        decoder_input_size_multiplier=0.5,
        hidden_size=64,
        n_head=4,
        conv_hidden_size=128,
        encoder_layers=3,
        decoder_layers=2,
        factor=5,
        dropout=0.05,
        distil=True,
        loss=MSE(),
        learning_rate=float(job["learning_rate"]),
        num_lr_decays=int(job["lr_decays"]),
        max_steps=int(job["max_steps"]),
        batch_size=32,
        # 32 windows a step, as halftime's 32 games: by default neuralforecast
        # trains each step on every window of its 32 series, shifted ones included.
        windows_batch_size=32,
        random_seed=2021,
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

    predicted = forecaster.predict(df=long_frame(job["test_pattern"]))
    predicted = predicted.sort_values(["unique_id", "ds"])
    forecast = predicted["Informer"].to_numpy().reshape(-1, HORIZON)
    result_path.write_text(
        json.dumps(
            {
                "train_s": train_seconds,
                "forecast": forecast.tolist(),
                "version": __version__,
            }
        )
    )


def markdown_table(rows: list[dict[str, Any]]) -> str:
    def number(row: dict[str, Any], key: str, digits: int) -> str:
        return f"{row[key]:.{digits}f}" if key in row else "-"

    lines = [
        "| model | training (s) | training | test MAE 19-24 (pts) "
        "| test MAE halftime (pts) | test RMSE halftime (pts) | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [
            row["model"],
            number(row, "train_s", 1),
            row.get("training", "-"),
            number(row, "mae", 3),
            number(row, "mae_halftime", 3),
            number(row, "rmse_halftime", 3),
            row.get("note", ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
