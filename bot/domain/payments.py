"""Money owed: due dates from payment terms, payment status, ageing of what is overdue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.models import OrderStatus, PaymentKind, PaymentStatus


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


def deposit(lines: Iterable[tuple[int, int]], charge: int) -> int:
    """The deposit asked at approval of an order with pre-ordered lines, from each such line's
    (total, percent): the sum of total × percent / 100, rounded half up to minor units once
    (not line by line), and never more than the order charges."""
    hundredths = sum(total * percent for total, percent in lines if total > 0 and percent > 0)
    return max(0, min((hundredths + 50) // 100, charge))


# An order that ends like this charges nothing: whatever was paid on it is to be paid back.
CHARGES_NOTHING = (OrderStatus.CANCELLED, OrderStatus.REJECTED)


class Ledger(BaseModel):
    """An order's money, the one rule every screen, export and report follows: what the order
    charges now, what came in and what went back; from these, what is owed, what is to be paid
    back, and the payment status. paid − refunded + owed − refund due = charge, never a lost
    cent, and owed and refund due are never both above zero."""

    model_config = ConfigDict(frozen=True)

    charge: int
    paid: int
    refunded: int

    @property
    def net(self) -> int:
        """What the seller holds: paid less refunded."""
        return self.paid - self.refunded

    @property
    def owed(self) -> int:
        """What the customer still has to pay."""
        return max(0, self.charge - self.net)

    @property
    def refund_due(self) -> int:
        """What the seller has to pay back."""
        return max(0, self.net - self.charge)

    @property
    def status(self) -> PaymentStatus:
        """Unpaid, partially paid, paid; once money went back, partially refunded or refunded
        (everything paid went back). Something still owed is (partially) unpaid whatever went
        back before."""
        if self.paid <= 0:
            return PaymentStatus.UNPAID
        if self.owed:
            return PaymentStatus.PARTIALLY_PAID if self.net > 0 else PaymentStatus.UNPAID
        if not self.refunded:
            return PaymentStatus.PAID
        return PaymentStatus.REFUNDED if self.net <= 0 else PaymentStatus.PARTIALLY_REFUNDED


def ledger(total: int, status: OrderStatus, paid: int, refunded: int) -> Ledger:
    """An order's money from its total and status and the sums paid and refunded."""
    return Ledger(charge=0 if status in CHARGES_NOTHING else total, paid=paid, refunded=refunded)


def reschedule(dues: Sequence[tuple[date, int]], total: int) -> list[tuple[date, int]]:
    """Due dates after an invoiced total changed to `total`: an increase falls due with the
    last date; a decrease comes off the last dates first; dates left with nothing go."""
    days = sorted(dues)
    if not days or total <= 0:
        return []
    change = total - sum(a for _, a in days)
    if change >= 0:
        return [*days[:-1], (days[-1][0], days[-1][1] + change)]
    left = []
    cut = -change
    for day, amount in reversed(days):
        taken = min(cut, amount)
        cut -= taken
        if amount - taken:
            left.append((day, amount - taken))
    return sorted(left)


def spread(owed: Sequence[int], money: int) -> tuple[list[int], int]:
    """Money spread over debts in the order given (oldest first): what each receives, and what
    is left over once all are paid."""
    parts = []
    for amount in owed:
        part = min(money, max(amount, 0))
        parts.append(part)
        money -= part
    return parts, money


def oldest_first(dues: Sequence[tuple[date, int]]) -> list[int]:
    """The order in which money pays due dates (given in instalment order, as stored by seq):
    the oldest due date first, due dates on the same day in instalment order. Migration 0030's
    view dues_outstanding (open_dues) follows the same order in SQL."""
    return sorted(range(len(dues)), key=lambda i: (dues[i][0], i))


def remaining(dues: Sequence[tuple[date, int]], paid: int) -> list[int]:
    """The one allocation rule: what is still owed of each due date (given in instalment
    order), in the order given, money paid (less refunded) going to the due dates in the
    order of oldest_first."""
    left = [amount for _, amount in dues]
    for index in oldest_first(dues):
        used = min(max(paid, 0), left[index])
        paid -= used
        left[index] -= used
    return left


def outstanding(dues: Sequence[tuple[date, int]], paid: int) -> list[tuple[date, int]]:
    """The due dates still owed something and what (remaining), in the order they are paid
    (oldest_first)."""
    left = remaining(dues, paid)
    return [(dues[i][0], left[i]) for i in oldest_first(dues) if left[i]]


def bucket(days_overdue: int) -> int:
    """The ageing bucket (0: 0–30, 1: 31–60, 2: 61–90, 3: 90+) of days past due."""
    for index, (low, high) in enumerate(AGEING):
        if days_overdue >= low and (high is None or days_overdue <= high):
            return index
    return 0
