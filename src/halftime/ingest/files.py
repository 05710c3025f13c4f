"""Which files of a source are play-by-play, and which halftime wrote itself.

A directory is searched recursively for :data:`~.readers.PBP_SUFFIXES`, leaving out
``gamelogs`` folders, explicit exclusions, and halftime's own outputs so that an
ingest written inside its data folder is not read back as play-by-play on the next
run (:func:`is_own_output` states the rule).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from halftime.errors import DataError
from halftime.ingest.readers import PBP_SUFFIXES

OWN_OUTPUT_NAMES: Final = ("data_quality.json",)
"""File names halftime writes that end like play-by-play."""
OWN_OUTPUT_FOLDERS: Final = ("data", "models", "results")
"""Folders of a ``halftime run --out`` folder (beside ``data/games.parquet``)."""


def is_own_output(path: Path, root: Path) -> bool:
    """True for a file halftime itself wrote, found while searching ``root``.

    The rule: a file named ``data_quality.json``; a file under ``splits/`` beside
    a ``games.parquet`` (a :func:`~halftime.ingest.write_ingest` folder); and a
    file under ``data/``, ``models/`` or ``results/`` of a folder whose
    ``data/games.parquet`` exists (a ``halftime run --out`` folder). Play-by-play
    a user keeps beside a ``games.parquet`` is still read.
    """
    if path.name.lower() in OWN_OUTPUT_NAMES:
        return True
    inside = path.relative_to(root).parts[:-1]
    for depth in range(len(inside) + 1):
        folder = root.joinpath(*inside[:depth])
        below = inside[depth:]
        if not below:
            break
        if below[0] == "splits" and _has_games(folder):
            return True
        if below[0] in OWN_OUTPUT_FOLDERS and _has_games(folder / "data"):
            return True
    return False


@functools.lru_cache(maxsize=1024)
def _has_games(folder: Path) -> bool:
    """True when ``folder`` holds a games table written by halftime."""
    return (folder / "games.parquet").is_file()


def find_pbp_files(
    source: Path | Sequence[Path],
    exclude: Iterable[Path] = (),
    skipped: list[Path] | None = None,
) -> list[Path]:
    """List the play-by-play files of a directory (recursively), file or list.

    Inside a directory, files under a folder named ``gamelogs``, under
    ``exclude`` or written by halftime itself (:func:`is_own_output`) are left
    out; the last ones are appended to ``skipped`` when given, for the report.

    Raises
    ------
    DataError
        If a path does not exist or a directory holds no play-by-play file.
    """
    paths = [Path(source)] if isinstance(source, str | Path) else list(source)
    excluded = [Path(p).resolve() for p in exclude]
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.name.lower().endswith(PBP_SUFFIXES)
                and "gamelogs" not in p.relative_to(path).parts[:-1]
                and not any(p.resolve().is_relative_to(e) for e in excluded)
            )
            _has_games.cache_clear()
            own = [p for p in candidates if is_own_output(p, path)]
            if skipped is not None:
                skipped.extend(own)
            inside = [p for p in candidates if p not in own]
            if not inside:
                raise DataError(
                    f"{path}: no play-by-play file in this directory; looked for "
                    f"{', '.join(PBP_SUFFIXES)}"
                )
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise DataError(f"{path}: no such file or directory")
    return found
