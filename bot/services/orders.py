"""A customer's orders: list, detail with timeline, cancel before approval, repeat."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import RequestOpen, TransitionRefused
from bot.domain.models import Cart, Language, Order, OrderDetail, OrderStatus, Page, User
from bot.domain.notices import NoticeKind
from bot.domain.order_filter import parse_order_filter
from bot.domain.order_status import customer_may_ask_to_cancel, customer_may_cancel
from bot.domain.parsing import parse_reason
from bot.domain.requests import RequestKind
from bot.services.base import Service, own_order, require_customer, roles_of
from bot.services.cart import load_cart
from bot.services.catalog import page_bounds
from bot.services.money import settle
from bot.services.notices import RequestRef, post
from bot.services.requests import request_deciders
from bot.services.staff_orders import FoundOrders, StaffOrderService
from bot.services.transitions import apply_transition

ORDERS_PER_PAGE = 5


class CancelOutcome(BaseModel):
    """A cancellation done, or a request for one sent to these people."""

    model_config = ConfigDict(frozen=True)

    order: Order
    request_id: int | None = None
    detail: OrderDetail | None = None  # cancelled: the order as the customer sees it now


class RepeatResult(BaseModel):
    """What repeating an order put in the cart."""

    model_config = ConfigDict(frozen=True)

    cart: Cart
    added: tuple[str, ...]
    reduced: tuple[str, ...]
    skipped: tuple[str, ...]


async def order_detail(uow: UnitOfWork, order: Order, language: Language) -> OrderDetail:
    """An order with its lines (named in this language), timeline, payments and shipments."""
    lines = await uow.orders.lines(order.id, language)
    timeline = await uow.audit.order_timeline(order.id)
    paid, refunded = await uow.payments.sums(order.id)
    shipments = await uow.shipments.for_order(order.id)
    return OrderDetail(
        order=order,
        lines=tuple(lines),
        timeline=tuple(timeline),
        paid=paid,
        refunded=refunded,
        shipments=tuple(shipments),
    )


FILTER_CHARS = 500  # of a staff filter typed after /orders


class OwnOrders(BaseModel):
    """/orders from a customer: the first page of their orders."""

    model_config = ConfigDict(frozen=True)

    page: Page[Order]


class StaffFound(BaseModel):
    """/orders FILTER from staff: the first page of what it finds."""

    model_config = ConfigDict(frozen=True)

    found: FoundOrders


class FilterHelp(BaseModel):
    """/orders help from staff: how to write a filter."""

    model_config = ConfigDict(frozen=True)


Listing = OwnOrders | StaffFound | FilterHelp  # what /orders [FILTER] leads to


class OrderService(Service):
    """What a customer does with their orders."""

    async def listing(self, actor: User, words: str) -> Listing:
        """/orders [FILTER]: a customer's first page of orders (FILTER ignored); for staff, the
        first page the filter finds among the orders they may see, or its help."""
        async with self.db.reader() as uow:
            staff = bool(await roles_of(uow, self.config, actor))
        if not staff:
            return OwnOrders(page=await self.page(actor, 0))
        if words.strip().lower() == "help":
            return FilterHelp()
        found = parse_order_filter(words[:FILTER_CHARS])
        search = StaffOrderService(self.db, self.config, self.clock).search
        return StaffFound(found=await search(actor, found, 0))

    async def page(self, user: User, page: int) -> Page[Order]:
        """A page of the customer's orders, newest first."""
        async with self.db.reader() as uow:
            customer = await require_customer(uow, user)
            _, total = await uow.orders.for_customer(customer.id, 0, 0)
            page, pages = page_bounds(page, total, ORDERS_PER_PAGE)
            items, total = await uow.orders.for_customer(
                customer.id, page * ORDERS_PER_PAGE, ORDERS_PER_PAGE
            )
        return Page(items=tuple(items), page=page, pages=pages, total=total)

    async def detail(
        self, user: User, *, order_id: int | None = None, number: str | None = None
    ) -> OrderDetail:
        """One of the customer's orders with its lines and timeline."""
        async with self.db.reader() as uow:
            customer = await require_customer(uow, user)
            order = await own_order(uow, customer, order_id, number)
            return await order_detail(uow, order, user.language)

    async def cancellable(self, user: User, order_id: int) -> Order:
        """The customer's own order, if they may cancel it or ask to (else TransitionRefused)."""
        async with self.db.reader() as uow:
            order = await own_order(uow, await require_customer(uow, user), order_id, None)
        if not (customer_may_cancel(order.status) or customer_may_ask_to_cancel(order.status)):
            raise TransitionRefused(current=order.status, wanted=OrderStatus.CANCELLED)
        return order

    async def cancel(self, user: User, order_id: int, reason: str) -> CancelOutcome:
        """Cancel before approval (stock returns); after it, ask staff; once shipped, refuse."""
        reason = parse_reason(reason)
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await require_customer(uow, user)
            order = await own_order(uow, customer, order_id, None)
            if customer_may_ask_to_cancel(order.status):
                if await uow.requests.open_for(order.id):
                    raise RequestOpen()
                request_id = await uow.requests.add(
                    order.id,
                    RequestKind.CANCEL,
                    reason,
                    order.status.value,
                    OrderStatus.CANCELLED.value,
                    user.id,
                    now,
                )
                await uow.audit.record(
                    at=now,
                    actor_id=user.id,
                    entity="order",
                    entity_id=order.id,
                    action=AuditAction.CANCEL_REQUESTED,
                    before=order.status.value,
                    after=OrderStatus.CANCELLED.value,
                    reason=reason,
                )
                deciders = await request_deciders(uow, self.config, customer.rep_id)
                ref = RequestRef(request_id=request_id)
                await post(uow, self.config, NoticeKind.REQUEST, ref, deciders, now)
                await uow.commit()
                return CancelOutcome(order=order, request_id=request_id)
            if not customer_may_cancel(order.status):
                raise TransitionRefused(current=order.status, wanted=OrderStatus.CANCELLED)
            order = await apply_transition(
                uow,
                order,
                OrderStatus.CANCELLED,
                config=self.config,
                actor_id=user.id,
                at=now,
                reason=reason,
            )
            order = await settle(uow, self.config, order.id, actor_id=user.id, now=now)
            detail = await order_detail(uow, order, user.language)
            await uow.commit()
        return CancelOutcome(order=order, detail=detail)

    async def repeat(self, user: User, order_id: int) -> RepeatResult:
        """Put an earlier order's lines in the cart, at today's prices and stock."""
        now = self.clock.now()
        added: list[str] = []
        reduced: list[str] = []
        skipped: list[str] = []
        limit = self.config.checkout.max_quantity
        async with self.db.unit_of_work() as uow:
            customer = await require_customer(uow, user)
            order = await own_order(uow, customer, order_id, None)
            lines = await uow.orders.lines(order.id)
            products = await uow.catalog.products([x.product_id for x in lines], user.language)
            for line in lines:
                product = products.get(line.product_id)
                if product is None or not product.active:
                    skipped.append(line.name)
                    continue
                held = await uow.carts.quantity(user.id, product.id)
                wanted = min(held + line.qty, limit)
                if not product.preorder:
                    wanted = min(wanted, max(product.available, 0))
                if wanted <= held:
                    skipped.append(product.name)
                    continue
                await uow.carts.set(user.id, product.id, wanted, now)
                (added if wanted == held + line.qty else reduced).append(product.name)
            cart = await load_cart(uow, user, user.language)
            await uow.commit()
        return RepeatResult(
            cart=cart, added=tuple(added), reduced=tuple(reduced), skipped=tuple(skipped)
        )
