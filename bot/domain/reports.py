"""Reports: the period asked for and the arithmetic of every figure; no database, no clock.

What each figure counts (the services feed these functions from the database):

- **A sale** is an order that was approved and is not cancelled or rejected (approved, partially
  shipped, shipped, delivered or completed), counted on the business day it was submitted. Its
  amount is the order's total as it stands now, in minor units: goods after the discount, plus
  the delivery fee, plus tax where it is added on top; what the customer is invoiced. A product's
  sales are its units ordered less those cancelled (a line found short), at the line's unit
  price: before the order's discount, without delivery and tax.
- **Sales by rep** go to the rep who was the customer's rep when the order came in.
- **Time to approval**: for the orders approved in the period, from submission to approval
  (automatic approvals count, with about no wait).
- **Time to shipment**: for the orders shipped in full in the period (their last shipment left in
  the period and nothing is left to ship), from submission to that last shipment.
- **Ship deadline**: the ship date promised on approval, else the approval day plus the order
  type's `ship_within_days` (`bot.domain.reminders.ship_deadline`, as the reminders use it).
- **On-time delivery rate**: of the orders delivered in the period (their last shipment arrived
  in the period), the share that arrived on or before the delivery due day: the customer's
  desired date when they chose one, else the ship deadline plus the usual `transit_days`.
- **Fill rate**: of the orders shipped in full in the period, the share shipped complete (no unit
  of any line cancelled) and on time (the last shipment left on or before the ship deadline).
- **Cancellation rate**: of the orders submitted in the period (rejected ones included), the
  share cancelled since, with the reasons given (before approval by the customer, after it on
  their request, or by the system when nothing was left to ship).
- **Ratings**: the ratings customers gave in the period (1 to 5), with their comments.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.feedback import STARS
from bot.domain.models import OrderStatus
from bot.domain.parsing import parse_date

MAX_DAYS = 366
# Orders that count as sales; orders with nothing left to ship; orders delivered.
SOLD = (
    OrderStatus.APPROVED,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
SHIPPED_IN_FULL = (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)
DELIVERED = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
# The reason the shortage service records when an order is cancelled with nothing left to ship.
SHORT_REASON = "short: line dropped"


class PeriodKind(StrEnum):
    """The periods offered on buttons; custom ones are typed."""

    TODAY = "today"
    WEEK = "week"
    MONTH = "month"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """Whole business days from `start` to `end`, both included (at most MAX_DAYS)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start or self.days > MAX_DAYS:
            raise InvalidInput(InputProblem.PERIOD_INVALID, 1, MAX_DAYS)

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        """Every day of the period, in order."""
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The first moment of the period and the first moment after it, in the zone."""
        first = datetime.combine(self.start, time(0), tzinfo=zone)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=zone)
        return first, after


def period_for(kind: PeriodKind, today: date) -> Period:
    """Today; this week (Monday to today); this month (the 1st to today)."""
    if kind is PeriodKind.WEEK:
        return Period(today - timedelta(days=today.weekday()), today)
    if kind is PeriodKind.MONTH:
        return Period(today.replace(day=1), today)
    return Period(today, today)


_DAY = re.compile(
    r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}[日号]?|\d{1,2}[./]\d{1,2}[./]\d{4}"
)
# Far enough either way to accept any sensible report date; parse_date wants a window.
_WINDOW = 100 * 366


def parse_period(text: str, today: date) -> Period:
    """A custom period typed as its first and last day ("2026-11-01 2026-11-23",
    "1.11.2026 - 23.11.2026", "2026年11月1日至2026年11月23日"), or one day."""
    value = unicodedata.normalize("NFKC", text).strip()
    found = _DAY.findall(value) if len(value) <= 100 else []
    rest = _DAY.sub(" ", value)
    if not 1 <= len(found) <= 2 or any(ch.isdigit() for ch in rest):
        raise InvalidInput(InputProblem.PERIOD_INVALID, 1, MAX_DAYS)
    try:
        days = [parse_date(day, today, -_WINDOW, _WINDOW) for day in found]
    except InvalidInput:
        raise InvalidInput(InputProblem.PERIOD_INVALID, 1, MAX_DAYS) from None
    return Period(days[0], days[-1])


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The business day a stored moment falls on."""
    return moment.astimezone(zone).date()


@dataclass(frozen=True)
class Ratio:
    """`part` of `whole`: a rate, undefined when there is nothing to count."""

    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        """part / whole, or None when whole is 0."""
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True)
class DurationStats:
    """How long something took over a number of orders."""

    count: int
    average: timedelta | None
    median: timedelta | None
    longest: timedelta | None


