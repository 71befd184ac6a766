"""Changing an order: at once before approval, as a request staff decide after it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import (
    InputProblem,
    InvalidInput,
    ProductNotFound,
    RequestOpen,
    TransitionRefused,
)
from bot.domain.models import (
    Customer,
    Language,
    Order,
    OrderChange,
    OrderDetail,
    OrderStatus,
    User,
)
from bot.domain.notices import NoticeKind
from bot.domain.order_status import CHANGEABLE
from bot.domain.parsing import parse_address, parse_note, parse_reason
from bot.domain.requests import RequestKind
from bot.services.base import Service, own_order, require_customer
from bot.services.notices import RequestRef, post, update_cards
from bot.services.order_edits import CUSTOM_SKU, apply_change, describe, open_line
from bot.services.orders import order_detail
from bot.services.requests import request_deciders


class ChangeOutcome(BaseModel):
    """A change applied, or a request for it sent; and whom to tell."""

    model_config = ConfigDict(frozen=True)

    order: Order
    applied: bool
    request_id: int | None = None
    detail: OrderDetail | None = None  # applied: the order as the customer sees it now


class CheckedChange(BaseModel):
    """A change as typed, cleaned; after approval it is a request, which needs a reason."""

    model_config = ConfigDict(frozen=True)

    change: OrderChange
    reason_needed: bool


async def _with_sku(uow: UnitOfWork, change: OrderChange) -> OrderChange:
    """A product to add, checked as sold, with its SKU for the people who decide."""
    assert change.product_id is not None
    found = await uow.catalog.products([change.product_id], Language.EN)
    product = found.get(change.product_id)
    if product is None or not product.active or product.sku == CUSTOM_SKU:
        raise ProductNotFound()
    return change.model_copy(update={"sku": product.sku})


async def _changeable(uow: UnitOfWork, user: User, order_id: int) -> tuple[Customer, Order]:
    """The customer and their own order, if it may still be changed (else TransitionRefused)."""
    customer = await require_customer(uow, user)
    order = await own_order(uow, customer, order_id)
    if order.status not in CHANGEABLE:
        raise TransitionRefused(current=order.status, wanted=order.status)
    return customer, order


class ChangeService(Service):
    """A customer changes an order: before approval at once, after it by request."""

    def validate(self, change: OrderChange) -> OrderChange:
        """Clean what was typed."""
        limit = self.config.checkout.max_quantity
        if change.qty is not None and not 1 <= change.qty <= limit:
            raise InvalidInput(InputProblem.QUANTITY_RANGE, 1, limit)
        return OrderChange(
            address=parse_address(change.address) if change.address is not None else None,
            note=parse_note(change.note) if change.note is not None else None,
            line_id=change.line_id,
            qty=change.qty,
            product_id=change.product_id,
            sku=change.sku,
        )

    async def changeable(self, user: User, order_id: int) -> OrderDetail:
        """The customer's own order, if it may still be changed (else TransitionRefused)."""
        async with self.db.reader() as uow:
            _, order = await _changeable(uow, user, order_id)
            return await order_detail(uow, order, user.language)

    async def check(self, user: User, order_id: int, change: OrderChange) -> CheckedChange:
        """A typed change cleaned (validate), and whether it needs a reason: once the order is
        approved it goes to staff as a request."""
        change = self.validate(change)
        async with self.db.reader() as uow:
            customer = await require_customer(uow, user)
            order = await own_order(uow, customer, order_id)
        return CheckedChange(change=change, reason_needed=order.status is OrderStatus.APPROVED)

    async def change(
        self, user: User, order_id: int, change: OrderChange, reason: str | None
    ) -> ChangeOutcome:
        """Apply now if not yet approved; after approval, ask the rep (with a reason)."""
        change = self.validate(change)
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer, order = await _changeable(uow, user, order_id)
            if change.product_id is not None:
                change = await _with_sku(uow, change)
            if order.status is OrderStatus.SUBMITTED:  # its cards say it changed, by whom
                await update_cards(uow, order.id, user.id, now)  # (before the managers' card)
                order = await apply_change(uow, self.config, order, customer, change, user.id, now)
                detail = await order_detail(uow, order, user.language)
                await uow.commit()
                return ChangeOutcome(order=order, applied=True, detail=detail)
            if await uow.requests.open_for(order.id):
                raise RequestOpen()
            if change.line_id is not None:  # asked of a line settled since: refused now
                await open_line(uow, order.id, change.line_id)
            request_id = await uow.requests.add(
                order.id,
                RequestKind.CHANGE,
                parse_reason(reason or ""),
                "",
                describe(change),
                user.id,
                now,
            )
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="order",
                entity_id=order.id,
                action=AuditAction.CHANGE_REQUESTED,
                after=describe(change),
                reason=reason,
            )
            deciders = await request_deciders(uow, self.config, customer.rep_id)
            ref = RequestRef(request_id=request_id)
            await post(uow, self.config, NoticeKind.REQUEST, ref, deciders, now)
            await uow.commit()
        return ChangeOutcome(order=order, applied=False, request_id=request_id)
