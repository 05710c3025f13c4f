"""Tests of halftime.evaluation (a package so its module names stay unique)."""