def duration_stats(values: Sequence[timedelta]) -> DurationStats:
    """Count, mean, median (the mean of the two middle ones for an even count) and maximum."""
    ordered = sorted(values)
    n = len(ordered)
    return duration_summary(
        n, sum(ordered, timedelta()), ordered[-1:], ordered[(n - 1) // 2 : n // 2 + 1]
    )


def duration_summary(
    count: int, total: timedelta, longest: Sequence[timedelta], middle: Sequence[timedelta]
) -> DurationStats:
    """The stats from what SQL can sum up: how many, their sum, the longest (none or one), and
    the middle one (odd count) or two (even)."""
    if not count:
        return DurationStats(0, None, None, None)
    median = middle[0] if len(middle) == 1 else (middle[0] + middle[1]) / 2
    return DurationStats(count, total / count, median, longest[0])


def delivery_due(desired: date | None, deadline: date, transit_days: int) -> date:
    """The day an order should arrive: the customer's desired date, else the ship deadline plus
    the usual transit."""
    return desired or deadline + timedelta(days=transit_days)


def filled(cancelled_units: int, last_shipped_on: date, deadline: date) -> bool:
    """Shipped complete (nothing cancelled) and on time (by the ship deadline)."""
    return cancelled_units == 0 and last_shipped_on <= deadline


@dataclass(frozen=True)
class DaySales:
    """Sales of one business day."""

    day: date
    orders: int
    amount: int


def daily(period: Period, sales: Iterable[tuple[date, int]]) -> tuple[DaySales, ...]:
    """Each day of the period with its orders and amount (days without sales show zero);
    sales outside the period are left out."""
    return daily_totals(period, (DaySales(day, 1, amount) for day, amount in sales))


def daily_totals(period: Period, totals: Iterable[DaySales]) -> tuple[DaySales, ...]:
    """Each day of the period from the sums of its sales (days without show zero); days
    outside the period are left out."""
    orders = dict.fromkeys(period.dates(), 0)
    amounts = dict.fromkeys(period.dates(), 0)
    for total in totals:
        if total.day in orders:
            orders[total.day] += total.orders
            amounts[total.day] += total.amount
    return tuple(DaySales(day, orders[day], amounts[day]) for day in orders)


def reason_key(reason: str | None) -> str:
    """Reasons that differ only in case or spacing are one reason."""
    return " ".join((reason or "").split()).casefold()


def group_reasons(reasons: Iterable[str | None]) -> tuple[tuple[str, int], ...]:
    """Each reason (as first written) with how often it was given, most frequent first."""
    return group_counted_reasons((reason, 1) for reason in reasons)


def group_counted_reasons(
    counted: Iterable[tuple[str | None, int]],
) -> tuple[tuple[str, int], ...]:
    """As group_reasons, from (reason, how many) pairs in the order first given."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for reason, n in counted:
        key = reason_key(reason)
        counts[key] = counts.get(key, 0) + n
        shown.setdefault(key, " ".join((reason or "").split()))
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    return tuple((shown[k], counts[k]) for k in ranked)


@dataclass(frozen=True)
class RatingSummary:
    """Ratings given: how many of each star, and the average."""

    counts: tuple[int, int, int, int, int]

    @property
    def count(self) -> int:
        """How many ratings."""
        return sum(self.counts)

    @property
    def average(self) -> float | None:
        """The mean rating, or None without ratings."""
        total = sum(stars * n for stars, n in zip(STARS, self.counts, strict=True))
        return total / self.count if self.count else None


def rating_summary(counted: Iterable[tuple[int, int]]) -> RatingSummary:
    """Ratings from (stars, how many) pairs; stars outside 1..5 are ignored."""
    counts = [0] * len(STARS)
    for stars, n in counted:
        if stars in STARS:
            counts[stars - 1] += n
    return RatingSummary((counts[0], counts[1], counts[2], counts[3], counts[4]))


@dataclass(frozen=True)
class ProductSales:
    """One product's sales in a period."""

    sku: str
    name: str
    units: int
    amount: int
    orders: int


@dataclass(frozen=True)
class CustomerSales:
    """One customer's purchases in a period."""

    customer_id: int
    name: str
    company: str | None
    orders: int
    amount: int


@dataclass(frozen=True)
class RepSales:
    """Sales of one rep's customers in a period (rep_id None: customers without a rep)."""

    rep_id: int | None
    name: str | None
    orders: int
    amount: int


class CancelStage(StrEnum):
    """When an order was cancelled."""

    BEFORE_APPROVAL = "before_approval"  # by the customer
    AFTER_APPROVAL = "after_approval"  # on the customer's request, by staff
    SHORT = "short"  # nothing was left to ship


def cancel_stage(before: str | None, reason: str | None) -> CancelStage:
    """The stage of a cancellation from the status it left and its reason."""
    if reason == SHORT_REASON:
        return CancelStage.SHORT
    if before == OrderStatus.SUBMITTED.value:
        return CancelStage.BEFORE_APPROVAL
    return CancelStage.AFTER_APPROVAL


@dataclass(frozen=True)
class Comment:
    """A rating with the customer's comment."""

    number: str
    customer: str
    rating: int
    comment: str
    at: datetime
