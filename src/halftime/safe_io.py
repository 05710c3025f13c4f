"""Reading and writing model files as data, never as code (case M6).

Configs and fitted statistics are JSON, arrays are ``.npz`` read with
``allow_pickle=False``, and torch weights are read with ``weights_only=True``. A file
that would need unpickling to be read (``.pkl``, ``.joblib``, or any file that starts
like a pickle stream) is refused before a byte of it is interpreted.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from halftime.errors import UnsafeModelFileError

PICKLE_SUFFIXES = frozenset({".pkl", ".pickle", ".joblib", ".dill", ".sav"})
_PICKLE_PROTOCOL_OPCODE = 0x80


def refuse_pickle(path: Path) -> None:
    """Raise :class:`UnsafeModelFileError` if ``path`` is, or looks like, a pickle.

    Only the name and the first bytes are looked at; nothing is unpickled.
    """
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise UnsafeModelFileError(
            f"{path}: refusing to read a {path.suffix} file; model files are "
            "unpickled by no halftime command. Accepted: a model directory written "
            "by halftime (JSON config, .npz arrays, weights-only torch files)"
        )
    if path.is_file():
        with path.open("rb") as handle:
            head = handle.read(2)
        if len(head) == 2 and head[0] == _PICKLE_PROTOCOL_OPCODE and head[1] <= 5:
            raise UnsafeModelFileError(
                f"{path}: the file is a pickle stream; halftime never unpickles "
                "model files"
            )


def write_json(path: Path, payload: Any) -> None:
    """Write ``payload`` as indented JSON (creating the parent directory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")


def read_json(path: Path) -> Any:
    """Read a JSON file written by halftime."""
    refuse_pickle(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise UnsafeModelFileError(
            f"{path}: no such file; expected a model directory written by halftime"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UnsafeModelFileError(f"{path}: not valid JSON ({error})") from None


def save_arrays(path: Path, arrays: dict[str, NDArray[Any]]) -> None:
    """Save numeric or string arrays to ``.npz``; object arrays are refused."""
    for name, array in arrays.items():
        if np.asarray(array).dtype == object:
            raise TypeError(f"array {name!r} has dtype object and would need pickle")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)  # type: ignore[arg-type]


def load_arrays(path: Path) -> dict[str, NDArray[Any]]:
    """Load an ``.npz`` written by :func:`save_arrays`, with pickle disabled."""
    refuse_pickle(path)
    if not zipfile.is_zipfile(path):
        raise UnsafeModelFileError(f"{path}: not an .npz archive")
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def save_torch_state(path: Path, state: dict[str, Any]) -> None:
    """Save a torch ``state_dict`` (tensors only)."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)


def load_torch_state(path: Path) -> dict[str, Any]:
    """Load a torch ``state_dict`` with ``weights_only=True``; no unsafe fallback."""
    import torch

    refuse_pickle(path)
    if not path.is_file():
        raise UnsafeModelFileError(f"{path}: no such weights file")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises several types for unsafe content
        raise UnsafeModelFileError(
            f"{path}: could not be read as weights only ({error.__class__.__name__}:"
            f" {str(error).splitlines()[0] if str(error) else ''}); halftime does "
            "not fall back to unsafe loading"
        ) from None
    if not isinstance(state, dict):
        raise UnsafeModelFileError(f"{path}: expected a state dict of tensors")
    return state
