"""The CLI is thin: it parses, calls the library and prints; errors are one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from halftime.cli import main
from synthetic import random_walk_games

COMMANDS = ("ingest", "run", "train", "evaluate", "compare", "predict")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])

    assert exit_info.value.code == 0
    assert "usage: halftime " + command in capsys.readouterr().out


def test_the_installed_command_runs() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "halftime.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0
    for command in COMMANDS:
        assert command in completed.stdout


def test_missing_data_is_one_line_naming_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HALFTIME_DATA", raising=False)

    status = main(["run"])

    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert "--data" in err and "HALFTIME_DATA" in err


def test_data_can_come_from_the_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    games = tmp_path / "games.parquet"
    random_walk_games(1800).to_parquet(games)
    monkeypatch.setenv("HALFTIME_DATA", str(games))

    status = main(
        [
            "-q",
            "run",
            "--out",
            str(tmp_path / "out"),
            "--models",
            "persistence,mean_reversion",
            "--train-end",
            "2000-01",
            "--validation-end",
            "2001-02",
            "--test-end",
            "2002-03",
        ]
    )

    assert status == 0
    assert "mean_reversion" in capsys.readouterr().out
    assert (tmp_path / "out" / "results" / "report.md").is_file()

    status = main(
        [
            "predict",
            "--models",
            str(tmp_path / "out" / "models"),
            "--margins",
            ",".join(["3"] * 18),
        ]
    )
    assert status == 0
    assert "minute" in capsys.readouterr().out


def test_an_unknown_model_kind_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    games = tmp_path / "games.parquet"
    random_walk_games(1800).to_parquet(games)

    status = main(["-q", "run", "--data", str(games), "--models", "prophet"])

    err = capsys.readouterr().err
    assert status == 2
    assert "prophet" in err and "dejavu" in err


def test_margins_may_start_with_a_negative_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    games = tmp_path / "games.parquet"
    random_walk_games(1800).to_parquet(games)
    out = tmp_path / "out"
    split = ["--train-end", "2000-01", "--validation-end", "2001-02"]
    main(
        [
            "-q",
            "run",
            "--data",
            str(games),
            "--out",
            str(out),
            "--models",
            "persistence",
            *split,
        ]
    )
    capsys.readouterr()

    status = main(
        ["predict", "--models", str(out / "models"), "--margins", ",".join(["-4"] * 18)]
    )

    assert status == 0
    assert "margin after minute 18: -4" in capsys.readouterr().out


def test_out_must_be_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "file"
    afile.write_text("x")

    status = main(["compare", "--out", str(afile)])

    assert status == 2
    assert "not a directory" in capsys.readouterr().err
