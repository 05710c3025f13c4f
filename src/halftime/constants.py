"""Constants of the game and of the forecasting task, in one place.

Every margin in halftime is home minus away, in points. ``margin(m)`` is the margin
after every event whose elapsed game time is at most ``60 * m`` seconds, so an event
exactly on a minute mark counts toward that minute.
"""

from typing import Final

QUARTER_SECONDS: Final = 720
"""Length of a regulation period (quarter), in seconds."""

OVERTIME_SECONDS: Final = 300
"""Length of an overtime period, in seconds."""

REGULATION_PERIODS: Final = 4
REGULATION_SECONDS: Final = REGULATION_PERIODS * QUARTER_SECONDS
REGULATION_MINUTES: Final = REGULATION_SECONDS // 60  # 48
OVERTIME_MINUTES: Final = OVERTIME_SECONDS // 60  # 5

HALFTIME_MINUTE: Final = 24
"""The minute whose margin is the halftime margin."""

DEFAULT_CUTOFF: Final = 18
"""Minutes of a game the models read: ``margin(1..18)``."""

DEFAULT_HORIZON: Final = 6
"""Minutes the models forecast after the cutoff: ``margin(19..24)``."""

DEFAULT_ALPHA: Final = 0.05
"""Miscoverage of the prediction intervals (95% intervals)."""

DEFAULT_SEED: Final = 2021
