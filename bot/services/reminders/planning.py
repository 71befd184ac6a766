"""What is due at a moment: one function of the database and that moment (reads only).

Each due step is about a Subject — an instalment, an order itself, a shipment or a day's
digest — and the log's key stores it as two numbers (order id, ref): `log_ids` writes them,
`subject_of` reads them back, here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.db.reminders import Key
from bot.domain.models import OrderType
from bot.domain.payments import remaining
from bot.domain.reminders import (
    Audience,
    DeliveryStep,
    Kind,
    Nudge,
    approval_level,
    delivery_step,
    expected_arrival,
    next_approval_nudge,
    next_delivery_step,
    next_payment_step,
    overdue_audiences,
    payment_level,
    quiet,
    quiet_until,
    ship_deadline,
)
from bot.services.reminders.recipients import Directory, Recipient, recipients

_END = datetime.max.replace(tzinfo=UTC)  # no lower bound on how long an order has waited
NO_ORDER = 0  # the log's order id of a reminder about no order (the digest)


@dataclass(frozen=True, slots=True)
class InstalmentOf:
    """An instalment of an order's payment plan (seq counts from 1)."""

    order_id: int
    seq: int

    @property
    def log_ids(self) -> tuple[int, int]:
        """The log's (order id, ref)."""
        return self.order_id, self.seq


@dataclass(frozen=True, slots=True)
class OrderItself:
    """The order as a whole (its approval, its shipping deadline)."""

    order_id: int

    @property
    def log_ids(self) -> tuple[int, int]:
        """The log's (order id, ref)."""
        return self.order_id, 0


@dataclass(frozen=True, slots=True)
class ShipmentOf:
    """One shipment of an order."""

    order_id: int
    shipment_id: int

    @property
    def log_ids(self) -> tuple[int, int]:
        """The log's (order id, ref)."""
        return self.order_id, self.shipment_id


@dataclass(frozen=True, slots=True)
class DigestOf:
    """The finance digest of one business day (about no order)."""

    day: date

    @property
    def log_ids(self) -> tuple[int, int]:
        """The log's (order id, ref): no order, the day as YYYYMMDD."""
        return NO_ORDER, int(f"{self.day:%Y%m%d}")


Subject = InstalmentOf | OrderItself | ShipmentOf | DigestOf


def subject_of(key: Key) -> Subject:
    """What a logged reminder is about, read back from its key."""
    if key.kind is Kind.DIGEST:
        ref = str(key.ref)
        return DigestOf(date(int(ref[:4]), int(ref[4:6]), int(ref[6:])))
    if key.kind in (Kind.PAYMENT, Kind.OVERDUE):
        return InstalmentOf(key.order_id, key.ref)
    if key.kind is Kind.DELIVERY:
        return ShipmentOf(key.order_id, key.ref)
    return OrderItself(key.order_id)


