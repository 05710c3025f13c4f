"""What a neural forecaster reads and forecasts: margins as features and targets.

Every neural forecaster sees a game the same way, so the translation between
margins in points and the arrays a network works on lives here, apart from any
network and from training. The inputs are the margins after minutes ``1..cutoff``,
as levels, as per-minute changes or both (``n_features`` values per minute); the
target is the margin after each forecast minute, as a level or as the change from
the margin at the cutoff, and :func:`targets_to_margins` turns a forecast target
back into margins.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from halftime.dataset import FloatArray

InputRepresentation = Literal["levels", "changes", "both"]
TargetRepresentation = Literal["levels", "change"]
INPUT_REPRESENTATIONS: tuple[str, ...] = ("levels", "changes", "both")
TARGET_REPRESENTATIONS: tuple[str, ...] = ("levels", "change")


def build_inputs(
    pattern: FloatArray, representation: InputRepresentation
) -> NDArray[np.float32]:
    """Turn margins after minutes ``1..cutoff`` into the network's input sequence.

    Parameters
    ----------
    pattern : ndarray of shape (n_games, cutoff), float, points
    representation : {"levels", "changes", "both"}
        ``levels`` is the margin itself; ``changes`` the margin's change over each
        minute (minute 1 is measured from 0-0); ``both`` stacks the two.

    Returns
    -------
    ndarray of shape (n_games, cutoff, n_features), float32, points
    """
    levels = pattern.astype(np.float64)
    changes = np.diff(levels, axis=1, prepend=0.0)
    by_name = {"levels": [levels], "changes": [changes], "both": [levels, changes]}
    # (n_games, cutoff, n_features)
    return np.stack(by_name[representation], axis=-1).astype(np.float32)


def build_targets(
    pattern: FloatArray, outcome: FloatArray, representation: TargetRepresentation
) -> FloatArray:
    """Express the margins after the cutoff as the network's target, in points.

    ``levels`` is the margin itself, ``change`` the margin minus the margin at the
    cutoff. Returns an array of shape (n_games, horizon).
    """
    if representation == "change":
        return outcome - pattern[:, -1:]
    return outcome.astype(np.float64)


def targets_to_margins(
    pattern: FloatArray, targets: FloatArray, representation: TargetRepresentation
) -> FloatArray:
    """Invert :func:`build_targets`: margins (n_games, horizon) in points."""
    if representation == "change":
        return targets + pattern[:, -1:]
    return targets.astype(np.float64)


def n_features(representation: InputRepresentation) -> int:
    """Number of values per minute that :func:`build_inputs` produces."""
    return 2 if representation == "both" else 1
