"""Working days (issue 15, item 11): one rule decides them; checkout and ship deadlines use it."""

from __future__ import annotations

from datetime import date

from bot.config import CalendarConfig
from bot.domain.reminders import ship_deadline
from bot.domain.workdays import WorkingCalendar

FRIDAY = date(2026, 11, 27)
SATURDAY, SUNDAY, MONDAY = date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)


def test_monday_to_friday_by_default_and_holidays_skipped() -> None:
    calendar = CalendarConfig(holidays=[MONDAY]).working
    assert calendar.is_working_day(FRIDAY)
    assert not calendar.is_working_day(SATURDAY)
    assert not calendar.is_working_day(SUNDAY)
    assert not calendar.is_working_day(MONDAY)  # a holiday
    assert calendar.on_or_after(SATURDAY) == date(2026, 12, 1)
    assert calendar.on_or_after(FRIDAY) == FRIDAY
    assert calendar.working_days(FRIDAY, date(2026, 12, 2)) == [
        FRIDAY,
        date(2026, 12, 1),
        date(2026, 12, 2),
    ]


def test_working_weekdays_are_configurable() -> None:
    six_days = CalendarConfig(working_weekdays=[1, 2, 3, 4, 5, 6]).working
    assert six_days.is_working_day(SATURDAY) and not six_days.is_working_day(SUNDAY)


def test_a_calendar_without_working_days_never_loops() -> None:
    none = WorkingCalendar(weekdays=frozenset())
    assert none.on_or_after(SATURDAY) == SATURDAY


def test_the_ship_deadline_lands_on_a_working_day() -> None:
    calendar = CalendarConfig().working
    assert ship_deadline(date(2026, 11, 26), None, 2, calendar) == MONDAY  # Thu + 2 = Sat
    assert ship_deadline(date(2026, 11, 26), None, 1, calendar) == FRIDAY
    assert ship_deadline(date(2026, 11, 26), SUNDAY, 1, calendar) == SUNDAY  # as promised
