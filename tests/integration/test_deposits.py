"""Pre-order deposits at the service level, with catalog.preorder_deposit_percent set: the
config's percent applies to pre-ordered lines whose product sets none, a product's own percent
wins, lines held from stock ask nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.models import User
from bot.domain.roles import Role
from bot.services import Services
from tests.conftest import make_config
from tests.integration.helpers import customer, draft, product


@pytest.fixture
def config(db_path: Path) -> Config:
    """The test configuration with a 20% deposit on pre-orders."""
    return make_config(db_path, catalog={"preorder_deposit_percent": 20})


async def _approved_dues(
    services: Services, db: Database, clock: FixedClock, user: User
) -> tuple[int, list[tuple[date, int]], int]:
    """Ann's cart submitted (cash on delivery) and approved by a manager: the order's total,
    its due dates and its invoice's deposit."""
    order = (await services.checkout.submit(user, draft("t1"))).order
    manager = await services.users.identify(77, "Mia", None, "en")
    async with db.unit_of_work() as uow:
        await uow.staff.grant(manager.id, Role.SALES_MANAGER, None, clock.now())
        await uow.commit()
    await services.approvals.approve(manager, order.id)
    async with db.reader() as uow:
        dues = await uow.payments.dues(order.id)
        found = await uow.invoices.find(order.number)
    return order.totals.total, dues, found.deposit if found else 0


async def test_the_config_percent_applies_where_the_product_sets_none(
    services: Services, db: Database, clock: FixedClock
) -> None:
    user = await customer(services, 1)
    await services.cart.add(user, (await product(services, "INK-CMY-SET")).id, 2)  # none held
    await services.cart.add(user, (await product(services, "STP-24")).id, 1)  # from stock
    total, dues, deposit = await _approved_dues(services, db, clock, user)
    today = services.checkout.today()
    assert deposit == 5160  # 20% of 2 × 129.00; the stapler, held from stock, asks none
    assert dues == [(today, 5160), (today, total - 5160)]  # cash on delivery: the rest today


async def test_a_products_own_percent_wins_and_0_asks_none(
    services: Services, db: Database, clock: FixedClock
) -> None:
    user = await customer(services, 1)
    ink = await product(services, "INK-CMY-SET")
    async with db.unit_of_work() as uow:
        await uow.products.set(ink.id, "deposit_percent", 0, clock.now())
        await uow.commit()
    await services.cart.add(user, ink.id, 2)
    _, dues, deposit = await _approved_dues(services, db, clock, user)
    assert (dues, deposit) == ([], 0), "no deposit: nothing invoiced at approval"
