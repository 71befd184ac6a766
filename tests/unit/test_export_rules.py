"""Export periods: what may be typed, the preset periods at month and year ends, file names."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.exports import MAX_DAYS, ExportPeriod, Preset, parse_period
from bot.services.exports import _age

NOVEMBER = ExportPeriod(start=date(2026, 11, 1), end=date(2026, 11, 30))


@pytest.mark.parametrize(
    "typed",
    [
        "2026-11-01 2026-11-30",
        "  2026-11-01   2026-11-30 ",
        "2026-11-01 – 2026-11-30",
        "2026-11-01 - 2026-11-30",
        "2026-11-01-2026-11-30",
        "2026-11-01..2026-11-30",
        "2026-11-01 to 2026-11-30",
        "2026-11-01 至 2026-11-30",
        "2026/11/1 2026.11.30",
        "２０２６-１１-０１ ２０２６-１１-３０",  # full-width digits from a Chinese keyboard
    ],
)
def test_typed_periods_understood(typed: str) -> None:
    assert parse_period(typed) == NOVEMBER


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "november",
        "2026-11-01",
        "2026-13-01 2026-12-01",
        "2026-02-30 2026-03-01",
        "2026-11-30 2026-11-01",
        "2016-01-01 2025-12-31",
        "2025-01-01 2026-01-02",  # 367 days
        "-3",
        "1000000000",
        "2026-11-01 2026-11-30 2026-12-31",
        "2026-11-01 " * 500,
    ],
)
def test_bad_periods_refused_with_the_limit(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_period(typed)
    assert refused.value.problem is InputProblem.PERIOD_INVALID
    assert refused.value.high == MAX_DAYS


def test_a_year_is_the_longest_period() -> None:
    assert parse_period("2024-01-01 2024-12-31").days == 366  # a leap year
    assert parse_period("2026-11-30 2026-11-30").days == 1


@pytest.mark.parametrize(
    ("today", "preset", "start", "end"),
    [
        (date(2026, 11, 23), Preset.THIS_MONTH, date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 12, 31), Preset.THIS_MONTH, date(2026, 12, 1), date(2026, 12, 31)),
        (date(2028, 2, 10), Preset.THIS_MONTH, date(2028, 2, 1), date(2028, 2, 29)),
        (date(2026, 11, 23), Preset.LAST_MONTH, date(2026, 10, 1), date(2026, 10, 31)),
        (date(2027, 1, 1), Preset.LAST_MONTH, date(2026, 12, 1), date(2026, 12, 31)),
        (date(2026, 3, 31), Preset.LAST_MONTH, date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 11, 23), Preset.THIS_YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_presets(today: date, preset: Preset, start: date, end: date) -> None:
    assert ExportPeriod.preset(preset, today) == ExportPeriod(start=start, end=end)


def test_slug_and_ageing_labels() -> None:
    assert NOVEMBER.slug() == "20261101-20261130"
    assert [_age(d) for d in (0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        "",
        "0–30",
        "0–30",
        "31–60",
        "31–60",
        "61–90",
        "61–90",
        "90+",
        "90+",
    ]
