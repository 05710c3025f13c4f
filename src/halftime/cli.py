"""The ``halftime`` command: parse arguments, call the library, print.

Expected errors (bad input, missing files, unfitted models) print one line to stderr
and exit with status 2; nothing here computes anything itself.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from halftime import __version__
from halftime.constants import (
    DEFAULT_ALPHA,
    DEFAULT_CUTOFF,
    DEFAULT_HORIZON,
    DEFAULT_SEED,
)
from halftime.errors import HalftimeError

DATA_ENV = "HALFTIME_DATA"
EXIT_USAGE = 2


def _add_data(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help=(
            "play-by-play: a directory (searched recursively), a file, or a saved "
            f"games.parquet; default: ${DATA_ENV}"
        ),
    )
    parser.add_argument(
        "--gamelogs",
        type=Path,
        default=None,
        help="leaguegamelog files for dates and teams (default: found beside --data)",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="processes for ingest (default: 2)"
    )


def _add_split(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("chronological splits (season or ISO date)")
    group.add_argument("--train-start", default=None, help="default: first game")
    group.add_argument("--train-end", default="2012-13", help="default: 2012-13")
    group.add_argument("--validation-end", default="2014-15", help="default: 2014-15")
    group.add_argument("--test-end", default="2016-17", help="default: 2016-17")
    group.add_argument(
        "--cutoff", type=int, default=DEFAULT_CUTOFF, help="input minutes (18)"
    )
    group.add_argument(
        "--horizon", type=int, default=DEFAULT_HORIZON, help="forecast minutes (6)"
    )


def _add_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("."),
        help="where data/, models/ and results/ are written (default: .)",
    )


def _add_seed_alpha(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of every random step (default: {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=DEFAULT_ALPHA,
        help=f"miscoverage of the intervals (default: {DEFAULT_ALPHA}, 95%%)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``halftime`` command."""
    parser = argparse.ArgumentParser(
        prog="halftime",
        description=(
            "Forecast an NBA game's margin after minutes 19..24 from its first 18 "
            "minutes, with 95% intervals and similar past games."
        ),
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="play-by-play -> per-minute margins and a data-quality report",
        description=(
            "Read stats.nba.com play-by-play (CSV v1/v2, JSON, plain/.gz/.xz) and "
            "write OUT/data/games.parquet and the data-quality report."
        ),
    )
    _add_data(ingest)
    _add_out(ingest)

    run = commands.add_parser(
        "run",
        help="the main job: ingest, split, fit, calibrate, evaluate, report",
        description=(
            "Ingest the play-by-play, split it chronologically, fit every model, "
            "calibrate 95% intervals, evaluate on test games and write "
            "OUT/results/report.md."
        ),
    )
    _add_data(run)
    _add_split(run)
    _add_out(run)
    run.add_argument(
        "--models",
        default=None,
        help="comma-separated model kinds (default: all)",
    )
    _add_seed_alpha(run)

    train = commands.add_parser(
        "train",
        help="fit one model on the splits and save it",
        description=(
            "Fit one model kind on the chronological splits (ingesting --data, or "
            "reading OUT/data/games.parquet), calibrate its intervals and save it "
            "to OUT/models/KIND."
        ),
    )
    train.add_argument(
        "kind",
        help=(
            "persistence, mean_reversion, dejavu, lstm, informer or ensemble (which "
            "combines the models already saved in OUT/models)"
        ),
    )
    _add_data(train)
    _add_split(train)
    _add_out(train)
    _add_seed_alpha(train)
    train.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="config override, e.g. --set max_epochs=10 (JSON values)",
    )

    evaluate = commands.add_parser(
        "evaluate",
        help="evaluate saved models on other play-by-play",
        description=(
            "Evaluate the models saved in --models on the games of --data, leaving "
            "out every game the models were fitted, tuned or calibrated on."
        ),
    )
    evaluate.add_argument(
        "--models",
        type=Path,
        required=True,
        help="a models directory written by `halftime run` (or one model's folder)",
    )
    _add_data(evaluate)
    evaluate.add_argument(
        "--out",
        type=Path,
        default=Path("results-evaluate"),
        help="report directory (default: results-evaluate)",
    )

    compare = commands.add_parser(
        "compare",
        help="compare saved models on the test split",
        description=(
            "Compare every model in OUT/models on OUT/data/splits/test.parquet: "
            "MAE, RMSE, intervals, paired tests, times; writes OUT/results."
        ),
    )
    _add_out(compare)

    predict = commands.add_parser(
        "predict",
        help="forecast one game in progress",
        description=(
            "Forecast minutes 19..24 of one game from its first 18 margins (or a "
            "play-by-play file of the game in progress), with the 95% interval "
            "and the most similar past games."
        ),
    )
    source = predict.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--margins", help="comma-separated home-minus-away margins after minutes 1..18"
    )
    source.add_argument("--pbp", type=Path, help="play-by-play file of the game")
    predict.add_argument(
        "--game-id", default=None, help="the game to read when --pbp holds several"
    )
    predict.add_argument(
        "--models", type=Path, default=Path("models"), help="default: models"
    )
    predict.add_argument("--model", default=None, help="default: ensemble or dejavu")
    predict.add_argument("--similar", type=int, default=5, help="past games to show")
    predict.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _data_path(args: argparse.Namespace) -> Path:
    data = args.data or (Path(os.environ[DATA_ENV]) if DATA_ENV in os.environ else None)
    if data is None:
        raise HalftimeError(
            f"no play-by-play given: pass --data DIR or set ${DATA_ENV} (e.g. "
            "../shared/data/nba-pbp-stats-lawlers-law)"
        )
    if not data.exists():
        raise HalftimeError(f"--data {data}: no such file or directory")
    return Path(data)


