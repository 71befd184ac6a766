"""Customers' requests after approval (cancellation), decided by their rep or a manager; and
the same people cancelling an approved order for its customer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.db.requests import StoredRequest
from bot.domain.access import may_act_for
from bot.domain.errors import OrderNotFound, RequestClosed, RequestWaiting, TransitionRefused
from bot.domain.models import Language, Order, OrderChange, OrderLine, OrderStatus, User
from bot.domain.notices import NoticeKind
from bot.domain.order_status import staff_may_cancel_for
from bot.domain.parsing import parse_reason
from bot.domain.requests import RequestKind, RequestState
from bot.domain.review import Route
from bot.services.base import Service, customer_of, deny, roles_of
from bot.services.money import settle
from bot.services.notices import CancelledBy, RequestDecided, post, tell_warehouse
from bot.services.order_edits import apply_change
from bot.services.review_rules import deciders
from bot.services.transitions import apply_transition


class RequestCard(BaseModel):
    """A request as the deciders see it."""

    model_config = ConfigDict(frozen=True)

    request_id: int
    order: Order
    customer_name: str
    reason: str
    state: str
    paid: int
    kind: str = "cancel"
    change: OrderChange | None = None
    lines: tuple[OrderLine, ...] = ()


class RequestDecision(BaseModel):
    """A decided request: the order after it, money to pay back (the customer is told)."""

    model_config = ConfigDict(frozen=True)

    order: Order
    approved: bool
    refund_due: int
    kind: str = "cancel"


async def request_deciders(uow: UnitOfWork, config: Config, rep_id: int | None) -> list[User]:
    """The customer's rep, else the managers, else the administrators: as an order on the
    rep's route."""
    return await deciders(uow, config, Route.REP, rep_id)


def _closed(found: StoredRequest, order: Order, approve: bool) -> None:
    """Raise what happened if the request may no longer be decided (approved: the order must
    still be approved; a request may always be declined while open)."""
    if found.state is not RequestState.OPEN:
        raise RequestClosed(number=order.number, approved=found.state is RequestState.APPROVED)
    if approve and order.status is not OrderStatus.APPROVED:
        wanted = OrderStatus.CANCELLED if found.kind is RequestKind.CANCEL else order.status
        raise TransitionRefused(current=order.status, wanted=wanted)


async def cancel_approved(
    uow: UnitOfWork, config: Config, order: Order, actor_id: int, reason: str, now: datetime
) -> Order:
    """Cancel an approved order (the customer asked, or phoned): the status with who and why,
    its stock back, its money settled (a refund due if paid: finance is told), and the
    warehouse, which has its pick list, told not to pick it."""
    order = await apply_transition(
        uow, order, OrderStatus.CANCELLED, config=config, actor_id=actor_id, at=now, reason=reason
    )
    order = await settle(uow, config, order.id, actor_id=actor_id, now=now)
    if order.released:
        await tell_warehouse(uow, config, order.id, now, NoticeKind.PICK_CANCELLED)
    return order


