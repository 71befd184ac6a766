"""Migrations: a blank database reaches the current schema; opening again changes nothing."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.db import Database
from bot.db.migrations import migrate, migration_names


async def test_blank_database_migrates_to_current_schema(tmp_path: Path) -> None:
    db = Database(tmp_path / "fresh" / "od.sqlite3")
    await db.open()
    conn = db.connection
    async with conn.execute("SELECT name FROM schema_migrations ORDER BY name") as cursor:
        assert [r[0] for r in await cursor.fetchall()] == migration_names()
    async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
        tables = {r[0] for r in await cursor.fetchall()}
    assert {"users", "customers", "products", "orders", "order_lines", "audit_log"} <= tables
    async with conn.execute("PRAGMA foreign_keys") as cursor:
        assert (await cursor.fetchone())[0] == 1  # type: ignore[index]
    async with conn.execute("PRAGMA journal_mode") as cursor:
        assert (await cursor.fetchone())[0] == "wal"  # type: ignore[index]
    assert await migrate(conn) == []
    await db.close()
    again = Database(tmp_path / "fresh" / "od.sqlite3")
    await again.open()
    await again.close()


async def test_failed_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    path = tmp_path / "od.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        # A table in the way makes the first migration fail part-way.
        await conn.execute("CREATE TABLE orders (x INTEGER)")
        try:
            await migrate(conn)
        except aiosqlite.OperationalError:
            pass
        else:
            raise AssertionError("migration should have failed")
        async with conn.execute("SELECT name FROM sqlite_master WHERE name = 'users'") as cursor:
            assert await cursor.fetchone() is None
        async with conn.execute("SELECT COUNT(*) FROM schema_migrations") as cursor:
            assert (await cursor.fetchone())[0] == 0  # type: ignore[index]


async def test_check_constraints_guard_the_data(db: Database) -> None:
    async with db.unit_of_work() as uow:
        try:
            await db.connection.execute("UPDATE products SET reserved = stock_on_hand + 1")
        except aiosqlite.IntegrityError:
            pass
        else:
            raise AssertionError("reserving more than on hand must be impossible")
        assert uow is not None


async def test_database_from_the_first_schema_upgrades_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    first = migration_names()[0]
    sql = (Path(__file__).resolve().parents[2] / "bot" / "db" / "migrations" / first).read_text()
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.executescript(
            f"BEGIN;\n{sql}\n"
            "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT);\n"
            f"INSERT INTO schema_migrations VALUES ('{first}', 'then');\n"
            "INSERT INTO users (telegram_id, language, created_at) VALUES (5, 'en', 'then');\n"
            "INSERT INTO customers (user_id, name, phone, created_at)"
            " VALUES (1, 'Old', '+100000000', 'then');\nCOMMIT;"
        )
    db = Database(path)
    await db.open()
    try:
        async with db.connection.execute("SELECT name, rep_id FROM customers") as cursor:
            assert [tuple(r) for r in await cursor.fetchall()] == [("Old", None)]
        async with db.connection.execute("SELECT COUNT(*) FROM schema_migrations") as cursor:
            assert (await cursor.fetchone())[0] == len(migration_names())  # type: ignore[index]
    finally:
        await db.close()
