"""Fulfilment: what to ship, shipments (partial or whole), delivery by warehouse or customer."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import (
    AwaitingPayment,
    NothingToShip,
    OrderNotFound,
    OutOfStockToShip,
    TransitionRefused,
)
from bot.domain.models import (
    Language,
    Order,
    OrderDetail,
    OrderLine,
    OrderStatus,
    Shipment,
    User,
)
from bot.domain.notices import NoticeKind
from bot.domain.parsing import parse_carrier, parse_tracking
from bot.domain.roles import Permission, Role
from bot.domain.stock import MoveKind
from bot.services.base import Service, authorize, customer_of, require_customer
from bot.services.feedback import ask_once
from bot.services.money import awaits_payment, on_delivery, settle
from bot.services.notices import HandedOver, OrderRef, Shipped, post, staff_with
from bot.services.orders import order_detail
from bot.services.stock import watch
from bot.services.transitions import apply_transition

SHIPPABLE = (OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED)
QUEUE_LIMIT = 20


class PickList(BaseModel):
    """An order as the warehouse sees it: goods, address, dates; never prices."""

    model_config = ConfigDict(frozen=True)

    order: Order
    customer_name: str
    customer_phone: str  # for the courier
    lines: tuple[OrderLine, ...]
    shipments: tuple[Shipment, ...]


class ShipmentResult(BaseModel):
    """A shipment recorded (its customer is told through the outbox) and the order's pick list
    as it is after it."""

    model_config = ConfigDict(frozen=True)

    pick: PickList
    shipment: Shipment
    created: bool = True  # False: this confirmation had recorded it already

    @property
    def order(self) -> Order:
        """The order after the shipment."""
        return self.pick.order


class Receipt(BaseModel):
    """The customer's confirmed delivery: their order as they see it now, and whether to ask
    them for a rating on that screen."""

    model_config = ConfigDict(frozen=True)

    detail: OrderDetail
    ask_rating: bool


async def delivered_if_all(
    uow: UnitOfWork, config: Config, order: Order, actor_id: int | None, now: datetime
) -> tuple[Order, bool]:
    """A shipped order whose every shipment has arrived is delivered (by the last delivery, or
    by a shortage that left nothing more to ship), its money settled (paid in full, it is
    completed at once); whether it was. Then call `bill_delivered`."""
    shipments = await uow.shipments.for_order(order.id)
    if order.status is not OrderStatus.SHIPPED or not all(s.delivered_at for s in shipments):
        return order, False
    order = await apply_transition(
        uow, order, OrderStatus.DELIVERED, config=config, actor_id=actor_id, at=now
    )
    return await settle(uow, config, order.id, actor_id=actor_id, now=now), True


async def bill_delivered(uow: UnitOfWork, config: Config, order: Order, now: datetime) -> None:
    """An order just delivered is invoiced now if its term says so (finance gets the invoice's
    copy); else finance is told when there is something to do: an invoice to issue, or money
    to chase."""
    if await on_delivery(uow, config, order, now):
        return
    if order.status is OrderStatus.DELIVERED or await uow.payments.invoice(order.id) is None:
        finance, ref = await staff_with(uow, Role.FINANCE), OrderRef(order_id=order.id)
        await post(uow, config, NoticeKind.DELIVERED, ref, finance, now, role=Role.FINANCE)


class FulfilmentService(Service):
    """The warehouse's work, checked against its role."""

    async def queue(self, actor: User) -> list[Order]:
        """Approved orders not yet fully shipped, oldest first."""
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.FULFIL, "ship", self.clock.now())
            return await uow.orders.released(SHIPPABLE, QUEUE_LIMIT)

    async def pick_list(
        self, actor: User | None, order_id: int, language: Language | None = None
    ) -> PickList:
        """One order's pick list (actor None: for the notice the system sends), the products
        named in the reader's language (the actor's, else `language`)."""
        async with self.db.unit_of_work() as uow:
            if actor is not None:
                await authorize(
                    uow, self.config, actor, Permission.FULFIL, "pick", self.clock.now()
                )
            return await self._pick(uow, order_id, actor.language if actor else language)

    async def _pick(self, uow: UnitOfWork, order_id: int, language: Language | None) -> PickList:
        order = await uow.orders.by_id(order_id)
        if order is None:
            raise OrderNotFound()
        if awaits_payment(self.config, order):
            raise AwaitingPayment()
        customer, _ = await customer_of(uow, order)
        return PickList(
            order=order,
            customer_name=customer.name,
            customer_phone=customer.phone,
            lines=tuple(await uow.orders.lines(order.id, language)),
            shipments=tuple(await uow.shipments.for_order(order.id)),
        )

    async def ship(
        self,
        actor: User,
        order_id: int,
        quantities: dict[int, int],
        carrier: str,
        tracking: str | None,
        expected: date | None,
        token: str | None = None,
    ) -> ShipmentResult:
        """Record goods leaving: stock and reservations go down, the status follows; the pick
        list after it, in the actor's language. A confirmation (token) records one shipment,
        however often it is pressed."""
        now = self.clock.now()
        carrier = parse_carrier(carrier)
        tracking = parse_tracking(tracking) if tracking else None
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.FULFIL, "ship", now)
            order = await uow.orders.by_id(order_id)
            if order is None:
                raise OrderNotFound()
            recorded = await uow.shipments.by_token(token) if token else None
            if recorded is not None:
                shipment = await uow.shipments.by_id(recorded)
                assert shipment is not None
                pick = await self._pick(uow, order.id, actor.language)
                return ShipmentResult(pick=pick, shipment=shipment, created=False)
            if order.status not in SHIPPABLE:
                raise TransitionRefused(current=order.status, wanted=OrderStatus.SHIPPED)
            if not order.released:
                raise AwaitingPayment()
            lines = {line.id: line for line in await uow.orders.lines(order.id)}
            chosen = [(i, q) for i, q in quantities.items() if q > 0]
            if not chosen or any(i not in lines or q > lines[i].remaining for i, q in chosen):
                raise NothingToShip()
            for line_id, qty in chosen:
                line = lines[line_id]
                from_reserve = await uow.orders.ship_line(line_id, qty)
                if not await uow.catalog.take_out(line.product_id, qty, from_reserve):
                    raise OutOfStockToShip(sku=line.sku)
                await uow.stock.record(
                    line.product_id, -qty, MoveKind.SHIPMENT, order.number, actor.id, now
                )
            await watch(uow, self.config, [lines[i].product_id for i, _ in chosen], now)
            shipment_id = await uow.shipments.insert(
                order.id, carrier, tracking, expected, actor.id, now, chosen, token
            )
            after = await uow.orders.lines(order.id)
            complete = all(x.remaining == 0 for x in after)
            wanted = OrderStatus.SHIPPED if complete else OrderStatus.PARTIALLY_SHIPPED
            if wanted is not order.status:
                order = await apply_transition(
                    uow, order, wanted, config=self.config, actor_id=actor.id, at=now
                )
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="order",
                entity_id=order.id,
                action=AuditAction.SHIPMENT,
                after=str(shipment_id),
            )
            shipment = await uow.shipments.by_id(shipment_id)
            assert shipment is not None
            _, customer_user = await customer_of(uow, order)
            shipped = Shipped(order_id=order.id, shipment_id=shipment_id)
            await post(uow, self.config, NoticeKind.SHIPPED, shipped, [customer_user], now)
            pick = await self._pick(uow, order.id, actor.language)
            await uow.commit()
        return ShipmentResult(pick=pick, shipment=shipment)

    async def mark_delivered(self, actor: User, shipment_id: int) -> Order:
        """The warehouse records a shipment as delivered."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.FULFIL, "deliver", now)
            order = await self._delivered(uow, actor, shipment_id, None)
            await uow.commit()
        return order

    async def deliver(self, actor: User, shipment_id: int) -> PickList:
        """The warehouse's "Delivered": recorded (mark_delivered), the pick list as it is now."""
        order = await self.mark_delivered(actor, shipment_id)
        return await self.pick_list(actor, order.id)

    async def confirm_receipt(self, customer_user: User, shipment_id: int) -> Order:
        """The customer confirms a shipment arrived (only their own)."""
        async with self.db.unit_of_work() as uow:
            customer = await require_customer(uow, customer_user)
            order = await self._delivered(uow, customer_user, shipment_id, customer.id)
            await uow.commit()
        return order

    async def receive(self, customer_user: User, shipment_id: int) -> Receipt:
        """The customer's "I received it": recorded, in one transaction with whether to ask
        them for a rating right there (the first time the order is delivered only); their
        order as it is now."""
        async with self.db.unit_of_work() as uow:
            customer = await require_customer(uow, customer_user)
            order = await self._delivered(uow, customer_user, shipment_id, customer.id)
            ask = await ask_once(uow, order, self.clock.now())
            detail = await order_detail(uow, order, customer_user.language)
            await uow.commit()
        return Receipt(detail=detail, ask_rating=ask)

    async def _delivered(
        self, uow: UnitOfWork, actor: User, shipment_id: int, customer_id: int | None
    ) -> Order:
        now = self.clock.now()
        shipment = await uow.shipments.by_id(shipment_id)
        order = await uow.orders.by_id(shipment.order_id) if shipment else None
        if order is None or (customer_id is not None and order.customer_id != customer_id):
            raise OrderNotFound()
        if not await uow.shipments.mark_delivered(shipment_id, actor.id, now):
            return order  # recorded already (a second press, the other side's): nobody is told
        order, whole = await delivered_if_all(uow, self.config, order, actor.id, now)
        # The warehouse marked it: the customer is told, and asked to rate the order the first
        # time it is delivered whole. A customer who confirmed it sees all that on screen.
        if customer_id is None:
            _, customer_user = await customer_of(uow, order)
            ask = await ask_once(uow, order, now)
            told = HandedOver(
                order_id=order.id, shipment_id=shipment_id, whole=whole, ask_rating=ask
            )
            await post(uow, self.config, NoticeKind.HANDED_OVER, told, [customer_user], now)
        if whole:  # after the customer's notice: the invoice follows it
            await bill_delivered(uow, self.config, order, now)
        return order
