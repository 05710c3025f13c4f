"""The jobs behind the CLI: ingest, run, train, evaluate, compare and predict.

Every job reads and writes under one output root::

    OUT/data/games.parquet             one row per game, per-minute margins
    OUT/data/data_quality.{json,md}    rejected and flagged games, with reasons
    OUT/data/splits/{train,validation,test}.parquet
    OUT/models/<kind>/                 forecaster.json, arrays/weights, conformal.json
    OUT/results/                       JSON metrics, report.md, plots

``halftime predict`` lives in :mod:`halftime.predict`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from halftime.comparison import evaluate_models, run_extras
from halftime.constants import DEFAULT_ALPHA, DEFAULT_SEED
from halftime.dataset import GameSet
from halftime.errors import DataError
from halftime.safe_io import write_json
from halftime.splits import SplitConfig, make_splits, write_splits
from halftime.training import (
    DEFAULT_KINDS,
    NEURAL_KINDS,
    RUN_MANIFEST,
    TrainedModel,
    build_forecaster,
    calibrate_and_save,
    check_kinds,
    load_models,
    run_manifest,
    seen_games,
    train_models,
)

logger = logging.getLogger(__name__)

GAMES_FILE = "games.parquet"
MIN_EVALUATION_GAMES = 2


def _paths(out: Path) -> dict[str, Path]:
    return {
        "data": out / "data",
        "splits": out / "data" / "splits",
        "models": out / "models",
        "results": out / "results",
    }


def load_games(
    source: Path,
    data_dir: Path | None,
    *,
    gamelogs: Path | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Ingest ``source`` (or read a saved ``games.parquet``) into the games table.

    When ``data_dir`` is given, the table and the data-quality report are written
    into it. Returns the table and a short summary of the ingest.
    """
    from halftime.ingest import ingest, read_games, write_ingest

    if source.is_file() and source.suffix == ".parquet":
        games = read_games(source)
        return games, {"games": len(games), "source": str(source), "ingested": False}
    started = time.perf_counter()
    result = ingest(source, gamelogs=gamelogs, workers=workers, progress=progress)
    seconds = time.perf_counter() - started
    written: dict[str, Path] = {}
    if data_dir is not None:
        written = write_ingest(result, data_dir)
    summary = {
        "games": len(result.games),
        "source": str(source),
        "ingested": True,
        "seconds": round(seconds, 1),
        "written": {name: str(path) for name, path in written.items()},
        "data_dir": None if data_dir is None else str(data_dir),
        "report": result.report.to_dict()["summary"],
    }
    return result.games, summary


def describe_ingest(summary: dict[str, Any]) -> str:
    """One line on what the ingest read and decided, for reports."""
    if not summary.get("ingested"):
        return f"{summary['games']} games read from {summary['source']}"
    report = summary["report"]
    return (
        f"{report['accepted']} games from {report['files']} file(s) "
        f"({report['rows']} rows) in {summary['seconds']} s; {report['rejected']} "
        f"rejected, {report['flagged_games']} flagged, {report['missing']} without "
        f"play-by-play (see {summary['data_dir']}/data_quality.md)"
    )


