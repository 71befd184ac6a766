"""Orders as staff see them, each role through its own lens (`scope_of`, `lens_for` in
`bot.domain.access`: the one rule, for one order and for lists); every look is authorised."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from pydantic import BaseModel, ConfigDict

from bot.domain.access import Lens, lens_for, may_act_for, scope_of
from bot.domain.errors import OrderNotFound
from bot.domain.models import AuditEntry, Customer, Order, OrderDetail, Page, Shipment, User
from bot.domain.order_filter import OrderFilter
from bot.domain.order_status import staff_may_cancel_for
from bot.domain.payments import Ledger
from bot.services.base import Service, deny, roles_of
from bot.services.catalog import page_bounds
from bot.services.money import money_of

ORDERS_PER_PAGE = 5
MAX_PAGE = 100_000


class FoundOrder(BaseModel):
    """One order in staff's list, with its customer and how much of it may be shown."""

    model_config = ConfigDict(frozen=True)

    order: Order
    customer: Customer
    lens: Lens


class FoundOrders(BaseModel):
    """A page of the orders a filter found."""

    model_config = ConfigDict(frozen=True)

    found: OrderFilter
    page: Page[FoundOrder]


class StaffOrderView(BaseModel):
    """An order with what the viewer's role may see."""

    model_config = ConfigDict(frozen=True)

    lens: Lens
    detail: OrderDetail
    customer: Customer
    shipments: tuple[Shipment, ...]
    invoice: str | None
    money: Ledger
    history: tuple[AuditEntry, ...]
    may_cancel: bool = False  # the viewer may cancel it for its customer (an approved order)


class StaffOrderService(Service):
    """Staff's /order and /orders."""

    async def search(self, actor: User, found: OrderFilter, page: int) -> FoundOrders:
        """A page of the orders the filter finds among those the actor may see, newest first;
        anyone with no staff role is refused (and audited)."""
        now = self.clock.now()
        zone = self.config.business.zone
        page = min(max(page, 0), MAX_PAGE)
        async with self.db.unit_of_work() as uow:
            scope = scope_of(await roles_of(uow, self.config, actor), actor.id)
            if scope is None:
                await deny(uow, actor, "orders", now)
            rep = scope.rep_id if scope.everything is None else None
            start = datetime.combine(found.start, time(), zone) if found.start else None
            end = (
                datetime.combine(found.end + timedelta(days=1), time(), zone)
                if found.end
                else None
            )
            today = now.astimezone(zone).date()
            _, total = await uow.orders.staff_search(found, rep, (start, end), today, 0, 0)
            page, pages = page_bounds(page, total, ORDERS_PER_PAGE)
            orders, total = await uow.orders.staff_search(
                found, rep, (start, end), today, page * ORDERS_PER_PAGE, ORDERS_PER_PAGE
            )
            items: list[FoundOrder] = []
            for order in orders:
                customer = await uow.customers.by_id(order.customer_id)
                assert customer is not None
                lens = lens_for(scope, customer.rep_id)
                assert lens is not None, "the search keeps to the scope"
                items.append(FoundOrder(order=order, customer=customer, lens=lens))
        return FoundOrders(
            found=found,
            page=Page(items=tuple(items), page=page, pages=pages, total=total),
        )

    async def view(
        self, actor: User, number: str | None = None, *, order_id: int | None = None
    ) -> StaffOrderView:
        """The order by number (or id), seen through the actor's lens; others are refused and
        audited."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            order = (
                await uow.orders.by_id(order_id)
                if order_id is not None
                else await uow.orders.by_number((number or "").strip().upper())
            )
            if order is None:
                raise OrderNotFound()
            customer = await uow.customers.by_id(order.customer_id)
            assert customer is not None
            roles = await roles_of(uow, self.config, actor)
            lens = lens_for(scope_of(roles, actor.id), customer.rep_id)
            if lens is None:
                await deny(uow, actor, "view", now, order.id)
            detail = OrderDetail(
                order=order,
                lines=tuple(await uow.orders.lines(order.id, actor.language)),
                timeline=tuple(await uow.audit.order_timeline(order.id)),
            )
            invoice = await uow.payments.invoice(order.id)
            history = await uow.audit.order_history(order.id)
            money = await money_of(uow, order)
            shipments = await uow.shipments.for_order(order.id)
        return StaffOrderView(
            lens=lens,
            detail=detail,
            customer=customer,
            shipments=tuple(shipments),
            invoice=invoice.number if invoice else None,
            money=money,
            history=tuple(history),
            may_cancel=staff_may_cancel_for(order.status)
            and may_act_for(roles, actor.id, customer.rep_id),
        )
