"""Figures of a comparison, as PNG files drawn with matplotlib's Agg canvas.

- error by forecast minute: each model's MAE against the minute;
- interval coverage by forecast minute, with the target line;
- a fan chart of one test game: the known margins, what happened next, each model's
  forecast path, one model's interval band and, optionally, the paths of similar
  past games (Dejavu's analogs).

Figures are built on :class:`matplotlib.figure.Figure` with an explicit Agg canvas,
so no global backend or pyplot state is touched and nothing needs a display.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from halftime.dataset import FloatArray, GameSet
from halftime.errors import DataError
from halftime.evaluation.report import PERSISTENCE, ModelResult

logger = logging.getLogger(__name__)

PLOTS_DIR = "plots"
_DPI = 120
# Light colours of the tab20 palette, for similar past games in the fan chart.
_ANALOG_COLOURS = ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94"]


def plot_error_by_minute(comparison: Mapping[str, Any], path: Path) -> Path:
    """Draw each model's MAE (points) against the forecast minute.

    Parameters
    ----------
    comparison : dict
        Output of :func:`~halftime.evaluation.report.build_comparison`.
    path : Path
        PNG file to write.
    """
    minutes = [str(minute) for minute in comparison["task"]["minutes"]]
    figure, axes = _figure()
    for name, entry in comparison["models"].items():
        mae = [entry["by_minute"]["mae"][minute] for minute in minutes]
        style = "--" if name == PERSISTENCE else "-"
        axes.plot([int(m) for m in minutes], mae, style, marker="o", label=name)
    axes.set_xlabel("forecast minute")
    axes.set_ylabel("mean absolute error (points)")
    axes.set_title(
        f"Test error by minute ({comparison['data']['test']['n_games']} games)"
    )
    axes.set_xticks([int(m) for m in minutes])
    axes.grid(alpha=0.3)
    axes.legend()
    return _save(figure, path)


def plot_coverage_by_minute(comparison: Mapping[str, Any], path: Path) -> Path | None:
    """Draw each model's interval coverage against the forecast minute.

    Returns None (and writes nothing) when no model has intervals.
    """
    minutes = [str(minute) for minute in comparison["task"]["minutes"]]
    target = float(comparison["task"]["target_coverage"])
    with_interval = {
        name: entry["interval"]
        for name, entry in comparison["models"].items()
        if entry.get("interval")
    }
    if not with_interval:
        logger.info("no model has intervals; skipping the coverage plot")
        return None
    figure, axes = _figure()
    x = [int(m) for m in minutes]
    for name, interval in with_interval.items():
        coverage = [100 * interval["coverage_by_minute"][m] for m in minutes]
        axes.plot(x, coverage, marker="o", label=name)
    axes.axhline(
        100 * target, color="black", linestyle=":", label=f"target {100 * target:.0f}%"
    )
    axes.set_xlabel("forecast minute")
    axes.set_ylabel("test games inside the interval (%)")
    axes.set_title("Interval coverage by minute")
    axes.set_xticks(x)
    axes.grid(alpha=0.3)
    axes.legend()
    return _save(figure, path)


def plot_fan_chart(
    test: GameSet,
    index: int,
    results: Mapping[str, ModelResult],
    path: Path,
    *,
    band_model: str | None = None,
    analogs: ArrayLike | None = None,
    analog_labels: Sequence[str] | None = None,
) -> Path:
    """Draw one test game: its first minutes, what followed, and the forecasts.

    Parameters
    ----------
    test : GameSet
        The test games, with outcomes.
    index : int
        Row of the game in ``test``.
    results : mapping of str to ModelResult
        Forecasts for every test game; each model's path for this game is drawn.
    path : Path
        PNG file to write.
    band_model : str, optional
        Model whose interval is shaded; by default the first one with intervals.
    analogs : array-like of shape (k, horizon), float, points, optional
        Paths of similar past games as changes from their own margin at the
        cutoff; they are drawn starting from this game's margin at the cutoff.
    analog_labels : sequence of str, optional
        One label per analog (e.g. date and teams).
    """
    outcome = test.require_outcome()
    if not 0 <= index < len(test):
        raise DataError(f"game row {index} is outside the {len(test)} test games")
    minutes = test.minutes
    known = np.concatenate([[0.0], test.pattern[index]])  # minute 0 is 0-0
    last = float(test.pattern[index, -1])
    figure, axes = _figure(width=10.0)

    # Analogs first, so that forecasts are drawn on top of them.
    analog_margins = np.empty((0, test.horizon))
    if analogs is not None:
        changes = np.asarray(analogs, dtype=np.float64)
        if changes.ndim != 2 or changes.shape[1] != test.horizon:
            raise DataError(
                f"analog paths must have shape (k, {test.horizon}); got {changes.shape}"
            )
        labels = list(analog_labels) if analog_labels is not None else []
        if labels and len(labels) != len(changes):
            raise DataError(f"{len(labels)} analog label(s) for {len(changes)} paths")
        analog_margins = last + changes
        # Light, distinct colours when each analog is named; one grey otherwise.
        colours = _ANALOG_COLOURS if labels else ["grey"]
        for k, analog in enumerate(analog_margins):
            axes.plot(
                np.concatenate([[test.cutoff], minutes]),
                np.concatenate([[last], analog]),
                color=colours[k % len(colours)],
                alpha=0.6 if labels else 0.35,
                linewidth=1,
                label=(
                    labels[k] if labels else ("similar past games" if k == 0 else None)
                ),
            )

    band = band_model or next(
        (name for name, r in results.items() if r.has_interval), None
    )
    if band is not None:
        result = results.get(band)
        if result is None or result.lower is None or result.upper is None:
            raise DataError(f"no intervals for {band!r}; models: {sorted(results)}")
        lower = np.maximum(result.lower[index], -1e3)  # infinite bands to the edge
        upper = np.minimum(result.upper[index], 1e3)
        axes.fill_between(minutes, lower, upper, alpha=0.2, label=f"{band} interval")

    axes.plot(
        np.arange(test.cutoff + 1),
        known,
        color="black",
        marker=".",
        label="known margin",
    )
    axes.plot(
        np.concatenate([[test.cutoff], minutes]),
        np.concatenate([[last], outcome[index]]),
        color="black",
        linestyle="--",
        marker="o",
        label="actual",
    )
    forecasts = {name: result.forecast[index] for name, result in results.items()}
    if PERSISTENCE not in forecasts:
        forecasts = {PERSISTENCE: np.full(test.horizon, last), **forecasts}
    for name, forecast in forecasts.items():
        axes.plot(
            np.concatenate([[test.cutoff], minutes]),
            np.concatenate([[last], forecast]),
            linestyle=":" if name == PERSISTENCE else "-",
            marker="x",
            label=name,
        )

    span = np.concatenate([known, outcome[index], analog_margins.ravel()])
    axes.set_ylim(span.min() - 12, span.max() + 12)
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.axvline(test.cutoff, color="grey", linestyle=":", linewidth=1)
    axes.set_xlabel("game minute")
    axes.set_ylabel("margin, home minus away (points)")
    axes.set_title(_game_title(test, index))
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _save(figure, path)


def analogs_from_table(
    table: pd.DataFrame, minutes: ArrayLike
) -> tuple[FloatArray, list[str]]:
    """Turn a table of similar past games into fan-chart paths and labels.

    Parameters
    ----------
    table : DataFrame
        One row per past game, as from ``Dejavu.explain(...)[i]``: columns
        ``margin_at_cutoff`` and ``margin_<minute>`` for every forecast minute, and
        optionally ``date``, ``away_team``, ``home_team``.
    minutes : array-like of shape (horizon,), int
        The forecast minutes, e.g. ``GameSet.minutes``.

    Returns
    -------
    analogs : ndarray of shape (k, horizon), float, points
        Each past game's margin change after its cutoff.
    labels : list of str
        "date AWAY at HOME" where known.
    """
    columns = [f"margin_{int(minute)}" for minute in np.asarray(minutes).ravel()]
    missing = [c for c in ["margin_at_cutoff", *columns] if c not in table.columns]
    if missing:
        raise DataError(
            f"similar-games table lacks column(s) {missing}; expected the output "
            "of Dejavu.explain"
        )
    changes = table[columns].to_numpy(dtype=np.float64) - table[
        ["margin_at_cutoff"]
    ].to_numpy(dtype=np.float64)
    labels = []
    for _, row in table.iterrows():
        parts = [str(row[c])[:10] for c in ("date",) if c in table.columns]
        if {"away_team", "home_team"} <= set(table.columns):
            parts.append(f"{row['away_team']} at {row['home_team']}")
        labels.append(" ".join(parts) or "similar game")
    return changes, labels


def typical_game(test: GameSet) -> int:
    """Row of a typical test game: its change from the cutoff to halftime is the
    median absolute change (a good default for the fan chart)."""
    outcome = test.require_outcome()
    if len(test) == 0:
        raise DataError("no test games to choose from")
    change = np.abs(outcome[:, -1] - test.pattern[:, -1])
    return int(np.argmin(np.abs(change - np.median(change))))


def write_plots(
    out_dir: Path,
    comparison: Mapping[str, Any],
    test: GameSet,
    results: Mapping[str, ModelResult],
    *,
    game_index: int | None = None,
    band_model: str | None = None,
    analogs: ArrayLike | None = None,
    analog_labels: Sequence[str] | None = None,
) -> list[Path]:
    """Write every figure into ``out_dir / "plots"`` and return the files.

    Files: ``error_by_minute.png``, ``coverage_by_minute.png`` (if any model has
    intervals) and ``fan_chart.png`` (the game ``game_index``, by default
    :func:`typical_game`).
    """
    folder = out_dir / PLOTS_DIR
    written = [plot_error_by_minute(comparison, folder / "error_by_minute.png")]
    coverage = plot_coverage_by_minute(comparison, folder / "coverage_by_minute.png")
    if coverage is not None:
        written.append(coverage)
    index = typical_game(test) if game_index is None else game_index
    written.append(
        plot_fan_chart(
            test,
            index,
            results,
            folder / "fan_chart.png",
            band_model=band_model,
            analogs=analogs,
            analog_labels=analog_labels,
        )
    )
    return written


def _game_title(test: GameSet, index: int) -> str:
    parts = [f"game {test.game_id[index]}"]
    if test.away_team[index] and test.home_team[index]:
        parts.append(f"{test.away_team[index]} at {test.home_team[index]}")
    if not np.isnat(test.date[index]):
        parts.append(str(test.date[index]))
    return ", ".join(parts)


def _figure(width: float = 7.0) -> tuple[Figure, Any]:
    figure = Figure(figsize=(width, 4.5))
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _save(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=_DPI)
    logger.info("wrote %s", path)
    return path
