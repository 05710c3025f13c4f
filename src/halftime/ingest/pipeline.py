"""Ingest: play-by-play files in, one table of per-minute margins out.

:func:`ingest` reads every file (worker processes, a progress bar per file), computes
each game's margins (:mod:`.margins`), drops the second copy of a game seen twice,
joins dates, teams and official finals from the game logs (:mod:`.official`) and
writes down every decision in a :class:`~halftime.ingest.quality.QualityReport`.
The table's columns and its saving and loading are in :mod:`.storage`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from halftime.errors import DataError
from halftime.ingest import issues
from halftime.ingest.events import TableOutcome
from halftime.ingest.issues import GameIssue
from halftime.ingest.margins import compute_table
from halftime.ingest.official import join_gamelogs
from halftime.ingest.quality import QualityReport, summarize_seasons
from halftime.ingest.readers import find_pbp_files, read_raw
from halftime.ingest.storage import IngestResult

logger = logging.getLogger(__name__)

_FILES_PER_TASK_DIVISOR: Final = 8  # tasks per worker when there are many files


def _read_files(paths: Sequence[str]) -> list[TableOutcome]:
    """Read and compute a batch of files (runs in a worker process)."""
    return [compute_table(read_raw(Path(path))) for path in paths]


def ingest(
    source: Path | Sequence[Path],
    *,
    gamelogs: Path | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> IngestResult:
    """Read play-by-play into one row of per-minute margins per game.

    Parameters
    ----------
    source : Path or sequence of Path
        A directory (searched recursively for ``*.csv``, ``*.csv.gz``, ``*.csv.xz``,
        ``*.json``, ``*.json.gz``; files under a ``gamelogs`` folder are skipped),
        one file, or a list of files.
    gamelogs : Path, optional
        A ``leaguegamelog`` CSV or a folder of them. By default a ``gamelogs``
        folder beside or inside the source directory is used if there is one.
    workers : int, optional
        Processes reading files; default ``min(2, cores, files)``. 1 reads in
        this process.
    progress : bool, default True
        Show a progress bar (one step per file).

    Returns
    -------
    IngestResult

    Raises
    ------
    DataError
        If a path is missing, a file cannot be parsed, lacks a required column,
        or has a contradictory or unreadable score.
    """
    sources = [Path(source)] if isinstance(source, str | Path) else list(source)
    exclude = [gamelogs] if gamelogs is not None else []
    files = find_pbp_files(sources, exclude=exclude)
    outcomes = _run(files, workers=workers, progress=progress)
    return _assemble(outcomes, files, sources, gamelogs)


def _run(
    files: list[Path], *, workers: int | None, progress: bool
) -> list[TableOutcome]:
    """Read every file, in parallel when asked; results keep the files' order."""
    if workers is None:
        workers = min(2, os.cpu_count() or 1, len(files))
    if workers < 1:
        raise DataError(f"workers must be at least 1; got {workers}")
    bar = tqdm(total=len(files), unit="file", desc="ingest", disable=not progress)
    names = [str(path) for path in files]
    per_task = max(1, len(names) // (workers * _FILES_PER_TASK_DIVISOR))
    batches = [names[i : i + per_task] for i in range(0, len(names), per_task)]
    results: list[list[TableOutcome]] = [[] for _ in batches]
    try:
        if workers == 1 or len(files) == 1:
            for index, batch in enumerate(batches):
                results[index] = _read_files(batch)
                bar.update(len(batch))
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                futures = {
                    pool.submit(_read_files, batch): index
                    for index, batch in enumerate(batches)
                }
                for future in as_completed(futures):
                    index = futures[future]
                    results[index] = future.result()
                    bar.update(len(batches[index]))
    finally:
        bar.close()
    return [outcome for batch in results for outcome in batch]


def _assemble(
    outcomes: list[TableOutcome],
    files: list[Path],
    sources: list[Path],
    gamelogs: Path | None,
) -> IngestResult:
    """Merge the files' games, join the game logs and write the report."""
    report = QualityReport(sources=[str(path) for path in files])
    report.n_rows = sum(outcome.n_rows for outcome in outcomes)
    dropped: Counter[str] = Counter()
    teams: dict[str, tuple[str, str]] = {}
    frames = []
    first_source: dict[str, str] = {}
    for outcome, path in zip(outcomes, files, strict=True):
        dropped.update(outcome.dropped_rows)
        teams.update(outcome.teams)
        report.missing.extend(outcome.missing)
        report.rejected.extend(outcome.rejected)
        games = outcome.games
        repeated = np.array(
            [gid in first_source for gid in games["game_id"]], dtype=bool
        )
        for gid in games["game_id"][repeated]:
            report.rejected.append(
                GameIssue(
                    gid, issues.DUPLICATE, f"also in {first_source[gid]}", str(path)
                )
            )
        games = games.loc[~repeated]
        kept = set(games["game_id"])
        report.flagged.extend(
            i
            for i in outcome.flagged
            if i.game_id in kept and i.game_id not in first_source
        )
        first_source.update(dict.fromkeys(games["game_id"], str(path)))
        frames.append(games)
    report.dropped_rows = dict(dropped)
    games = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    games = games.sort_values("game_id", ignore_index=True) if len(games) else games
    seen = set(games.get("game_id", [])) | {
        i.game_id for i in report.rejected if i.kind != issues.BAD_GAME_ID
    }
    report.n_games_seen = len(seen)

    games = join_gamelogs(games, report, sources, gamelogs, teams, seen)
    report.n_accepted = len(games)
    report.seasons, report.gaps = summarize_seasons(games)
    logger.info(
        "ingested %d games (%d rejected, %d flagged) from %d rows",
        report.n_accepted,
        len(report.rejected),
        report.n_flagged_games,
        report.n_rows,
    )
    return IngestResult(games=games, report=report)
