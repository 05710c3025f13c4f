"""Readers of play-by-play files into one table shape.

Accepted, read by column name (extra columns are ignored):

* CSV of the stats.nba.com ``playbyplay`` (12 columns) or ``playbyplayv2`` shape, one
  game or many games per file, plain, ``.gz`` or ``.xz``;
* the JSON response of those endpoints, ``{"resultSets": [{"name": "PlayByPlay",
  "headers": [...], "rowSet": [[...], ...]}]}``, also with the top key ``resultSet``
  and with a single result set instead of a list (``.json`` or ``.json.gz``);
* the JSON of the v3 endpoint, ``{"game": {"gameId": ..., "actions": [...]}}``,
  whose actions are turned into the same columns (the score written as
  ``"AWAY - HOME"`` and the action type mapped to the v1 event type).

Every reader returns a :class:`RawTable`: the columns of :data:`COLUMNS` as text, in
the file's own row order, plus the games whose response had no rows (case P6).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import lzma
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.csv as pacsv

from halftime.errors import DataError
from halftime.ingest.ids import normalize_game_id

logger = logging.getLogger(__name__)

REQUIRED: Final = ("GAME_ID", "PERIOD", "PCTIMESTRING", "EVENTMSGTYPE", "SCORE")
OPTIONAL: Final = ("SCOREMARGIN",)
COLUMNS: Final = REQUIRED + OPTIONAL

MADE_SHOT: Final = 1
FREE_THROW: Final = 3
START_OF_PERIOD: Final = 12
END_OF_PERIOD: Final = 13
SCORING_EVENT_TYPES: Final = (MADE_SHOT, FREE_THROW)
"""``EVENTMSGTYPE`` values whose score may move the margin (made shot, free throw)."""

PBP_SUFFIXES: Final = (".csv", ".csv.gz", ".csv.xz", ".json", ".json.gz")
_ACCEPTED_SHAPES = (
    "accepted: stats.nba.com playbyplay/playbyplayv2 CSV or JSON (resultSets or "
    "resultSet), or playbyplayv3 JSON with game.actions"
)
_GAME_ID_STEM = re.compile(r"^(?:.*?[_-])?(\d{8,10})$")


@dataclass(frozen=True)
class RawTable:
    """One file's play-by-play rows as text, in file order.

    Attributes
    ----------
    table : pyarrow.Table of shape (n_rows, 5 or 6)
        Columns :data:`REQUIRED` (and ``SCOREMARGIN`` where the source has it), as
        strings; nulls where a cell is empty.
    source : str
        The file, for messages.
    empty_games : tuple of str
        Games named by the file (its name or the response's parameters) that have no
        rows.
    teams : dict of str to (str, str)
        Home and away tricodes by game id, where the file says them (v3 only).
    """

    table: pa.Table
    source: str
    empty_games: tuple[str, ...] = ()
    teams: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def find_pbp_files(
    source: Path | Sequence[Path], exclude: Iterable[Path] = ()
) -> list[Path]:
    """List the play-by-play files of a directory (recursively), file or list.

    Files inside a folder named ``gamelogs`` and under ``exclude`` are left out.

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
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.name.lower().endswith(PBP_SUFFIXES)
                and "gamelogs" not in p.relative_to(path).parts[:-1]
                and not any(p.resolve().is_relative_to(e) for e in excluded)
            )
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


def read_raw(path: Path) -> RawTable:
    """Read one play-by-play file of any accepted shape.

    Raises
    ------
    DataError
        If the file cannot be decompressed or parsed, or lacks a required column.
    """
    name = path.name.lower()
    data = _read_bytes(path)
    if name.endswith((".json", ".json.gz")):
        return _read_json(data, path)
    if name.endswith((".csv", ".csv.gz", ".csv.xz")):
        return _read_csv(data, path)
    raise DataError(
        f"{path}: unknown file type; accepted suffixes: {', '.join(PBP_SUFFIXES)}"
    )


def _read_bytes(path: Path) -> bytes:
    """Return the decompressed content of a file."""
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                return handle.read()
        if path.name.lower().endswith(".xz"):
            with lzma.open(path, "rb") as handle:
                return handle.read()
        return path.read_bytes()
    except (OSError, EOFError, lzma.LZMAError) as error:
        raise DataError(f"{path}: cannot read the file ({error})") from None


def _game_from_name(path: Path) -> tuple[str, ...]:
    """The game named by a one-game file's name (``0021201214.csv``), if any."""
    stem = path.name.split(".")[0]
    match = _GAME_ID_STEM.match(stem)
    if match is None:
        return ()
    try:
        return (normalize_game_id(match.group(1)),)
    except DataError:
        return ()


def _check_columns(names: Sequence[str], path: Path) -> dict[str, str]:
    """Map each accepted column (upper case) to the file's own spelling."""
    by_upper = {name.strip().upper(): name for name in names}
    missing = [column for column in REQUIRED if column not in by_upper]
    if missing:
        raise DataError(
            f"{path}: missing column(s) {missing}; found {list(names)[:14]}; "
            f"{_ACCEPTED_SHAPES}"
        )
    return {column: by_upper[column] for column in COLUMNS if column in by_upper}


