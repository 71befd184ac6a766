"""Notices to other people: written to the outbox in the transaction of the action that causes
them (`post`), and what the sender needs to deliver each one (`OutboxService`).

A notice is addressed when it is written: a person's private chat, or the group (and topic) of
a role that has one configured (`[notifications]`), told once in the business's language. It
is rendered when it is sent, in its reader's language as it is then. Its data is a small
pydantic model: the facts of the moment (a reason, an amount) and the ids of what it shows."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.db.outbox import Addressed, Taken
from bot.domain.errors import OrderNotFound
from bot.domain.models import Customer, Language, Order, OrderLine, Shipment, User
from bot.domain.notices import NoticeKind, NoticeState, expired, retry_at
from bot.domain.roles import Role
from bot.services.base import Service

log = logging.getLogger(__name__)


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True)


class OrderRef(_Data):
    """A notice about an order as it stands when it is sent."""

    order_id: int


class Rejected(_Data):
    """An order rejected, and why."""

    order_id: int
    reason: str


class PlacedBy(_Data):
    """An order staff placed for the customer (by phone, or in a batch)."""

    order_id: int
    by: str


class CancelledBy(_Data):
    """A customer's approved order staff cancelled (they phoned, say), why, and what is owed
    back to them."""

    order_id: int
    by: str
    reason: str
    refund_due: int


class RequestRef(_Data):
    """A customer's request to decide."""

    request_id: int


class RequestDecided(_Data):
    """A customer's request decided."""

    order_id: int
    approved: bool
    refund_due: int
    kind: str


class Shipped(_Data):
    """A shipment on its way."""

    order_id: int
    shipment_id: int


class HandedOver(_Data):
    """A shipment the warehouse marked delivered; `whole`: with it the whole order is
    (as it stood then); `ask_rating`: its customer is asked, this once, to rate it."""

    order_id: int
    shipment_id: int
    whole: bool = False
    ask_rating: bool = False


class CustomerRef(_Data):
    """A notice about a customer."""

    customer_id: int


class CardDecided(_Data):
    """An approval card sent (the outbox notice `card_id`) to be shown as the order now stands:
    decided or changed, by whom (None: no one, e.g. the review)."""

    order_id: int
    card_id: int
    by: str | None = None
    info: bool = False  # the rep's copy for information: shown without decision buttons


class ReminderRef(_Data):
    """A reminder the scan decided (composed when sent: it may no longer apply)."""

    reminder_id: int


async def post(
    uow: UnitOfWork,
    config: Config,
    kind: NoticeKind,
    data: BaseModel,
    people: Iterable[User],
    now: datetime,
    *,
    role: Role | None = None,
) -> None:
    """Write a notice for each person (once each), or once to the role's group if it has one."""
    body = data.model_dump_json()
    group = getattr(config.notifications, role.value, None) if role is not None else None
    if group is not None:
        rows = [Addressed(kind, group.chat_id, group.topic_id or 0, None, body)]
    else:
        unique = {p.id: p for p in people}
        rows = [Addressed(kind, p.telegram_id, 0, p.id, body) for p in unique.values()]
    await uow.outbox.add(rows, now)


async def update_cards(
    uow: UnitOfWork, order_id: int, actor_id: int | None, now: datetime
) -> None:
    """Every approval card sent for an order is edited to show it as it now stands (decided,
    or changed) and who did it: each card's chat is told in turn, after the card itself."""
    cards = await uow.outbox.cards(order_id)
    if not cards:
        return
    actor = await uow.users.by_id(actor_id) if actor_id is not None else None
    by = actor.first_name if actor else None
    rows = [
        Addressed(
            NoticeKind.CARD_DECIDED,
            chat_id,
            topic_id,
            user_id,
            CardDecided(order_id=order_id, card_id=card_id, by=by, info=info).model_dump_json(),
        )
        for card_id, chat_id, topic_id, user_id, info in cards
    ]
    await uow.outbox.add(rows, now)


async def staff_with(uow: UnitOfWork, role: Role) -> list[User]:
    """Everyone who holds a role."""
    users = [await uow.users.by_id(i) for i in await uow.staff.with_role(role)]
    return [u for u in users if u is not None]


async def warehouse_staff(uow: UnitOfWork) -> list[User]:
    """Everyone who fulfils orders."""
    return await staff_with(uow, Role.WAREHOUSE)


async def tell_warehouse(
    uow: UnitOfWork,
    config: Config,
    order_id: int,
    now: datetime,
    kind: NoticeKind = NoticeKind.PICK_LIST,
) -> None:
    """The pick list of a newly approved order to the warehouse (its group, if it has one); or
    of an order it has that was changed (PICK_LIST_CHANGED) or cancelled (PICK_CANCELLED)."""
    ref = OrderRef(order_id=order_id)
    people = await warehouse_staff(uow)
    await post(uow, config, kind, ref, people, now, role=Role.WAREHOUSE)


