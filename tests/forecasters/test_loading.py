"""Saved model directories that were damaged or forged are refused with one error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from halftime.dataset import GameSet
from halftime.errors import DataError
from halftime.forecasters import load_forecaster
from halftime.forecasters.baselines import MeanReversion
from halftime.forecasters.dejavu import Dejavu, DejavuConfig
from halftime.safe_io import save_arrays


def _saved(directory: Path, train: GameSet) -> Path:
    MeanReversion().fit(train).save(directory)
    return directory


def _edit(directory: Path, change: dict) -> None:
    path = directory / "forecaster.json"
    manifest = json.loads(path.read_text())
    for key, value in change.items():
        if value is None:
            manifest.pop(key, None)
        else:
            manifest[key] = value
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "change",
    [
        {"cutoff": None},
        {"cutoff": "abc"},
        {"config": {"ridge": -1}},
        {"config": {"unknown": 1}},
        {"config": [1, 2]},
        {"state": None},
        {"state": {"intercept": [0.0] * 3, "slope": [0.0] * 6}},
        {"state": {"intercept": "abc", "slope": "abc"}},
        {"horizon": 3},
        {"kind": "dejavu"},
    ],
)
def test_a_forged_manifest_is_one_clear_error(
    change: dict, train_games: GameSet, tmp_path: Path
) -> None:
    directory = _saved(tmp_path / "model", train_games)
    _edit(directory, change)

    with pytest.raises(DataError, match=str(directory)):
        load_forecaster(directory)


def test_a_binary_manifest_is_refused(train_games: GameSet, tmp_path: Path) -> None:
    directory = _saved(tmp_path / "model", train_games)
    (directory / "forecaster.json").write_bytes(bytes(range(1, 200)))

    with pytest.raises(DataError, match="not valid JSON"):
        load_forecaster(directory)


def test_reference_arrays_of_the_wrong_shape_are_refused(
    train_games: GameSet, tmp_path: Path
) -> None:
    directory = tmp_path / "dejavu"
    Dejavu(DejavuConfig(k=5)).fit(train_games).save(directory)
    save_arrays(
        directory / "reference.npz",
        {"pattern": np.zeros((10, 17)), "outcome": np.zeros((10, 6))},
    )

    with pytest.raises(DataError, match="damaged or inconsistent"):
        load_forecaster(directory)
