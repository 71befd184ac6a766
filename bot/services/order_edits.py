"""Edits to a submitted or approved order: totals from its lines, changes applied and checked."""

from __future__ import annotations

from datetime import datetime

from bot.config import Config
from bot.db import UnitOfWork
from bot.domain.errors import NotEnoughStock, OrderNotFound, TransitionRefused
from bot.domain.models import Customer, Language, Order, OrderChange
from bot.domain.pricing import order_totals
from bot.services.money import settle
from bot.services.review_rules import recheck
from bot.services.stock import give_back, watch


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
        line = next((x for x in await uow.orders.lines(order.id) if x.id == change.line_id), None)
        if line is None or line.shipped_qty or line.cancelled_qty:
            raise OrderNotFound()
        before = before.model_copy(update={"line_id": line.id, "qty": line.qty})
        held = line.reserved_qty
        freed = 0
        if change.qty > line.qty:
            products = await uow.catalog.products([line.product_id], Language.EN)
            product = products[line.product_id]
            extra = change.qty - line.qty
            free = max(product.available, 0)
            take = min(extra, free)
            if take < extra and not product.preorder:
                raise NotEnoughStock(available=line.qty + free)
            if take and not await uow.catalog.reserve(line.product_id, take):
                raise NotEnoughStock(available=line.qty)
            held += take
            await watch(uow, config, [line.product_id], now)
        elif change.qty < line.qty:
            freed = max(0, held - change.qty)
            held -= freed
        await uow.orders.set_line_qty(line.id, change.qty, held)
        # Given back once the line holds its new quantity, so it does not take them again.
        await give_back(uow, config, line.product_id, freed, now)
        await recompute_totals(uow, config, order, customer)
        order = await settle(uow, config, order.id, actor_id=actor_id, now=now)
    await uow.audit.record(
        at=now,
        actor_id=actor_id,
        entity="order",
        entity_id=order.id,
        action="changed",
        before=describe(before),
        after=describe(change),
    )
    await recheck(uow, config, order, customer, now)
    return order
