"""The stock ledger on a real SQLite file: the opening balance of a database from before it, the
movements adding up to the cached on-hand stock, and the low-stock flag cleared by a rise."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.db.migrations import migrate, migration_names
from bot.domain.models import Language
from bot.domain.stock import MoveKind
from bot.services.stock import watch


async def test_products_from_before_the_ledger_get_their_opening_balance(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    later = [n for n in migration_names() if n >= "0020"]
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.execute(
            "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        await conn.executemany(
            "INSERT INTO schema_migrations VALUES (?, 'later')", [(n,) for n in later]
        )
        await migrate(conn)  # the schema as it was before the ledger
        await conn.execute("DELETE FROM schema_migrations WHERE applied_at = 'later'")
        await conn.executescript(
            "INSERT INTO categories (key, name_en) VALUES ('office', 'Office');"
            "INSERT INTO products (sku, category_id, name_en, price, stock_on_hand, reserved,"
            " updated_at) VALUES ('OLD-1', 1, 'Old', 100, 12, 3, 'then'),"
            " ('OLD-2', 1, 'None', 100, 0, 0, 'then');"
        )
    db = Database(path)
    await db.open()
    try:
        async with db.connection.execute(
            "SELECT p.sku, m.kind, m.qty FROM stock_moves m JOIN products p"
            " ON p.id = m.product_id ORDER BY m.id"
        ) as cursor:
            assert [tuple(r) for r in await cursor.fetchall()] == [("OLD-1", "opening", 12)]
    finally:
        await db.close()


async def test_movements_add_up_and_a_rise_clears_the_low_flag(
    db: Database, config: Config, clock: FixedClock
) -> None:
    now = clock.now()
    async with db.unit_of_work() as uow:
        row = await uow.stock.by_sku("TN-2420", Language.EN)
        assert row is not None and row.on_hand == 25
        pid = row.product_id
        assert await uow.stock.apply(pid, 5, MoveKind.RECEIPT, None, None, now)
        assert await uow.catalog.reserve(pid, 26)  # available 4: low
        await watch(uow, config, [pid], now)
        assert await uow.stock.flagged(pid)
        assert not await uow.stock.apply(pid, -5, MoveKind.ADJUSTMENT, "count", None, now)
        assert await uow.catalog.take_out(pid, 6, 6)  # shipped: 24 on hand, 20 reserved
        await uow.stock.record(pid, -6, MoveKind.SHIPMENT, "SO-1", None, now)
        assert await uow.stock.ledger_sum(pid) == 24
        await uow.catalog.release(pid, 10)  # an order cancelled: available 14, not low
        assert not await uow.stock.flagged(pid), "the trigger clears the flag on a rise"
        await uow.commit()
