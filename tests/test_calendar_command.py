"""The `market-days` subcommand, called through its argparse handler."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, tzinfo

import pytest

from marketbot.calendar import command


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="marketbot")
    command.add_subcommand(parser.add_subparsers())
    args = parser.parse_args(["market-days", *argv])
    code: int = args.handler(args)
    return code


def test_prints_the_next_dates_with_weekday_and_lunar_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("逢三六九", "--from", "2026-12-01") == 0
    assert capsys.readouterr().out.splitlines() == [
        "2026-12-01 周二 农历十月廿三",
        "2026-12-04 周五 农历十月廿六",
        "2026-12-07 周一 农历十月廿九",
        "2026-12-11 周五 农历冬月初三",
        "2026-12-14 周一 农历冬月初六",
    ]


def test_json_and_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("每周六，春节期间除外", "--from", "2027-01-30", "--count", "3", "--json") == 0
    # 2027-02-06 is 春节 (正月初一), so that Saturday is skipped.
    assert json.loads(capsys.readouterr().out) == ["2027-01-30", "2027-02-13", "2027-02-20"]


def test_english_labels_and_settings(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("逢十", "--from", "2026-02-10", "--count", "2", "--lang", "en") == 0
    # 腊月 of lunar 2025 has 29 days: under the default "skip" its 30th does not happen.
    assert capsys.readouterr().out.splitlines() == [
        "2026-02-26 Thu lunar 1-10",
        "2026-03-08 Sun lunar 1-20",
    ]
    assert run("逢十", "--from", "2026-02-10", "--count", "1", "--day30", "day29") == 0
    assert capsys.readouterr().out == "2026-02-16 周一 农历腊月廿九\n"


def test_one_off_in_the_past_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("2020年1月1日", "--from", "2026-01-01") == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("phrase", ["随便", "下雨天", "逢", ""])
def test_unparseable_phrase_exits_2_with_the_chat_help(
    phrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(phrase) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "逢三六九" in captured.err
    assert "每周六" in captured.err


def test_date_outside_the_range_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("天天", "--from", "2100-01-01") == 2
    assert "supported range" in capsys.readouterr().err


def test_bad_count_is_an_argparse_error() -> None:
    with pytest.raises(SystemExit) as caught:
        run("天天", "--count", "0")
    assert caught.value.code == 2


class _FixedNow(datetime):
    """01:00 on 2026-02-17 in Pingyao, still 2026-02-16 in UTC."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _FixedNow:
        instant = datetime(2026, 2, 16, 17, 0, tzinfo=UTC)
        moment = instant.astimezone(tz)
        return cls(*moment.timetuple()[:6], tzinfo=moment.tzinfo)


@pytest.mark.parametrize(
    ("timezone", "first"),
    [("Asia/Shanghai", "2026-02-17 周二 农历正月初一"), ("UTC", "2026-02-16 周一 农历腊月廿九")],
)
def test_today_is_taken_in_the_market_time_zone(
    timezone: str,
    first: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(command, "datetime", _FixedNow)
    assert run("天天", "--count", "1", "--timezone", timezone) == 0
    assert capsys.readouterr().out == first + "\n"


def test_unknown_time_zone_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("天天", "--timezone", "Mars/Olympus") == 2
    assert capsys.readouterr().err
