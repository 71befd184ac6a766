"""When a reminder is due: pure rules over dates and times, no database and no clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from enum import IntEnum, StrEnum

from bot.domain.workdays import WorkingCalendar


class Kind(StrEnum):
    """What a reminder is about."""

    PAYMENT = "payment"  # the customer: before, on and after a due date
    OVERDUE = "overdue"  # staff: a due date passed unpaid
    APPROVAL = "approval"  # staff: an order waits for a decision
    SHIP_LATE = "ship_late"  # staff: approved and not shipped within the promise
    DELIVERY = "delivery"  # a shipment not confirmed as delivered
    DIGEST = "digest"  # finance: the daily receivables digest


class Audience(StrEnum):
    """Who a reminder goes to; resolved to chats when it is decided."""

    CUSTOMER = "customer"
    REP = "rep"
    FINANCE = "finance"
    MANAGERS = "managers"
    WAREHOUSE = "warehouse"


class ReminderStatus(StrEnum):
    """Where a logged reminder is (the stored `reminders.status`)."""

    QUEUED = "queued"  # decided, waiting to be sent
    SENDING = "sending"  # taken by a sender (again after a failed try or a restart)
    SENT = "sent"
    FAILED = "failed"  # it cannot arrive: refused, chat gone, too old
    UNREACHABLE = "unreachable"  # the person blocked the bot
    DROPPED = "dropped"  # it no longer applied when its turn came


class Nudge(IntEnum):
    """Approval reminder levels: the deciders after N hours, the managers after 2N."""

    DECIDERS = 1
    MANAGERS = 2


class DeliveryStep(IntEnum):
    """Delivery reminder levels: late (rep and customer), then asking the customer."""

    LATE = 1
    CONFIRM = 2


def payment_level(
    due_on: date, today: date, before_days: Sequence[int], dunning_days: Sequence[int]
) -> int | None:
    """The newest step reached for a due date, in days from it: -3 (three days before), 0 (the
    day itself), 1, 7, … (days overdue); None before the first. Steps passed while nobody
    looked are not returned: only the newest one counts."""
    steps = sorted({-d for d in before_days} | {0} | set(dunning_days))
    reached = [s for s in steps if (today - due_on).days >= s]
    return reached[-1] if reached else None


def next_payment_step(
    due_on: date, today: date, before_days: Sequence[int], dunning_days: Sequence[int]
) -> date | None:
    """The day the step after today's is reached for a due date; None after the last one."""
    steps = sorted({-d for d in before_days} | {0} | set(dunning_days))
    days = (today - due_on).days
    return next((due_on + timedelta(days=s) for s in steps if s > days), None)


def dunning_position(level: int, dunning_days: Sequence[int]) -> int:
    """Which dunning step a level is (0 for the first), which chooses the wording."""
    return sorted(dunning_days).index(level) if level in dunning_days else 0


def overdue_audiences(level: int, managers_from_days: int) -> tuple[Audience, ...]:
    """Staff told of an overdue due date: rep and finance, managers from a level on."""
    if level < 1:
        return ()
    if level >= managers_from_days:
        return (Audience.REP, Audience.FINANCE, Audience.MANAGERS)
    return (Audience.REP, Audience.FINANCE)


def approval_level(submitted_at: datetime, now: datetime, hours: int) -> Nudge | None:
    """How far an undecided order has waited: N hours, 2N hours, or not yet."""
    waited = now - submitted_at
    if waited >= timedelta(hours=2 * hours):
        return Nudge.MANAGERS
    if waited >= timedelta(hours=hours):
        return Nudge.DECIDERS
    return None


def next_approval_nudge(submitted_at: datetime, now: datetime, hours: int) -> datetime | None:
    """When an undecided order reaches its next nudge; None once the managers have theirs."""
    for waited in (timedelta(hours=hours), timedelta(hours=2 * hours)):
        if now - submitted_at < waited:
            return submitted_at + waited
    return None


def ship_deadline(
    approved_on: date,
    promised: date | None,
    within_days: int,
    calendar: WorkingCalendar | None = None,
) -> date:
    """The last day to ship: the date promised on approval, else the order type's SLA (moved
    on to a working day when a calendar is given)."""
    if promised:
        return promised
    due = approved_on + timedelta(days=within_days)
    return calendar.on_or_after(due) if calendar else due


def expected_arrival(expected: date | None, shipped_on: date, transit_days: int) -> date:
    """When a shipment should arrive: the date given when shipping, else a usual transit."""
    return expected or shipped_on + timedelta(days=transit_days)


def delivery_step(arrival: date, today: date, late_days: int, confirm_days: int) -> int | None:
    """The newest delivery step reached: late, then asking the customer to confirm."""
    days = (today - arrival).days
    if days >= confirm_days:
        return DeliveryStep.CONFIRM
    if days >= late_days:
        return DeliveryStep.LATE
    return None


def next_delivery_step(
    arrival: date, today: date, late_days: int, confirm_days: int
) -> date | None:
    """The day a shipment reaches its next delivery step; None after asking to confirm."""
    days = (today - arrival).days
    return next(
        (arrival + timedelta(days=d) for d in sorted({late_days, confirm_days}) if d > days), None
    )


def quiet(moment: time, start: time, end: time) -> bool:
    """Whether a local time of day falls in quiet hours (which may span midnight)."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def quiet_until(local: datetime, start: time, end: time) -> datetime:
    """When quiet hours that hold at `local` end (local, same zone)."""
    ends = local.replace(
        hour=end.hour, minute=end.minute, second=end.second, microsecond=end.microsecond
    )
    return ends if ends > local else ends + timedelta(days=1)
