"""Fit, calibrate and save forecasters on chronological splits.

For each model kind: fit on training games (tuning and early stopping on the earlier
validation games), calibrate split-conformal intervals on the later validation games,
and save both into ``models/<kind>/``. The models directory also records which games
were seen before testing, so that a later evaluation can leave them out.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from halftime.conformal import SplitConformal
from halftime.constants import DEFAULT_ALPHA, DEFAULT_SEED
from halftime.dataset import GameSet
from halftime.errors import ConfigError, DataError, HalftimeError
from halftime.forecasters import KINDS, Forecaster, forecaster_class, load_forecaster
from halftime.forecasters.dejavu import Dejavu, DejavuConfig, select_dejavu
from halftime.forecasters.ensemble import SEED_WEIGHTS, Ensemble, EnsembleConfig
from halftime.safe_io import (
    load_arrays,
    read_json,
    refuse_pickle,
    save_arrays,
    write_json,
)
from halftime.splits import Splits

logger = logging.getLogger(__name__)

DEFAULT_KINDS: tuple[str, ...] = (
    "persistence",
    "mean_reversion",
    "dejavu",
    "lstm",
    "informer",
    "ensemble",
)
NEURAL_KINDS = frozenset({"lstm", "informer"})
SEED_ENSEMBLE = "ensemble_seed"
"""Name of the ensemble with the seed plan's weights (0.6 LSTM + 0.4 Dejavu)."""
SEEN_GAMES = "games_seen.npz"
RUN_MANIFEST = "run.json"


@dataclass
class TrainedModel:
    """A fitted forecaster with its calibrated intervals."""

    name: str
    forecaster: Forecaster
    conformal: SplitConformal
    extra: dict[str, Any]
    seen: frozenset[str] = frozenset()
    """Ids of the games the model was fitted, tuned or calibrated on."""
    trained_on: frozenset[str] = frozenset()
    """Ids of the games the model was fitted on (a subset of :attr:`seen`)."""


def build_forecaster(
    kind: str,
    *,
    seed: int,
    options: Mapping[str, Any] | None = None,
    fitted: Mapping[str, TrainedModel] | None = None,
) -> Forecaster:
    """Create an unfitted forecaster of ``kind`` from JSON-like options."""
    options = dict(options or {})
    if kind == "ensemble":
        # Persistence adds nothing that mean reversion cannot weigh, and an
        # ensemble never holds another ensemble.
        members = {
            name: model.forecaster
            for name, model in (fitted or {}).items()
            if name != "persistence" and not isinstance(model.forecaster, Ensemble)
        }
        if not members:
            raise ConfigError(
                "the ensemble combines other fitted models; train at least one of "
                "mean_reversion, dejavu, lstm or informer with it"
            )
        weights = options.get("weights")
        if weights == "seed":
            weights = SEED_WEIGHTS
        return Ensemble(members, EnsembleConfig(weights=weights))
    cls = forecaster_class(kind)
    if kind in NEURAL_KINDS:
        unknown = set(options) - set(cls.option_names()) - {"training", "network"}
        if unknown:
            raise ConfigError(
                f"unknown {kind} option(s) {sorted(unknown)}; accepted: "
                f"{', '.join(cls.option_names())}"
            )
        options = _neural_options(options, seed)
    try:
        return cls.from_config(options)
    except HalftimeError:
        raise
    except (TypeError, ValueError) as error:
        accepted = ", ".join(cls.option_names()) or "none"
        raise ConfigError(
            f"{kind}: options {options} were refused ({error}); accepted options: "
            f"{accepted}"
        ) from None


def _neural_options(options: dict[str, Any], seed: int) -> dict[str, Any]:
    """Nest flat options (``max_epochs=3``) under "training" or "network"."""
    from halftime.forecasters.neural_config import TrainingConfig

    training = dict(options.pop("training", {}))
    network = dict(options.pop("network", {}))
    for key, value in options.items():
        if key in TrainingConfig.__dataclass_fields__:
            training[key] = value
        else:
            network[key] = value
    training.setdefault("seed", seed)
    return {"training": training, "network": network}


