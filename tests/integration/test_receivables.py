"""Receivables against a hand-computed fixture: outstanding, overdue, ageing, worst first."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.db import Database
from bot.domain.models import OrderStatus
from bot.domain.payments import Method
from bot.domain.roles import Role
from bot.services import Services
from bot.services.transitions import apply_transition
from tests.integration.helpers import customer, draft, product


async def test_receivables_by_age(services: Services, db: Database, clock: FixedClock) -> None:
    finance = await services.users.identify(77, "Fay", None, "en")
    async with db.unit_of_work() as uow:
        await uow.staff.grant(finance.id, Role.FINANCE, None, clock.now())
        await uow.commit()
    buyer = await customer(services, 1)
    async with db.unit_of_work() as uow:
        c = await uow.customers.by_user(buyer.id)
        assert c is not None
        await uow.customers.allow_term(c.id, "net30")
        await uow.commit()

    async def invoiced(sku: str, qty: int, token: str) -> int:
        await services.cart.add(buyer, (await product(services, sku)).id, qty)
        order = (
            await services.checkout.submit(
                buyer, draft(token, term="net30", delivery="pickup", address=None)
            )
        ).order
        async with db.unit_of_work() as uow:
            await apply_transition(uow, order, OrderStatus.APPROVED, actor_id=None, at=clock.now())
            await uow.commit()
        await services.finance.issue_invoice(finance, order_id=order.id)
        return order.id

    a = await invoiced("STP-24", 2, "a")  # 70.00, due day 30
    clock.advance(timedelta(days=55))
    b = await invoiced("NB-A5-DOT", 2, "b")  # 36.00, due day 85
    clock.advance(timedelta(days=40))
    c_ = await invoiced("STP-REFILL", 4, "c")  # 18.00, due day 125
    await services.finance.record_payment(finance, a, 3000, Method.CASH, services.finance.today())
    # Today is day 95: A is 65 days late with 40.00 left, B 10 days late, C not yet due.
    value = await services.finance.receivables(finance)
    assert value.total == 4000 + 3600 + 1800
    assert value.overdue == 4000 + 3600
    assert value.buckets == (3600, 0, 4000, 0)
    assert [(d.order_id, d.overdue, d.days_overdue) for d in value.worst] == [
        (a, 4000, 65),
        (b, 3600, 10),
    ]
    assert c_ not in [d.order_id for d in value.worst]
