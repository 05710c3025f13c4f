"""What the benchmarks against Nixtla's neuralforecast share.

``bench_lstm.py`` and ``bench_informer.py`` each train a halftime network and its
neuralforecast namesake on halftime's default split and print one markdown table.
Everything but the two models lives here: the common command-line options, loading
the split, persistence and error columns, running neuralforecast in a subprocess,
and the table. The scripts import it as a sibling module (Python puts a script's own
folder first on ``sys.path``), so run them as ``python benchmarks/bench_lstm.py``.

neuralforecast usually lives in another virtual environment, one without halftime,
so a benchmark script calls itself there with ``--nf-worker JOB RESULT``: halftime
sends the games as margins in an ``.npz`` file and the worker sends back its
forecasts as JSON. This module is imported on both sides, so at the top it imports
numpy alone; halftime, pandas, torch and neuralforecast are imported where used.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from halftime.dataset import GameSet

INPUT_SIZE = 18  # halftime.constants.DEFAULT_CUTOFF; the worker cannot import halftime
HORIZON = 6  # halftime.constants.DEFAULT_HORIZON
NF_BATCH_SIZE = 32  # series per neuralforecast step, as halftime's 32 games a batch
NF_SEED = 2021

Result = TypeVar("Result")

# A table column between "model" and "note": header, row key, decimals (None: text).
Column = tuple[str, str, int | None]


# -- halftime side ------------------------------------------------------------------


def add_common_arguments(parser: argparse.ArgumentParser, steps_help: str) -> None:
    """Add the options every benchmark takes; ``steps_help`` documents its default."""
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
        help=f"neuralforecast training steps (default: {steps_help})",
    )
    parser.add_argument("--nf-worker", nargs=2, help=argparse.SUPPRESS)


def load_benchmark_splits(
    args: argparse.Namespace, script: str
) -> tuple[GameSet, GameSet, GameSet]:
    """Training, early-stopping validation and test games from ``--games``.

    The splits are halftime's defaults (``SplitConfig()``); the validation set is the
    earlier half of its validation seasons, as ``halftime run`` uses to stop early.
    Exits with a one-line message, prefixed by ``script``, when ``--games`` is
    missing or this module's minute counts disagree with ``halftime.constants``.
    """
    if args.games is None:
        sys.exit(f"{script}: --games is required (games.parquet or a pbp folder)")

    from halftime.constants import DEFAULT_CUTOFF, DEFAULT_HORIZON
    from halftime.pipeline import load_games
    from halftime.splits import SplitConfig, make_splits

    if (DEFAULT_CUTOFF, DEFAULT_HORIZON) != (INPUT_SIZE, HORIZON):
        sys.exit(f"{script}: INPUT_SIZE/HORIZON disagree with halftime.constants")
    games, _ = load_games(args.games, None, progress=False)
    splits = make_splits(games, SplitConfig())
    train, validation, test = splits.train, splits.selection, splits.test
    print(
        f"games: train {len(train)}, early-stopping validation {len(validation)}, "
        f"test {len(test)}; torch threads {args.threads}",
        file=sys.stderr,
    )
    return train, validation, test


def error_columns(
    forecast: npt.NDArray[np.float64], outcome: npt.NDArray[np.float64]
) -> dict[str, float]:
    """Test errors in points of ``(n_games, 6)`` forecasts against the outcome.

    ``mae`` is over every forecast minute (19..24), ``mae_halftime`` and
    ``rmse_halftime`` over the last one, minute 24.
    """
    error = forecast - outcome
    return {
        "mae": float(np.abs(error).mean()),
        "mae_halftime": float(np.abs(error[:, -1]).mean()),
        "rmse_halftime": float(np.sqrt((error[:, -1] ** 2).mean())),
    }


def persistence_row(test: GameSet) -> dict[str, Any]:
    """The row of the no-skill baseline: the margin at minute 18 holds to halftime."""
    forecast = np.repeat(test.pattern[:, -1:], test.horizon, axis=1)
    return {"model": "persistence (margin at minute 18)"} | error_columns(
        forecast, test.require_outcome()
    )


def best_time(action: Callable[[], Result], repeats: int) -> tuple[float, Result]:
    """The fastest of ``repeats`` runs of ``action`` in seconds, and its last result."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return min(times), result


class NeuralforecastError(Exception):
    """neuralforecast could not run; the message is the table's note for its row."""


def neuralforecast_row(
    model: str,
    script: str,
    args: argparse.Namespace,
    train: GameSet,
    test: GameSet,
    steps: int,
    *,
    batch_of: str,
    note: str = "",
    **settings: npt.ArrayLike,
) -> dict[str, Any]:
    """The table row of neuralforecast's ``model`` trained for ``steps`` steps.

    Runs ``script``'s worker through ``run_neuralforecast`` with the ``settings``;
    where neuralforecast is missing or fails, the row holds only that note.
    ``batch_of`` names what a training step's batch holds ("series", "games") and
    ``note`` is added after the neuralforecast version.
    """
    row: dict[str, Any] = {"model": f"neuralforecast {model} (h=6, input_size=18)"}
    try:
        payload = run_neuralforecast(script, args, train, test, steps, **settings)
    except NeuralforecastError as problem:
        return row | {"note": str(problem)}
    return (
        row
        | {
            "train_s": payload["train_s"],
            "training": f"{steps} steps of {NF_BATCH_SIZE} {batch_of} "
            "(fixed, no early stop)",
            "infer_ms_per_1000": 1e6 * payload["infer_s"] / len(test),
            "note": f"neuralforecast {payload['version']}{note}",
        }
        | error_columns(payload["forecast"], test.require_outcome())
    )


