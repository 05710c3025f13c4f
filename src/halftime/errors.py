"""Exceptions raised by halftime.

Each one is an expected failure of the user's input or request; the CLI prints its
message on one line and exits non-zero. Messages say what was wrong, where (file, game
id, row, minute) and what is accepted.
"""


class HalftimeError(Exception):
    """Base class of every error halftime raises on purpose."""


class DataError(HalftimeError, ValueError):
    """Input data that cannot be read or does not make sense."""


class NotFittedError(HalftimeError, RuntimeError):
    """A model used before it was fitted."""


class UnsafeModelFileError(DataError):
    """A model file that would have to be unpickled (or otherwise run) to be read."""


class ConfigError(HalftimeError, ValueError):
    """A configuration value outside what is accepted."""