def check_kinds(kinds: Sequence[str]) -> None:
    """Refuse unknown model kinds before any work is done."""
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise ConfigError(
            f"unknown model(s) {', '.join(unknown)}; accepted: {', '.join(KINDS)}"
        )


def train_models(
    splits: Splits,
    models_dir: Path,
    *,
    kinds: Sequence[str] = DEFAULT_KINDS,
    alpha: float = DEFAULT_ALPHA,
    seed: int = DEFAULT_SEED,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    tune_dejavu: bool = True,
    on_stage: Callable[[str], None] | None = None,
) -> dict[str, TrainedModel]:
    """Fit, calibrate and save each model kind; return them by name.

    Parameters
    ----------
    splits : Splits
        Chronological splits; the selection games tune, the calibration games
        calibrate, and the test games are not touched here.
    models_dir : Path
        Each model goes to ``models_dir/<kind>/``.
    kinds : sequence of str
        Model kinds to train, from :data:`halftime.forecasters.KINDS`.
    options : mapping of kind to options, optional
        Config overrides per kind, e.g. ``{"lstm": {"max_epochs": 2}}``.
    tune_dejavu : bool
        Choose Dejavu's options by validation MAE (else use the config given).
    """
    check_kinds(kinds)
    options = options or {}
    seen = seen_games(splits)
    trained_on = frozenset(splits.train.game_id.tolist())
    ordered = sorted(kinds, key=lambda kind: kind == "ensemble")
    trained: dict[str, TrainedModel] = {}
    for kind in ordered:
        if on_stage:
            on_stage(f"fitting {kind}")
        extra: dict[str, Any] = {}
        tuning_seconds = 0.0
        if kind == "dejavu" and tune_dejavu:
            started = time.perf_counter()
            selection = select_dejavu(splits.train, splits.selection)
            tuning_seconds = time.perf_counter() - started
            chosen = {**asdict(selection.best), **dict(options.get("dejavu", {}))}
            forecaster: Forecaster = Dejavu(DejavuConfig(**chosen))
            extra["selection"] = {
                "best": asdict(selection.best),
                "criterion": selection.criterion,
                "table": selection.table,
            }
        else:
            forecaster = build_forecaster(
                kind, seed=seed, options=options.get(kind), fitted=trained
            )
        forecaster.fit(splits.train, splits.selection)
        # Choosing options is part of training: the reported time includes it.
        forecaster.fit_seconds_ = (forecaster.fit_seconds_ or 0.0) + tuning_seconds
        trained[kind] = calibrate_and_save(
            kind,
            forecaster,
            splits.calibration,
            models_dir,
            seen=seen,
            trained_on=trained_on,
            alpha=alpha,
            extra=extra,
        )
        logger.info("fitted %s in %.1f s", kind, forecaster.fit_seconds_ or 0.0)
    if "ensemble" in kinds and set(SEED_WEIGHTS) <= set(trained):
        # The seed plan's fixed weighting, reported beside the fitted one.
        seed_ensemble = Ensemble(
            {name: trained[name].forecaster for name in SEED_WEIGHTS},
            EnsembleConfig(weights=SEED_WEIGHTS),
        ).fit(splits.train)
        trained[SEED_ENSEMBLE] = calibrate_and_save(
            SEED_ENSEMBLE,
            seed_ensemble,
            splits.calibration,
            models_dir,
            seen=seen,
            trained_on=trained_on,
            alpha=alpha,
        )
    write_run_manifest(models_dir, splits)
    return trained


