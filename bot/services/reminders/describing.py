"""What a logged reminder says, read fresh when it is sent: its order, instalment, shipment or
the day's receivables; Skip when it no longer applies, NotNow when it cannot go yet."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from bot.clock import Clock
from bot.config import Config
from bot.db import UnitOfWork
from bot.db.reminders import Logged
from bot.domain.models import Customer, Order, OrderStatus, Shipment
from bot.domain.payments import remaining
from bot.domain.reminders import Audience, Kind, dunning_position
from bot.services.finance import Receivables, summarise
from bot.services.reminders.planning import (
    DigestOf,
    InstalmentOf,
    ShipmentOf,
    arrival_day,
    ship_day,
    subject_of,
)
from bot.services.reminders.recipients import Recipient, recipient_of

DEAD = (OrderStatus.CANCELLED, OrderStatus.REJECTED)


class Instalment(BaseModel):
    """The due date a payment reminder is about, and what is still owed of it."""

    model_config = ConfigDict(frozen=True)

    seq: int
    count: int
    due_on: date
    owed: int
    invoice: str | None
    # days past the due date today (negative: days to go)
    days_late: int


class Outgoing(BaseModel):
    """Everything needed to write one reminder, read fresh when it is sent."""

    model_config = ConfigDict(frozen=True)

    id: int
    kind: Kind
    level: int
    recipient: Recipient
    order: Order | None = None
    customer: Customer | None = None
    instalment: Instalment | None = None
    # dunning step (0: the first) of an overdue payment, which chooses the wording
    position: int = 0
    shipment: Shipment | None = None
    # the ship deadline, or the expected arrival of a shipment
    day: date | None = None
    waited_hours: int = 0
    receivables: Receivables | None = None


class Skip(Exception):
    """A queued reminder that no longer applies (paid, shipped, cancelled…)."""


class NotNow(Exception):
    """A queued reminder that cannot go now (paused): decided again later."""


async def compose(
    uow: UnitOfWork, config: Config, clock: Clock, logged: Logged, today: date
) -> Outgoing:
    """Read what a logged reminder says, as things stand now (`today`: in the business zone)."""
    key = logged.key
    about = subject_of(key)
    recipient = await recipient_of(uow, config, logged)
    if isinstance(about, DigestOf):
        return Outgoing(
            id=logged.id,
            kind=key.kind,
            level=key.level,
            recipient=recipient,
            day=today,
            receivables=await summarise(uow, today),
        )
    order = await uow.orders.by_id(about.order_id)
    if order is None or order.status in DEAD:
        raise Skip()
    customer = await uow.customers.by_id(order.customer_id)
    assert customer is not None, "orders always have their customer"
    if recipient.audience is Audience.CUSTOMER and customer.reminders_paused:
        raise NotNow()
    base = Outgoing(
        id=logged.id,
        kind=key.kind,
        level=key.level,
        recipient=recipient,
        order=order,
        customer=customer,
    )
    if isinstance(about, InstalmentOf):
        dues = await uow.payments.dues(order.id)
        paid, refunded = await uow.payments.sums(order.id)
        left = remaining(dues, paid - refunded)
        seq = about.seq
        if not 1 <= seq <= len(dues) or not left[seq - 1]:
            raise Skip()
        invoice = await uow.payments.invoice(order.id)
        instalment = Instalment(
            seq=seq,
            count=len(dues),
            due_on=dues[seq - 1].due_on,
            owed=left[seq - 1],
            invoice=invoice.number if invoice else None,
            days_late=(today - dues[seq - 1].due_on).days,
        )
        position = dunning_position(key.level, config.reminders.dunning_days)
        return base.model_copy(update={"instalment": instalment, "position": position})
    if key.kind is Kind.APPROVAL:
        if order.status is not OrderStatus.SUBMITTED:
            raise Skip()
        waited = (clock.now() - order.submitted_at) // timedelta(hours=1)
        return base.model_copy(update={"waited_hours": waited})
    if key.kind is Kind.SHIP_LATE:
        found = await uow.reminders.unshipped(order.id)
        if not found:
            raise Skip()
        day = ship_day(config, found[0].approved_at, found[0].promised, found[0].order_type)
        return base.model_copy(update={"day": day})
    assert isinstance(about, ShipmentOf), key.kind
    shipment = await uow.shipments.by_id(about.shipment_id)
    if shipment is None or shipment.delivered_at is not None:
        raise Skip()
    arrival = arrival_day(config, shipment.expected_date, shipment.shipped_at)
    return base.model_copy(update={"shipment": shipment, "day": arrival})
