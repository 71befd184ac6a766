"""The database connection runs short statements on the event loop and those of long work in
one trip each to aiosqlite's thread, and its cursors still behave as aiosqlite's do: rows one
by one or all, rowcount, lastrowid, errors."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database
from bot.domain.models import Language
from bot.runtime.connection import OFFLOADED, Connection, connect
from tests.processes import runs_as_us, runs_below_us


@pytest.fixture
async def conn(tmp_path: Path) -> AsyncIterator[Connection]:
    connection = connect(tmp_path / "c.sqlite3")
    await connection  # starts its thread and connects
    connection.row_factory = sqlite3.Row
    await connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
    await connection.executemany("INSERT INTO t (name) VALUES (?)", [("a",), ("b",), ("c",)])
    yield connection
    await connection.close()


def count_trips(conn: Connection) -> list[int]:
    """Count the calls aiosqlite sends to its thread from now on."""
    trips = [0]
    send = conn._execute

    async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips[0] += 1
        return await send(fn, *args, **kwargs)

    conn._execute = counted  # type: ignore[method-assign]
    return trips


async def test_rows_one_by_one_all_or_iterated_without_a_trip(conn: Connection) -> None:
    trips = count_trips(conn)
    async with conn.execute("SELECT id, name FROM t ORDER BY id") as cursor:
        first = await cursor.fetchone()
        assert first is not None and (first["id"], first["name"]) == (1, "a")
        assert [r["name"] for r in await cursor.fetchall()] == ["b", "c"]
        assert await cursor.fetchone() is None and await cursor.fetchall() == []
    cursor = await conn.execute("SELECT name FROM t WHERE id > ? ORDER BY id", (1,))
    assert [r[0] async for r in cursor] == ["b", "c"]
    many = await conn.execute("SELECT name FROM t ORDER BY id")
    assert [r[0] for r in await many.fetchmany(2)] == ["a", "b"]
    assert [r[0] for r in await many.fetchmany(2)] == ["c"]
    assert trips == [0], "run on the event loop: no trip to the thread"
    token = OFFLOADED.set(True)
    try:
        many = await conn.execute("SELECT name FROM t ORDER BY id")
        assert [r[0] for r in await many.fetchall()] == ["a", "b", "c"]
        assert [r[0] async for r in await conn.execute("SELECT name FROM t")] == ["a", "b", "c"]
    finally:
        OFFLOADED.reset(token)
    assert trips == [2], "long work: one trip per statement, nothing for fetching or closing"


async def test_many_rows_written_without_a_trip_unless_long_work(conn: Connection) -> None:
    trips = count_trips(conn)
    written = await conn.executemany("INSERT INTO t (name) VALUES (?)", ((n,) for n in "de"))
    assert written.rowcount == 2
    assert trips == [0], "run on the event loop: no trip to the thread"
    token = OFFLOADED.set(True)
    try:
        await conn.executemany("INSERT INTO t (name) VALUES (?)", [("f",), ("g",)])
    finally:
        OFFLOADED.reset(token)
    assert trips == [1], "long work: one trip"
    with pytest.raises(sqlite3.IntegrityError):
        await conn.executemany("INSERT INTO t (name) VALUES (?)", [("h",), ("a",)])
    names = [r[0] for r in await conn.execute_fetchall("SELECT name FROM t ORDER BY id")]
    assert names == ["a", "b", "c", "d", "e", "f", "g", "h"]


async def test_long_work_leaves_the_loop_free(tmp_path: Path) -> None:
    db = Database(tmp_path / "long.sqlite3")
    await db.open()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000)"
        " SELECT SUM(i) FROM n"
    )
    ticker = asyncio.create_task(tick())
    try:
        await asyncio.sleep(0)
        for long in (False, True):
            async with db.reader(long=long):
                start = ticks
                async with db.connection.execute(slow) as cursor:
                    assert (await cursor.fetchone())[0] == 3000000 * 3000001 // 2  # type: ignore[index]
                moved = ticks - start
            assert (moved > 10) is long, f"long={long}: the loop ticked {moved} times"
        assert not OFFLOADED.get(), "back on the loop after the long work"
    finally:
        ticker.cancel()
        await db.close()


async def test_rowcount_lastrowid_and_errors(conn: Connection) -> None:
    updated = await conn.execute("UPDATE t SET name = name || '!' WHERE id < ?", (3,))
    assert updated.rowcount == 2
    inserted = await conn.execute("INSERT INTO t (name) VALUES (?)", ("d",))
    assert inserted.lastrowid == 4 and inserted.rowcount == 1
    returned = await conn.execute("INSERT INTO t (name) VALUES ('e') RETURNING id")
    assert (await returned.fetchone())[0] == 5  # type: ignore[index]
    with pytest.raises(sqlite3.IntegrityError):
        await conn.execute("INSERT INTO t (name) VALUES ('e')")
    rows = await conn.execute_fetchall("SELECT COUNT(*) FROM t")
    assert next(iter(rows))[0] == 5


async def test_a_long_read_keeps_nobody_waiting(tmp_path: Path) -> None:
    """A long read (a report, an export) runs on a connection of its own: a unit of work
    begun meanwhile goes ahead at once, and the read keeps its snapshot (WAL)."""
    db = Database(tmp_path / "aside.sqlite3")
    await db.open()
    try:
        async with db.unit_of_work() as uow:
            await db.connection.execute("CREATE TABLE t (n INTEGER)")
            await db.connection.execute("INSERT INTO t VALUES (1)")
            await uow.commit()
        async with db.reader(long=True) as reading:
            assert [tuple(r) for r in await reading.reports._rows("SELECT n FROM t", [])] == [(1,)]
            async with asyncio.timeout(5):  # before: waited for the read to end, for ever
                async with db.unit_of_work() as uow:
                    await db.connection.execute("INSERT INTO t VALUES (2)")
                    await uow.commit()
            again = await reading.reports._rows("SELECT COUNT(*) FROM t", [])
            assert again[0][0] == 1, "the read's snapshot is the one it began with"
        async with db.reader(long=True) as reading:
            assert (await reading.reports._rows("SELECT COUNT(*) FROM t", []))[0][0] == 2
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                await reading.reports._rows("INSERT INTO t VALUES (3)", [])
    finally:
        await db.close()


def _tid() -> int:
    return threading.get_native_id()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own policy: Linux")
async def test_long_reads_run_below_the_loop_and_nothing_else_does(tmp_path: Path) -> None:
    """A year of KPIs read beside the loop took the customers' p99 from ~10 ms to 111–1,021
    ms: the long-read connection's thread runs below it; the loop, the shared connection's
    thread (whose long units of work hold the one writer) do not."""
    db = Database(tmp_path / "n.sqlite3")
    await db.open()
    try:
        async with db.reader(long=True) as uow:
            assert await uow.catalog.categories(Language.EN) == []
            assert db._long_reads.conn is not None
            reader = await db._long_reads.conn._execute(_tid)
            assert runs_below_us(reader), "the long reads' thread runs below"
        writer = await db.connection._execute(_tid)
        assert runs_as_us(writer), "the shared connection's thread does not"
        assert runs_as_us(threading.get_native_id()), "nor the loop's"
    finally:
        await db.close()
