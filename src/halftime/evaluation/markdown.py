"""Render a comparison (from :func:`~halftime.evaluation.report.build_comparison`)
as a markdown report: data and splits, a main table at halftime, per-minute tables
and notes. Kept apart from the numbers so that the report's wording can change
without touching them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

_MISSING = "-"


def render_report(comparison: Mapping[str, Any], figures: Sequence[Path] = ()) -> str:
    """Return the markdown text of ``report.md``.

    Parameters
    ----------
    comparison : dict
        Output of :func:`~halftime.evaluation.report.build_comparison`.
    figures : sequence of Path
        PNG files relative to the report's folder, linked under "Figures".
    """
    task = comparison["task"]
    models: Mapping[str, Any] = comparison["models"]
    minutes = [str(minute) for minute in task["minutes"]]
    target = float(task["target_coverage"])
    sections = [
        "# halftime: test results",
        _data_section(comparison, task),
        _main_section(models, task, target),
        "## MAE by forecast minute (points)\n\n"
        + _minute_table(models, minutes, lambda e: e["by_minute"]["mae"], _points),
        "## RMSE by forecast minute (points)\n\n"
        + _minute_table(models, minutes, lambda e: e["by_minute"]["rmse"], _points),
    ]
    tested = {
        name: entry["vs_persistence"]["test_by_minute"]
        for name, entry in models.items()
        if (entry.get("vs_persistence") or {}).get("test_by_minute")
    }
    if tested and any(len(by_minute) > 1 for by_minute in tested.values()):
        sections.append(
            "## Paired test against persistence by forecast minute\n\n"
            "Mean change in absolute error (points; negative is better) and the "
            "Diebold-Mariano p-value; * marks a significant difference.\n\n"
            + _minute_table(tested, minutes, lambda e: e, _test_cell)
        )
    with_interval = {k: v for k, v in models.items() if v.get("interval")}
    if with_interval:
        sections.append(
            f"## Interval coverage by forecast minute (target {_percent(target)})"
            "\n\n"
            + _minute_table(
                with_interval,
                minutes,
                lambda e: e["interval"]["coverage_by_minute"],
                _percent,
            )
        )
    if figures:
        sections.append(
            "## Figures\n\n"
            + "\n".join(
                f"![{f.stem.replace('_', ' ')}]({f.as_posix()})" for f in figures
            )
        )
    sections.append(_notes_section(comparison, models))
    return "\n\n".join(sections) + "\n"


def format_summary(comparison: Mapping[str, Any]) -> str:
    """A few plain lines for the terminal: each model's halftime MAE, RMSE, gain
    over persistence with its verdict, and interval coverage."""
    task = comparison["task"]
    lines = [
        f"{comparison['data']['test']['n_games']} test games; halftime is minute "
        f"{task['halftime_minute']}; target coverage "
        f"{_percent(task['target_coverage'])}"
    ]
    width = max(len(name) for name in comparison["models"])
    for name, entry in comparison["models"].items():
        vs_persistence = entry.get("vs_persistence") or {}
        test = vs_persistence.get("test")
        interval = entry.get("interval") or {}
        verdict = (
            f"{_signed(vs_persistence.get('mae_improvement_percent'), '%')} vs "
            f"persistence, {test['verdict']}"
            if test
            else "baseline"
        )
        lines.append(
            f"  {name:<{width}}  MAE {_points(entry['halftime']['mae'])}  RMSE "
            f"{_points(entry['halftime']['rmse'])}  coverage "
            f"{_percent(interval.get('halftime_coverage'))}  ({verdict})"
        )
    return "\n".join(lines)


def _data_section(comparison: Mapping[str, Any], task: Mapping[str, Any]) -> str:
    all_splits: Mapping[str, Any] = comparison["data"]["splits"]
    splits = {
        name: split
        for name, split in all_splits.items()
        if isinstance(split, Mapping) and "n_games" in split
    }
    others = {name: v for name, v in all_splits.items() if name not in splits}
    description = comparison["data"].get("description") or {}
    rows = [
        [
            name,
            str(split.get("n_games", _MISSING)),
            str(split.get("first_date") or _MISSING),
            str(split.get("last_date") or _MISSING),
            _seasons(split.get("seasons")),
        ]
        for name, split in splits.items()
    ]
    minutes = task["minutes"]
    lines = [
        "## Data and splits",
        "",
        f"Each game is read up to minute {task['cutoff']}; the models forecast the "
        f"margin (home minus away, points) after minutes {minutes[0]}.."
        f"{minutes[-1]}. The halftime margin is minute {task['halftime_minute']}. "
        f"Test games: {_span(comparison['data']['test'])}.",
        "",
    ]
    if rows:
        lines.append(
            _table(["split", "games", "first date", "last date", "seasons"], rows)
        )
    details = {**others, **description}
    if details:
        lines.append("")
        lines += [
            f"- {key.replace('_', ' ')}: {_inline(value)}"
            for key, value in details.items()
        ]
    return "\n".join(lines)


def _main_section(
    models: Mapping[str, Any], task: Mapping[str, Any], target: float
) -> str:
    has_dejavu = any(entry.get("vs_dejavu") for entry in models.values())
    header = [
        "model",
        "MAE",
        "RMSE",
        "vs persistence (points)",
        "vs persistence (%)",
        "significance (p, DM)",
    ]
    if has_dejavu:
        header += ["vs Dejavu (points)", "vs Dejavu (%)"]
    header += [
        f"coverage (target {_percent(target)})",
        "mean width (points)",
        "fit (s)",
        "predict (s)",
    ]

    rows = []
    for name, entry in models.items():
        vs_persistence = entry.get("vs_persistence") or {}
        test = vs_persistence.get("test")
        row = [
            name,
            _points(entry["halftime"]["mae"]),
            _points(entry["halftime"]["rmse"]),
            _signed(vs_persistence.get("mae_improvement_points")),
            _signed(vs_persistence.get("mae_improvement_percent"), "%"),
            f"{test['verdict']} ({_p(test['dm_p_value'])})" if test else "baseline",
        ]
        if has_dejavu:
            vs_dejavu = entry.get("vs_dejavu") or {}
            row += [
                _signed(vs_dejavu.get("mae_improvement_points")),
                _signed(vs_dejavu.get("mae_improvement_percent"), "%"),
            ]
        interval = entry.get("interval") or {}
        row += [
            _percent(interval.get("halftime_coverage")),
            _width(interval, "halftime_width"),
            _seconds(entry.get("fit_seconds")),
            _seconds(entry.get("predict_seconds")),
        ]
        rows.append(row)
    intro = (
        f"## Halftime margin (minute {task['halftime_minute']})\n\n"
        'Errors in points. "vs" columns are the MAE gain over the reference: '
        "positive means a lower error. Coverage and width are those of the "
        f"{_percent(target)} conformal interval at halftime."
    )
    return intro + "\n\n" + _table(header, rows)


def _notes_section(comparison: Mapping[str, Any], models: Mapping[str, Any]) -> str:
    notes = [
        "Persistence (the margin at the cutoff carried forward) is the baseline "
        "beside every model.",
    ]
    for name, entry in models.items():
        note = (entry.get("extra") or {}).get("note")
        if note:
            notes.append(f"{name}: {note}.")
    tests = [
        (entry.get("vs_persistence") or {}).get("test") for entry in models.values()
    ]
    test = next((t for t in tests if t), None)
    if test:
        notes.append(
            "Significance: paired over test games on the absolute error at halftime; "
            f"bootstrap with {test['n_resamples']} resamples (seed {test['seed']}) "
            f"for a {_percent(test['confidence'])} interval of the mean difference, "
            "and Diebold-Mariano (t tail). A difference is called significant only "
            "when the interval excludes zero and the DM p-value is below "
            f"{1 - test['confidence']:.2f}. Each model is tested at every forecast "
            "minute with no correction for the many tests: read a p-value near "
            "that level as weak evidence."
        )
        for name, entry in models.items():
            t = (entry.get("vs_persistence") or {}).get("test")
            if t:
                notes.append(
                    f"{name} - persistence: mean difference "
                    f"{_signed(t['mean_difference'])} points, "
                    f"{_percent(t['confidence'])} CI [{_signed(t['ci_low'])}, "
                    f"{_signed(t['ci_high'])}], bootstrap "
                    f"{_p(t['bootstrap_p_value'])}, DM {_p(t['dm_p_value'])}."
                )
    infinite = [
        name
        for name, entry in models.items()
        if entry.get("interval") and entry["interval"].get("mean_width") is None
    ]
    short = [
        name
        for name, entry in models.items()
        if entry.get("interval")
        and entry["interval"]["coverage"] < entry["interval"]["target_coverage"]
    ]
    if short:
        notes.append(
            "Coverage below the target over all forecast minutes: "
            + ", ".join(short)
            + ". Conformal coverage holds when test games are exchangeable with the "
            "calibration games; when the game drifts between seasons (the spread of "
            "the margin's change grows), it falls short by about as much."
        )
    if infinite:
        notes.append(
            "Infinite intervals (calibration set too small for the coverage): "
            + ", ".join(infinite)
            + "."
        )
    for key, value in (comparison.get("extras") or {}).items():
        notes.append(f"{key.replace('_', ' ')}: {_inline(value)}.")
    return "## Notes\n\n" + "\n".join(f"- {note}" for note in notes)


def _minute_table(
    models: Mapping[str, Any],
    minutes: Sequence[str],
    values: Any,
    formatter: Any,
) -> str:
    rows = [
        [name] + [formatter(values(entry).get(minute)) for minute in minutes]
        for name, entry in models.items()
    ]
    return _table(["model", *[f"min {minute}" for minute in minutes]], rows)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _points(value: float | None) -> str:
    return _MISSING if value is None else f"{value:.3f}"


def _signed(value: float | None, unit: str = "") -> str:
    """Signed points to 3 decimals, or a signed percentage to 1."""
    if value is None:
        return _MISSING
    return f"{value:+.1f}%" if unit == "%" else f"{value:+.3f}{unit}"


def _percent(value: float | None) -> str:
    return _MISSING if value is None else f"{100 * value:.1f}%"


def _p(value: float | None) -> str:
    if value is None:
        return _MISSING
    return f"p={value:.2g}" if value >= 0.001 else "p<0.001"


def _test_cell(test: Mapping[str, Any] | None) -> str:
    if not test:
        return _MISSING
    star = "" if test["verdict"] == "no significant difference" else "*"
    return f"{_signed(test['mean_difference'])} ({_p(test['dm_p_value'])}){star}"


def _seconds(value: float | None) -> str:
    return _MISSING if value is None else f"{value:.2f}"


def _width(interval: Mapping[str, Any], key: str) -> str:
    if not interval:
        return _MISSING
    value = interval.get(key)
    return "inf" if value is None else f"{value:.2f}"


def _span(split: Mapping[str, Any]) -> str:
    first, last = split.get("first_date"), split.get("last_date")
    dates = f", {first} to {last}" if first and last else ""
    return f"{split.get('n_games', _MISSING)}{dates}"


def _seasons(seasons: Sequence[str] | None) -> str:
    if not seasons:
        return _MISSING
    if len(seasons) <= 3:
        return ", ".join(seasons)
    return f"{seasons[0]} .. {seasons[-1]} ({len(seasons)})"


def _inline(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_inline(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return str(value)
