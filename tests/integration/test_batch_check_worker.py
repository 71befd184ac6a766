"""A batch file is checked whole in a worker process, on a read-only connection of its own:
the bot's process neither reads the rows nor opens its long-read connection for them."""

from __future__ import annotations

import sqlite3

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.services import Services
from tests.harness import SHARED_OFFLOAD
from tests.integration.test_customer_prices import priced_customer

FILE = (
    b"customer,sku,qty,delivery,address,payment_term,note,order_ref\n"
    b"+8613800138000,TN-2420,2,courier,1 Garden Road,cod,,A\n"
    b"+8613800138000,NOPE-1,1,courier,1 Garden Road,cod,,B\n"
)


async def test_the_check_runs_in_a_worker_and_sees_what_was_committed(
    db: Database, config: Config, clock: FixedClock
) -> None:
    services = Services.build(db, config, clock, SHARED_OFFLOAD)
    mia, _ = await priced_customer(services, db)
    check = await services.batch_orders.check(mia, "o.csv", FILE)
    # The special price set a moment ago (committed) is what the worker's connection read.
    assert [(o.customer_name, o.subtotal) for o in check.orders] == [("Customer 1001", 60000)]
    assert [(e.row, e.value) for e in check.errors] == [(3, "NOPE-1")]
    assert db._long_reads.conn is None, "the bot's process read none of it"


async def test_a_read_only_database_reads_and_never_writes(db: Database) -> None:
    reading = Database(db.path)
    await reading.open_read_only()
    try:
        async with reading.reader() as uow:
            assert await uow.catalog.sku_index()
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await reading.connection.execute("DELETE FROM products")
    finally:
        await reading.close()
    async with db.reader() as uow:
        assert await uow.catalog.sku_index(), "the products are all there"
