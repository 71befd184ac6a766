"""A batch's orders are written in the lulls between people's updates (bot/runtime/foreground.py):
while someone's update is in progress the batch waits, then goes on."""

from __future__ import annotations

import asyncio

import pytest

from bot.db import Database
from bot.runtime import foreground as foreground_module
from bot.runtime.foreground import Foreground
from bot.services import Services, batch_orders
from bot.services.batch_orders import BatchOrderService
from tests.integration.helpers import customer, manager


async def test_a_batch_is_created_in_the_lulls_between_peoples_updates(
    services: Services, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    mia = await manager(services, db)
    await customer(services, 1001)
    content = (
        b"customer,sku,qty,delivery,address,payment_term,note,order_ref\n"
        b"+8613800138000,TN-2420,2,courier,1 Garden Road,cod,,A\n"
    )
    check = await services.batch_orders.check(mia, "o.csv", content)
    foreground = Foreground()
    config, clock = services.batch_orders.config, services.batch_orders.clock
    batches = BatchOrderService(db, config, clock, None, foreground)
    monkeypatch.setattr(batch_orders, "LULL_SECONDS", 60.0)
    monkeypatch.setattr(foreground_module, "LONG", 60.0)  # however slow this machine is
    foreground.began(99)  # a customer's update in progress
    creating = asyncio.create_task(batches.create(mia, "o.csv", list(check.orders), "b-2"))
    await asyncio.sleep(0.5)  # the whole batch takes ~20 ms when nobody else is served
    async with db.reader() as uow:
        assert await uow.batches.by_token("b-2") is None, "nothing written meanwhile"
    assert not creating.done()
    foreground.ended(99)
    result = await asyncio.wait_for(creating, 10)
    assert result.created and len(result.numbers) == 1
