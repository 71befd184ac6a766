"""The one function that moves an order between statuses and records it in the audit log."""

from __future__ import annotations

from datetime import datetime

from bot.config import Config
from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.models import Order, OrderStatus
from bot.domain.order_status import RELEASES_STOCK, check_transition
from bot.services.notices import update_cards
from bot.services.stock import give_back


async def apply_transition(
    uow: UnitOfWork,
    order: Order,
    wanted: OrderStatus,
    *,
    config: Config,
    actor_id: int | None,
    at: datetime,
    reason: str | None = None,
) -> Order:
    """Move the order to `wanted` or raise; reserved stock an order ending unfilled held goes
    back, to the orders waiting for it first; a submitted order's approval cards are edited to
    show who decided it."""
    check_transition(order.status, wanted, reason)
    await uow.orders.set_status(order.id, wanted, at)
    await _record(uow, order.id, order.status, wanted, actor_id, at, reason)
    if wanted in RELEASES_STOCK:
        for product_id, qty in await uow.orders.clear_reservations(order.id):
            await give_back(uow, config, product_id, qty, at)
    if order.status is OrderStatus.SUBMITTED:  # decided: the approval cards sent say so
        await update_cards(uow, order.id, actor_id, at)
    return order.model_copy(update={"status": wanted})


async def record_submission(uow: UnitOfWork, order: Order, *, actor_id: int, at: datetime) -> None:
    """The first timeline entry of a new order."""
    await _record(uow, order.id, None, OrderStatus.SUBMITTED, actor_id, at, None)


async def _record(
    uow: UnitOfWork,
    order_id: int,
    before: OrderStatus | None,
    after: OrderStatus,
    actor_id: int | None,
    at: datetime,
    reason: str | None,
) -> None:
    await uow.audit.record(
        at=at,
        actor_id=actor_id,
        entity="order",
        entity_id=order_id,
        action=AuditAction.STATUS,
        before=before.value if before else None,
        after=after.value,
        reason=reason,
    )
