"""Ingest: play-by-play files in, one table of per-minute margins out.

:func:`ingest` reads every file (worker processes, a progress bar per file), computes
each game's margins (:mod:`.margins`), keeps the most complete copy of a game seen
in several files (:func:`_resolve_duplicates`),
joins dates, teams and official finals from the game logs (:mod:`.official`) and
writes down every decision in a :class:`~halftime.ingest.quality.QualityReport`.
The table's columns and its saving and loading are in :mod:`.storage`.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from halftime.errors import DataError
from halftime.ingest import issues
from halftime.ingest.events import TableOutcome
from halftime.ingest.files import find_pbp_files
from halftime.ingest.issues import GameIssue
from halftime.ingest.margins import compute_table
from halftime.ingest.official import join_gamelogs
from halftime.ingest.quality import QualityReport, summarize_seasons
from halftime.ingest.readers import read_raw
from halftime.ingest.storage import IngestResult

logger = logging.getLogger(__name__)

_FILES_PER_TASK_DIVISOR: Final = 8  # tasks per worker when there are many files


class NoGamesError(DataError):
    """An ingest that accepted no game; ``report`` says what was found and why.

    Attributes
    ----------
    report : QualityReport
        The data-quality report of the ingest (rejections, missing games, files
        without rows), as it would have been written.
    """

    def __init__(self, message: str, report: QualityReport) -> None:
        super().__init__(message)
        self.report = report


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
        ``*.json``, ``*.json.gz``; files under a ``gamelogs`` folder and files
        halftime wrote itself, see :func:`~.files.is_own_output`, are skipped,
        the latter with a warning in the report), one file, or a list of files.
    gamelogs : Path, optional
        A ``leaguegamelog`` CSV or a folder of them. By default a ``gamelogs``
        folder beside or inside the source directory is used if there is one.
    workers : int, optional
        Processes reading files; default ``min(2, cores, files)``. 1 reads in
        this process. Workers are forked where the platform allows; if the pool
        breaks, the remaining files are read in this process.
    progress : bool, default True
        Show a progress bar (one step per file).

    Returns
    -------
    IngestResult

    Raises
    ------
    DataError
        If a path is missing, a file cannot be parsed, lacks a required column,
        or has a contradictory or unreadable score, or if no game is accepted
        (the message says why).
    """
    sources = [Path(source)] if isinstance(source, str | Path) else list(source)
    exclude = [gamelogs] if gamelogs is not None else []
    skipped: list[Path] = []
    files = find_pbp_files(sources, exclude=exclude, skipped=skipped)
    outcomes = _run(files, workers=workers, progress=progress)
    return _assemble(outcomes, files, sources, gamelogs, skipped)


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
            done = _run_pool(batches, results, workers, bar)
            for index in sorted(set(range(len(batches))) - done):
                results[index] = _read_files(batches[index])
                bar.update(len(batches[index]))
    finally:
        bar.close()
    return [outcome for batch in results for outcome in batch]


