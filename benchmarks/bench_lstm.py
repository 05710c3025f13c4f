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
it cannot stop early on separate validation games. What the benchmarks against
neuralforecast share (options, split, worker, table) is in ``nf_common.py``.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nf_common

if TYPE_CHECKING:
    from halftime.dataset import GameSet

INFERENCE_REPEATS = 3
COLUMNS: list[nf_common.Column] = [
    ("training (s)", "train_s", 1),
    ("training", "training", None),
    ("inference (ms / 1,000 games)", "infer_ms_per_1000", 1),
    ("test MAE 19-24 (pts)", "mae", 3),
    ("test MAE halftime (pts)", "mae_halftime", 3),
]


def main() -> None:
    args = parse_args()
    if args.nf_worker:
        job, result = args.nf_worker
        nf_common.run_worker(Path(job), Path(result), build_lstm, INFERENCE_REPEATS)
        return
    train, validation, test = nf_common.load_benchmark_splits(args, "bench_lstm")

    rows = [nf_common.persistence_row(test)]
    rows.append(halftime_row(train, validation, test, args.threads))
    steps = args.nf_max_steps or rows[-1]["steps_to_best"]
    rows.append(
        nf_common.neuralforecast_row(
            "LSTM",
            __file__,
            args,
            train,
            test,
            steps,
            batch_of="series",
            note=f", scaler {args.nf_scaler}",
            scaler=args.nf_scaler,
        )
    )
    print(nf_common.markdown_table(rows, COLUMNS))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    nf_common.add_common_arguments(
        parser,
        "as many batches of 32 as halftime's LSTM ran to its early stop",
    )
    parser.add_argument(
        "--nf-scaler",
        default="robust",
        help="neuralforecast scaler_type (its default: robust, per window)",
    )
    return parser.parse_args()


def halftime_row(
    train: GameSet, validation: GameSet, test: GameSet, threads: int
) -> dict[str, Any]:
    from halftime.forecasters.lstm import LSTMForecaster
    from halftime.forecasters.neural_config import TrainingConfig

    forecaster = LSTMForecaster(training=TrainingConfig(threads=threads))
    started = time.perf_counter()
    forecaster.fit(train, validation)
    train_seconds = time.perf_counter() - started

    seconds, forecast = nf_common.best_time(
        lambda: forecaster.predict(test), INFERENCE_REPEATS
    )
    epochs, best = len(forecaster.history_), forecaster.best_epoch_
    steps_per_epoch = math.ceil(len(train) / forecaster.training.batch_size)
    return {
        "model": "halftime LSTM (64x2, changes -> change)",
        "train_s": train_seconds,
        "training": f"{epochs} epochs, best {best} (early stop)",
        "steps_to_best": (best or epochs) * steps_per_epoch,
        "infer_ms_per_1000": 1e6 * seconds / len(test),
    } | nf_common.error_columns(forecast, test.require_outcome())


def build_lstm(job: Any) -> Any:
    """neuralforecast's LSTM, sized as halftime's; runs in the venv that has it."""
    from neuralforecast.models import LSTM

    return LSTM(
        encoder_hidden_size=64,
        encoder_n_layers=2,
        decoder_hidden_size=64,
        learning_rate=1e-3,
        scaler_type=str(job["scaler"]),
        **nf_common.nf_model_options(job),
    )


if __name__ == "__main__":
    main()
