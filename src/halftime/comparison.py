"""Score fitted models on games with outcomes and write the comparison.

Used by ``halftime run`` (test games), ``halftime compare`` (the saved test split)
and ``halftime evaluate`` (other play-by-play): each model forecasts the games, its
conformal intervals are put around the forecasts, and the evaluation package builds
the comparison, the JSON files, the markdown report and the plots.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from halftime.dataset import GameSet
from halftime.errors import DataError
from halftime.evaluation.plots import analogs_from_table, typical_game
from halftime.evaluation.report import (
    ModelResult,
    build_comparison,
    format_summary,
    write_results,
)
from halftime.forecasters.dejavu import Dejavu
from halftime.safe_io import write_json
from halftime.training import TrainedModel, predict_timed


def evaluate_models(
    models: dict[str, TrainedModel],
    games: GameSet,
    results_dir: Path,
    *,
    data_description: dict[str, Any],
    extras: dict[str, Any] | None = None,
) -> str:
    games.require_outcome()
    results: dict[str, ModelResult] = {}
    for name, model in models.items():
        forecast, seconds = predict_timed(model, games)
        lower, upper = model.conformal.interval(forecast)
        results[name] = ModelResult(
            name=name,
            forecast=forecast,
            lower=lower,
            upper=upper,
            fit_seconds=model.forecaster.fit_seconds_,
            predict_seconds=seconds,
            extra=_small_extra(model),
        )
    comparison = build_comparison(
        games,
        results,
        data_description=data_description,
        alpha=_common_alpha(models),
        extras=extras or {},
    )
    fan_game = typical_game(games)
    analogs = labels = None
    dejavu = models.get("dejavu")
    if dejavu is not None:
        assert isinstance(dejavu.forecaster, Dejavu)
        table = dejavu.forecaster.explain(games.subset(np.array([fan_game])), k=5)[0]
        analogs, labels = analogs_from_table(table, games.minutes)
    write_results(
        results_dir,
        comparison,
        games=games,
        results=results,
        fan_game=fan_game,
        band_model="ensemble" if "ensemble" in results else None,
        analogs=analogs,
        analog_labels=labels,
    )
    return format_summary(comparison)


def _common_alpha(models: dict[str, TrainedModel]) -> float:
    """The miscoverage all the models' intervals were calibrated for."""
    alphas = {model.conformal.alpha for model in models.values()}
    if len(alphas) != 1:
        by_model = {name: model.conformal.alpha for name, model in models.items()}
        raise DataError(
            f"the models' intervals were calibrated for different alphas {by_model};"
            " compare models calibrated alike (`halftime run --alpha`)"
        )
    return alphas.pop()


def _small_extra(model: TrainedModel) -> dict[str, Any]:
    """What the comparison shows of a model's settings (not whole search tables)."""
    extra: dict[str, Any] = {}
    if "selection" in model.extra:
        extra["chosen_by_validation"] = model.extra["selection"]["best"]
    weights = getattr(model.forecaster, "weights_", None)
    if weights is not None:
        extra["weights"] = weights
    return extra


def run_extras(trained: dict[str, TrainedModel], results_dir: Path) -> dict[str, Any]:
    """Write Dejavu's validation search and collect the choices worth reporting."""
    extras: dict[str, Any] = {}
    dejavu = trained.get("dejavu")
    if dejavu is not None and "selection" in dejavu.extra:
        selection = dejavu.extra["selection"]
        best_row = min(selection["table"], key=lambda row: row["validation_mae"])
        write_json(
            results_dir / "dejavu_validation_metrics.json",
            {
                "chosen": selection["best"],
                "criterion": selection["criterion"],
                "validation_mae": best_row["validation_mae"],
                "validation_mae_halftime": best_row["validation_mae_halftime"],
                "n_options": len(selection["table"]),
                "options": selection["table"],
            },
        )
        extras["dejavu_defaults"] = selection["best"]
    ensemble = trained.get("ensemble")
    if ensemble is not None:
        extras["ensemble_weights"] = getattr(ensemble.forecaster, "weights_", None)
    return extras
