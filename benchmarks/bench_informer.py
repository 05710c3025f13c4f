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
early on separate validation games. What the benchmarks against neuralforecast share
(options, split, worker, table) is in ``nf_common.py``.
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

COLUMNS: list[nf_common.Column] = [
    ("training (s)", "train_s", 1),
    ("training", "training", None),
    ("test MAE 19-24 (pts)", "mae", 3),
    ("test MAE halftime (pts)", "mae_halftime", 3),
    ("test RMSE halftime (pts)", "rmse_halftime", 3),
]


def main() -> None:
    args = parse_args()
    if args.nf_worker:
        job, result = args.nf_worker
        nf_common.run_worker(Path(job), Path(result), build_informer)
        return
    train, validation, test = nf_common.load_benchmark_splits(args, "bench_informer")

    rows = [nf_common.persistence_row(test)]
    halftime = halftime_row(train, validation, test, args.threads, target="change")
    rows.append(halftime)
    if args.also_levels:
        rows.append(halftime_row(train, validation, test, args.threads, "levels"))
    rows.append(
        nf_common.neuralforecast_row(
            "Informer",
            __file__,
            args,
            train,
            test,
            args.nf_max_steps or halftime["steps_as_batches_of_32"],
            batch_of="games",
            lr_decays=halftime["epochs"],
            learning_rate=halftime["learning_rate"],
        )
    )
    print(nf_common.markdown_table(rows, COLUMNS))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    nf_common.add_common_arguments(
        parser, "as many batches of 32 games as halftime's Informer ran"
    )
    parser.add_argument(
        "--also-levels",
        action="store_true",
        help="also train halftime's Informer on the margin itself (paper setting)",
    )
    return parser.parse_args()


def halftime_row(
    train: GameSet, validation: GameSet, test: GameSet, threads: int, target: str
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
        "steps_as_batches_of_32": epochs
        * math.ceil(len(train) / nf_common.NF_BATCH_SIZE),
    } | nf_common.error_columns(forecaster.predict(test), test.require_outcome())


def build_informer(job: Any) -> Any:
    """neuralforecast's Informer, set up as halftime's; runs in the venv that has it."""
    from neuralforecast.losses.pytorch import MSE
    from neuralforecast.models import Informer

    return Informer(
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
        # 32 windows a step, as halftime's 32 games: by default neuralforecast
        # trains each step on every window of its 32 series, shifted ones included.
        windows_batch_size=nf_common.NF_BATCH_SIZE,
        **nf_common.nf_model_options(job),
    )


if __name__ == "__main__":
    main()
