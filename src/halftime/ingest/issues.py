"""What ingest records about a game it rejected, flagged or could not find."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Reasons a game is rejected (it gets no row in the games table).
NO_PERIOD_1: Final = "no_events_in_period_1"
NO_PERIOD_2: Final = "no_events_in_period_2"
NO_END_OF_PERIOD_2: Final = "no_end_of_period_2"
BAD_GAME_ID: Final = "bad_game_id"
DUPLICATE: Final = "duplicate_game"
IMPLAUSIBLE_SCORE: Final = "implausible_score"
NO_USABLE_ROWS: Final = "no_usable_rows"
NO_SCORING_EVENTS: Final = "no_scoring_events"
NO_SCORE_BEFORE_HALFTIME: Final = "no_score_before_halftime"

# Flags of a kept game (its ``flags`` column lists them).
SCORE_DECREASE: Final = "score_decrease"
SCORE_JUMP: Final = "score_jump"
SCORE_AT_START: Final = "score_at_start"
FIRST_SCORE_UNREACHABLE: Final = "first_score_unreachable"
NONSCORING_ROW_SCORE: Final = "nonscoring_row_score"
UNUSABLE_ROWS: Final = "unusable_rows"
INCOMPLETE: Final = "incomplete_after_halftime"
END_FROM_FINAL: Final = "end_inferred_from_final"
FINAL_MISMATCH: Final = "final_mismatch"
TIED_FINAL: Final = "tied_final"
NOT_IN_GAMELOG: Final = "not_in_gamelog"
CONFLICTING_COPIES: Final = "conflicting_copies"

# Reasons a game is known but has no play-by-play at all (case P6).
NO_PLAY_BY_PLAY: Final = "no_play_by_play"
CANCELLED: Final = "cancelled"


@dataclass(frozen=True)
class GameIssue:
    """One thing ingest noticed about one game.

    Attributes
    ----------
    game_id : str
        The game (or, for a bad id, the value as written).
    kind : str
        A rejection reason, a flag or a missing-game reason (constants above).
    detail : str
        Where and what: rows, minutes, scores.
    source : str
        The file the game came from ("" for games known only from a game log).
    """

    game_id: str
    kind: str
    detail: str
    source: str = ""

    def to_dict(self) -> dict[str, str]:
        """The issue as a JSON-ready mapping."""
        return {
            "game_id": self.game_id,
            "kind": self.kind,
            "detail": self.detail,
            "source": self.source,
        }