class RequestService(Service):
    """Deciding customers' requests, checked against the decider's role; and cancelling an
    approved order for its customer (who phoned), by the same people."""

    async def cancellable_for(self, actor: User, order_id: int) -> Order:
        """An approved order staff may cancel for its customer: its rep, a manager or an
        administrator; not once anything shipped, nor while the customer's request waits."""
        async with self.db.unit_of_work() as uow:
            return await self._cancellable(uow, actor, order_id)

    async def _cancellable(self, uow: UnitOfWork, actor: User, order_id: int) -> Order:
        order = await uow.orders.by_id(order_id)
        if order is None:
            raise OrderNotFound()
        await self._acts_for(uow, actor, order, "cancel_for")
        if not staff_may_cancel_for(order.status):
            raise TransitionRefused(current=order.status, wanted=OrderStatus.CANCELLED)
        if await uow.requests.open_for(order.id):
            raise RequestWaiting()
        return order

    async def cancel_for(self, actor: User, order_id: int, reason: str) -> Order:
        """Cancel an approved order for its customer, with the reason they are told: stock
        returns, what was paid is due back (finance is told), the warehouse hears not to
        pick it, the customer who and why."""
        reason = parse_reason(reason)
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            order = await self._cancellable(uow, actor, order_id)
            order = await cancel_approved(uow, self.config, order, actor.id, reason, now)
            _, customer_user = await customer_of(uow, order)
            told = CancelledBy(
                order_id=order.id, by=actor.first_name, reason=reason, refund_due=order.refund_due
            )
            await post(uow, self.config, NoticeKind.CANCELLED_FOR, told, [customer_user], now)
            await uow.commit()
        return order

    async def _load(
        self, uow: UnitOfWork, actor: User, request_id: int, action: str
    ) -> tuple[StoredRequest, Order]:
        found = await uow.requests.get(request_id)
        order = await uow.orders.by_id(found.order_id) if found else None
        if found is None or order is None:
            raise OrderNotFound()
        await self._acts_for(uow, actor, order, action)
        return found, order

    async def _acts_for(self, uow: UnitOfWork, actor: User, order: Order, action: str) -> None:
        """The customer's rep, a manager or an administrator; anyone else is refused, audited."""
        customer = await uow.customers.by_id(order.customer_id)
        roles = await roles_of(uow, self.config, actor)
        if not may_act_for(roles, actor.id, customer.rep_id if customer else None):
            await deny(uow, actor, action, self.clock.now(), order.id)

    async def card(self, actor: User, request_id: int) -> RequestCard:
        """The request with its order, for the people who decide it."""
        async with self.db.unit_of_work() as uow:
            found, order = await self._load(uow, actor, request_id, "view_request")
            return await self._card(uow, request_id, found, order, actor.language)

    async def open_card(self, actor: User, request_id: int, *, approve: bool) -> RequestCard:
        """The card of a request still to decide, checked when a decision button is pressed:
        a request decided meanwhile, or an order no longer approved, is refused at once."""
        async with self.db.unit_of_work() as uow:
            found, order = await self._load(uow, actor, request_id, "decide_request")
            _closed(found, order, approve)
            return await self._card(uow, request_id, found, order, actor.language)

    async def notice(self, request_id: int, language: Language | None = None) -> RequestCard:
        """The card sent to the deciders when the request is made (names in their language)."""
        async with self.db.reader() as uow:
            found = await uow.requests.get(request_id)
            order = await uow.orders.by_id(found.order_id) if found else None
            if found is None or order is None:
                raise OrderNotFound()
            return await self._card(uow, request_id, found, order, language)

    async def _card(
        self,
        uow: UnitOfWork,
        request_id: int,
        found: StoredRequest,
        order: Order,
        language: Language | None,
    ) -> RequestCard:
        customer = await uow.customers.by_id(order.customer_id)
        after = (await uow.requests.change(request_id)).after
        change = None
        if found.kind is RequestKind.CHANGE and after:
            change = OrderChange.model_validate_json(after)
        return RequestCard(
            request_id=request_id,
            order=order,
            customer_name=customer.name if customer else "",
            reason=found.reason,
            state=found.state,
            paid=await uow.payments.paid(order.id),
            kind=found.kind,
            change=change,
            lines=tuple(await uow.orders.lines(order.id, language)),
        )

    async def decide(self, actor: User, request_id: int, *, approve: bool) -> RequestDecision:
        """Approve (cancel: stock returns, a refund is due if paid) or decline a request."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            found, order = await self._load(uow, actor, request_id, "decide_request")
            _closed(found, order, approve)
            refund = 0
            if approve and found.kind is RequestKind.CHANGE:
                after = (await uow.requests.change(request_id)).after
                customer = await uow.customers.by_id(order.customer_id)
                assert customer is not None and after
                order = await apply_change(
                    uow,
                    self.config,
                    order,
                    customer,
                    OrderChange.model_validate_json(after),
                    actor.id,
                    now,
                )
                refund = order.refund_due  # a smaller order than was paid for
            elif approve:
                order = await cancel_approved(uow, self.config, order, actor.id, found.reason, now)
                refund = order.refund_due
            if not await uow.requests.decide(request_id, approve, actor.id, now):
                raise RequestClosed()
            _, customer_user = await customer_of(uow, order)
            decided = RequestDecided(
                order_id=order.id, approved=approve, refund_due=refund, kind=found.kind
            )
            await post(uow, self.config, NoticeKind.REQUEST_DECIDED, decided, [customer_user], now)
            await uow.commit()
        return RequestDecision(order=order, approved=approve, refund_due=refund, kind=found.kind)
