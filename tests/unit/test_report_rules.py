"""The pure rules of reports: periods in the business zone, the custom period typed, and the
arithmetic of each KPI; the feedback comment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.feedback import parse_comment
from bot.domain.reminders import ship_deadline
from bot.domain.reports import (
    SHORT_REASON,
    CancelStage,
    DaySales,
    Period,
    PeriodKind,
    Ratio,
    cancel_stage,
    daily,
    delivery_due,
    duration_stats,
    filled,
    group_reasons,
    parse_period,
    period_for,
    rating_summary,
)
from bot.domain.roles import Permission, Role, allowed
from bot.handlers.menus import commands

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("kind", "today", "start"),
    [
        (PeriodKind.TODAY, TODAY, TODAY),
        (PeriodKind.WEEK, TODAY, date(2026, 11, 23)),  # the Monday
        (PeriodKind.WEEK, date(2026, 11, 23), date(2026, 11, 23)),  # Monday itself
        (PeriodKind.WEEK, date(2026, 11, 29), date(2026, 11, 23)),  # Sunday
        (PeriodKind.MONTH, TODAY, date(2026, 11, 1)),
        (PeriodKind.MONTH, date(2026, 12, 1), date(2026, 12, 1)),
    ],
)
def test_periods_end_today(kind: PeriodKind, today: date, start: date) -> None:
    period = period_for(kind, today)
    assert (period.start, period.end) == (start, today)


def test_a_period_is_whole_days_in_the_business_zone() -> None:
    week = Period(date(2026, 11, 23), date(2026, 11, 29))
    assert week.days == 7 and week.dates()[0] == date(2026, 11, 23)
    first, after = week.bounds(ZoneInfo("Asia/Shanghai"))
    # Shanghai is UTC+8: the week runs from Sunday 16:00 UTC to the next Sunday 16:00 UTC.
    assert first.astimezone(UTC) == datetime(2026, 11, 22, 16, tzinfo=UTC)
    assert after.astimezone(UTC) == datetime(2026, 11, 29, 16, tzinfo=UTC)
    # The day Berlin leaves summer time has 25 hours.
    day = Period(date(2026, 10, 25), date(2026, 10, 25))
    first, after = day.bounds(ZoneInfo("Europe/Berlin"))
    assert after.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=25)


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2026, 11, 2), date(2026, 11, 1)), (date(2025, 1, 1), date(2026, 1, 2))],
)
def test_a_period_runs_forward_and_at_most_366_days(start: date, end: date) -> None:
    with pytest.raises(InvalidInput) as refused:
        Period(start, end)
    assert refused.value.problem is InputProblem.PERIOD_INVALID and refused.value.high == 366
    assert Period(date(2024, 1, 1), date(2024, 12, 31)).days == 366  # a leap year fits


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-11-01 2026-11-23", date(2026, 11, 1), date(2026, 11, 23)),
        ("  2026-11-01  -  2026-11-23 ", date(2026, 11, 1), date(2026, 11, 23)),
        ("2026-11-01..2026-11-23", date(2026, 11, 1), date(2026, 11, 23)),
        ("2026/11/01 to 2026/11/23", date(2026, 11, 1), date(2026, 11, 23)),
        ("1.11.2026 – 23.11.2026", date(2026, 11, 1), date(2026, 11, 23)),
        ("2026年11月1日至2026年11月23日", date(2026, 11, 1), date(2026, 11, 23)),
        (
            "２０２６-１１-０１ ２０２６-１１-２３",
            date(2026, 11, 1),
            date(2026, 11, 23),
        ),  # full width
        ("с 01.11.2026 по 23.11.2026", date(2026, 11, 1), date(2026, 11, 23)),
        ("2026-11-05", date(2026, 11, 5), date(2026, 11, 5)),  # one day
        ("2025-11-24 2026-11-23", date(2025, 11, 24), date(2026, 11, 23)),  # 365 days
    ],
)
def test_custom_periods_typed(text: str, start: date, end: date) -> None:
    assert parse_period(text, TODAY) == Period(start, end)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "-3",
        "10^9",
        "2026-11-23 2026-11-01",  # backwards
        "2025-01-01 2026-11-01",  # too long
        "2026-02-30 2026-03-01",  # no such day
        "2026-11-01 2026-11-10 2026-11-20",  # three
        "2026-11-01 2026-11-23 and 5 more",
        "20261101 20261123",
        "2026-11-01 " + "x" * 5000,
    ],
)
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_period(text, TODAY)
    assert refused.value.problem is InputProblem.PERIOD_INVALID


def test_durations_count_mean_median_longest() -> None:
    assert duration_stats([]).count == 0 and duration_stats([]).median is None
    h = timedelta(hours=1)
    odd = duration_stats([3 * h, h, 2 * h])
    assert (odd.count, odd.average, odd.median, odd.longest) == (3, 2 * h, 2 * h, 3 * h)
    even = duration_stats([h, 4 * h, 2 * h, 10 * h])  # middle two: 2 h and 4 h
    assert even.median == 3 * h and even.average == 17 * h / 4


def test_deadlines_and_on_time() -> None:
    approved = date(2026, 11, 23)
    assert ship_deadline(approved, None, 2) == date(2026, 11, 25)  # the type's SLA
    assert ship_deadline(approved, date(2026, 11, 24), 2) == date(2026, 11, 24)  # promised
    # The customer's desired date wins; without one, the deadline plus transit days.
    assert delivery_due(date(2026, 11, 26), date(2026, 11, 24), 3) == date(2026, 11, 26)
    assert delivery_due(None, date(2026, 11, 24), 3) == date(2026, 11, 27)
    deadline = date(2026, 11, 25)
    assert filled(0, deadline, deadline)  # on the day counts
    assert not filled(0, deadline + timedelta(days=1), deadline)  # late
    assert not filled(1, deadline, deadline)  # a unit cancelled


def test_ratios() -> None:
    assert Ratio(2, 3).rate == pytest.approx(2 / 3)
    assert Ratio(0, 0).rate is None


def test_every_day_of_the_period_shows_with_zero_days() -> None:
    week = Period(date(2026, 11, 23), date(2026, 11, 25))
    sales = [
        (date(2026, 11, 23), 100),
        (date(2026, 11, 23), 250),
        (date(2026, 11, 25), 5),
        (date(2026, 11, 26), 999),  # outside: left out
    ]
    assert daily(week, sales) == (
        DaySales(date(2026, 11, 23), 2, 350),
        DaySales(date(2026, 11, 24), 0, 0),
        DaySales(date(2026, 11, 25), 1, 5),
    )


def test_reasons_grouped_and_stages() -> None:
    reasons = ["Too late", " too  LATE", "Wrong size", None, "too late"]
    assert group_reasons(reasons) == (("Too late", 3), ("", 1), ("Wrong size", 1))
    assert cancel_stage("submitted", "changed my mind") is CancelStage.BEFORE_APPROVAL
    assert cancel_stage("approved", "changed my mind") is CancelStage.AFTER_APPROVAL
    assert cancel_stage("approved", SHORT_REASON) is CancelStage.SHORT


def test_rating_summary() -> None:
    summary = rating_summary([(5, 2), (1, 1), (3, 1), (9, 4)])  # 9 is no rating
    assert summary.counts == (1, 0, 1, 0, 2)
    assert summary.count == 4
    assert summary.average == pytest.approx((5 + 5 + 1 + 3) / 4)
    assert rating_summary([]).average is None


def test_comments_are_cleaned_and_bounded() -> None:
    assert parse_comment("  Fast\u200b delivery \n\n thanks ") == "Fast delivery\nthanks"
    assert len(parse_comment("x" * 1000)) == 1000
    for bad in ("", "   ", "x" * 1001):
        with pytest.raises(InvalidInput) as refused:
            parse_comment(bad)
        assert refused.value.problem is InputProblem.COMMENT_LENGTH


def test_reports_are_for_managers_and_admins() -> None:
    for role in Role:
        expected = role in (Role.SALES_MANAGER, Role.ADMIN)
        assert allowed(frozenset({role}), Permission.VIEW_REPORTS) is expected
        assert ("report" in dict(commands(frozenset({role})))) is expected
