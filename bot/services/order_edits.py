"""Edits to a submitted or approved order: totals from its lines, changes applied and checked."""

from __future__ import annotations

from datetime import datetime

from bot.config import Config
from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import (
    InputProblem,
    InvalidInput,
    LineSettled,
    NotEnoughStock,
    OrderNotFound,
    ProductNotFound,
    TransitionRefused,
)
from bot.domain.models import (
    Customer,
    Language,
    Order,
    OrderChange,
    OrderLine,
    OrderStatus,
    Product,
)
from bot.domain.notices import NoticeKind
from bot.domain.pricing import order_totals
from bot.services.cart import price_lines
from bot.services.money import settle
from bot.services.notices import tell_warehouse
from bot.services.review_rules import recheck
from bot.services.stock import give_back, watch

# An order in these states, once released, is on the warehouse's pick lists: a change is told.
WAREHOUSE_HAS = (OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED)
CUSTOM_SKU = "CUSTOM"  # the non-catalog product custom orders are made of (db/custom_requests)


async def recompute_totals(
    uow: UnitOfWork, config: Config, order: Order, customer: Customer
) -> Order:
    """The order's totals from its lines as they are now (units cancelled left out)."""
    lines = await uow.orders.lines(order.id)
    subtotal = sum(x.unit_price * (x.qty - x.cancelled_qty) for x in lines)
    set_bp = await uow.reviews.discount_bp(order.id)
    totals = order_totals(
        subtotal,
        discount_bp=customer.discount_bp if set_bp is None else set_bp,
        delivery_fee=order.totals.delivery_fee if subtotal else 0,
        tax_percent=config.tax.rate_percent,
        tax_included=config.tax.included,
    )
    await uow.orders.set_totals(order.id, totals)
    return order.model_copy(update={"totals": totals})


def describe(change: OrderChange) -> str:
    """A change as stored in the audit log and in requests."""
    return change.model_dump_json(exclude_none=True)


def _hold_more(product: Product, extra: int) -> int:
    """How many of `extra` more units can be held now; NotEnoughStock unless a pre-order."""
    free = max(product.available, 0)
    take = min(extra, free)
    if take < extra and not product.preorder:
        raise NotEnoughStock(available=free)
    return take


async def _set_line_qty(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    customer: Customer,
    line: OrderLine,
    qty: int,
    actor_id: int,
    now: datetime,
) -> Order:
    """A line's new quantity: stock held or freed, totals, money settled."""
    held = line.reserved_qty
    if qty > line.qty:
        products = await uow.catalog.products([line.product_id], Language.EN)
        product = products[line.product_id]
        try:
            take = _hold_more(product, qty - line.qty)
        except NotEnoughStock as error:
            raise NotEnoughStock(available=line.qty + error.available) from None
        if take and not await uow.catalog.reserve(line.product_id, take):
            raise NotEnoughStock(available=line.qty)
        held += take
        await watch(uow, config, [line.product_id], now)
    freed = 0
    if qty < line.qty:
        freed = max(0, held - qty)
        held -= freed
    await uow.orders.set_line_qty(line.id, qty, held)
    # Given back once the line holds its new quantity, so it does not take them again.
    await give_back(uow, config, line.product_id, freed, now)
    await recompute_totals(uow, config, order, customer)
    return await settle(uow, config, order.id, actor_id=actor_id, now=now)


async def _add_line(
    uow: UnitOfWork,
    config: Config,
    customer: Customer,
    order: Order,
    product_id: int,
    qty: int,
    now: datetime,
) -> None:
    """A new line for a product not on the order, at the customer's price today, held."""
    products = await uow.catalog.products([product_id], Language.EN)
    product = products.get(product_id)
    if product is None or not product.active or product.sku == CUSTOM_SKU:
        raise ProductNotFound()
    take = _hold_more(product, qty)
    if take and not await uow.catalog.reserve(product_id, take):
        raise NotEnoughStock(available=0)
    specials = await uow.customers.special_prices(customer.id)
    priced = (await price_lines(uow, [(product_id, qty)], Language.EN, specials)).lines[0]
    line = OrderLine(
        product_id=product_id,
        sku=priced.sku,
        name=priced.name,
        qty=qty,
        unit_price=priced.unit_price,
        total=priced.total,
        reserved_qty=take,
    )
    await uow.orders.insert_lines(order.id, [line])
    if take:
        await watch(uow, config, [product_id], now)


async def open_line(uow: UnitOfWork, order_id: int, line_id: int) -> OrderLine:
    """A line of the order whose quantity may still change: OrderNotFound when it is not on
    the order (a forged button), LineSettled once any of it has shipped or was cut short."""
    line = next((x for x in await uow.orders.lines(order_id) if x.id == line_id), None)
    if line is None:
        raise OrderNotFound()
    if line.shipped_qty or line.cancelled_qty:
        raise LineSettled()
    return line


async def apply_change(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    customer: Customer,
    change: OrderChange,
    actor_id: int,
    now: datetime,
) -> Order:
    """Apply a change (stock held or freed for a new quantity), recompute, check again (a
    limit now broken sends the order to the managers, who are told)."""
    before = OrderChange()
    if change.address is not None or change.note is not None:
        if change.address is not None and order.address is None:
            raise TransitionRefused(current=order.status, wanted=order.status)
        before = before.model_copy(update={"address": order.address, "note": order.note})
        address = change.address if change.address is not None else order.address
        note = change.note if change.note is not None else order.note
        await uow.orders.set_address_note(order.id, address, note)
        order = order.model_copy(update={"address": address, "note": note})
    if change.line_id is not None and change.qty is not None:
        line = await open_line(uow, order.id, change.line_id)
        before = before.model_copy(update={"line_id": line.id, "qty": line.qty})
        order = await _set_line_qty(uow, config, order, customer, line, change.qty, actor_id, now)
    elif change.product_id is not None and change.qty is not None:
        lines = await uow.orders.lines(order.id)
        same = next((x for x in lines if x.product_id == change.product_id), None)
        if same is not None and not same.shipped_qty and not same.cancelled_qty:
            # The product is on the order already: its line grows by the units added.
            before = before.model_copy(update={"line_id": same.id, "qty": same.qty})
            new_qty = same.qty + change.qty
            limit = config.checkout.max_quantity
            if new_qty > limit:
                raise InvalidInput(InputProblem.QUANTITY_RANGE, 1, limit - same.qty)
            order = await _set_line_qty(uow, config, order, customer, same, new_qty, actor_id, now)
        else:
            before = before.model_copy(update={"product_id": change.product_id, "qty": 0})
            await _add_line(uow, config, customer, order, change.product_id, change.qty, now)
            await recompute_totals(uow, config, order, customer)
            order = await settle(uow, config, order.id, actor_id=actor_id, now=now)
    await uow.audit.record(
        at=now,
        actor_id=actor_id,
        entity="order",
        entity_id=order.id,
        action=AuditAction.CHANGED,
        before=describe(before),
        after=describe(change),
    )
    await recheck(uow, config, order, customer, now)
    fresh = await uow.orders.by_id(order.id)
    if fresh is not None and fresh.released and fresh.status in WAREHOUSE_HAS:
        await tell_warehouse(uow, config, order.id, now, NoticeKind.PICK_LIST_CHANGED)
    return order
