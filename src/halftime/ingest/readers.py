"""Readers of play-by-play files into one table shape.

Accepted, read by column name (extra columns are ignored):

* CSV of the stats.nba.com ``playbyplay`` (12 columns) or ``playbyplayv2`` shape, one
  game or many games per file, plain, ``.gz`` or ``.xz``;
* the JSON response of those endpoints, ``{"resultSets": [{"name": "PlayByPlay",
  "headers": [...], "rowSet": [[...], ...]}]}``, also with the top key ``resultSet``
  and with a single result set instead of a list (``.json`` or ``.json.gz``);
* the JSON of the v3 endpoint, ``{"game": {"gameId": ..., "actions": [...]}}``,
  whose actions are turned into the same columns (the score written as
  ``"AWAY - HOME"``; an action whose written score changes is a scoring row, see
  :func:`_v3_event_types`).

Anything else (a rowSet that is not a list of rows of the headers' length, actions
that are not objects, CR-only line ends, binary content) is a :class:`DataError`
naming the file, the row where there is one, and what is accepted.

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
from collections.abc import Mapping, Sequence
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
MISSED_SHOT: Final = 2
FREE_THROW: Final = 3
START_OF_PERIOD: Final = 12
END_OF_PERIOD: Final = 13
SCORING_EVENT_TYPES: Final = (MADE_SHOT, FREE_THROW)
"""``EVENTMSGTYPE`` values whose score may move the margin (made shot, free throw)."""

V3_SHOT_TYPES: Final = (
    "2pt",
    "3pt",
    "made shot",
    "missed shot",
    "freethrow",
    "free throw",
)
"""v3 action types of shots (stats.nba.com and live CDN vocabularies)."""

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
    if not data.strip():
        raise DataError(f"{path}: the file is empty; {_ACCEPTED_SHAPES}")
    if b"\r" in data and b"\n" not in data:
        raise DataError(
            f"{path}: lines end with a bare carriage return (CR); accepted: CSV "
            "with LF or CRLF line ends"
        )
    if b"\x00" in data:
        raise DataError(
            f"{path}: the file holds NUL bytes (binary or UTF-16 text); accepted: "
            "UTF-8 CSV"
        )
    first_line = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    if not first_line.strip():
        raise DataError(
            f"{path}: line 1 is blank; the header must be the first line "
            f"({_ACCEPTED_SHAPES})"
        )
    try:
        header = next(csv.reader([first_line.rstrip("\r")]), [])
    except csv.Error as error:
        raise DataError(
            f"{path}: line 1 is not a CSV header ({error}); {_ACCEPTED_SHAPES}"
        ) from None
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
    if not isinstance(chosen["headers"], list):
        raise DataError(
            f"{path}: the result set's headers are {type(chosen['headers']).__name__}"
            f", not a list of column names; {_ACCEPTED_SHAPES}"
        )
    headers = [str(h) for h in chosen["headers"]]
    rows = chosen.get("rowSet")
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise DataError(
            f"{path}: rowSet is {type(rows).__name__}, not a list of rows; "
            f"{_ACCEPTED_SHAPES}"
        )
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != len(headers):
            what = f"{len(row)} values" if isinstance(row, list) else repr(row)[:40]
            raise DataError(
                f"{path}: rowSet row {index} is {what}; accepted: a list of "
                f"{len(headers)} values, one per header"
            )
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


def _v3_score(action: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (home, away) score texts written on a v3 action, None if blank."""
    home, away = action.get("scoreHome"), action.get("scoreAway")
    if home in (None, "") or away in (None, ""):
        return None
    return str(_text(home)), str(_text(away))


def _v3_event_types(actions: Sequence[Mapping[str, Any]]) -> list[str]:
    """The v1 ``EVENTMSGTYPE`` of every v3 action, in file order.

    In v3 the written score is the truth: an action whose score differs from the
    last score written before it is a scoring row (a free throw when its type says
    so, else a made shot), whatever its vocabulary (stats.nba.com ``Made Shot`` /
    ``Free Throw`` or the live CDN's ``2pt`` / ``3pt`` / ``freethrow``). The one
    exception is a period start or end, whose score never moves the margin (P1).
    Actions whose score does not change keep a non-scoring type.
    """
    types = []
    last: tuple[str, str] = ("0", "0")
    for action in actions:
        kind = str(action.get("actionType", "")).strip().lower()
        score = _v3_score(action)
        changed = score is not None and score != last
        if score is not None:
            last = score
        if kind == "period":
            sub = str(action.get("subType", "")).strip().lower()
            types.append(str(START_OF_PERIOD if sub == "start" else END_OF_PERIOD))
        elif changed:
            free = kind.replace(" ", "") == "freethrow"
            types.append(str(FREE_THROW if free else MADE_SHOT))
        elif kind in V3_SHOT_TYPES:
            types.append(str(MISSED_SHOT))
        else:
            types.append("0")
    return types


def _read_v3(game: Mapping[str, Any], path: Path) -> RawTable:
    """Turn v3 actions into the v1 columns."""
    if "gameId" not in game:
        raise DataError(f"{path}: the v3 game has no gameId; {_ACCEPTED_SHAPES}")
    try:
        game_id = normalize_game_id(game["gameId"])
    except DataError as error:
        raise DataError(f"{path}: game.gameId: {error}") from None
    actions = game.get("actions")
    if actions is None:
        actions = []
    if not isinstance(actions, list):
        raise DataError(
            f"{path}: game.actions is {type(actions).__name__}, not a list of "
            f"actions; {_ACCEPTED_SHAPES}"
        )
    for index, action in enumerate(actions, start=1):
        if not isinstance(action, dict):
            raise DataError(
                f"{path}: game.actions item {index} is {repr(action)[:40]}; accepted: "
                "an object with period, clock, scoreHome, scoreAway, actionType"
            )
    scores = [
        None if (score := _v3_score(a)) is None else f"{score[1]} - {score[0]}"
        for a in actions
    ]
    table = pa.table(
        {
            "GAME_ID": pa.array([game_id] * len(actions), type=pa.string()),
            "PERIOD": pa.array([_text(a.get("period")) for a in actions], pa.string()),
            "PCTIMESTRING": pa.array(
                [_text(a.get("clock")) for a in actions], type=pa.string()
            ),
            "EVENTMSGTYPE": pa.array(_v3_event_types(actions), pa.string()),
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