def run_neuralforecast(
    script: str,
    args: argparse.Namespace,
    train: GameSet,
    test: GameSet,
    steps: int,
    **settings: npt.ArrayLike,
) -> dict[str, Any]:
    """Run ``script --nf-worker`` in neuralforecast's python and return its result.

    The job holds the training games' 24 margins, the test games' first 18,
    ``max_steps`` and ``threads``, and the script's own ``settings``. The result is
    ``run_worker``'s JSON: ``train_s``, ``infer_s``, ``forecast`` (``(n_test, 6)``
    points) and ``version``.

    Raises
    ------
    NeuralforecastError
        When neuralforecast is not importable here and ``--neuralforecast-python``
        is not given or does not exist, or when the worker fails.
    """
    python = args.neuralforecast_python
    if python is None:
        try:
            import neuralforecast  # noqa: F401
        except ImportError:
            raise NeuralforecastError(
                "MISSING: neuralforecast is not installed here and no "
                "--neuralforecast-python was given"
            ) from None
        python = Path(sys.executable)
    if not Path(python).is_file():
        raise NeuralforecastError(f"MISSING: {python} does not exist")

    with tempfile.TemporaryDirectory() as folder:
        job, result = Path(folder) / "job.npz", Path(folder) / "result.json"
        arrays = {
            "train": np.concatenate([train.pattern, train.require_outcome()], axis=1),
            "test_pattern": test.pattern,
            "max_steps": np.array(steps),
            "threads": np.array(args.threads),
        } | {name: np.array(value) for name, value in settings.items()}
        np.savez(job, allow_pickle=False, **arrays)
        command = [str(python), script, "--nf-worker", str(job), str(result)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not result.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise NeuralforecastError(
                f"FAILED (exit {done.returncode}): {' | '.join(tail)}"
            )
        payload: dict[str, Any] = json.loads(result.read_text())
    payload["forecast"] = np.asarray(payload["forecast"], dtype=np.float64)
    return payload


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """A markdown table: the model, the given ``columns``, then the note.

    A number missing from a row shows as ``-``, a missing text as ``-`` too, and a
    missing note as nothing.
    """

    def cell(row: dict[str, Any], key: str, digits: int | None) -> str:
        if key not in row:
            return "-"
        return row[key] if digits is None else f"{row[key]:.{digits}f}"

    headers = ["model", *(header for header, _, _ in columns), "note"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        cells = [
            row["model"],
            *(cell(row, key, digits) for _, key, digits in columns),
            row.get("note", ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# -- neuralforecast side (runs in its venv, without halftime) -----------------------


def nf_model_options(job: Any) -> dict[str, Any]:
    """Keyword arguments every neuralforecast model here takes, from the job file.

    Quiet, CPU, seeded, no checkpoints, ``max_steps`` from the job and batches of
    ``NF_BATCH_SIZE`` series; the script adds its model's own architecture.
    """
    return {
        "h": HORIZON,
        "input_size": INPUT_SIZE,
        "max_steps": int(job["max_steps"]),
        "batch_size": NF_BATCH_SIZE,
        "random_seed": NF_SEED,
        "accelerator": "cpu",
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "logger": False,
        "enable_checkpointing": False,
    }


def run_worker(
    job_path: Path,
    result_path: Path,
    build_model: Callable[[Any], Any],
    inference_repeats: int = 1,
) -> None:
    """Train the model ``build_model(job)`` returns, forecast the test games, time both.

    Runs in the venv that has neuralforecast. Each game is one series of minutes
    1..24 (training) or 1..18 (test). Writes ``train_s``, ``infer_s`` (the fastest
    of ``inference_repeats`` forecasts), ``forecast`` (``(n_test, 6)`` points, in
    game order) and the neuralforecast ``version`` to ``result_path`` as JSON.
    """
    import logging

    import pandas as pd
    import torch
    from neuralforecast import NeuralForecast, __version__

    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning_fit").setLevel(logging.ERROR)
    job = np.load(job_path)
    torch.set_num_threads(int(job["threads"]))

    def long_frame(margins: npt.NDArray[np.float64]) -> pd.DataFrame:
        # One series per game; ds is the minute 1..n.
        n_games, n_minutes = margins.shape
        return pd.DataFrame(
            {
                "unique_id": np.repeat(np.arange(n_games), n_minutes),
                "ds": np.tile(np.arange(1, n_minutes + 1), n_games),
                "y": margins.ravel(),
            }
        )

    model = build_model(job)
    forecaster = NeuralForecast(models=[model], freq=1)
    started = time.perf_counter()
    forecaster.fit(long_frame(job["train"]))
    train_seconds = time.perf_counter() - started

    test_frame = long_frame(job["test_pattern"])
    infer_seconds, predicted = best_time(
        lambda: forecaster.predict(df=test_frame), inference_repeats
    )
    predicted = predicted.sort_values(["unique_id", "ds"])
    # The forecast column is named after the model (its alias, else its class).
    forecast = predicted[repr(model)].to_numpy().reshape(-1, HORIZON)
    result_path.write_text(
        json.dumps(
            {
                "train_s": train_seconds,
                "infer_s": infer_seconds,
                "forecast": forecast.tolist(),
                "version": __version__,
            }
        )
    )
