"""SQL expressions for business days: the day a stored UTC moment falls on in a time zone, and
the working day on or after a day, so that reports can count by day inside SQLite.

SQLite knows no time zones: the zone's UTC offsets between two moments are found here (its
transitions, to the second) and written as one CASE over the stored text, whose moments all
have the same ISO format and so compare as text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.db._rows import ts
from bot.domain.workdays import SEARCH_LIMIT, WorkingCalendar

_STEP = timedelta(hours=6)


def _offset(zone: ZoneInfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def _change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first whole second in (before, after] with the offset `after` has."""
    target = _offset(zone, after)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        middle = middle.replace(microsecond=0)
        if middle <= before:
            middle = before + timedelta(seconds=1)
        if _offset(zone, middle) == target:
            after = middle
        else:
            before = middle
    return after


@lru_cache(maxsize=64)
def transitions(zone: ZoneInfo, first: date, last: date) -> tuple[tuple[datetime, int], ...]:
    """The zone's offset (seconds) from each UTC moment on, covering the UTC days first..last:
    the first entry holds from any earlier moment."""
    moment = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    found = [(moment, _offset(zone, moment))]
    while moment < end:
        step = min(moment + _STEP, end)
        if _offset(zone, step) != found[-1][1]:
            at = _change(zone, moment, step)
            found.append((at, _offset(zone, at)))
        moment = step
    return tuple(found)


def local_day(column: str, zone: ZoneInfo, first: date, last: date) -> tuple[str, list[object]]:
    """SQL for the business day (ISO text) of a stored moment between the UTC days first and
    last (moments before take the first offset), with its parameters."""
    changes = transitions(zone, first, last)
    params: list[object] = []
    cases = ""
    for (_, offset), (at, _) in pairwise(changes):
        cases += f" WHEN {column} < ? THEN ?"
        params += [ts(at), f"{offset:+d} seconds"]
    params.append(f"{changes[-1][1]:+d} seconds")
    # Whole seconds: SQLite would round the microseconds to milliseconds, maybe to midnight.
    second = f"substr({column}, 1, 19)"
    return f"date({second}, CASE{cases} ELSE ? END)" if cases else f"date({second}, ?)", params


def _longest_break(calendar: WorkingCalendar) -> int:
    """The most days in a row that are not working days (SEARCH_LIMIT when none is)."""
    if not calendar.weekdays:
        return SEARCH_LIMIT
    days = sorted(calendar.holidays)
    start = (days[0] if days else date(2000, 1, 3)) - timedelta(days=7)
    end = (days[-1] if days else date(2000, 1, 9)) + timedelta(days=7)
    longest = run = 0
    day = start
    while day <= end:
        run = 0 if calendar.is_working_day(day) else run + 1
        longest = max(longest, run)
        day += timedelta(days=1)
    return min(longest, SEARCH_LIMIT)


def on_or_after(day: str, calendar: WorkingCalendar) -> tuple[str, list[object]]:
    """SQL for `calendar.on_or_after(day)` of a day expression (ISO text), with parameters."""
    weekdays = ", ".join(str(d % 7) for d in sorted(calendar.weekdays)) or "NULL"
    holidays = [d.isoformat() for d in sorted(calendar.holidays)]
    in_holidays = f"IN ({', '.join('?' * len(holidays))})" if holidays else "IN (NULL)"
    sql = "CASE"
    params: list[object] = []
    for n in range(_longest_break(calendar) + 1):
        if n >= SEARCH_LIMIT:
            break
        candidate = f"date({day}, '+{n} days')"
        sql += (
            f" WHEN CAST(strftime('%w', {candidate}) AS INTEGER) IN ({weekdays})"
            f" AND {candidate} NOT {in_holidays} THEN {candidate}"
        )
        params += holidays
    return f"{sql} ELSE {day} END", params
