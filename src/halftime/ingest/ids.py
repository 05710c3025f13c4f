"""Game ids of stats.nba.com and what their digits say (case P7).

A game id is ten digits: ``00``, one digit for the season type (``2`` regular season,
``4`` playoffs, ...), two digits for the year the season starts, and a five-digit game
number. Spreadsheets and JSON lose the leading zeros (``21801052``) or wrap the id as
text (``="0021801052"``); all of these name the same game ``0021801052``. Only the
leading ``00`` can be lost that way, so eight to ten digits are accepted and padded to
ten; a shorter or longer number (``1``, ``00021801052``) names no game and is refused.
"""

from __future__ import annotations

import re
from typing import Final

from halftime.errors import DataError

GAME_ID_DIGITS: Final = 10
MIN_WRITTEN_DIGITS: Final = 8
"""Fewest digits a written id may have: only the leading ``00`` may be lost."""

SEASON_TYPES: Final = {
    "1": "preseason",
    "2": "regular",
    "3": "all-star",
    "4": "playoffs",
    "5": "play-in",
}
"""Season type by the third digit of a game id; any other digit is ``"unknown"``."""

_FIRST_SEASON_OF_1900S: Final = 46  # the league's first season, 1946-47
_WRAPPER = re.compile(r'^\s*=?\s*"?\s*([0-9]+)(?:\.0+)?\s*"?\s*$')


def normalize_game_id(value: object) -> str:
    """Return the ten-digit game id written by ``value``.

    Parameters
    ----------
    value : str or int
        ``21801052``, ``"0021801052"``, ``'="0021801052"'`` (spreadsheet text) or
        ``"21801052.0"`` (a number that went through a float).

    Returns
    -------
    str
        Ten digits with the leading zeros restored, e.g. ``"0021801052"``.

    Raises
    ------
    DataError
        If the value is not a whole number of eight to ten digits (after the
        spreadsheet wrapping is removed), or is zero.
    """
    if isinstance(value, bool) or value is None:
        raise DataError(f"game id {value!r} is not a game id; expected ten digits")
    text = str(value)
    match = _WRAPPER.match(text)
    if match is None or not (
        MIN_WRITTEN_DIGITS <= len(match.group(1)) <= GAME_ID_DIGITS
    ):
        raise DataError(
            f"game id {value!r} is not a game id; accepted: ten digits, or eight or "
            "nine with the leading zeros lost (21801052), optionally quoted or "
            'written as ="0021801052"'
        )
    digits = match.group(1).rjust(GAME_ID_DIGITS, "0")
    if set(digits) == {"0"}:
        raise DataError(f"game id {value!r} is zero; expected a game's ten digits")
    return digits


def season_start_year(game_id: str) -> int:
    """Return the year the game's season starts, from digits 4-5 of its id."""
    two_digits = int(game_id[3:5])
    century = 1900 if two_digits >= _FIRST_SEASON_OF_1900S else 2000
    return century + two_digits


def season_of(game_id: str) -> str:
    """Return the season label of a game id, e.g. ``"0021501001"`` -> ``"2015-16"``."""
    start = season_start_year(game_id)
    return f"{start}-{(start + 1) % 100:02d}"


def season_type_of(game_id: str) -> str:
    """Return the season type of a game id from its third digit (``"unknown"``)."""
    return SEASON_TYPES.get(game_id[2], "unknown")
