"""One order as staff see it, each role through its own lens; every look is authorised."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import OrderNotFound
from bot.domain.models import AuditEntry, Customer, OrderDetail, Shipment, User
from bot.domain.payments import Ledger
from bot.domain.roles import Role
from bot.services.base import Service, deny, roles_of
from bot.services.money import money_of


class Lens(StrEnum):
    """How much of an order a role may see."""

    FULL = "full"  # managers, admins, finance, the customer's rep
    GOODS = "goods"  # the warehouse: goods, address, dates; never money


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


class StaffOrderService(Service):
    """Staff's /order."""

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
            if roles & {Role.SALES_MANAGER, Role.ADMIN, Role.FINANCE} or (
                Role.SALES_REP in roles and customer.rep_id == actor.id
            ):
                lens = Lens.FULL
            elif Role.WAREHOUSE in roles:
                lens = Lens.GOODS
            else:
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
            invoice=invoice[0] if invoice else None,
            money=money,
            history=tuple(history),
        )