async def post_to_chat(
    uow: UnitOfWork,
    kind: NoticeKind,
    data: BaseModel,
    to: tuple[int, int, int | None],
    now: datetime,
) -> None:
    """Write a notice to a chat already chosen: (chat id, topic id, person or None)."""
    chat_id, topic_id, user_id = to
    body = data.model_dump_json()
    await uow.outbox.add([Addressed(kind, chat_id, topic_id, user_id, body)], now)


class Reader(BaseModel):
    """Who reads a notice, as they are when it is sent."""

    model_config = ConfigDict(frozen=True)

    language: Language
    time_zone: str | None = None
    user_id: int | None = None
    unreachable: bool = False


class OutboxService(Service):
    """The outbox's side of sending: what is due, taken, and what became of it."""

    async def recover(self) -> int:
        """At start-up: notices a stop interrupted while sending are sent again."""
        async with self.db.unit_of_work(claims_update=False) as uow:
            count = await uow.outbox.recover()
            await uow.commit()
        if count:
            log.info("outbox: %d notices interrupted while sending go out again", count)
        return count

    async def heads(self, limit: int) -> list[int]:
        """Notices due now, each the first of its chat, oldest first."""
        async with self.db.reader() as uow:
            return await uow.outbox.heads(self.clock.now(), limit)

    async def next_due(self) -> datetime | None:
        """When the soonest notice waiting to be tried again is due."""
        async with self.db.reader() as uow:
            return await uow.outbox.next_due()

    async def take(self, notice_id: int) -> tuple[Taken, Reader] | None:
        """Claim a notice for sending, with its reader as they are now; None if another pass
        took it."""
        async with self.db.unit_of_work(claims_update=False) as uow:
            taken = await uow.outbox.claim(notice_id)
            if taken is None:
                return None
            reader = await self._reader(uow, taken)
            await uow.commit()
        return taken, reader

    async def _reader(self, uow: UnitOfWork, taken: Taken) -> Reader:
        default = self.config.business.default_language
        if taken.user_id is None:
            return Reader(language=default)
        user = await uow.users.by_id(taken.user_id)
        if user is None:
            return Reader(language=default, user_id=taken.user_id, unreachable=True)
        return Reader(
            language=user.language,
            time_zone=user.time_zone,
            user_id=user.id,
            unreachable=user.unreachable,
        )

    async def finish(
        self,
        notice_id: int,
        state: NoticeState,
        error: str | None = None,
        message_id: int | None = None,
    ) -> None:
        """Record a notice as sent (with the message it became), failed (it cannot arrive) or
        dropped (no longer applies)."""
        async with self.db.unit_of_work(claims_update=False) as uow:
            await uow.outbox.finish(notice_id, state, self.clock.now(), error, message_id)
            await uow.commit()

    async def message_of(self, notice_id: int) -> int | None:
        """The message an earlier notice became, if it was sent."""
        async with self.db.reader() as uow:
            return await uow.outbox.message_of(notice_id)

    async def release(self, notice_id: int) -> None:
        """Taken but not sent (the sender stopped): pending again, as it was."""
        async with self.db.unit_of_work(claims_update=False) as uow:
            await uow.outbox.release(notice_id)
            await uow.commit()

    async def later(self, notice: Taken, error: str, asked_seconds: float | None = None) -> bool:
        """Telegram could not take it now: tried again later (False: too old, given up)."""
        now = self.clock.now()
        async with self.db.unit_of_work(claims_update=False) as uow:
            if expired(notice.created_at, now):
                await uow.outbox.finish(notice.id, NoticeState.FAILED, now, f"expired: {error}")
                await uow.commit()
                return False
            asked = timedelta(seconds=asked_seconds) if asked_seconds is not None else None
            await uow.outbox.later(notice.id, retry_at(now, notice.attempts, asked), error)
            await uow.commit()
        return True

    # ------------------------------------------------------------------ what notices show

    async def order(self, order_id: int) -> Order:
        """An order as it stands."""
        async with self.db.reader() as uow:
            order = await uow.orders.by_id(order_id)
        if order is None:
            raise OrderNotFound()
        return order

    async def line(
        self, order_id: int, line_id: int, language: Language
    ) -> tuple[Order, OrderLine]:
        """An order and one of its lines, named in a language."""
        async with self.db.reader() as uow:
            order = await uow.orders.by_id(order_id)
            lines = await uow.orders.lines(order_id, language)
        line = next((x for x in lines if x.id == line_id), None)
        if order is None or line is None:
            raise OrderNotFound()
        return order, line

    async def shipment(self, order_id: int, shipment_id: int) -> tuple[Order, Shipment]:
        """A shipment and its order."""
        async with self.db.reader() as uow:
            order = await uow.orders.by_id(order_id)
            shipment = await uow.shipments.by_id(shipment_id)
        if order is None or shipment is None:
            raise OrderNotFound()
        return order, shipment

    async def customer(self, customer_id: int) -> Customer:
        """A customer."""
        async with self.db.reader() as uow:
            customer = await uow.customers.by_id(customer_id)
        if customer is None:
            raise OrderNotFound()
        return customer
