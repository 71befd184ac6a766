"""A migration that rebuilds the orders table (SQLite's twelve steps, `-- rebuilds: orders`) on a
book of orders: every row and every row that refers to one survives, the indexes and the triggers
of 0015/0016 are there and still fire; one that would leave rows dangling is refused whole."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from benchmarks.book import Shape, config, load
from bot.db import Database
from bot.db.migrations import MigrationFailed, migrate, migration_names, rebuilt_tables

# Every table that holds an order or refers to one, and what the triggers keep.
TABLES = [
    "orders", "order_lines", "order_reviews", "shipments", "invoices", "due_dates", "payments",
    "reminders", "order_feedback", "order_checks", "audit_log", "reminder_agenda", "open_dues",
]  # fmt: skip
ON_HOLD = "9001_orders_on_hold.sql"
T = "2026-11-20T02:00:00+00:00"
# What the book lacks: reminders sent, ratings and review verdicts (no trigger touches these).
EXTRA_ROWS = f"""
BEGIN;
INSERT INTO reminders (order_id, kind, ref, level, chat_id, user_id, audience, status, decided_at)
    SELECT d.order_id, 'payment', d.seq, -3, u.telegram_id, u.id, 'customer', 'sent', '{T}'
    FROM due_dates d JOIN orders o ON o.id = d.order_id JOIN customers c ON c.id = o.customer_id
    JOIN users u ON u.id = c.user_id;
INSERT INTO order_feedback (order_id, rating, comment, created_at)
    SELECT id, 1 + id % 5, 'fine', '{T}' FROM orders WHERE status = 'completed' AND id % 3 = 0;
INSERT INTO order_checks (order_id, name, verdict) SELECT id, 'stock', 'ok' FROM orders;
COMMIT;
"""


def rebuild_sql(current: str, *, copy_where: str = "1") -> str:
    """A rebuild of orders adding the status 'on_hold' to its CHECK, written from the table's
    present definition; it makes orders_status anew itself and leaves the rest to the runner."""
    old = "'completed', 'cancelled'))"
    # once rebuilt before (0018), SQLite keeps the renamed table's name quoted
    current = current.replace('CREATE TABLE "orders" (', "CREATE TABLE orders (", 1)
    assert current.count(old) == 1 and current.startswith("CREATE TABLE orders (")
    new = current.replace("CREATE TABLE orders (", "CREATE TABLE orders_new (", 1)
    new = new.replace(old, "'completed', 'cancelled', 'on_hold'))")
    return f"""-- rebuilds: orders
-- Orders may be put on hold.
{new};
INSERT INTO orders_new SELECT * FROM orders WHERE {copy_where};
CREATE TABLE fk_during (on_ INTEGER);
INSERT INTO fk_during SELECT foreign_keys FROM pragma_foreign_keys;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_status ON orders (status, submitted_at, id);
"""


@pytest.fixture
async def book_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database holding a book of 400 orders with what followed each, open."""
    path = tmp_path / "book.sqlite3"
    db = Database(path)
    await db.open()
    try:
        await load(db, Shape(orders=400, audit=True), config(path))
        await db.connection.executescript(EXTRA_ROWS)
        yield db
    finally:
        await db.close()