def _read_csv(data: bytes, path: Path) -> RawTable:
    """Read a CSV play-by-play file, keeping only the needed columns as text."""
    first_line = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    header = next(csv.reader([first_line]), [])
    if not header or not first_line.strip():
        raise DataError(f"{path}: the file is empty; {_ACCEPTED_SHAPES}")
    names = _check_columns(header, path)
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(names.values()),
                column_types={name: pa.string() for name in names.values()},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise DataError(f"{path}: cannot parse the CSV ({error})") from None
    table = table.rename_columns([_upper(name, names) for name in table.column_names])
    empty = _game_from_name(path) if table.num_rows == 0 else ()
    return RawTable(table=table, source=str(path), empty_games=empty)


def _upper(name: str, names: Mapping[str, str]) -> str:
    """The accepted column name of a file's column."""
    return next(column for column, own in names.items() if own == name)


def _read_json(data: bytes, path: Path) -> RawTable:
    """Read a stats.nba.com JSON response (v1/v2 result sets or v3 actions)."""
    try:
        payload = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DataError(
            f"{path}: not valid JSON ({error}); {_ACCEPTED_SHAPES}"
        ) from None
    if not isinstance(payload, dict):
        raise DataError(f"{path}: the JSON is not an object; {_ACCEPTED_SHAPES}")
    if isinstance(payload.get("game"), dict):
        return _read_v3(payload["game"], path)
    sets = payload.get("resultSets", payload.get("resultSet"))
    if isinstance(sets, dict):
        sets = [sets]
    if not isinstance(sets, list) or not sets:
        raise DataError(
            f"{path}: no resultSets/resultSet in the response (top keys "
            f"{sorted(payload)}); {_ACCEPTED_SHAPES}"
        )
    chosen = _choose_result_set(sets, path)
    headers = [str(h) for h in chosen["headers"]]
    rows = chosen.get("rowSet") or []
    names = _check_columns(headers, path)
    position = {column: headers.index(own) for column, own in names.items()}
    columns = {
        column: pa.array([_text(row[i]) for row in rows], type=pa.string())
        for column, i in position.items()
    }
    table = pa.table(columns)
    empty: tuple[str, ...] = ()
    if not rows:
        empty = _game_from_parameters(payload) or _game_from_name(path)
    return RawTable(table=table, source=str(path), empty_games=empty)


def _choose_result_set(sets: list[Any], path: Path) -> dict[str, Any]:
    """The result set named PlayByPlay, else the first one with headers."""
    candidates = [s for s in sets if isinstance(s, dict) and "headers" in s]
    for candidate in candidates:
        if str(candidate.get("name", "")).lower() == "playbyplay":
            return candidate
    if not candidates:
        raise DataError(f"{path}: no result set with headers; {_ACCEPTED_SHAPES}")
    return candidates[0]


def _game_from_parameters(payload: Mapping[str, Any]) -> tuple[str, ...]:
    """The game id in a response's ``parameters``, if any."""
    parameters = payload.get("parameters")
    if isinstance(parameters, dict):
        for key in ("GameID", "GameId", "gameId", "game_id"):
            if parameters.get(key) not in (None, ""):
                try:
                    return (normalize_game_id(parameters[key]),)
                except DataError:
                    return ()
    return ()


def _text(value: object) -> str | None:
    """A JSON cell as text; None and empty stay None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text else None


def _v3_event_type(action: Mapping[str, Any]) -> str:
    """The v1 ``EVENTMSGTYPE`` of a v3 action (0 where it has none)."""
    kind = str(action.get("actionType", "")).lower()
    made = str(action.get("shotResult", "")).lower() == "made"
    if kind in ("2pt", "3pt") and made:
        return str(MADE_SHOT)
    if kind == "freethrow":
        return str(FREE_THROW)
    if kind == "period":
        sub = str(action.get("subType", "")).lower()
        return str(START_OF_PERIOD if sub == "start" else END_OF_PERIOD)
    return "0"


def _read_v3(game: Mapping[str, Any], path: Path) -> RawTable:
    """Turn v3 actions into the v1 columns."""
    if "gameId" not in game:
        raise DataError(f"{path}: the v3 game has no gameId; {_ACCEPTED_SHAPES}")
    game_id = normalize_game_id(game["gameId"])
    actions = game.get("actions") or []
    scores = [
        None
        if a.get("scoreHome") in (None, "") or a.get("scoreAway") in (None, "")
        else f"{a['scoreAway']} - {a['scoreHome']}"
        for a in actions
    ]
    table = pa.table(
        {
            "GAME_ID": pa.array([game_id] * len(actions), type=pa.string()),
            "PERIOD": pa.array([_text(a.get("period")) for a in actions], pa.string()),
            "PCTIMESTRING": pa.array(
                [_text(a.get("clock")) for a in actions], type=pa.string()
            ),
            "EVENTMSGTYPE": pa.array([_v3_event_type(a) for a in actions], pa.string()),
            "SCORE": pa.array(scores, type=pa.string()),
        }
    )
    home = {a.get("teamTricode") for a in actions if a.get("location") == "h"}
    away = {a.get("teamTricode") for a in actions if a.get("location") == "v"}
    teams: dict[str, tuple[str, str]] = {}
    if len(home) == 1 and len(away) == 1:
        teams[game_id] = (str(home.pop()), str(away.pop()))
    empty = () if actions else (game_id,)
    return RawTable(table=table, source=str(path), empty_games=empty, teams=teams)
