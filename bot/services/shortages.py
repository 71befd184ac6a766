"""A line found short while picking: the warehouse reports it, the customer chooses what to do."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import (
    AwaitingPayment,
    InputProblem,
    InvalidInput,
    OrderNotFound,
    RequestClosed,
    TransitionRefused,
)
from bot.domain.models import Customer, Language, Order, OrderLine, OrderStatus, User
from bot.domain.notices import NoticeKind
from bot.domain.reports import SHORT_REASON
from bot.domain.roles import Permission, Role
from bot.services.base import Service, authorize, customer_of, require_customer
from bot.services.feedback import ask_once
from bot.services.fulfilment import SHIPPABLE, bill_delivered, delivered_if_all
from bot.services.money import awaits_payment, settle
from bot.services.notices import post, tell_warehouse, warehouse_staff
from bot.services.order_edits import recompute_totals
from bot.services.stock import give_back
from bot.services.transitions import apply_transition


class ShortageChoice(StrEnum):
    """What a customer may choose when a line is short."""

    WAIT = "wait"
    SUBSTITUTE = "substitute"
    SHIP_AVAILABLE = "ship_available"
    CANCEL_LINE = "cancel_line"


class ShortageNotice(BaseModel):
    """A shortage to put to the customer."""

    model_config = ConfigDict(frozen=True)

    shortage_id: int
    order: Order
    line: OrderLine
    available: int
    expected: date | None


class ShortageOutcome(BaseModel):
    """The customer's choice applied (the warehouse and the rep are told)."""

    model_config = ConfigDict(frozen=True)

    order: Order
    line: OrderLine
    choice: ShortageChoice
    expected: date | None
    refund_due: int
    ask_rating: bool = False  # the choice left the order delivered: its customer is asked once


async def _line(uow: UnitOfWork, line_id: int) -> tuple[Order, OrderLine]:
    order_id = await uow.orders.line_order(line_id)
    order = await uow.orders.by_id(order_id) if order_id else None
    if order is None:
        raise OrderNotFound()
    line = next(x for x in await uow.orders.lines(order.id) if x.id == line_id)
    return order, line


def _shippable(order: Order) -> None:
    if order.status not in SHIPPABLE:
        raise TransitionRefused(current=order.status, wanted=OrderStatus.SHIPPED)


class ShortageService(Service):
    """Shortages, checked against the warehouse role and the order's owner."""

    async def line_name(self, order_id: int, line_id: int, language: Language) -> str | None:
        """An order line's product name in the reader's language (for notices that carry the
        line as it was when posted)."""
        async with self.db.reader() as uow:
            lines = await uow.orders.lines(order_id, language)
        return next((x.name for x in lines if x.id == line_id), None)

    async def reportable(self, actor: User, line_id: int) -> OrderLine:
        """Checked when "Report short" is pressed: the warehouse, on an order still to ship
        (an old button of an order cancelled or shipped meanwhile is refused at once), paid
        if it is to be paid first, with units of the line still to ship (else OrderNotFound);
        the line, named in the actor's language."""
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.FULFIL, "short", self.clock.now())
            order, _ = await _line(uow, line_id)
            _shippable(order)
            if awaits_payment(self.config, order):
                raise AwaitingPayment()
            lines = await uow.orders.lines(order.id, actor.language)
        line = next((x for x in lines if x.id == line_id), None)
        if line is None or line.remaining < 1:
            raise OrderNotFound()
        return line

    async def report(
        self, actor: User, line_id: int, available: int, expected: date | None
    ) -> ShortageNotice:
        """The warehouse found fewer units than the line still needs."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.FULFIL, "short", now)
            order, line = await _line(uow, line_id)
            _shippable(order)
            if not 0 <= available < line.remaining:
                raise InvalidInput(InputProblem.QUANTITY_RANGE, 0, line.remaining - 1)
            shortage_id = await uow.shortages.add(line.id, available, expected, actor.id, now)
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="order",
                entity_id=order.id,
                action=AuditAction.SHORT_REPORTED,
                before=str(line.remaining),
                after=str(available),
                reason=line.sku,
            )
            _, customer_user = await customer_of(uow, order)
            notice = ShortageNotice(
                shortage_id=shortage_id,
                order=order,
                line=line,
                available=available,
                expected=expected,
            )
            await post(uow, self.config, NoticeKind.SHORTAGE, notice, [customer_user], now)
            await uow.commit()
        return notice

    async def choose(
        self, customer_user: User, shortage_id: int, choice: ShortageChoice
    ) -> ShortageOutcome:
        """The customer's choice, once: wait, a substitute, ship what is there, drop the line."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await require_customer(uow, customer_user)
            found = await uow.shortages.get(shortage_id)
            if found is None:
                raise OrderNotFound()
            line_id, available, expected, chosen = found
            order, line = await _line(uow, line_id)
            if order.customer_id != customer.id:
                raise OrderNotFound()
            if chosen is not None or not await uow.shortages.choose(shortage_id, choice, now):
                raise RequestClosed()
            refund, ask = 0, False
            if choice in (ShortageChoice.SHIP_AVAILABLE, ShortageChoice.CANCEL_LINE):
                if order.status not in SHIPPABLE:
                    raise TransitionRefused(current=order.status, wanted=OrderStatus.SHIPPED)
                drop = line.remaining - (
                    available if choice is ShortageChoice.SHIP_AVAILABLE else 0
                )
                drop = max(0, min(drop, line.remaining))
                released = await uow.orders.cancel_units(line.id, drop)
                await give_back(uow, self.config, line.product_id, released, now)
                order, refund = await self._settle(uow, order, customer)
                ask = await ask_once(uow, order, now)  # delivered by it: asked, the first time
            await uow.audit.record(
                at=now,
                actor_id=customer_user.id,
                entity="order",
                entity_id=order.id,
                action=AuditAction.SHORT_CHOICE,
                before=line.sku,
                after=choice.value,
            )
            line = next(x for x in await uow.orders.lines(order.id) if x.id == line_id)
            outcome = ShortageOutcome(
                order=order,
                line=line,
                choice=choice,
                expected=expected,
                refund_due=refund,
                ask_rating=ask,
            )
            kind, warehouse = NoticeKind.SHORTAGE_CHOSEN, await warehouse_staff(uow)
            await post(uow, self.config, kind, outcome, warehouse, now, role=Role.WAREHOUSE)
            rep = await uow.users.by_id(customer.rep_id) if customer.rep_id else None
            if rep is not None:
                await post(uow, self.config, kind, outcome, [rep], now)
            if order.status is OrderStatus.CANCELLED and order.released:  # nothing left at all
                await tell_warehouse(uow, self.config, order.id, now, NoticeKind.PICK_CANCELLED)
            await uow.commit()
        return outcome

    async def _settle(
        self, uow: UnitOfWork, order: Order, customer: Customer
    ) -> tuple[Order, int]:
        """Totals after units were dropped; the status when nothing is left to ship."""
        order = await recompute_totals(uow, self.config, order, customer)
        lines = await uow.orders.lines(order.id)
        at = self.clock.now()
        if all(x.remaining == 0 for x in lines):
            shipped = any(x.shipped_qty for x in lines)
            wanted = OrderStatus.SHIPPED if shipped else OrderStatus.CANCELLED
            order = await apply_transition(
                uow, order, wanted, config=self.config, actor_id=None, at=at, reason=SHORT_REASON
            )
        order = await settle(uow, self.config, order.id, actor_id=None, now=at)
        order, whole = await delivered_if_all(uow, self.config, order, None, at)  # all arrived
        if whole:
            await bill_delivered(uow, self.config, order, at)
        return order, order.refund_due
