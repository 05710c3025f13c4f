"""halftime: forecast an NBA game's halftime margin from its first 18 minutes."""

__version__ = "0.1.0"