async def rows(db: Database, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows a statement returns, as tuples."""
    async with db.connection.execute(sql, parameters) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def value(db: Database, sql: str, parameters: tuple[Any, ...] = ()) -> Any:
    """The single value a statement returns."""
    return (await rows(db, sql, parameters))[0][0]


async def snapshot(db: Database) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every row of every table concerned."""
    return {table: Counter(await rows(db, f"SELECT * FROM {table}")) for table in TABLES}


async def schema(db: Database) -> dict[str, tuple[str, str, str | None]]:
    """The schema's objects by name: type, table and SQL."""
    found = await rows(db, "SELECT name, type, tbl_name, sql FROM sqlite_master")
    return {name: (kind, table, sql) for name, kind, table, sql in found}


async def pragmas(db: Database) -> tuple[int, int]:
    """foreign_keys and legacy_alter_table."""
    fk = await value(db, "PRAGMA foreign_keys")
    return fk, await value(db, "PRAGMA legacy_alter_table")


async def open_dues_right(db: Database) -> None:
    """open_dues holds exactly what the view computes from the book."""
    kept = Counter(await rows(db, "SELECT * FROM open_dues"))
    computed = Counter(
        await rows(
            db,
            "SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding"
            " WHERE owed > 0",
        )
    )
    assert kept == computed and kept


def test_the_first_line_names_the_tables_rebuilt() -> None:
    assert rebuilt_tables("-- rebuilds: orders\nCREATE TABLE x (a);") == ["orders"]
    assert rebuilt_tables("\n--rebuilds:orders, order_lines \n") == ["orders", "order_lines"]
    assert rebuilt_tables("CREATE TABLE x (a);\n-- rebuilds: orders") == []
    assert rebuilt_tables("-- rebuilds orders") == rebuilt_tables("") == []


async def test_rebuilding_orders_keeps_the_book_and_its_triggers(book_db: Database) -> None:
    db = book_db
    before, shape = await snapshot(db), await schema(db)
    await open_dues_right(db)
    sql = rebuild_sql(shape["orders"][2] or "")

    assert await migrate(db.connection, [(ON_HOLD, sql)]) == [ON_HOLD]

    assert await pragmas(db) == (1, 0)
    assert await value(db, "SELECT on_ FROM fk_during") == 0  # off while it ran
    assert await snapshot(db) == before
    assert len(before["orders"]) == 400 and len(before["order_lines"]) > 400
    assert await rows(db, "PRAGMA foreign_key_check") == []
    assert await rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert ON_HOLD in {r[0] for r in await rows(db, "SELECT name FROM schema_migrations")}
    after = await schema(db)
    assert set(after) == set(shape) | {"fk_during"}
    for name, (kind, table, text) in shape.items():
        if name not in ("orders", "orders_status"):  # the table and the index it made anew
            assert after[name] == (kind, table, text), name
    assert "'on_hold'" in (after["orders"][2] or "")
    assert "(status, submitted_at, id)" in (after["orders_status"][2] or "")
    triggers = {name for name, (kind, table, _) in after.items() if kind == "trigger"}
    assert {"reminder_agenda_order_added", "reminder_agenda_order_changed",
            "open_dues_order_changed", "open_dues_order_removed"} <= triggers  # fmt: skip
    plan = await rows(db, "EXPLAIN QUERY PLAN SELECT id FROM orders WHERE customer_id = 1")
    assert any("orders_customer" in str(step) for step in plan)

    # The new CHECK holds; foreign keys are enforced again.
    conn = db.connection
    await conn.execute("UPDATE orders SET status = 'on_hold' WHERE id = 1")
    with pytest.raises(aiosqlite.IntegrityError):
        await conn.execute("UPDATE orders SET status = 'lost' WHERE id = 1")
    with pytest.raises(aiosqlite.IntegrityError):
        await conn.execute("DELETE FROM orders WHERE id = 2")
    with pytest.raises(aiosqlite.IntegrityError):
        await conn.execute(
            "INSERT INTO order_checks (order_id, name, verdict) VALUES (99999, 'credit', 'ok')"
        )

    # The triggers on orders, payments and due dates fire, and read the new table.
    await conn.execute("UPDATE reminder_agenda SET look_at = '9999'")
    await conn.execute("UPDATE orders SET status = 'on_hold' WHERE id = 3")
    assert await value(db, "SELECT look_at FROM reminder_agenda WHERE order_id = 3") == ""
    owing = await rows(db, "SELECT DISTINCT order_id FROM open_dues ORDER BY order_id")
    paid, cancelled = owing[0][0], owing[1][0]
    owed = await value(db, "SELECT SUM(owed) FROM open_dues WHERE order_id = ?", (paid,))
    await conn.execute(
        "INSERT INTO payments (order_id, amount, method, paid_on, recorded_at)"
        " VALUES (?, ?, 'bank_transfer', '2026-11-23', ?)",
        (paid, owed, T),
    )
    await conn.execute("UPDATE orders SET status = 'cancelled' WHERE id = ?", (cancelled,))
    for order in (paid, cancelled):
        assert await rows(db, "SELECT * FROM open_dues WHERE order_id = ?", (order,)) == []
    await conn.execute("INSERT INTO due_dates SELECT 1, 9, '2026-12-24', 100")
    await conn.execute(
        "INSERT INTO orders (id, number, customer_id, status, payment_status, order_type,"
        " delivery_method, payment_term, subtotal, discount, delivery_fee, tax, tax_included,"
        " total, currency, submit_token, submitted_at, updated_at) SELECT 401, 'SO-NEW', 1,"
        " 'submitted', 'unpaid', 'standard', 'courier', 'net30', 100, 0, 0, 0, 0, 100, 'CNY',"
        " 'new', ?, ?",
        (T, T),
    )
    assert await value(db, "SELECT look_at FROM reminder_agenda WHERE order_id = 401") == ""
    await open_dues_right(db)
    assert await rows(db, "PRAGMA foreign_key_check") == []


async def test_a_rebuild_leaving_rows_dangling_is_refused_whole(book_db: Database) -> None:
    db = book_db
    before, shape = await snapshot(db), await schema(db)
    sql = rebuild_sql(shape["orders"][2] or "", copy_where="status <> 'cancelled'")

    with pytest.raises(MigrationFailed) as refused:
        await migrate(db.connection, [(ON_HOLD, sql)])

    message = str(refused.value)
    assert message.startswith(f"{ON_HOLD}: rebuilding orders would leave")
    assert "order_lines.order_id -> orders: rowid" in message and "nothing changed" in message
    assert not db.connection.in_transaction
    assert await pragmas(db) == (1, 0)
    assert await snapshot(db) == before
    assert await schema(db) == shape
    assert ON_HOLD not in {r[0] for r in await rows(db, "SELECT name FROM schema_migrations")}
    # A corrected rebuild then goes through on the same connection.
    assert await migrate(db.connection, [(ON_HOLD, rebuild_sql(shape["orders"][2] or ""))])
    assert await snapshot(db) == before and await pragmas(db) == (1, 0)


async def test_a_rebuild_failing_part_way_changes_nothing(book_db: Database) -> None:
    db = book_db
    before, shape = await snapshot(db), await schema(db)
    narrower = rebuild_sql(shape["orders"][2] or "")  # completed orders no longer allowed
    narrower = narrower.replace("'completed', 'cancelled', 'on_hold'", "'cancelled'")
    with pytest.raises(aiosqlite.IntegrityError):
        await migrate(db.connection, [(ON_HOLD, narrower)])
    assert await pragmas(db) == (1, 0) and not db.connection.in_transaction
    assert await snapshot(db) == before and await schema(db) == shape


async def test_the_same_rebuild_unmarked_is_stopped_by_foreign_keys(book_db: Database) -> None:
    db = book_db
    before, shape = await snapshot(db), await schema(db)
    plain = rebuild_sql(shape["orders"][2] or "").replace("-- rebuilds: orders\n", "")
    with pytest.raises(aiosqlite.IntegrityError, match="FOREIGN KEY"):
        await migrate(db.connection, [(ON_HOLD, plain)])  # DROP TABLE deletes first: refused
    assert await snapshot(db) == before and await schema(db) == shape
    assert await pragmas(db) == (1, 0)


async def test_an_ordinary_migration_runs_in_one_transaction_as_before(tmp_path: Path) -> None:
    db = Database(tmp_path / "od.sqlite3")
    await db.open()
    try:
        broken = "CREATE TABLE half (x INTEGER);\nINSERT INTO missing VALUES (1);"
        with pytest.raises(aiosqlite.OperationalError, match="missing"):
            await migrate(db.connection, [("9001_broken.sql", broken)])
        assert await rows(db, "SELECT name FROM sqlite_master WHERE name = 'half'") == []
        probe = "CREATE TABLE probe AS SELECT foreign_keys AS on_ FROM pragma_foreign_keys;"
        assert await migrate(db.connection, [("9002_probe.sql", probe)]) == ["9002_probe.sql"]
        assert await value(db, "SELECT on_ FROM probe") == 1  # foreign keys stayed on
        names = [r[0] for r in await rows(db, "SELECT name FROM schema_migrations ORDER BY 1")]
        assert names == [*migration_names(), "9002_probe.sql"]
        with pytest.raises(ValueError, match="shipped"):
            await migrate(db.connection, [(migration_names()[0], "SELECT 1;")])
    finally:
        await db.close()
