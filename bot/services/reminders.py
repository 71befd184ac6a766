"""Reminders and alerts: what is due at a moment (one function of the database and that moment),
the log that lets each reminder out once, and what the sender needs to write each one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.db import UnitOfWork
from bot.db.reminders import Contact, Key, Logged
from bot.domain.access import deciders, is_rep
from bot.domain.models import (
    Customer,
    Language,
    Order,
    OrderStatus,
    OrderType,
    Shipment,
    User,
)
from bot.domain.notices import NoticeKind
from bot.domain.payments import remaining
from bot.domain.reminders import (
    Audience,
    DeliveryStep,
    Kind,
    Nudge,
    approval_level,
    delivery_step,
    dunning_position,
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
from bot.domain.review import Route
from bot.domain.roles import Role
from bot.services.base import Service
from bot.services.finance import Receivables, summarise
from bot.services.notices import CustomerRef, post_to_chat
from bot.services.review_rules import admin_ids

ROLE_OF = {
    Audience.FINANCE: Role.FINANCE,
    Audience.MANAGERS: Role.SALES_MANAGER,
    Audience.WAREHOUSE: Role.WAREHOUSE,
}
DEAD = (OrderStatus.CANCELLED, OrderStatus.REJECTED)
_END = datetime.max.replace(tzinfo=UTC)


class Recipient(BaseModel):
    """A chat a reminder goes to: a person's private chat, or a role's group (and topic)."""

    model_config = ConfigDict(frozen=True)

    chat_id: int
    topic_id: int = 0
    user_id: int | None = None
    name: str
    language: Language
    time_zone: str | None = None
    audience: Audience
    unreachable: bool = False


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


class Blocked(BaseModel):
    """A customer who blocked the bot, and the staff to tell (once)."""

    model_config = ConfigDict(frozen=True)

    customer: Customer
    tell: tuple[Recipient, ...]


@dataclass(frozen=True, slots=True)
class _Due:
    kind: Kind
    order_id: int
    ref: int
    level: int
    audiences: tuple[Audience, ...]
    customer_id: int | None
    since: date | datetime
    rep_id: int | None = None  # the deciding rep, when it is not the customer's rep


class _Skip(Exception):
    """A queued reminder that no longer applies (paid, shipped, cancelled…)."""


class _NotNow(Exception):
    """A queued reminder that cannot go now (paused, unreachable): decided again later."""


class ReminderService(Service):
    """Decides, logs and describes reminders; sending them is the caller's."""

    @property
    def zone(self) -> ZoneInfo:
        """The business time zone."""
        return self.config.business.zone

    async def due_reminders(self, now: datetime, *, everything: bool = False) -> list[Planned]:
        """Every reminder due at `now` and not yet logged, held ones included: reads only.
        What a scan at that moment would decide (of the orders on the agenda by then); with
        `everything`, by the rules over the whole book, which also names staff given a role
        after a step was decided (the scan tells them of the next step)."""
        async with self.db.reader(long=True) as uow:
            if everything:
                return await self._plan(uow, now)
            return await self._plan(uow, now, await uow.reminders.agenda(now), {})

    async def queue_due(self) -> list[int]:
        """Decide what is due now and log it as queued, in one transaction: a reminder is
        logged once (the log's unique key), however many scans overlap or restarts happen.

        Only the orders on the agenda whose time has come are looked at (what changed since
        the last scan, and what reached a step or the end of quiet hours); each is put back
        for its next step, or dropped from the agenda when no step is left."""
        now = self.clock.now()
        async with self.db.unit_of_work(long=True) as uow:
            among = await uow.reminders.agenda(now)
            looks: dict[int, datetime | None] = dict.fromkeys(among)
            planned = await self._plan(uow, now, among, looks)
            due = [p for p in planned if p.held_until is None]
            for p in planned:
                if p.held_until is not None and p.order_id in looks:
                    looks[p.order_id] = _earliest(looks[p.order_id], p.held_until)
            queued = await uow.reminders.add_all(
                [(p.key, p.recipient.user_id, p.recipient.audience) for p in due], now
            )
            await uow.outbox.add_reminders(queued, now)  # sent by the one sender of notices
            await uow.reminders.reschedule(looks)
            await uow.commit()
        return queued

    async def take(self, reminder_id: int) -> Outgoing | None:
        """Take a reminder to send it (again, if a try failed): None if it was sent or no
        longer applies (then it is dropped, or forgotten to be decided again later)."""
        async with self.db.unit_of_work() as uow:
            logged = await uow.reminders.claim(reminder_id)
            if logged is None:
                return None
            try:
                outgoing = await self._compose(uow, logged)
            except _Skip:
                await uow.reminders.finish(reminder_id, "dropped", self.clock.now())
                outgoing = None
            except _NotNow:
                await uow.reminders.forget(reminder_id)
                outgoing = None
            await uow.commit()
        return outgoing

    async def preview(self, planned: Planned) -> Outgoing | None:
        """What a planned reminder would say (for dry runs); None if it would be dropped."""
        async with self.db.reader() as uow:
            logged = Logged(0, planned.key, planned.recipient.user_id, planned.recipient.audience)
            try:
                return await self._compose(uow, logged)
            except (_Skip, _NotNow):
                return None

    async def finish(self, reminder_id: int, status: str, error: str | None = None) -> None:
        """Record what became of a reminder: sent, failed or unreachable."""
        async with self.db.unit_of_work(claims_update=False) as uow:
            await uow.reminders.finish(reminder_id, status, self.clock.now(), error)
            await uow.commit()

    async def unreachable(self, user_id: int) -> Blocked | None:
        """Telegram refused a message to this person (they blocked the bot): mark them so
        nothing more is tried; the first time, their rep (or the managers) is told."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            newly = await uow.users.set_unreachable(user_id, now)
            customer = await uow.customers.by_user(user_id)
            tell: list[Recipient] = []
            if newly and customer is not None:
                contacts = await uow.reminders.contacts([customer.id])
                tell = await self._recipients(uow, Audience.REP, contacts[customer.id], None, {})
                ref = CustomerRef(customer_id=customer.id)
                for to in tell:
                    chat = (to.chat_id, to.topic_id, to.user_id)
                    await post_to_chat(uow, NoticeKind.BLOCKED, ref, chat, now)
            await uow.commit()
        if customer is None or not tell:
            return None
        return Blocked(customer=customer, tell=tuple(tell))

    async def statuses(self) -> dict[str, int]:
        """How many reminders are queued, sent, failed…"""
        async with self.db.reader() as uow:
            return await uow.reminders.statuses()

    # ------------------------------------------------------------------ deciding

    async def _plan(
        self,
        uow: UnitOfWork,
        now: datetime,
        among: list[int] | None = None,
        looks: dict[int, datetime | None] | None = None,
    ) -> list[Planned]:
        """What is due at `now` and not logged: of every order, or only of those `among`
        (then `looks` learns when each of them reaches its next step)."""
        dues = await self._dues(uow, now, among, looks)
        contacts = await uow.reminders.contacts(d.customer_id for d in dues if d.customer_id)
        logged = await uow.reminders.logged(d.order_id for d in dues)
        staff: dict[Audience | int, list[Recipient]] = {}
        planned: list[Planned] = []
        for due in dues:
            contact = contacts.get(due.customer_id) if due.customer_id else None
            for audience in due.audiences:
                if audience is Audience.CUSTOMER and (contact is None or contact.paused):
                    continue
                for recipient in await self._recipients(uow, audience, contact, due.rep_id, staff):
                    key = Key(
                        due.order_id,
                        due.kind,
                        due.ref,
                        due.level,
                        recipient.chat_id,
                        recipient.topic_id,
                    )
                    if key in logged or recipient.unreachable:
                        continue
                    logged.add(key)  # one person in two audiences is written to once
                    planned.append(
                        Planned(
                            kind=due.kind,
                            order_id=due.order_id,
                            ref=due.ref,
                            level=due.level,
                            recipient=recipient,
                            since=due.since,
                            held_until=self._held(recipient, due.kind, now),
                        )
                    )
        return planned

    async def _dues(
        self,
        uow: UnitOfWork,
        now: datetime,
        among: list[int] | None = None,
        looks: dict[int, datetime | None] | None = None,
    ) -> list[_Due]:
        """Everything whose reminder step is reached at `now`, logged or not (of the orders
        `among`, when given; `looks` then learns when each reaches its next step)."""
        cfg = self.config.reminders
        local = now.astimezone(self.zone)
        today = local.date()
        dues: list[_Due] = []

        def then(order_id: int, moment: datetime | date | None) -> None:
            if looks is None or moment is None:
                return
            if not isinstance(moment, datetime):  # a day's steps come at its local midnight
                moment = datetime.combine(moment, time(0), tzinfo=self.zone)
            looks[order_id] = _earliest(looks.get(order_id), moment)

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
                dues.append(
                    _Due(
                        Kind.PAYMENT,
                        balance.order_id,
                        seq,
                        level,
                        (Audience.CUSTOMER,),
                        balance.customer_id,
                        due_on,
                    )
                )
                staff = overdue_audiences(level, cfg.managers_from_days)
                if staff:
                    dues.append(
                        _Due(
                            Kind.OVERDUE,
                            balance.order_id,
                            seq,
                            level,
                            staff,
                            balance.customer_id,
                            due_on,
                        )
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
            dues.append(
                _Due(
                    Kind.APPROVAL,
                    waiting.order_id,
                    0,
                    nudge,
                    (deciders if nudge is Nudge.DECIDERS else Audience.MANAGERS,),
                    waiting.customer_id,
                    waiting.submitted_at,
                    waiting.rep_id,
                )
            )
        for order in await uow.reminders.unshipped(among=among):
            deadline = self._deadline(order.approved_at, order.promised, order.order_type)
            if today <= deadline:
                then(order.order_id, deadline + timedelta(days=1))
            else:
                dues.append(
                    _Due(
                        Kind.SHIP_LATE,
                        order.order_id,
                        0,
                        0,
                        (Audience.WAREHOUSE, Audience.REP),
                        order.customer_id,
                        deadline,
                    )
                )
        for shipment in await uow.reminders.in_transit(among):
            arrival = self._arrival(shipment.expected, shipment.shipped_at)
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
            dues.append(
                _Due(
                    Kind.DELIVERY,
                    shipment.order_id,
                    shipment.shipment_id,
                    step,
                    audiences,
                    shipment.customer_id,
                    arrival,
                )
            )
        if local.time() >= cfg.digest_time:
            dues.append(
                _Due(Kind.DIGEST, 0, int(f"{today:%Y%m%d}"), 0, (Audience.FINANCE,), None, today)
            )
        return dues

    def _today(self) -> date:
        return self.clock.now().astimezone(self.zone).date()

    def _deadline(self, approved_at: datetime, promised: date | None, kind: OrderType) -> date:
        approved_on = approved_at.astimezone(self.zone).date()
        return ship_deadline(
            approved_on,
            promised,
            self.config.reminders.ship_within(kind),
            self.config.calendar.working,
        )

    def _arrival(self, expected: date | None, shipped_at: datetime) -> date:
        shipped_on = shipped_at.astimezone(self.zone).date()
        return expected_arrival(expected, shipped_on, self.config.reminders.transit_days)

    def _held(self, recipient: Recipient, kind: Kind, now: datetime) -> datetime | None:
        """When quiet hours in the recipient's zone hold a reminder, the moment they end."""
        cfg = self.config.reminders
        staff = recipient.audience is not Audience.CUSTOMER
        if kind is Kind.DIGEST or (staff and not cfg.quiet_hours_for_staff):
            return None
        local = now.astimezone(ZoneInfo(recipient.time_zone) if recipient.time_zone else self.zone)
        if not quiet(local.time(), cfg.quiet_start, cfg.quiet_end):
            return None
        return quiet_until(local, cfg.quiet_start, cfg.quiet_end)

    async def _recipients(
        self,
        uow: UnitOfWork,
        audience: Audience,
        contact: Contact | None,
        rep_id: int | None,
        staff: dict[Audience | int, list[Recipient]],
    ) -> list[Recipient]:
        """The chats an audience means for one reminder (staff, reps included, are looked up
        once per scan: `staff` keeps them by audience and by rep id)."""
        if audience is Audience.CUSTOMER:
            if contact is None:
                return []
            return [
                Recipient(
                    chat_id=contact.telegram_id,
                    user_id=contact.user_id,
                    name=contact.name,
                    language=contact.language,
                    time_zone=contact.time_zone,
                    audience=audience,
                    unreachable=contact.unreachable,
                )
            ]
        if audience is Audience.REP:
            rep = rep_id or (contact.rep_id if contact else None)
            if rep and rep not in staff:
                user = await uow.users.by_id(rep)
                held = user is not None and is_rep(await uow.staff.roles(user.id))
                staff[rep] = [_person(user, audience)] if user is not None and held else []
            if rep and staff[rep]:
                return staff[rep]
            audience = Audience.MANAGERS  # nobody looks after this customer: the managers do
        if audience not in staff:
            staff[audience] = await self._role_chats(uow, audience)
        return staff[audience]

    async def _role_chats(self, uow: UnitOfWork, audience: Audience) -> list[Recipient]:
        role = ROLE_OF[audience]
        group = getattr(self.config.notifications, role.value, None)
        if group is not None:
            return [
                Recipient(
                    chat_id=group.chat_id,
                    topic_id=group.topic_id or 0,
                    name=role.value,
                    language=self.config.business.default_language,
                    audience=audience,
                )
            ]
        ids = await uow.staff.with_role(role)
        if not ids and role is Role.SALES_MANAGER:  # no managers: the administrators
            ids = deciders(Route.MANAGER, None, ids, await admin_ids(uow, self.config))
        people = [await uow.users.by_id(i) for i in ids]
        return [_person(u, audience) for u in people if u is not None]

    # ------------------------------------------------------------------ describing

    async def _compose(self, uow: UnitOfWork, logged: Logged) -> Outgoing:
        """Read what a logged reminder says, as things stand now."""
        key = logged.key
        recipient = await self._recipient_of(uow, logged)
        if key.kind is Kind.DIGEST:
            today = self._today()
            return Outgoing(
                id=logged.id,
                kind=key.kind,
                level=key.level,
                recipient=recipient,
                day=today,
                receivables=await summarise(uow, today),
            )
        order = await uow.orders.by_id(key.order_id)
        if order is None or order.status in DEAD:
            raise _Skip()
        customer = await uow.customers.by_id(order.customer_id)
        assert customer is not None, "orders always have their customer"
        if recipient.audience is Audience.CUSTOMER and customer.reminders_paused:
            raise _NotNow()
        base = Outgoing(
            id=logged.id,
            kind=key.kind,
            level=key.level,
            recipient=recipient,
            order=order,
            customer=customer,
        )
        if key.kind in (Kind.PAYMENT, Kind.OVERDUE):
            dues = await uow.payments.dues(order.id)
            paid, refunded = await uow.payments.sums(order.id)
            left = remaining(dues, paid - refunded)
            if not 1 <= key.ref <= len(dues) or not left[key.ref - 1]:
                raise _Skip()
            invoice = await uow.payments.invoice(order.id)
            instalment = Instalment(
                seq=key.ref,
                count=len(dues),
                due_on=dues[key.ref - 1][0],
                owed=left[key.ref - 1],
                invoice=invoice[0] if invoice else None,
                days_late=(self._today() - dues[key.ref - 1][0]).days,
            )
            position = dunning_position(key.level, self.config.reminders.dunning_days)
            return base.model_copy(update={"instalment": instalment, "position": position})
        if key.kind is Kind.APPROVAL:
            if order.status is not OrderStatus.SUBMITTED:
                raise _Skip()
            waited = (self.clock.now() - order.submitted_at) // timedelta(hours=1)
            return base.model_copy(update={"waited_hours": waited})
        if key.kind is Kind.SHIP_LATE:
            found = await uow.reminders.unshipped(order.id)
            if not found:
                raise _Skip()
            day = self._deadline(found[0].approved_at, found[0].promised, found[0].order_type)
            return base.model_copy(update={"day": day})
        shipment = await uow.shipments.by_id(key.ref)
        if shipment is None or shipment.delivered_at is not None:
            raise _Skip()
        arrival = self._arrival(shipment.expected_date, shipment.shipped_at)
        return base.model_copy(update={"shipment": shipment, "day": arrival})

    async def _recipient_of(self, uow: UnitOfWork, logged: Logged) -> Recipient:
        key = logged.key
        if logged.user_id is None:  # a role's group chat
            return Recipient(
                chat_id=key.chat_id,
                topic_id=key.topic_id,
                name=logged.audience.value,
                language=self.config.business.default_language,
                audience=logged.audience,
            )
        user = await uow.users.by_id(logged.user_id)
        if user is None or user.unreachable:
            raise _NotNow()
        return _person(user, logged.audience)


def _earliest(first: datetime | None, second: datetime) -> datetime:
    return second if first is None or second < first else first


def _person(user: User, audience: Audience) -> Recipient:
    return Recipient(
        chat_id=user.telegram_id,
        user_id=user.id,
        name=user.first_name,
        language=user.language,
        time_zone=user.time_zone,
        audience=audience,
        unreachable=user.unreachable,
    )