class Planned(BaseModel):
    """A reminder due at the moment asked about: to whom, and why."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    order_id: int
    ref: int
    level: int
    recipient: Recipient
    # the due date, deadline, expected arrival or submission that made it due
    since: date | datetime
    # quiet hours in the recipient's zone hold it until then (None: it goes now)
    held_until: datetime | None = None

    @property
    def key(self) -> Key:
        """Its identity in the log."""
        r = self.recipient
        return Key(self.order_id, self.kind, self.ref, self.level, r.chat_id, r.topic_id)


@dataclass(frozen=True, slots=True)
class Due:
    """A reminder step reached, before its audiences are turned into chats."""

    kind: Kind
    about: Subject
    level: int
    audiences: tuple[Audience, ...]
    customer_id: int | None
    since: date | datetime
    rep_id: int | None = None  # the deciding rep, when it is not the customer's rep

    def key(self, recipient: Recipient) -> Key:
        """Its identity in the log, for one chat."""
        order_id, ref = self.about.log_ids
        return Key(order_id, self.kind, ref, self.level, recipient.chat_id, recipient.topic_id)


async def plan(
    uow: UnitOfWork,
    config: Config,
    now: datetime,
    among: list[int] | None = None,
    looks: dict[int, datetime | None] | None = None,
) -> list[Planned]:
    """What is due at `now` and not logged: of every order, or only of those `among`
    (then `looks` learns when each of them reaches its next step)."""
    found = await dues(uow, config, now, among, looks)
    contacts = await uow.reminders.contacts(d.customer_id for d in found if d.customer_id)
    logged = await uow.reminders.logged(d.about.log_ids[0] for d in found)
    directory = Directory()
    planned: list[Planned] = []
    for due in found:
        contact = contacts.get(due.customer_id) if due.customer_id else None
        for audience in due.audiences:
            if audience is Audience.CUSTOMER and (contact is None or contact.paused):
                continue
            chats = await recipients(uow, config, audience, contact, due.rep_id, directory)
            for recipient in chats:
                key = due.key(recipient)
                if key in logged or recipient.unreachable:
                    continue
                logged.add(key)  # one person in two audiences is written to once
                planned.append(
                    Planned(
                        kind=due.kind,
                        order_id=key.order_id,
                        ref=key.ref,
                        level=due.level,
                        recipient=recipient,
                        since=due.since,
                        held_until=held(config, recipient, due.kind, now),
                    )
                )
    return planned


async def dues(
    uow: UnitOfWork,
    config: Config,
    now: datetime,
    among: list[int] | None = None,
    looks: dict[int, datetime | None] | None = None,
) -> list[Due]:
    """Everything whose reminder step is reached at `now`, logged or not (of the orders
    `among`, when given; `looks` then learns when each reaches its next step)."""
    cfg = config.reminders
    zone = config.business.zone
    local = now.astimezone(zone)
    today = local.date()
    found: list[Due] = []

    def then(order_id: int, moment: datetime | date | None) -> None:
        if looks is None or moment is None:
            return
        if not isinstance(moment, datetime):  # a day's steps come at its local midnight
            moment = datetime.combine(moment, time(0), tzinfo=zone)
        looks[order_id] = earliest(looks.get(order_id), moment)

    for balance in await uow.payments.open_balances(among=among):
        left = remaining([(d, a) for _, d, a in balance.dues], balance.paid)
        for (seq, due_on, _), owed in zip(balance.dues, left, strict=True):
            if not owed:
                continue
            steps = cfg.payment_before_days, cfg.dunning_days
            then(balance.order_id, next_payment_step(due_on, today, *steps))
            level = payment_level(due_on, today, *steps)
            if level is None:
                continue
            instalment = InstalmentOf(balance.order_id, seq)
            customer = (Audience.CUSTOMER,)
            found.append(
                Due(Kind.PAYMENT, instalment, level, customer, balance.customer_id, due_on)
            )
            staff = overdue_audiences(level, cfg.managers_from_days)
            if staff:
                found.append(
                    Due(Kind.OVERDUE, instalment, level, staff, balance.customer_id, due_on)
                )
    # of some orders: all of those undecided, to know when each is nudged next
    before = now - timedelta(hours=cfg.approval_hours) if among is None else _END
    for waiting in await uow.reminders.undecided(before, among):
        then(
            waiting.order_id,
            next_approval_nudge(waiting.submitted_at, now, cfg.approval_hours),
        )
        nudge = approval_level(waiting.submitted_at, now, cfg.approval_hours)
        if nudge is None:
            continue
        deciders = Audience.REP if waiting.route == "rep" else Audience.MANAGERS
        found.append(
            Due(
                Kind.APPROVAL,
                OrderItself(waiting.order_id),
                nudge,
                (deciders if nudge is Nudge.DECIDERS else Audience.MANAGERS,),
                waiting.customer_id,
                waiting.submitted_at,
                waiting.rep_id,
            )
        )
    for order in await uow.reminders.unshipped(among=among):
        deadline = ship_day(config, order.approved_at, order.promised, order.order_type)
        if today <= deadline:
            then(order.order_id, deadline + timedelta(days=1))
        else:
            found.append(
                Due(
                    Kind.SHIP_LATE,
                    OrderItself(order.order_id),
                    0,
                    (Audience.WAREHOUSE, Audience.REP),
                    order.customer_id,
                    deadline,
                )
            )
    for shipment in await uow.reminders.in_transit(among):
        arrival = arrival_day(config, shipment.expected, shipment.shipped_at)
        days = cfg.late_delivery_days, cfg.confirm_receipt_days
        then(shipment.order_id, next_delivery_step(arrival, today, *days))
        step = delivery_step(arrival, today, *days)
        if step is None:
            continue
        audiences = (
            (Audience.REP, Audience.CUSTOMER)
            if step is DeliveryStep.LATE
            else (Audience.CUSTOMER,)
        )
        found.append(
            Due(
                Kind.DELIVERY,
                ShipmentOf(shipment.order_id, shipment.shipment_id),
                step,
                audiences,
                shipment.customer_id,
                arrival,
            )
        )
    if local.time() >= cfg.digest_time:
        found.append(Due(Kind.DIGEST, DigestOf(today), 0, (Audience.FINANCE,), None, today))
    return found


def ship_day(
    config: Config, approved_at: datetime, promised: date | None, kind: OrderType
) -> date:
    """The day an approved order is due to have shipped."""
    approved_on = approved_at.astimezone(config.business.zone).date()
    return ship_deadline(
        approved_on, promised, config.reminders.ship_within(kind), config.calendar.working
    )


def arrival_day(config: Config, expected: date | None, shipped_at: datetime) -> date:
    """The day a shipment is expected to arrive."""
    shipped_on = shipped_at.astimezone(config.business.zone).date()
    return expected_arrival(expected, shipped_on, config.reminders.transit_days)


def held(config: Config, recipient: Recipient, kind: Kind, now: datetime) -> datetime | None:
    """When quiet hours in the recipient's zone hold a reminder, the moment they end."""
    cfg = config.reminders
    staff = recipient.audience is not Audience.CUSTOMER
    if kind is Kind.DIGEST or (staff and not cfg.quiet_hours_for_staff):
        return None
    zone = ZoneInfo(recipient.time_zone) if recipient.time_zone else config.business.zone
    local = now.astimezone(zone)
    if not quiet(local.time(), cfg.quiet_start, cfg.quiet_end):
        return None
    return quiet_until(local, cfg.quiet_start, cfg.quiet_end)


def earliest(first: datetime | None, second: datetime) -> datetime:
    """The earlier of two moments (None: not set yet)."""
    return second if first is None or second < first else first
