"""A statement of account (对账单): a customer's invoices, credit and debit notes, payments and
refunds over a period, with the balance before it, after each entry and at its end.

The balance is what the customer owes the seller: invoices, debit notes and refunds add to it,
payments and credit notes take from it. Above zero the customer owes; below zero the seller
does (a credit in the customer's favour). Amounts are in minor units; days are business days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.reports import Period


class EntryKind(StrEnum):
    """What moved the balance."""

    INVOICE = "invoice"
    DEBIT_NOTE = "debit_note"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    REFUND = "refund"


# +1: the customer owes more; -1: less.
SIGN = {
    EntryKind.INVOICE: 1,
    EntryKind.DEBIT_NOTE: 1,
    EntryKind.REFUND: 1,
    EntryKind.CREDIT_NOTE: -1,
    EntryKind.PAYMENT: -1,
}
# On one day and at one moment: documents before the money that settles them.
RANK = {
    EntryKind.INVOICE: 0,
    EntryKind.DEBIT_NOTE: 1,
    EntryKind.CREDIT_NOTE: 2,
    EntryKind.PAYMENT: 3,
    EntryKind.REFUND: 4,
}


class Presets(StrEnum):
    """Periods offered on buttons."""

    THIS_MONTH = "tm"
    LAST_MONTH = "lm"
    THIS_YEAR = "ty"


class Movement(BaseModel):
    """One entry of the book: its kind, business day, the moment it was recorded (to order a
    day's entries), its order, its document number (invoices and notes) or method (money),
    and its amount, above zero."""

    model_config = ConfigDict(frozen=True)

    kind: EntryKind
    day: date
    at: datetime
    order_number: str
    document: str | None = None
    method: str | None = None
    amount: int

    @property
    def change(self) -> int:
        """What it does to the balance: + the customer owes more, − less."""
        return SIGN[self.kind] * self.amount


def note_kind(amount: int) -> EntryKind:
    """A stored note's kind: above zero taken off the invoice (credit), below added (debit)."""
    return EntryKind.CREDIT_NOTE if amount > 0 else EntryKind.DEBIT_NOTE


class Line(BaseModel):
    """An entry of the period and the balance after it."""

    model_config = ConfigDict(frozen=True)

    entry: Movement
    balance: int


class Statement(BaseModel):
    """Opening balance, the period's entries in order with the running balance, closing."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    opening: int
    lines: tuple[Line, ...]

    @property
    def closing(self) -> int:
        """The balance at the end of the period."""
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def debits(self) -> int:
        """What the period added to the balance."""
        return sum(line.entry.change for line in self.lines if line.entry.change > 0)

    @property
    def credits(self) -> int:
        """What the period took off the balance (a positive amount)."""
        return -sum(line.entry.change for line in self.lines if line.entry.change < 0)


def _key(entry: Movement) -> tuple[date, datetime, int, str, str]:
    return (entry.day, entry.at, RANK[entry.kind], entry.order_number, entry.document or "")


def build(entries: Iterable[Movement], start: date, end: date, opening: int = 0) -> Statement:
    """The statement from `start` to `end` (both included): entries before the period are
    added to the opening balance (on top of `opening`, what came before them), entries after
    it are left out, the rest are put in date order with the balance after each."""
    balance = opening
    inside = []
    for entry in sorted(entries, key=_key):
        if entry.day < start:
            balance += entry.change
        elif entry.day <= end:
            inside.append(entry)
    first = balance
    lines = []
    for entry in inside:
        balance += entry.change
        lines.append(Line(entry=entry, balance=balance))
    return Statement(start=start, end=end, opening=first, lines=tuple(lines))


def preset_period(preset: Presets, today: date) -> Period:
    """This month and this year up to today; last month whole."""
    if preset is Presets.THIS_YEAR:
        return Period(date(today.year, 1, 1), today)
    if preset is Presets.LAST_MONTH:
        return previous_month(today)
    return Period(today.replace(day=1), today)


def previous_month(today: date) -> Period:
    """The whole month before today's."""
    last = today.replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last)


def month_key(period: Period) -> str:
    """The month a period starts in, as 2026-11 (monthly statements are sent once each)."""
    return f"{period.start:%Y-%m}"


def monthly_due(local: datetime, day: int, hour: int) -> bool:
    """Whether a month's statements go out at this local time: from `hour` on the `day` of the
    month, and any time later in the month (a bot that was down catches up)."""
    return local.day > day or (local.day == day and local.hour >= hour)
