"""Working days: which days deliveries are offered and shipping deadlines counted on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

MONDAY_TO_FRIDAY = frozenset({1, 2, 3, 4, 5})
# Past this many days without a working one the calendar is taken as having none.
SEARCH_LIMIT = 400


@dataclass(frozen=True)
class WorkingCalendar:
    """The seller's working weekdays (ISO: 1 = Monday) and holidays."""

    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        """Whether goods are delivered and shipped on this day (the one rule)."""
        return day.isoweekday() in self.weekdays and day not in self.holidays

    def working_days(self, start: date, end: date) -> list[date]:
        """The working days from start to end, both included."""
        days = (start + timedelta(n) for n in range((end - start).days + 1))
        return [d for d in days if self.is_working_day(d)]

    def on_or_after(self, day: date) -> date:
        """This day if it is a working day, else the next one (the day itself if there is none)."""
        for n in range(SEARCH_LIMIT):
            candidate = day + timedelta(n)
            if self.is_working_day(candidate):
                return candidate
        return day


def calendar_of(weekdays: Iterable[int], holidays: Iterable[date]) -> WorkingCalendar:
    """A working calendar from configured weekdays and holidays."""
    return WorkingCalendar(frozenset(weekdays), frozenset(holidays))
