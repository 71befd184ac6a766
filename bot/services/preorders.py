"""Stock that arrives goes first to the orders waiting for it (pre-orders, and lines found
short), oldest first, before anyone else may take it: the units are held for them at once,
the customer is told it arrived, and an order now held whole goes to the warehouse again."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.domain.models import Language, OrderStatus
from bot.domain.notices import NoticeKind
from bot.services.base import customer_of
from bot.services.notices import post, tell_warehouse


class Arrived(BaseModel):
    """Units of a line that was waiting are now held for the customer's order."""

    model_config = ConfigDict(frozen=True)

    order_id: int
    line_id: int
    qty: int
    complete: bool  # the whole order is held now


async def allocate(uow: UnitOfWork, config: Config, product_id: int, now: datetime) -> int:
    """Hold what is free of a product for the lines waiting for it, first come first served;
    returns the units held."""
    product = (await uow.catalog.products([product_id], Language.EN)).get(product_id)
    free = max(product.available, 0) if product is not None else 0
    held = 0
    for line_id, order_id, need in await uow.orders.waiting_for(product_id):
        take = min(need, free)
        if take <= 0:
            break
        if not await uow.catalog.reserve(product_id, take):
            break
        await uow.orders.hold_more(line_id, take)
        free -= take
        held += take
        order = await uow.orders.by_id(order_id)
        assert order is not None
        lines = await uow.orders.lines(order_id)
        complete = all(x.reserved_qty >= x.remaining for x in lines)
        _, customer_user = await customer_of(uow, order)
        arrived = Arrived(order_id=order_id, line_id=line_id, qty=take, complete=complete)
        await post(uow, config, NoticeKind.ARRIVED, arrived, [customer_user], now)
        shippable = order.status in (OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED)
        if complete and shippable and order.released:
            await tell_warehouse(uow, config, order_id, now)
    return held
