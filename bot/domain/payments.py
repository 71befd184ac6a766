"""Money owed: due dates from payment terms, payment status, ageing of what is overdue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.models import PaymentKind, PaymentStatus


class Method(StrEnum):
    """How a payment came in."""

    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    CARD = "card"
    OTHER = "other"


AGEING = ((0, 30), (31, 60), (61, 90), (91, None))


def schedule(
    kind: PaymentKind,
    amount: int,
    start: date,
    *,
    days: int | None = None,
    count: int | None = None,
    interval: int | None = None,
) -> list[tuple[date, int]]:
    """Due dates and amounts from the start date (invoice date): instalments split evenly,
    the rounding remainder on the first."""
    if amount <= 0:
        return []
    if kind is PaymentKind.NET:
        return [(start + timedelta(days or 0), amount)]
    if kind is PaymentKind.INSTALMENTS:
        n, every = count or 1, interval or 0
        part, rest = divmod(amount, n)
        return [(start + timedelta(every * i), part + (rest if i == 0 else 0)) for i in range(n)]
    return [(start, amount)]


def payment_status(total: int, paid: int) -> PaymentStatus:
    """Unpaid, partially paid or paid."""
    if paid <= 0:
        return PaymentStatus.UNPAID
    return PaymentStatus.PAID if paid >= total else PaymentStatus.PARTIALLY_PAID


def outstanding(dues: Iterable[tuple[date, int]], paid: int) -> list[tuple[date, int]]:
    """What is still owed of each due date, paying the oldest first."""
    left = []
    for due, amount in sorted(dues):
        used = min(paid, amount)
        paid -= used
        if amount - used:
            left.append((due, amount - used))
    return left


def remaining(dues: Sequence[tuple[date, int]], paid: int) -> list[int]:
    """What is still owed of each due date, in the order given, paying the oldest first."""
    left = [amount for _, amount in dues]
    for index in sorted(range(len(dues)), key=lambda i: dues[i][0]):
        used = min(paid, left[index])
        paid -= used
        left[index] -= used
    return left


def bucket(days_overdue: int) -> int:
    """The ageing bucket (0: 0–30, 1: 31–60, 2: 61–90, 3: 90+) of days past due."""
    for index, (low, high) in enumerate(AGEING):
        if days_overdue >= low and (high is None or days_overdue <= high):
            return index
    return 0
