"""A customer's orders: paging, ownership, cancellation with stock returned, repeat."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.db import Database
from bot.domain.errors import (
    InvalidInput,
    NotInvoiceable,
    OrderNotFound,
    ReasonRequired,
    RequestOpen,
    TransitionRefused,
)
from bot.domain.models import OrderStatus
from bot.domain.payments import Method
from bot.domain.roles import Role
from bot.services import Services
from bot.services.transitions import apply_transition
from tests.integration.helpers import customer, draft, product


async def _order(services: Services, user, sku: str, qty: int, token: str):  # type: ignore[no-untyped-def]
    await services.cart.add(user, (await product(services, sku)).id, qty)
    return (await services.checkout.submit(user, draft(token))).order


async def test_orders_page_newest_first(services: Services, clock: FixedClock) -> None:
    user = await customer(services, 1)
    numbers = []
    for n in range(7):
        numbers.append((await _order(services, user, "STP-REFILL", 1, f"t{n}")).number)
        clock.advance(timedelta(minutes=5))
    first = await services.orders.page(user, 0)
    assert (first.total, first.pages) == (7, 2)
    assert [o.number for o in first.items] == numbers[::-1][:5]
    last = await services.orders.page(user, 99)  # clamped to the last page
    assert [o.number for o in last.items] == numbers[1::-1]


async def test_other_customers_orders_are_not_found(services: Services) -> None:
    owner = await customer(services, 1)
    order = await _order(services, owner, "STP-24", 1, "t1")
    stranger = await customer(services, 2)
    with pytest.raises(OrderNotFound):
        await services.orders.detail(stranger, order_id=order.id)
    with pytest.raises(OrderNotFound):
        await services.orders.detail(stranger, number=order.number)
    with pytest.raises(OrderNotFound):
        await services.orders.cancel(stranger, order.id, "not mine")
    with pytest.raises(OrderNotFound):
        await services.orders.repeat(stranger, order.id)


async def test_cancel_returns_stock_and_records_the_reason(
    services: Services, db: Database
) -> None:
    user = await customer(services, 1)
    order = await _order(services, user, "TN-2420", 5, "t1")
    with pytest.raises(InvalidInput):
        await services.orders.cancel(user, order.id, "x")
    cancelled = await services.orders.cancel(user, order.id, "Found a better price")
    assert cancelled.order.status is OrderStatus.CANCELLED and cancelled.request_id is None
    async with db.reader() as uow:
        assert await uow.catalog.reserved("TN-2420") == 0
    detail = await services.orders.detail(user, order_id=order.id)
    assert [(c.from_status, c.to_status) for c in detail.timeline] == [
        (None, OrderStatus.SUBMITTED),
        (OrderStatus.SUBMITTED, OrderStatus.CANCELLED),
    ]
    assert detail.timeline[-1].reason == "Found a better price"
    assert detail.timeline[-1].actor_user_id == user.id
    with pytest.raises(TransitionRefused):
        await services.orders.cancel(user, order.id, "again please")


async def test_after_approval_cancelling_is_a_request_and_never_once_shipped(
    services: Services, db: Database, clock: FixedClock
) -> None:
    user = await customer(services, 1)
    order = await _order(services, user, "STP-24", 2, "t1")
    async with db.unit_of_work() as uow:
        order = await apply_transition(
            uow,
            order,
            OrderStatus.APPROVED,
            config=services.orders.config,
            actor_id=None,
            at=clock.now(),
        )
        await uow.commit()
    outcome = await services.orders.cancel(user, order.id, "changed my mind")
    assert outcome.request_id is not None and outcome.order.status is OrderStatus.APPROVED
    with pytest.raises(RequestOpen):
        await services.orders.cancel(user, order.id, "really, please")
    async with db.reader() as uow:
        assert await uow.catalog.reserved("STP-24") == 2
    async with db.unit_of_work() as uow:
        await apply_transition(
            uow,
            order,
            OrderStatus.PARTIALLY_SHIPPED,
            config=services.orders.config,
            actor_id=None,
            at=clock.now(),
        )
        await db.connection.execute("UPDATE order_requests SET state = 'declined'")
        await uow.commit()
    with pytest.raises(TransitionRefused) as caught:
        await services.orders.cancel(user, order.id, "too late?")
    assert caught.value.current is OrderStatus.PARTIALLY_SHIPPED


@pytest.mark.parametrize(
    "path",
    [
        [OrderStatus.APPROVED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED],
        [OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED],
        [OrderStatus.REJECTED],
        [OrderStatus.APPROVED, OrderStatus.CANCELLED],
    ],
)
async def test_transitions_are_applied_and_audited(
    services: Services, db: Database, clock: FixedClock, path: list[OrderStatus]
) -> None:
    user = await customer(services, 1)
    order = await _order(services, user, "STP-24", 2, "t1")
    async with db.unit_of_work() as uow:
        for status in path:
            order = await apply_transition(
                uow,
                order,
                status,
                config=services.orders.config,
                actor_id=user.id,
                at=clock.now(),
                reason="because",
            )
        await uow.commit()
    detail = await services.orders.detail(user, order_id=order.id)
    assert detail.order.status is path[-1]
    assert [c.to_status for c in detail.timeline] == [OrderStatus.SUBMITTED, *path]
    async with db.reader() as uow:
        freed = path[-1] in (OrderStatus.REJECTED, OrderStatus.CANCELLED)
        assert await uow.catalog.reserved("STP-24") == (0 if freed else 2)


async def test_refused_transition_changes_nothing(
    services: Services, db: Database, clock: FixedClock
) -> None:
    user = await customer(services, 1)
    order = await _order(services, user, "STP-24", 2, "t1")
    async with db.unit_of_work() as uow:
        with pytest.raises(TransitionRefused):
            await apply_transition(
                uow,
                order,
                OrderStatus.SHIPPED,
                config=services.orders.config,
                actor_id=None,
                at=clock.now(),
            )
        with pytest.raises(ReasonRequired):
            await apply_transition(
                uow,
                order,
                OrderStatus.REJECTED,
                config=services.orders.config,
                actor_id=None,
                at=clock.now(),
            )
    detail = await services.orders.detail(user, order_id=order.id)
    assert detail.order.status is OrderStatus.SUBMITTED and len(detail.timeline) == 1


async def test_repeat_uses_todays_prices_and_stock(services: Services, db: Database) -> None:
    user = await customer(services, 1)
    paper = await product(services, "PAP-A4-80")
    notebook = await product(services, "NB-A5-DOT")
    await services.cart.add(user, paper.id, 2)
    await services.cart.add(user, notebook.id, 3)
    order = (await services.checkout.submit(user, draft("t1"))).order
    async with db.unit_of_work() as uow:
        await db.connection.execute("UPDATE products SET price = 2700 WHERE id = ?", (paper.id,))
        await uow.commit()
    result = await services.orders.repeat(user, order.id)  # 1 notebook left after the order
    assert result.added == (paper.name,) and result.reduced == (notebook.name,)
    lines = {x.sku: x for x in result.cart.lines}
    assert (lines["PAP-A4-80"].qty, lines["PAP-A4-80"].unit_price) == (2, 2700)
    assert lines["NB-A5-DOT"].qty == 1
    again = await services.orders.repeat(user, order.id)
    assert notebook.name in again.skipped


async def test_payment_racing_a_cancellation_stays_consistent(
    services: Services, db: Database, clock: FixedClock
) -> None:
    """Whichever commits first, a cancelled order owes back exactly what was paid."""
    user = await customer(services, 1)
    order = await _order(services, user, "STP-24", 2, "t1")
    staff = await services.users.identify(77, "Fay", None, "en")
    async with db.unit_of_work() as uow:
        await uow.staff.grant(staff.id, Role.FINANCE, None, clock.now())
        await uow.staff.grant(staff.id, Role.SALES_MANAGER, None, clock.now())
        order = await apply_transition(
            uow,
            order,
            OrderStatus.APPROVED,
            config=services.orders.config,
            actor_id=None,
            at=clock.now(),
        )
        await uow.commit()
    outcome = await services.orders.cancel(user, order.id, "changed my mind")
    assert outcome.request_id is not None

    async def pay() -> bool:
        try:
            await services.finance.record_payment(
                staff, order.id, 3000, Method.CASH, services.finance.today()
            )
        except NotInvoiceable:
            return False
        return True

    paid, decision = await asyncio.gather(
        pay(), services.requests.decide(staff, outcome.request_id, approve=True)
    )
    assert decision.order.status is OrderStatus.CANCELLED
    async with db.reader() as uow:
        received = await uow.payments.paid(order.id)
        stored = await uow.orders.by_id(order.id)
        assert stored is not None
        refund = stored.refund_due
    assert received == (3000 if paid else 0)
    assert refund == received


async def test_cancelling_and_changing_are_checked_and_answered_by_the_service(
    services: Services, db: Database, clock: FixedClock
) -> None:
    """What the cancel and change conversations ask of the service: may this order be
    cancelled or changed (before anything is typed); does a change need a reason; the order
    as it is once cancelled or changed at once (nothing when it became a request)."""
    from bot.domain.models import OrderChange

    user = await customer(services, 1)
    stranger = await customer(services, 2)
    first = await _order(services, user, "STP-24", 2, "t1")
    second = await _order(services, user, "STP-24", 1, "t2")
    assert (await services.orders.cancellable(user, first.id)).id == first.id
    assert (await services.changes.changeable(user, first.id)).order.id == first.id
    with pytest.raises(OrderNotFound):
        await services.orders.cancellable(stranger, first.id)
    with pytest.raises(OrderNotFound):
        await services.changes.changeable(stranger, first.id)

    checked = await services.changes.check(user, first.id, OrderChange(note="  Ring twice  "))
    assert checked.change.note == "Ring twice" and not checked.reason_needed
    with pytest.raises(InvalidInput):
        await services.changes.check(user, first.id, OrderChange(line_id=1, qty=10**9))
    changed = await services.changes.change(user, first.id, checked.change, None)
    assert changed.applied and changed.detail is not None
    assert changed.detail.order.note == "Ring twice" and changed.detail.lines

    cancelled = await services.orders.cancel(user, first.id, "Found a better price")
    assert cancelled.detail is not None
    assert cancelled.detail.order.status is OrderStatus.CANCELLED
    assert cancelled.detail.timeline[-1].to_status is OrderStatus.CANCELLED
    with pytest.raises(TransitionRefused):
        await services.orders.cancellable(user, first.id)
    with pytest.raises(TransitionRefused):
        await services.changes.changeable(user, first.id)

    async with db.unit_of_work() as uow:
        config = services.orders.config
        await apply_transition(
            uow, second, OrderStatus.APPROVED, config=config, actor_id=None, at=clock.now()
        )
        await uow.commit()
    checked = await services.changes.check(user, second.id, OrderChange(note="Later"))
    assert checked.reason_needed, "approved: a request to staff, with a reason"
    requested = await services.changes.change(user, second.id, checked.change, "Not home")
    assert requested.request_id is not None and requested.detail is None
    assert (await services.orders.cancellable(user, second.id)).id == second.id
