"""Prices per customer through the services on a real database: an order taken by phone and a
batch order both price a customer's lines with their special price, then their discount."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.domain.errors import InvalidInput, UnknownSku
from bot.domain.models import User
from bot.services import Services
from tests.integration.helpers import customer, draft, manager


async def priced_customer(services: Services, db: Database) -> tuple[User, int]:
    """A manager, and a customer with TN-2420 at CN¥300.00 and a 10% standing discount."""
    mia = await manager(services, db)
    ann = await customer(services, 1001)
    async with db.reader() as uow:
        found = await uow.customers.by_user(ann.id)
    assert found is not None
    await services.customer_admin.set_special_price(mia, found.id, "tn-2420", 30000)
    await services.customer_admin.set_discount(mia, found.id, 1000)
    return mia, found.id


async def test_order_by_phone_uses_the_special_price(services: Services, db: Database) -> None:
    mia, cid = await priced_customer(services, db)
    preview = await services.checkout.preview_for(mia, cid, [("TN-2420", 2), ("STP-24", 1)])
    assert [(x.sku, x.unit_price) for x in preview.lines] == [("TN-2420", 30000), ("STP-24", 3500)]
    submission = await services.checkout.submit_for(
        mia, cid, [("TN-2420", 2), ("STP-24", 1)], draft()
    )
    order = submission.order
    assert (order.totals.subtotal, order.totals.discount) == (63500, 6350)


async def test_batch_preview_and_orders_use_the_special_price(
    services: Services, db: Database
) -> None:
    mia, _ = await priced_customer(services, db)
    content = (
        b"customer,sku,qty,delivery,address,payment_term,note,order_ref\n"
        b"+8613800138000,TN-2420,2,courier,1 Garden Road,cod,,A\n"
    )
    check = await services.batch_orders.check(mia, "o.csv", content)
    assert [o.subtotal for o in check.orders] == [60000]
    result = await services.batch_orders.create(mia, "o.csv", list(check.orders), "b-1")
    (number,) = result.numbers
    async with db.reader() as uow:
        order = await uow.orders.by_number(number)
    assert order is not None
    assert (order.totals.subtotal, order.totals.discount) == (60000, 6000)


async def test_bad_prices_change_nothing(services: Services, db: Database) -> None:
    mia, cid = await priced_customer(services, db)
    for price in (0, -5, 10**12):
        with pytest.raises(InvalidInput):
            await services.customer_admin.set_special_price(mia, cid, "STP-24", price)
    with pytest.raises(UnknownSku):
        await services.customer_admin.set_special_price(mia, cid, "NOPE-1", 100)
    for bp in (-1, 10_001):
        with pytest.raises(InvalidInput):
            await services.customer_admin.set_discount(mia, cid, bp)
    prices = await services.customer_admin.price_list(mia, cid)
    assert [(p.sku, p.unit_price) for p in prices.prices] == [("TN-2420", 30000)]
    assert prices.customer.discount_bp == 1000
