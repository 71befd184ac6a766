"""Receivables against a hand-computed fixture: outstanding, overdue, ageing, worst first."""

from __future__ import annotations

from datetime import date, timedelta

from bot.clock import FixedClock
from bot.config import parse_config
from bot.db import Database
from bot.domain.models import OrderStatus
from bot.domain.payments import Method
from bot.domain.roles import Role
from bot.services import Services
from bot.services.money import on_approval
from bot.services.transitions import apply_transition
from tests.conftest import BASE_CONFIG
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
            await apply_transition(
                uow,
                order,
                OrderStatus.APPROVED,
                config=services.finance.config,
                actor_id=None,
                at=clock.now(),
            )
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


async def test_net_days_can_count_from_delivery(db: Database, clock: FixedClock) -> None:
    terms = [
        {"code": "prepaid", "kind": "prepaid"},
        {"code": "cod", "kind": "cash_on_delivery"},
        {"code": "net30", "kind": "net", "days": 30, "counted_from": "delivery"},
    ]
    config = parse_config(
        {**BASE_CONFIG, "database": {"path": str(db.path)}, "payment_terms": terms}, environ={}
    )
    services = Services.build(db, config, clock)
    staff = await services.users.identify(77, "Fay", None, "en")
    async with db.unit_of_work() as uow:
        for role in (Role.FINANCE, Role.WAREHOUSE):
            await uow.staff.grant(staff.id, role, None, clock.now())
        await uow.commit()
    buyer = await customer(services, 1)
    async with db.unit_of_work() as uow:
        c = await uow.customers.by_user(buyer.id)
        assert c is not None
        await uow.customers.allow_term(c.id, "net30")
        await uow.commit()
    await services.cart.add(buyer, (await product(services, "STP-24")).id, 1)
    placed = (await services.checkout.submit(buyer, draft("d", term="net30"))).order
    async with db.unit_of_work() as uow:
        await apply_transition(
            uow, placed, OrderStatus.APPROVED, config=config, actor_id=None, at=clock.now()
        )
        await on_approval(uow, config, placed, None, clock.now())  # to the warehouse
        await uow.commit()
    lines = (await services.orders.detail(buyer, order_id=placed.id)).lines
    shipped = await services.fulfilment.ship(staff, placed.id, {lines[0].id: 1}, "Van", None, None)
    clock.advance(timedelta(days=3))  # delivered on 26 Nov
    await services.fulfilment.mark_delivered(staff, shipped.shipment.id)
    clock.advance(timedelta(days=5))  # invoiced on 1 Dec
    invoice = await services.finance.issue_invoice(staff, order_id=placed.id)
    assert [d for d, _ in invoice.dues] == [date(2026, 12, 26)]
