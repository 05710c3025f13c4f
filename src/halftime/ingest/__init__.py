"""Ingest real play-by-play into one table of per-minute margins.

Public API:

* :func:`ingest` reads stats.nba.com play-by-play (CSV or JSON, v1/v2/v3 shapes)
  and game logs into an :class:`IngestResult` (games table + data-quality report);
* :func:`write_ingest` / :func:`read_games` save and load the games table;
* :func:`read_live_game` reads one game in progress;
* :func:`normalize_game_id` and :func:`parse_clock` are the cleaning rules used
  throughout (cases P7 and P5).
"""

from halftime.ingest.clock import parse_clock
from halftime.ingest.ids import normalize_game_id
from halftime.ingest.live import LiveGame, read_live_game
from halftime.ingest.pipeline import NoGamesError, ingest
from halftime.ingest.quality import QualityReport
from halftime.ingest.storage import (
    GAMES_COLUMNS,
    IngestResult,
    read_games,
    write_ingest,
)

__all__ = [
    "GAMES_COLUMNS",
    "IngestResult",
    "LiveGame",
    "NoGamesError",
    "QualityReport",
    "ingest",
    "normalize_game_id",
    "parse_clock",
    "read_games",
    "read_live_game",
    "write_ingest",
]
