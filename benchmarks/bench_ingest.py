"""Time a full ingest of the shared play-by-play: seconds, rows per second, memory.

Usage::

    python benchmarks/bench_ingest.py [--data DIR] [--workers N] [--out DIR]

The target is under 30 s for all 21 shared seasons on a 2-core machine. Peak memory
is the largest resident set of this process and of any one worker process.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np

from halftime.ingest import ingest, write_ingest

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "nba-pbp-stats-lawlers-law"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    start = time.perf_counter()
    result = ingest(args.data, workers=args.workers, progress=True)
    seconds = time.perf_counter() - start
    report = result.report

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"files            {len(report.sources)}")
    print(f"rows             {report.n_rows:,}")
    print(f"seconds          {seconds:.1f}")
    print(f"rows per second  {report.n_rows / seconds:,.0f}")
    print(f"peak memory MiB  main {own:.0f}, largest worker {child:.0f}")
    print(
        f"games            seen {report.n_games_seen:,}, accepted "
        f"{report.n_accepted:,}, rejected {len(report.rejected)}, flagged "
        f"{report.n_flagged_games}, missing {len(report.missing)}"
    )
    print(f"flags            {report.flag_counts()}")

    # Sanity check: persistence from minute 18 to halftime on the last two seasons.
    games = result.games
    recent = games[games["season"].isin(["2015-16", "2016-17"])]
    if len(recent):
        margins = np.stack([np.asarray(m[:25]) for m in recent["margin"]])
        change = margins[:, 24] - margins[:, 18]
        print(
            f"persistence      2015-16..2016-17: {len(recent)} games, halftime MAE "
            f"{np.abs(change).mean():.2f}, std of the change {change.std():.2f}"
        )
    if args.out is not None:
        for name, path in write_ingest(result, args.out).items():
            print(f"wrote            {name}: {path}")


if __name__ == "__main__":
    main()