def _pool_context() -> multiprocessing.context.BaseContext:
    """``fork`` where the platform has it (Linux), else ``spawn``.

    Forked workers inherit the loaded package, so they start fast and work even
    when ``__main__`` cannot be re-imported (code piped to ``python -``).
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_pool(
    batches: list[list[str]],
    results: list[list[TableOutcome]],
    workers: int,
    bar: tqdm[Any],
) -> set[int]:
    """Read batches in worker processes; return the indices done.

    If the pool breaks (a worker cannot start or dies), the batches not done are
    left to the caller, which reads them in this process, and a warning says so.
    A :class:`DataError` raised by a file is passed on unchanged.
    """
    done: set[int] = set()
    try:
        with ProcessPoolExecutor(workers, mp_context=_pool_context()) as pool:
            futures = {
                pool.submit(_read_files, batch): index
                for index, batch in enumerate(batches)
            }
            for future in as_completed(futures):
                index = futures[future]
                results[index] = future.result()
                done.add(index)
                bar.update(len(batches[index]))
    except BrokenProcessPool as error:
        logger.warning(
            "worker processes failed (%s); reading the remaining %d file batch(es) "
            "in this process",
            error,
            len(batches) - len(done),
        )
    return done


def _copy_rank(games: pd.DataFrame) -> pd.Series:
    """Completeness of each copy: complete first, then periods, minutes, rows."""
    complete = (games["unfinished"] == "").astype(np.int64)
    length = games["margin"].map(len).astype(np.int64)
    return pd.Series(
        list(
            zip(
                complete,
                games["n_periods"].astype(np.int64),
                length,
                games["n_events"].astype(np.int64),
                strict=True,
            )
        ),
        index=games.index,
    )


def _same_copy(a: pd.Series, b: pd.Series) -> bool:
    """True when two copies of a game give the same margins, finals and periods."""
    return bool(
        list(a["margin"]) == list(b["margin"])
        and a["home_final"] == b["home_final"]
        and a["away_final"] == b["away_final"]
        and a["n_periods"] == b["n_periods"]
    )


def _resolve_duplicates(
    games: pd.DataFrame,
    flagged: list[GameIssue],
    rejected: list[GameIssue],
    report: QualityReport,
) -> pd.DataFrame:
    """Keep one copy of each game; report every other copy and any conflict.

    The rule: when copies of a game (in several files) differ, the most complete
    one is kept (complete through its last period, then more periods, more
    minutes, more rows; the first file on a tie) and each other copy is rejected
    as ``duplicate_game`` naming both files and that they conflict, the kept game
    being flagged ``conflicting_copies``. Identical copies keep the first and
    report the others as duplicates. A copy rejected in one file (e.g. a
    halftime snapshot) is reported as a duplicate when another file's copy is
    kept. Flags come from the kept copy only.
    """
    if games.empty:
        report.rejected.extend(rejected)
        report.flagged.extend(flagged)
        return games
    repeated = games["game_id"].duplicated(keep=False).to_numpy()
    drop: set[int] = set()
    conflicts: set[str] = set()
    if repeated.any():
        copies = games.loc[repeated]
        ranks = _copy_rank(copies)
        for gid, index in copies.groupby("game_id", sort=False).groups.items():
            order = sorted(index, key=lambda i: (ranks[i], -i), reverse=True)
            best = games.loc[order[0]]
            for other in order[1:]:
                copy = games.loc[other]
                drop.add(int(other))
                if _same_copy(best, copy):
                    detail = f"identical copy; kept the one in {best['source']}"
                else:
                    conflicts.add(str(gid))
                    detail = (
                        f"conflicting copies: this one (final {copy['away_final']} - "
                        f"{copy['home_final']}, {copy['n_periods']} periods, "
                        f"{copy['n_events']} rows{_unfinished(copy)}) differs from "
                        f"the one kept in {best['source']} (final "
                        f"{best['away_final']} - {best['home_final']}, "
                        f"{best['n_periods']} periods, {best['n_events']} rows"
                        f"{_unfinished(best)}), the more complete"
                    )
                report.rejected.append(
                    GameIssue(str(gid), issues.DUPLICATE, detail, str(copy["source"]))
                )
    kept = games.drop(index=sorted(drop))
    source_of = dict(zip(kept["game_id"], kept["source"], strict=True))
    for issue in rejected:
        if issue.game_id in source_of:
            report.rejected.append(
                GameIssue(
                    issue.game_id,
                    issues.DUPLICATE,
                    f"this copy was rejected ({issue.kind}: {issue.detail}); kept the "
                    f"copy in {source_of[issue.game_id]}",
                    issue.source,
                )
            )
        else:
            report.rejected.append(issue)
    report.flagged.extend(i for i in flagged if source_of.get(i.game_id) == i.source)
    for gid in sorted(conflicts):
        report.flagged.append(
            GameIssue(
                gid,
                issues.CONFLICTING_COPIES,
                "other files hold a different copy of this game (see duplicate_game)",
                source_of[gid],
            )
        )
    if conflicts:
        flags = [
            sorted({*flags, issues.CONFLICTING_COPIES}) if gid in conflicts else flags
            for gid, flags in zip(kept["game_id"], kept["flags"], strict=True)
        ]
        kept = kept.assign(flags=pd.Series(flags, index=kept.index, dtype=object))
    return kept.drop(columns=["source"]).reset_index(drop=True)


def _unfinished(copy: pd.Series) -> str:
    """``, unfinished: ...`` for a copy not complete through its last period."""
    return f", unfinished: {copy['unfinished']}" if copy["unfinished"] else ""


def _no_games_message(files: list[Path], report: QualityReport) -> str:
    """Say why an ingest accepted no game: empty files, rejections, missing."""
    where = str(files[0]) if len(files) == 1 else f"{len(files)} files"
    parts = [f"{where}: no game accepted"]
    if report.rejected:
        counts = ", ".join(f"{k} {v}" for k, v in report.reject_counts().items())
        first = report.rejected[0]
        parts.append(f"rejected: {counts} (e.g. game {first.game_id}: {first.detail})")
    if report.missing:
        parts.append(
            f"{len(report.missing)} game(s) without play-by-play (e.g. "
            f"{report.missing[0].detail})"
        )
    parts += [w for w in report.warnings if "has no rows" in w][:3]
    if report.dropped_rows:
        parts.append(
            "rows dropped: "
            + ", ".join(f"{n} {why}" for why, n in report.dropped_rows.items())
        )
    return "; ".join(parts)


def _assemble(
    outcomes: list[TableOutcome],
    files: list[Path],
    sources: list[Path],
    gamelogs: Path | None,
    skipped: list[Path],
) -> IngestResult:
    """Merge the files' games, join the game logs and write the report."""
    report = QualityReport(sources=[str(path) for path in files])
    report.warnings += [
        f"{path}: skipped, written by halftime (a data_quality.json, or under the "
        "splits/ of a games.parquet folder or the data/, models/, results/ of a "
        "halftime run folder), not play-by-play"
        for path in skipped
    ]
    report.n_rows = sum(outcome.n_rows for outcome in outcomes)
    dropped: Counter[str] = Counter()
    teams: dict[str, tuple[str, str]] = {}
    frames = []
    for outcome, path in zip(outcomes, files, strict=True):
        dropped.update(outcome.dropped_rows)
        teams.update(outcome.teams)
        report.missing.extend(outcome.missing)
        if outcome.n_rows == 0 and not outcome.missing:
            report.warnings.append(
                f"{path}: the file has no rows (a header only, and no game named by "
                "its name or parameters)"
            )
        frames.append(outcome.games.assign(source=str(path)))
    games = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    flagged = [
        dataclasses.replace(issue, source=issue.source or str(path))
        for outcome, path in zip(outcomes, files, strict=True)
        for issue in outcome.flagged
    ]
    rejected = [issue for outcome in outcomes for issue in outcome.rejected]
    games = _resolve_duplicates(games, flagged, rejected, report)
    report.dropped_rows = dict(dropped)
    games = games.sort_values("game_id", ignore_index=True) if len(games) else games
    seen = set(games.get("game_id", [])) | {
        i.game_id for i in report.rejected if i.kind != issues.BAD_GAME_ID
    }
    report.n_games_seen = len(seen)

    games = join_gamelogs(games, report, sources, gamelogs, teams, seen)
    report.n_accepted = len(games)
    if games.empty:
        raise NoGamesError(_no_games_message(files, report), report)
    report.seasons, report.gaps = summarize_seasons(games)
    logger.info(
        "ingested %d games (%d rejected, %d flagged) from %d rows",
        report.n_accepted,
        len(report.rejected),
        report.n_flagged_games,
        report.n_rows,
    )
    return IngestResult(games=games, report=report)