def _split_config(args: argparse.Namespace) -> Any:
    from halftime.splits import SplitConfig

    return SplitConfig(
        train_start=args.train_start,
        train_end=args.train_end,
        validation_end=args.validation_end,
        test_end=args.test_end,
        cutoff=args.cutoff,
        horizon=args.horizon,
    )


def _overrides(pairs: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise HalftimeError(f"--set {pair!r}: expected KEY=VALUE")
        try:
            values[key] = json.loads(text)
        except json.JSONDecodeError:
            values[key] = text
    return values


def _stage(line: str) -> None:
    print(f"halftime: {line}", file=sys.stderr, flush=True)


def _command(args: argparse.Namespace) -> int:
    from halftime import pipeline, predict

    progress = not args.quiet
    ingest_options: dict[str, Any] = {
        "gamelogs": getattr(args, "gamelogs", None),
        "workers": getattr(args, "workers", None),
        "progress": progress,
    }
    out = getattr(args, "out", None)
    if out is not None and out.exists() and not out.is_dir():
        raise HalftimeError(f"--out {out}: exists and is not a directory")
    if args.command == "ingest":
        summary = pipeline.ingest_to(
            _data_path(args),
            args.out,
            **ingest_options,
        )
        print(summary)
    elif args.command == "run":
        kinds = tuple(args.models.split(",")) if args.models else None
        text = pipeline.run(
            _data_path(args),
            args.out,
            on_stage=None if args.quiet else _stage,
            split=_split_config(args),
            kinds=kinds,
            seed=args.seed,
            alpha=args.alpha,
            **ingest_options,
        )
        print(text)
    elif args.command == "train":
        text = pipeline.train_one(
            args.kind,
            args.data and _data_path(args),
            args.out,
            split=_split_config(args),
            seed=args.seed,
            alpha=args.alpha,
            options=_overrides(args.set),
            **ingest_options,
        )
        print(text)
    elif args.command == "evaluate":
        text = pipeline.evaluate_on(
            args.models,
            _data_path(args),
            args.out,
            **ingest_options,
        )
        print(text)
    elif args.command == "compare":
        print(pipeline.compare(args.out))
    elif args.command == "predict":
        result = predict.predict_game(
            args.models,
            margins=args.margins,
            pbp=args.pbp,
            model=args.model,
            similar=args.similar,
            game_id=args.game_id,
        )
        print(
            json.dumps(result, indent=2)
            if args.json
            else predict.format_predict(result)
        )
    return 0


def _join_negative_margins(argv: Sequence[str]) -> list[str]:
    """Let ``--margins -3,-1,...`` through: argparse reads ``-3,...`` as an option."""
    joined: list[str] = []
    index = 0
    while index < len(argv):
        if argv[index] == "--margins" and index + 1 < len(argv):
            joined.append(f"--margins={argv[index + 1]}")
            index += 2
            continue
        joined.append(argv[index])
        index += 1
    return joined


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``halftime`` command."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(_join_negative_margins(arguments))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return _command(args)
    except HalftimeError as error:
        print(f"halftime {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("halftime: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