def ingest_to(
    source: Path,
    out: Path,
    *,
    gamelogs: Path | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> str:
    """``halftime ingest``: write the games table and report; return a summary."""
    if source.suffix == ".parquet":
        raise DataError(
            f"{source} is a games table that is already ingested; `halftime ingest` "
            "reads play-by-play (CSV or JSON). Pass it to `halftime run --data`"
        )
    paths = _paths(out)
    _, summary = load_games(
        source, paths["data"], gamelogs=gamelogs, workers=workers, progress=progress
    )
    lines = [f"ingested {summary['games']} games in {summary['seconds']} s"]
    lines += [f"  {key}: {value}" for key, value in summary["report"].items()]
    lines += [f"  wrote {path}" for path in summary["written"].values()]
    if paths["splits"].is_dir():
        lines.append(
            f"  note: {paths['splits']} still holds the splits of an earlier run; "
            "`halftime run` or `halftime train` rewrites them from this data"
        )
    return "\n".join(lines)


def _with_progress(
    options: dict[str, dict[str, Any]] | None, progress: bool
) -> dict[str, dict[str, Any]]:
    """Give the neural models' per-epoch progress bars the run's setting."""
    merged = {kind: dict(values) for kind, values in (options or {}).items()}
    for kind in NEURAL_KINDS:
        merged.setdefault(kind, {}).setdefault("progress", progress)
    return merged


def run(
    source: Path,
    out: Path,
    *,
    split: SplitConfig | None = None,
    kinds: Sequence[str] | None = None,
    seed: int = DEFAULT_SEED,
    alpha: float = DEFAULT_ALPHA,
    gamelogs: Path | None = None,
    workers: int | None = None,
    progress: bool = True,
    options: dict[str, dict[str, Any]] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> str:
    """``halftime run``: ingest, split, fit, calibrate, evaluate and report.

    ``on_stage`` is called with a short line as each stage starts (the CLI prints
    it); long stages also show their own progress bars when ``progress`` is true.
    """
    kinds = tuple(kinds or DEFAULT_KINDS)
    check_kinds(kinds)
    paths = _paths(out)
    stage = on_stage or (lambda line: None)
    started = time.perf_counter()
    stage(f"ingesting {source}")
    games, ingest_summary = load_games(
        source, paths["data"], gamelogs=gamelogs, workers=workers, progress=progress
    )
    splits = make_splits(games, split)
    write_splits(splits, paths["splits"])
    trained = train_models(
        splits,
        paths["models"],
        kinds=kinds,
        alpha=alpha,
        seed=seed,
        options=_with_progress(options, progress),
        on_stage=stage,
    )
    stage(f"evaluating on {len(splits.test)} test games")
    description = {
        "source": str(source),
        "splits": splits.describe(),
        "seed": seed,
        "alpha": alpha,
        "ingest": describe_ingest(ingest_summary),
    }
    extras = run_extras(trained, paths["results"])
    summary = evaluate_models(
        trained,
        splits.test,
        paths["results"],
        data_description=description,
        extras=extras,
    )
    # `halftime compare` rewrites the report later with the same context.
    manifest = run_manifest(paths["models"])
    description_without_splits = {
        key: value for key, value in description.items() if key != "splits"
    }
    write_json(
        paths["models"] / RUN_MANIFEST,
        manifest | {"description": description_without_splits, "extras": extras},
    )
    minutes = (time.perf_counter() - started) / 60
    return f"{summary}\n\nrun took {minutes:.1f} min; report: {paths['results']}"


def _read_splits(out: Path) -> dict[str, GameSet]:
    directory = _paths(out)["splits"]
    parts = {}
    for name in ("train", "validation", "test"):
        path = directory / f"{name}.parquet"
        if not path.is_file():
            raise DataError(
                f"{path}: no such split; run `halftime run` first (or `halftime "
                "train` with --data)"
            )
        try:
            frame = pd.read_parquet(path)
            pattern = np.stack(frame["pattern"].tolist()).astype(np.float64)
            outcome = np.stack(frame["outcome"].tolist()).astype(np.float64)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise DataError(
                f"{path}: not a split written by halftime ({error.__class__.__name__}:"
                f" {error}); run `halftime run` again"
            ) from None
        parts[name] = GameSet(
            pattern=pattern,
            outcome=outcome,
            game_id=frame["game_id"].astype(str).to_numpy(dtype=np.str_),
            date=pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]"),
            home_team=frame["home_team"].astype(str).to_numpy(dtype=np.str_),
            away_team=frame["away_team"].astype(str).to_numpy(dtype=np.str_),
            season=frame["season"].astype(str).to_numpy(dtype=np.str_),
            horizon=outcome.shape[1],
        )
    return parts


def train_one(
    kind: str,
    source: Path | None,
    out: Path,
    *,
    split: SplitConfig | None = None,
    seed: int = DEFAULT_SEED,
    alpha: float = DEFAULT_ALPHA,
    options: dict[str, Any] | None = None,
    gamelogs: Path | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> str:
    """``halftime train KIND``: fit one model kind and save it with its intervals."""
    paths = _paths(out)
    if source is None:
        games_path = paths["data"] / GAMES_FILE
        if not games_path.is_file():
            raise DataError(
                f"no --data given and {games_path} does not exist; pass --data DIR "
                "or run `halftime ingest` first"
            )
        source = games_path
    games, _ = load_games(
        source, paths["data"], gamelogs=gamelogs, workers=workers, progress=progress
    )
    splits = make_splits(games, split)
    write_splits(splits, paths["splits"])
    if kind == "ensemble":
        if not paths["models"].is_dir():
            raise DataError(
                f"an ensemble combines models already saved in {paths['models']}, "
                "and there are none; train its members first, e.g. `halftime train "
                "dejavu` and `halftime train lstm` (or run `halftime run`)"
            )
        members = {
            name: model
            for name, model in load_models(paths["models"]).items()
            if name != "ensemble"
        }
        later = set(splits.validation.game_id.tolist()) | set(
            splits.test.game_id.tolist()
        )
        for name, member in members.items():
            overlap = member.trained_on & later
            if overlap:
                raise DataError(
                    f"member {name} was fitted on {len(overlap)} of this split's "
                    f"validation and test games (e.g. {min(overlap)}); the "
                    "ensemble's weights and intervals would be fitted on games a "
                    "member was trained on. Train the members with the same split "
                    "first"
                )
        forecaster = build_forecaster(
            "ensemble", seed=seed, options=options, fitted=members
        )
        forecaster.fit(splits.train, splits.selection)
        seen = seen_games(splits).union(*(member.seen for member in members.values()))
        trained_on = frozenset(splits.train.game_id.tolist()).union(
            *(member.trained_on for member in members.values())
        )
        model = calibrate_and_save(
            kind,
            forecaster,
            splits.calibration,
            paths["models"],
            seen=seen,
            trained_on=trained_on,
            alpha=alpha,
        )
    else:
        model = train_models(
            splits,
            paths["models"],
            kinds=(kind,),
            alpha=alpha,
            seed=seed,
            options=_with_progress({kind: options or {}}, progress),
        )[kind]
    forecast = model.forecaster.predict(splits.validation)
    mae = float(np.abs(forecast - splits.validation.require_outcome())[:, -1].mean())
    including = " including its members' training" if kind == "ensemble" else ""
    return (
        f"trained {kind} in {model.forecaster.fit_seconds_:.1f} s{including}; "
        f"validation halftime MAE {mae:.3f} points; saved to {paths['models'] / kind}"
    )


def evaluate_on(
    models_dir: Path,
    source: Path,
    results_dir: Path,
    *,
    gamelogs: Path | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> str:
    """``halftime evaluate``: saved models on other play-by-play, unseen games only."""
    models = load_models(models_dir)
    cutoff = next(iter(models.values())).forecaster.cutoff_
    horizon = next(iter(models.values())).forecaster.horizon
    games, ingest_summary = load_games(
        source,
        results_dir / "data",
        gamelogs=gamelogs,
        workers=workers,
        progress=progress,
    )
    seen = frozenset().union(*(model.seen for model in models.values()))
    unseen = games.loc[~games["game_id"].isin(seen)]
    left_out = len(games) - len(unseen)
    if left_out:
        logger.warning(
            "left out %d game(s) the models were fitted, tuned or calibrated on",
            left_out,
        )
    assert cutoff is not None
    gameset = GameSet.from_games_table(unseen, cutoff=cutoff, horizon=horizon)
    if len(gameset) < MIN_EVALUATION_GAMES:
        raise DataError(
            f"{source}: {len(gameset)} game(s) left to evaluate ({len(games)} read, "
            f"{left_out} already seen by the models, {len(gameset.skipped)} too "
            f"short); an evaluation needs at least {MIN_EVALUATION_GAMES} games "
            "for its paired tests"
        )
    description = {
        "source": str(source),
        "models": str(models_dir),
        "games_read": len(games),
        "games_left_out_as_seen": left_out,
        "games_too_short": len(gameset.skipped),
        "evaluated": gameset.describe(),
        "models_trained_on": _training_range(models),
        "ingest": describe_ingest(ingest_summary),
    }
    summary = evaluate_models(
        models, gameset, results_dir, data_description=description
    )
    return (
        f"{summary}\n\n{len(games)} games read, {left_out} left out as seen by the "
        f"models, {len(gameset.skipped)} too short; report: {results_dir}"
    )


def _training_range(models: dict[str, TrainedModel]) -> str:
    """The dates the models were trained on, in one line."""
    ranges = {
        (r.get("first_date"), r.get("last_date"), r.get("n_games"))
        for r in (model.forecaster.training_range_ or {} for model in models.values())
    }
    return "; ".join(
        f"{first} to {last} ({n} games)" for first, last, n in sorted(ranges, key=str)
    )


def compare(out: Path) -> str:
    """``halftime compare``: every saved model on the saved test split."""
    paths = _paths(out)
    models = load_models(paths["models"])
    test = _read_splits(out)["test"]
    for name, model in models.items():
        overlap = model.seen.intersection(test.game_id.tolist())
        if overlap:
            raise DataError(
                f"{len(overlap)} of the {len(test)} test games in "
                f"{paths['splits']} were used to fit, tune or calibrate {name} "
                f"(e.g. {min(overlap)}): the saved split and the models come from "
                "different runs. Run `halftime run` again, or evaluate on unseen "
                "games with `halftime evaluate`"
            )
    manifest = run_manifest(paths["models"])
    description = {
        **manifest.get("description", {}),
        "splits": _in_split_order(manifest.get("splits") or {}),
    }
    return evaluate_models(
        models,
        test,
        paths["results"],
        data_description=description,
        extras=manifest.get("extras"),
    )


def _in_split_order(splits: dict[str, Any]) -> dict[str, Any]:
    """Split descriptions in time order (JSON files keep them sorted by name)."""
    order = ("train", "validation", "selection", "calibration", "test")
    ranked = sorted(splits, key=lambda name: (order + (name,)).index(name))
    return {name: splits[name] for name in ranked}
