"""Compare every model on the test games and write the results files.

:func:`build_comparison` turns each model's test forecasts and intervals
(:class:`ModelResult`) into one JSON-ready dictionary: errors at halftime and per
minute, the gain over persistence (always present: computed here from the test games
if the caller did not run it) and over Dejavu, interval coverage beside its target,
times, and the paired tests against persistence. :func:`write_results` writes it
into the results folder (``OUT/results``): ``comparison.json``, one
``<model>_test_metrics.json`` per model, ``conformal_test_metrics.json``, a readable
``report.md`` and, given the games and forecasts, the figures under ``plots/``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from halftime.constants import DEFAULT_ALPHA, DEFAULT_SEED
from halftime.dataset import FloatArray, GameSet
from halftime.errors import DataError
from halftime.evaluation.markdown import format_summary, render_report
from halftime.evaluation.metrics import interval_metrics, jsonable, point_metrics
from halftime.evaluation.significance import (
    DEFAULT_RESAMPLES,
    compare_to_baseline,
)
from halftime.safe_io import write_json

logger = logging.getLogger(__name__)

__all__ = [
    "DEJAVU",
    "PERSISTENCE",
    "ModelResult",
    "build_comparison",
    "describe_splits",
    "format_summary",
    "write_results",
]

PERSISTENCE = "persistence"
DEJAVU = "dejavu"
FORMAT_VERSION = 1


@dataclass(frozen=True, eq=False)
class ModelResult:
    """One model's forecasts for the test games, with its intervals and times.

    Parameters
    ----------
    name : str
        Model name, used in file names (``<name>_test_metrics.json``); letters,
        digits, ``_`` and ``-`` only.
    forecast : ndarray of shape (n_games, horizon), float, points
    lower, upper : ndarray of shape (n_games, horizon), float, points, or None
        Bounds of the conformal interval; both or neither.
    fit_seconds, predict_seconds : float or None
        Wall-clock training time and time to forecast every test game.
    extra : dict
        JSON-ready details shown in the comparison (e.g. chosen settings).
    """

    name: str
    forecast: FloatArray
    lower: FloatArray | None = None
    upper: FloatArray | None = None
    fit_seconds: float | None = None
    predict_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name or not all(c.isalnum() or c in "_-" for c in self.name):
            raise DataError(
                f"model name {self.name!r} must be non-empty letters, digits, '_' "
                "or '-' (it becomes a file name)"
            )
        if np.ndim(self.forecast) != 2:
            raise DataError(
                f"{self.name}: forecast must be 2-D (n_games, horizon); got shape "
                f"{np.shape(self.forecast)}"
            )
        if (self.lower is None) != (self.upper is None):
            raise DataError(f"{self.name}: give both interval bounds or neither")
        for bound in (self.lower, self.upper):
            if bound is not None and np.shape(bound) != np.shape(self.forecast):
                raise DataError(
                    f"{self.name}: interval bounds have shape {np.shape(bound)}; "
                    f"the forecast has {np.shape(self.forecast)}"
                )

    @property
    def has_interval(self) -> bool:
        return self.lower is not None


def describe_splits(splits: Mapping[str, GameSet]) -> dict[str, dict[str, Any]]:
    """Counts, date ranges and seasons of each split, e.g. train/calibration/test."""
    return {name: games.describe() for name, games in splits.items()}


def build_comparison(
    test: GameSet,
    results: Mapping[str, ModelResult],
    splits: Mapping[str, Any] | None = None,
    *,
    data_description: Mapping[str, Any] | None = None,
    alpha: float | None = None,
    extras: Mapping[str, Any] | None = None,
    tests_by_minute: bool = True,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Compare every model on the test games.

    Parameters
    ----------
    test : GameSet
        The test games, with outcomes.
    results : mapping of str to ModelResult
        Each model's forecasts for ``test``. Persistence is computed from the test
        games when it is missing, so it always appears.
    splits : mapping, optional
        Description of each split, e.g. ``Splits.describe()`` or
        :func:`describe_splits`: split name to ``{"n_games", "first_date",
        "last_date", "seasons"}``; other entries (such as the split config) are
        kept as they are. Taken from ``data_description["splits"]`` when omitted.
    data_description : mapping, optional
        JSON-ready description of the data (source, seed, ingest summary...),
        kept in the comparison under ``data.description``.
    alpha : float, optional
        Miscoverage the intervals were calibrated for; the target coverage is
        ``1 - alpha``. Defaults to ``data_description["alpha"]`` or 0.05.
    extras : mapping, optional
        JSON-ready notes for the report, e.g. ``{"dejavu_defaults": {...},
        "ensemble_weights": {...}}``.
    tests_by_minute : bool, default True
        Also run the paired test against persistence at every forecast minute.
    n_resamples, seed
        Bootstrap options of the paired tests.

    Returns
    -------
    dict
        JSON-ready (no NaN or infinity: those are None). Keys ``task``, ``data``,
        ``baseline``, ``models`` (persistence first) and ``extras``.
    """
    description = dict(data_description or {})
    if splits is None:
        splits = description.get("splits") or {}
    if alpha is None:
        alpha = float(description.get("alpha", DEFAULT_ALPHA))
    outcome = test.require_outcome()
    minutes = [int(minute) for minute in test.minutes]
    ordered = _with_persistence(test, results)
    for result in ordered.values():
        if np.shape(result.forecast) != outcome.shape:
            raise DataError(
                f"{result.name}: forecast has shape {np.shape(result.forecast)}; the "
                f"test games need {outcome.shape}"
            )

    baseline = ordered[PERSISTENCE]
    baseline_mae = point_metrics(baseline.forecast, outcome, minutes).mae
    dejavu_mae = (
        point_metrics(ordered[DEJAVU].forecast, outcome, minutes).mae
        if DEJAVU in ordered
        else None
    )

    models: dict[str, Any] = {}
    for name, result in ordered.items():
        entry = _model_entry(
            result,
            baseline,
            outcome,
            minutes,
            alpha,
            tests_by_minute,
            n_resamples,
            seed,
        )
        points = entry["halftime"]["mae"]
        if name != PERSISTENCE:
            entry["vs_persistence"] |= _improvement(points, baseline_mae)
        if dejavu_mae is not None and name != DEJAVU:
            entry["vs_dejavu"] = _improvement(points, dejavu_mae)
        models[name] = entry
        logger.info("%s: halftime MAE %.3f points", name, points)

    comparison = {
        "format_version": FORMAT_VERSION,
        "task": {
            "cutoff": test.cutoff,
            "horizon": test.horizon,
            "minutes": minutes,
            "halftime_minute": minutes[-1],
            "alpha": alpha,
            "target_coverage": 1 - alpha,
        },
        "data": {
            "test": test.describe(),
            "splits": dict(splits),
            "description": {k: v for k, v in description.items() if k != "splits"},
        },
        "baseline": PERSISTENCE,
        "models": models,
        "extras": dict(extras or {}),
    }
    return jsonable(comparison)  # type: ignore[no-any-return]