def calibrate_and_save(
    name: str,
    forecaster: Forecaster,
    calibration: GameSet,
    models_dir: Path,
    *,
    seen: frozenset[str],
    trained_on: frozenset[str],
    alpha: float = DEFAULT_ALPHA,
    extra: dict[str, Any] | None = None,
) -> TrainedModel:
    """Calibrate conformal intervals for a fitted forecaster and save both.

    ``seen`` holds the ids of every game the forecaster was fitted, tuned or
    calibrated on, ``trained_on`` those it was fitted on; both are saved beside the
    model so that no later evaluation scores the model on them, and no ensemble
    tunes or calibrates on its members' training games.
    """
    if len(calibration) == 0:
        raise DataError(
            "no calibration games: the validation split is too small to calibrate "
            "the intervals; widen it"
        )
    conformal = SplitConformal(alpha=alpha).calibrate(
        forecaster.predict(calibration), calibration.require_outcome()
    )
    directory = models_dir / name
    forecaster.save(directory)
    conformal.save(directory)
    save_arrays(
        directory / SEEN_GAMES,
        {
            "game_id": np.array(sorted(seen), dtype=np.str_),
            "trained_on": np.array(sorted(trained_on), dtype=np.str_),
        },
    )
    return TrainedModel(
        name, forecaster, conformal, dict(extra or {}), seen, trained_on
    )


def seen_games(splits: Splits) -> frozenset[str]:
    """Ids of every game used before testing: training and validation games."""
    return frozenset(splits.train.game_id.tolist()) | frozenset(
        splits.validation.game_id.tolist()
    )


def write_run_manifest(models_dir: Path, splits: Splits) -> None:
    """Record the run's split beside the models, for reports."""
    write_json(models_dir / RUN_MANIFEST, {"splits": splits.describe()})


def load_models(models_dir: Path) -> dict[str, TrainedModel]:
    """Load every model saved under ``models_dir`` (one subdirectory per model).

    ``models_dir`` may also be one model's own directory. Pickle files are refused
    without being opened (case M6).
    """
    refuse_pickle(models_dir)
    if (models_dir / "forecaster.json").is_file():
        return {models_dir.name: _load_model(models_dir)}
    if not models_dir.is_dir():
        raise DataError(
            f"{models_dir}: no such models directory; run `halftime run` or "
            "`halftime train` first"
        )
    models = {}
    for directory in sorted(models_dir.iterdir(), key=_report_order):
        if not (directory / "forecaster.json").is_file():
            continue
        models[directory.name] = _load_model(directory)
    if not models:
        raise DataError(
            f"{models_dir}: holds no saved models (no */forecaster.json); run "
            "`halftime run` or `halftime train` first"
        )
    return models


def _report_order(directory: Path) -> tuple[int, str]:
    """Baselines first, then the models in the order ``halftime run`` fits them."""
    order = (*DEFAULT_KINDS, SEED_ENSEMBLE)
    rank = order.index(directory.name) if directory.name in order else len(order)
    return rank, directory.name


def _load_model(directory: Path) -> TrainedModel:
    """Load a forecaster, its intervals and the games it has seen; check them."""
    forecaster = load_forecaster(directory)
    conformal = SplitConformal.load(directory)
    seen_path = directory / SEEN_GAMES
    if not seen_path.is_file():
        raise DataError(
            f"{directory}: no record of the games this model was fitted on "
            f"({SEEN_GAMES}), so no evaluation of it could be trusted; fit it again "
            "with `halftime run` or `halftime train`"
        )
    arrays = load_arrays(seen_path)
    if "game_id" not in arrays:
        raise DataError(f"{seen_path}: has no game_id array")
    seen = frozenset(str(game) for game in arrays["game_id"])
    # Without the finer record, every seen game counts as a training game.
    trained_on = frozenset(str(game) for game in arrays.get("trained_on", seen))
    assert forecaster.cutoff_ is not None
    if conformal.quantiles_ is None or len(conformal.quantiles_) != forecaster.horizon:
        raise DataError(
            f"{directory}: the intervals cover a different number of minutes than "
            f"the model's horizon of {forecaster.horizon}"
        )
    return TrainedModel(directory.name, forecaster, conformal, {}, seen, trained_on)


def run_manifest(models_dir: Path) -> dict[str, Any]:
    path = models_dir / RUN_MANIFEST
    payload = read_json(path) if path.is_file() else {}
    return payload if isinstance(payload, dict) else {}


def predict_timed(model: TrainedModel, games: GameSet) -> tuple[np.ndarray, float]:
    """Forecast ``games`` and return the forecast with the seconds it took."""
    started = time.perf_counter()
    forecast = model.forecaster.predict(games)
    return forecast, time.perf_counter() - started
