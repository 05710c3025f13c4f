"""``halftime predict``: forecast one game in progress from its first minutes.

The game comes as its margins after minutes ``1..cutoff`` (typed by a user) or as a
play-by-play file of the game so far. The answer holds the forecast path, its
conformal interval, any data-quality flags of the file, and the most similar past
games from Dejavu as the explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from halftime.dataset import GameSet
from halftime.errors import DataError
from halftime.training import load_models


def predict_game(
    models_dir: Path,
    *,
    margins: str | None = None,
    pbp: Path | None = None,
    model: str | None = None,
    similar: int = 5,
    game_id: str | None = None,
) -> dict[str, Any]:
    """``halftime predict``: one game's forecast, interval and similar past games."""
    models = load_models(models_dir)
    name = model or next(
        (kind for kind in ("ensemble", "dejavu") if kind in models), next(iter(models))
    )
    if name not in models:
        raise DataError(
            f"no model {name!r} in {models_dir}; available: {', '.join(models)}"
        )
    chosen = models[name]
    cutoff = chosen.forecaster.cutoff_
    assert cutoff is not None
    live = _live_input(margins, pbp, cutoff, game_id)
    games = GameSet.from_patterns(
        live.pattern, horizon=chosen.forecaster.horizon, game_id=[live.game_id]
    )
    forecast = chosen.forecaster.predict(games)
    lower, upper = chosen.conformal.interval(forecast)
    result: dict[str, Any] = {
        "game_id": live.game_id,
        "data_quality_flags": list(live.flags),
        "home_team": live.home_team,
        "away_team": live.away_team,
        "model": name,
        "coverage": chosen.conformal.coverage,
        "known_margins": live.pattern.tolist(),
        "margins_after_cutoff": list(live.later_margins),
        "has_similar_games_model": "dejavu" in models,
        "minutes": games.minutes.tolist(),
        "forecast": forecast[0].round(2).tolist(),
        "lower": [_finite(v) for v in lower[0]],
        "upper": [_finite(v) for v in upper[0]],
        "similar_games": [],
    }
    if "dejavu" in models and similar > 0:
        from halftime.forecasters.dejavu import Dejavu

        dejavu = models["dejavu"].forecaster
        assert isinstance(dejavu, Dejavu)
        table = dejavu.explain(games, k=similar)[0]
        table["date"] = table["date"].astype(str)
        result["similar_games"] = table.round(2).to_dict(orient="records")
    return result


def _finite(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 2)


MAX_MARGIN = 100
"""Largest margin accepted from a user, in points (no NBA game has reached 70)."""

_WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,3}$")


def parse_margins(text: str, cutoff: int) -> np.ndarray:
    """Parse ``--margins``: exactly ``cutoff`` whole numbers of points, comma-separated.

    Raises
    ------
    DataError
        Naming the first value that is not a whole number of points within
        ``+-MAX_MARGIN``, or the count when it is not ``cutoff``.
    """
    values = [value.strip() for value in text.split(",")]
    if len(values) != cutoff:
        raise DataError(
            f"--margins has {len(values)} value(s); the models read exactly {cutoff}, "
            f"the home-minus-away margins after minutes 1..{cutoff}"
        )
    for minute, value in enumerate(values, start=1):
        if not _WHOLE_NUMBER.match(value) or abs(int(value)) > MAX_MARGIN:
            raise DataError(
                f"--margins: minute {minute} has {value!r}; a margin is a whole "
                f"number of points between -{MAX_MARGIN} and {MAX_MARGIN}"
            )
    return np.array([int(value) for value in values], dtype=np.float64)


@dataclass(frozen=True)
class LiveInput:
    """One game as the models read it, with what the input says beyond that."""

    game_id: str
    pattern: NDArray[np.float64]
    home_team: str = ""
    away_team: str = ""
    flags: tuple[str, ...] = ()
    later_margins: tuple[float, ...] = ()
    """Margins already known after the cutoff (a file of a game past minute 18)."""


def _live_input(
    margins: str | None, pbp: Path | None, cutoff: int, game_id: str | None = None
) -> LiveInput:
    if margins is not None:
        return LiveInput("live", parse_margins(margins, cutoff))
    from halftime.ingest import read_live_game

    assert pbp is not None
    live = read_live_game(pbp, cutoff=cutoff, game_id=game_id)
    played = len(live.margins) - 1
    if played < cutoff:
        raise DataError(
            f"game {live.game_id} has reached minute {played}; the models need "
            f"minutes 1..{cutoff}. Try again after minute {cutoff}"
        )
    return LiveInput(
        game_id=live.game_id,
        pattern=np.asarray(live.margins[1 : cutoff + 1], dtype=np.float64),
        home_team=live.home_team or "",
        away_team=live.away_team or "",
        flags=tuple(live.flags),
        later_margins=tuple(float(m) for m in live.margins[cutoff + 1 :]),
    )


def format_predict(result: dict[str, Any]) -> str:
    """Human-readable text of :func:`predict_game` output."""
    teams = (
        f" ({result['away_team']} at {result['home_team']})"
        if result["home_team"]
        else ""
    )
    lines = [
        f"game {result['game_id']}{teams}, model {result['model']}, "
        f"{100 * result['coverage']:.0f}% intervals (home minus away, points)",
        f"margin after minute {len(result['known_margins'])}: "
        f"{result['known_margins'][-1]:+.0f}",
    ]
    if result["data_quality_flags"]:
        lines.append(
            "warning: the play-by-play has data-quality flags: "
            + ", ".join(result["data_quality_flags"])
            + " (see `halftime ingest` for what they mean)"
        )
    later = result["margins_after_cutoff"]
    if later:
        cutoff = len(result["known_margins"])
        known = ", ".join(
            f"{minute}: {margin:+.0f}"
            for minute, margin in enumerate(later, start=cutoff + 1)
        )
        lines.append(
            f"note: the file reaches minute {cutoff + len(later)}; the models read "
            f"minutes 1..{cutoff} only. Already known: {known}"
        )
    lines.append("minute  forecast   interval")
    for minute, value, low, high in zip(
        result["minutes"],
        result["forecast"],
        result["lower"],
        result["upper"],
        strict=True,
    ):
        low_text = "-inf" if low is None else f"{low:+.1f}"
        high_text = "+inf" if high is None else f"{high:+.1f}"
        lines.append(f"{minute:>6}  {value:+8.1f}   [{low_text}, {high_text}]")
    if result["similar_games"]:
        last = result["minutes"][-1]
        lines.append(
            "most similar past games (distance, their margin at minute "
            f"{result['minutes'][0] - 1} and {last}):"
        )
        for row in result["similar_games"]:
            lines.append(
                f"  {row['game_id']} {row['date']} {row['away_team']} at "
                f"{row['home_team']}: distance {row['distance']:.1f}, "
                f"{row['margin_at_cutoff']:+.0f} -> {row[f'margin_{last}']:+.0f}"
            )
    if not result["has_similar_games_model"]:
        lines.append("no dejavu model in the models directory: no similar past games")
    return "\n".join(lines)
