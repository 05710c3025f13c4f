"""Case M6: model files are data, never code."""

import pickle
from pathlib import Path

import numpy as np
import pytest

from halftime.cli import main
from halftime.errors import UnsafeModelFileError
from halftime.forecasters import load_forecaster
from halftime.safe_io import load_arrays, load_torch_state, save_arrays


class _PlantMarker:
    """Unpickling this object creates the marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "unpickled"))  # type: ignore[return-value]


def _plant(path: Path, marker: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(_PlantMarker(marker)))
    return path


@pytest.mark.parametrize("name", ["model.pkl", "model.joblib", "forecaster.pickle"])
def test_a_pickle_given_as_a_model_is_refused_unopened(
    tmp_path: Path, name: str
) -> None:
    marker = tmp_path / "marker"
    planted = _plant(tmp_path / name, marker)

    with pytest.raises(UnsafeModelFileError, match="refusing"):
        load_forecaster(planted)

    assert not marker.exists()


def test_a_pickle_disguised_as_a_manifest_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    _plant(tmp_path / "model" / "forecaster.json", marker)

    with pytest.raises(UnsafeModelFileError, match="pickle stream"):
        load_forecaster(tmp_path / "model")

    assert not marker.exists()


def test_a_pickled_weights_file_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    planted = _plant(tmp_path / "weights.pt", marker)

    with pytest.raises(UnsafeModelFileError):
        load_torch_state(planted)

    assert not marker.exists()


def test_a_torch_archive_holding_code_is_refused_by_weights_only(
    tmp_path: Path,
) -> None:
    import torch

    marker = tmp_path / "marker"
    path = tmp_path / "weights.pt"
    torch.save({"layer": _PlantMarker(marker)}, path)

    with pytest.raises(UnsafeModelFileError, match="weights only"):
        load_torch_state(path)

    assert not marker.exists()


def test_an_npz_with_object_arrays_is_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    path = tmp_path / "reference.npz"
    np.savez(path, evil=np.array([_PlantMarker(marker)], dtype=object))

    with pytest.raises(ValueError, match="allow_pickle"):
        load_arrays(path)

    assert not marker.exists()


def test_arrays_round_trip_without_pickle(tmp_path: Path) -> None:
    arrays = {
        "pattern": np.arange(6.0).reshape(2, 3),
        "game_id": np.array(["0021600001", "0021600002"]),
        "date": np.array(["2016-10-25", "2016-10-26"], dtype="datetime64[D]"),
    }
    save_arrays(tmp_path / "a.npz", arrays)

    loaded = load_arrays(tmp_path / "a.npz")

    for name, array in arrays.items():
        np.testing.assert_array_equal(loaded[name], array)


def test_predict_refuses_a_pickled_models_path(tmp_path: Path, capsys) -> None:
    marker = tmp_path / "marker"
    planted = _plant(tmp_path / "models.pkl", marker)

    status = main(
        ["predict", "--models", str(planted), "--margins", ",".join("0" * 18)]
    )

    assert status == 2
    assert "refusing" in capsys.readouterr().err
    assert not marker.exists()
