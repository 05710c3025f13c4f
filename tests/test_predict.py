"""``halftime predict``: one game's forecast from margins or a play-by-play file."""

from __future__ import annotations

from pathlib import Path

import pytest

from halftime import predict
from halftime.errors import DataError


def test_predict_gives_a_path_an_interval_and_similar_games(
    finished_run: tuple[Path, str],
) -> None:
    out, _ = finished_run
    margins = ",".join(str(m) for m in range(-9, 9))  # -9 .. +8

    result = predict.predict_game(out / "models", margins=margins, similar=3)

    assert result["model"] == "ensemble"
    assert result["minutes"] == [19, 20, 21, 22, 23, 24]
    assert all(
        low < mid < high
        for low, mid, high in zip(
            result["lower"], result["forecast"], result["upper"], strict=True
        )
    )
    assert len(result["similar_games"]) == 3
    assert "margin_24" in result["similar_games"][0]
    assert "minute" in predict.format_predict(result)


def test_predict_refuses_the_wrong_number_of_margins(
    finished_run: tuple[Path, str],
) -> None:
    out, _ = finished_run

    with pytest.raises(DataError, match="exactly 18"):
        predict.predict_game(out / "models", margins="1,2,3")


def _live_csv(path: Path, minutes: int) -> Path:
    """A v1 play-by-play of a game in progress: a home basket every minute."""
    header = (
        "GAME_ID,EVENTNUM,EVENTMSGTYPE,EVENTMSGACTIONTYPE,PERIOD,WCTIMESTRING,"
        "PCTIMESTRING,HOMEDESCRIPTION,NEUTRALDESCRIPTION,VISITORDESCRIPTION,SCORE,"
        "SCOREMARGIN"
    )
    rows = [header, "0021600999,0,12,0,1,7:00 PM,12:00,,,,,"]
    home = 0
    for minute in range(1, minutes + 1):
        period = 1 if minute <= 12 else 2
        remaining = 12 * period - minute  # whole minutes left in the period
        home += 2
        rows.append(
            f"0021600999,{minute},1,1,{period},7:00 PM,{remaining}:00,"
            f"Basket,,,0 - {home},{home}"
        )
        if minute == 12:
            rows.append("0021600999,100,13,0,1,7:30 PM,0:00,,,,,")
            rows.append("0021600999,101,12,0,2,7:35 PM,12:00,,,,,")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_predict_reads_a_game_in_progress(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    pbp = _live_csv(tmp_path / "live.csv", minutes=19)

    result = predict.predict_game(out / "models", pbp=pbp, model="dejavu")

    assert result["game_id"] == "0021600999"
    assert result["known_margins"] == [2.0 * m for m in range(1, 19)]
    assert len(result["forecast"]) == 6


def test_predict_refuses_a_game_before_the_cutoff(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    pbp = _live_csv(tmp_path / "early.csv", minutes=10)

    with pytest.raises(DataError, match="reached minute 10"):
        predict.predict_game(out / "models", pbp=pbp)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2", "has 2 value"),
        (",".join(["1"] * 17 + ["nan"]), "minute 18 has 'nan'"),
        (",".join(["1"] * 17 + ["1e308"]), "minute 18"),
        (",".join(["2.5"] + ["1"] * 17), "minute 1 has '2.5'"),
        (",".join(["400"] + ["1"] * 17), "between -100 and 100"),
    ],
)
def test_margins_must_be_whole_points_for_every_minute(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        predict.parse_margins(text, 18)


def test_negative_margins_parse() -> None:
    values = predict.parse_margins(",".join(["-3"] * 18), 18)

    assert values.tolist() == [-3.0] * 18


def test_minutes_past_the_cutoff_are_reported_not_used(
    finished_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = finished_run
    pbp = _live_csv(tmp_path / "live.csv", minutes=20)

    result = predict.predict_game(out / "models", pbp=pbp, model="dejavu")

    assert result["known_margins"] == [2.0 * m for m in range(1, 19)]
    assert result["margins_after_cutoff"] == [38.0, 40.0]
    assert "the file reaches minute 20" in predict.format_predict(result)
