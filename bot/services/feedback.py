"""Feedback: after delivery the customer is asked, once, to rate the order and comment."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import FeedbackGiven, FeedbackNotOpen
from bot.domain.feedback import STARS, is_low, parse_comment
from bot.domain.models import Order, User
from bot.domain.notices import NoticeKind
from bot.domain.reports import DELIVERED
from bot.domain.roles import Role
from bot.services.base import Service, own_order, require_customer
from bot.services.notices import post, staff_with


class LowRating(BaseModel):
    """A low rating with the customer's comment, for their rep and the managers."""

    model_config = ConfigDict(frozen=True)

    order_id: int
    rating: int
    comment: str


class FeedbackAsk(BaseModel):
    """An order whose customer is to be asked for a rating, now."""

    model_config = ConfigDict(frozen=True)

    order: Order


async def _own_delivered(uow: UnitOfWork, user: User, order_id: int) -> Order:
    order = await own_order(uow, await require_customer(uow, user), order_id)
    if order.status not in DELIVERED:
        raise FeedbackNotOpen()
    return order


async def ask_once(uow: UnitOfWork, order: Order, now: datetime) -> bool:
    """Whether to ask the customer to rate a delivered order now: the first time only (not
    when they were asked or rated it already); the asking is recorded."""
    if order.status not in DELIVERED or await uow.feedback.rating(order.id) is not None:
        return False
    return await uow.feedback.ask(order.id, now)


class FeedbackService(Service):
    """Ratings of delivered orders, by their own customers only."""

    async def request(self, order: Order) -> FeedbackAsk | None:
        """After a delivery: the customer to ask, the first time only (None when the order is
        not delivered, or its customer was asked or rated it already)."""
        if order.status not in DELIVERED:
            return None
        async with self.db.unit_of_work() as uow:
            if not await ask_once(uow, order, self.clock.now()):
                return None
            await uow.commit()
        return FeedbackAsk(order=order)

    async def rate(self, user: User, order_id: int, rating: int) -> Order:
        """The customer's rating (1 to 5) of their delivered order, once."""
        if rating not in STARS:
            raise ValueError(f"a rating is 1 to 5, not {rating}")
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            order = await _own_delivered(uow, user, order_id)
            if not await uow.feedback.rate(order.id, rating, now):
                raise FeedbackGiven()
            await uow.feedback.ask(order.id, now)  # rated: never asked again
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="order",
                entity_id=order.id,
                action=AuditAction.RATED,
                after=str(rating),
            )
            await uow.commit()
        return order

    async def comment(self, user: User, order_id: int, text: str) -> Order:
        """The comment that goes with the customer's rating, once."""
        comment = parse_comment(text)
        async with self.db.unit_of_work() as uow:
            order = await _own_delivered(uow, user, order_id)
            if await uow.feedback.rating(order.id) is None:
                raise FeedbackNotOpen()
            if not await uow.feedback.comment(order.id, comment):
                raise FeedbackGiven()
            await self._alert_if_low(uow, order, comment)
            await uow.commit()
        return order

    async def _alert_if_low(self, uow: UnitOfWork, order: Order, comment: str) -> None:
        """A low rating with a comment: the customer's rep and the managers are told."""
        rated = await uow.feedback.rating(order.id)
        if rated is None or not is_low(rated.rating):
            return
        now = self.clock.now()
        alert = LowRating(order_id=order.id, rating=rated.rating, comment=comment)
        customer = await uow.customers.by_id(order.customer_id)
        rep = await uow.users.by_id(customer.rep_id) if customer and customer.rep_id else None
        if rep is not None:
            await post(uow, self.config, NoticeKind.LOW_RATING, alert, [rep], now)
        managers = await staff_with(uow, Role.SALES_MANAGER)
        managers = [m for m in managers if rep is None or m.id != rep.id]
        await post(
            uow, self.config, NoticeKind.LOW_RATING, alert, managers, now, role=Role.SALES_MANAGER
        )