def write_results(
    out_dir: Path,
    comparison: Mapping[str, Any],
    *,
    games: GameSet | None = None,
    results: Mapping[str, ModelResult] | None = None,
    fan_game: int | None = None,
    band_model: str | None = None,
    analogs: ArrayLike | None = None,
    analog_labels: Sequence[str] | None = None,
) -> list[Path]:
    """Write the comparison, and its figures, into the results folder ``out_dir``.

    Files in ``out_dir`` (e.g. ``OUT/results``):

    - ``comparison.json``: the whole comparison;
    - ``<model>_test_metrics.json`` per model: ``test_mae``, ``test_rmse`` and
      ``n_samples`` at halftime (points), per-minute errors, the gain over
      persistence and its verdict, times;
    - ``conformal_test_metrics.json``: per model with intervals,
      ``empirical_coverage`` and ``avg_interval_width`` over every forecast minute
      (a null width means infinite), the target and per-minute values;
    - ``report.md``: the readable report;
    - ``plots/*.png`` when ``games`` and ``results`` are given (see
      :func:`halftime.evaluation.plots.write_plots`; ``fan_game``, ``band_model``,
      ``analogs`` and ``analog_labels`` go to its fan chart).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = out_dir
    written = [folder / "comparison.json"]
    write_json(written[0], comparison)

    conformal: dict[str, Any] = {}
    for name, entry in comparison["models"].items():
        path = folder / f"{name}_test_metrics.json"
        write_json(path, _test_metrics(name, entry))
        written.append(path)
        interval = entry.get("interval")
        if interval is not None:
            conformal[name] = {
                "empirical_coverage": interval["coverage"],
                "avg_interval_width": interval["mean_width"],
                "target_coverage": interval["target_coverage"],
                "halftime_coverage": interval["halftime_coverage"],
                "halftime_interval_width": interval["halftime_width"],
                "coverage_by_minute": interval["coverage_by_minute"],
                "interval_width_by_minute": interval["width_by_minute"],
                "n_samples": interval["n_samples"],
            }
    path = folder / "conformal_test_metrics.json"
    write_json(path, conformal)
    written.append(path)

    figures: list[Path] = []
    if games is not None and results is not None:
        # Imported here: matplotlib is only needed when figures are asked for,
        # and the plots module builds on this one.
        from halftime.evaluation.plots import write_plots

        figures = write_plots(
            folder,
            comparison,
            games,
            results,
            game_index=fan_game,
            band_model=band_model,
            analogs=analogs,
            analog_labels=analog_labels,
        )
        written += figures

    path = folder / "report.md"
    path.write_text(
        render_report(comparison, figures=[f.relative_to(folder) for f in figures])
    )
    written.append(path)
    logger.info("wrote %d result files to %s", len(written), folder)
    return written


def _with_persistence(
    test: GameSet, results: Mapping[str, ModelResult]
) -> dict[str, ModelResult]:
    """Return the results with persistence first, computing it if it is missing."""
    for key, result in results.items():
        if key != result.name:
            raise DataError(f"result stored under {key!r} is named {result.name!r}")
    if PERSISTENCE in results:
        baseline = results[PERSISTENCE]
    else:
        # The margin at the cutoff carried forward, (n_games, horizon).
        forecast = np.repeat(test.pattern[:, -1:], test.horizon, axis=1)
        baseline = ModelResult(
            PERSISTENCE, forecast, extra={"note": "computed from the test games"}
        )
    ordered = {PERSISTENCE: baseline}
    ordered.update({k: v for k, v in results.items() if k != PERSISTENCE})
    return ordered


def _model_entry(
    result: ModelResult,
    baseline: ModelResult,
    outcome: FloatArray,
    minutes: list[int],
    alpha: float,
    tests_by_minute: bool,
    n_resamples: int,
    seed: int,
) -> dict[str, Any]:
    points = point_metrics(result.forecast, outcome, minutes)
    entry: dict[str, Any] = {
        "name": result.name,
        "n_samples": points.n_samples,
        "halftime": {"mae": points.mae, "rmse": points.rmse},
        "by_minute": {
            "mae": points.to_dict()["mae_by_minute"],
            "rmse": points.to_dict()["rmse_by_minute"],
        },
        "vs_persistence": None,
        "vs_dejavu": None,
        "interval": None,
        "fit_seconds": result.fit_seconds,
        "predict_seconds": result.predict_seconds,
        "extra": result.extra,
    }
    if result.lower is not None and result.upper is not None:
        intervals = interval_metrics(result.lower, result.upper, outcome, minutes)
        entry["interval"] = intervals.to_dict() | {"target_coverage": 1 - alpha}

    if result.name != PERSISTENCE:
        steps = range(len(minutes)) if tests_by_minute else [len(minutes) - 1]
        tests = {
            minutes[step]: compare_to_baseline(
                result.forecast[:, step],
                baseline.forecast[:, step],
                outcome[:, step],
                model=result.name,
                baseline_name=PERSISTENCE,
                minute=minutes[step],
                n_resamples=n_resamples,
                seed=seed,
            ).to_dict()
            for step in steps
        }
        entry["vs_persistence"] = {
            "test": tests[minutes[-1]],
            "test_by_minute": {str(m): t for m, t in tests.items()},
        }
    return entry


def _improvement(mae: float, reference_mae: float) -> dict[str, float | None]:
    """Gain of a model over a reference: positive when its MAE is lower."""
    points = reference_mae - mae
    percent = 100 * points / reference_mae if reference_mae > 0 else None
    return {"mae_improvement_points": points, "mae_improvement_percent": percent}


def _test_metrics(name: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    vs_persistence = entry.get("vs_persistence") or {}
    test = vs_persistence.get("test") or {}
    return {
        "model": name,
        "test_mae": entry["halftime"]["mae"],
        "test_rmse": entry["halftime"]["rmse"],
        "n_samples": entry["n_samples"],
        "mae_by_minute": entry["by_minute"]["mae"],
        "rmse_by_minute": entry["by_minute"]["rmse"],
        "mae_improvement_over_persistence_points": vs_persistence.get(
            "mae_improvement_points"
        ),
        "mae_improvement_over_persistence_percent": vs_persistence.get(
            "mae_improvement_percent"
        ),
        "verdict_vs_persistence": test.get("verdict"),
        "fit_seconds": entry.get("fit_seconds"),
        "predict_seconds": entry.get("predict_seconds"),
    }
