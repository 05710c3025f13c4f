"""Evaluation of forecasts on test games: metrics, paired tests, reports, figures.

Figures (:mod:`halftime.evaluation.plots`) import matplotlib and are not imported
here; the rest is light.
"""

from halftime.evaluation.metrics import (
    IntervalMetrics,
    PointMetrics,
    interval_metrics,
    point_metrics,
)
from halftime.evaluation.report import (
    ModelResult,
    build_comparison,
    describe_splits,
    write_results,
)
from halftime.evaluation.significance import PairedComparison, compare_to_baseline

__all__ = [
    "IntervalMetrics",
    "ModelResult",
    "PairedComparison",
    "PointMetrics",
    "build_comparison",
    "compare_to_baseline",
    "describe_splits",
    "interval_metrics",
    "point_metrics",
    "write_results",
]
