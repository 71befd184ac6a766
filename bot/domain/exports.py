"""Exports: which data set, for which days, as a table of plain values (no I/O here)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import InputProblem, InvalidInput

# A custom period spans at most this many days (a leap year).
MAX_DAYS = 366


class Dataset(StrEnum):
    """What can be exported."""

    ORDERS = "orders"
    LINES = "lines"
    PAYMENTS = "payments"
    RECEIVABLES = "receivables"


class Preset(StrEnum):
    """Periods offered as buttons."""

    THIS_MONTH = "tm"
    LAST_MONTH = "lm"
    THIS_YEAR = "ty"


class Kind(StrEnum):
    """How a column's values are written: money is in minor units in the table."""

    TEXT = "text"
    INT = "int"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"  # naive, wall-clock time in the business time zone
    ORDER_STATUS = "order_status"
    PAYMENT_STATUS = "payment_status"
    METHOD = "method"
    ENTRY = "entry"  # money in ("payment") or out ("refund")


class Column(BaseModel):
    """A column: a key (its English header is derived from it) and how to write it."""

    model_config = ConfigDict(frozen=True)

    key: str
    kind: Kind = Kind.TEXT


Cell = str | int | date | datetime | None


class ExportPeriod(BaseModel):
    """Whole days from `start` to `end`, both included, in the business time zone."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date

    @property
    def days(self) -> int:
        """How many days the period spans."""
        return (self.end - self.start).days + 1

    @classmethod
    def of(cls, start: date, end: date) -> ExportPeriod:
        """A period that does not end before it starts and spans at most MAX_DAYS days."""
        if end < start or (end - start).days + 1 > MAX_DAYS:
            raise InvalidInput(InputProblem.PERIOD_INVALID, high=MAX_DAYS)
        return cls(start=start, end=end)

    def slug(self) -> str:
        """The period in a file name: 20261101-20261130."""
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    @classmethod
    def preset(cls, preset: Preset, today: date) -> ExportPeriod:
        """This month, last month or this year, whole (the current one runs to its end)."""
        if preset is Preset.THIS_YEAR:
            return cls(start=date(today.year, 1, 1), end=date(today.year, 12, 31))
        first = today.replace(day=1)
        if preset is Preset.LAST_MONTH:
            last = first - timedelta(days=1)
            return cls(start=last.replace(day=1), end=last)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(start=first, end=following - timedelta(days=1))


_DAY = r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})"
_PERIOD = re.compile(rf"{_DAY}\s*(?:\s|–|—|-{{1,2}}|\.\.|~|to|до|至|到)\s*{_DAY}", re.IGNORECASE)


def parse_period(text: str) -> ExportPeriod:
    """Two days typed as "2026-11-01 2026-11-30" (or with –, .., to): a valid period of at
    most MAX_DAYS days that does not end before it starts."""
    value = unicodedata.normalize("NFKC", text).strip()
    match = _PERIOD.fullmatch(value) if len(value) <= 64 else None
    if match is None:
        raise InvalidInput(InputProblem.PERIOD_INVALID, high=MAX_DAYS)
    numbers = [int(g) for g in match.groups()]
    try:
        start, end = date(*numbers[:3]), date(*numbers[3:])
    except ValueError:
        raise InvalidInput(InputProblem.PERIOD_INVALID, high=MAX_DAYS) from None
    return ExportPeriod.of(start, end)


class Table(BaseModel):
    """An export: its columns and rows of plain values (money in minor units, dates and
    times in the business time zone)."""

    model_config = ConfigDict(frozen=True)

    dataset: Dataset
    period: ExportPeriod
    # Receivables are what was owed at the end of this day (the period's last, or today).
    as_of: date | None = None
    currency: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def column(self, key: str) -> list[Cell]:
        """Every value of one column."""
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]
