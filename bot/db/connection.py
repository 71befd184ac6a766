"""aiosqlite's connection with one trip to its thread per statement.

aiosqlite runs every call on its own thread: executing a statement, fetching its row and
closing its cursor are three trips, each a hand-over of the GIL between the event loop and
that thread (about 33 µs on the development machine, far more than the statement). Here a
statement is executed, read to the end and closed in one trip; the cursor handed back serves
its rows, rowcount and lastrowid from memory. The repositories' code is unchanged (`await
conn.execute(...)`, `async with conn.execute(...) as cursor`). Statements are small here: every
read is by key or through an index, so reading all rows at once costs nothing extra.
Measured by benchmarks/throughput.py: about 24 trips per update of the order flow became 14."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager


class FetchedCursor(aiosqlite.Cursor):
    """A cursor whose statement has run and whose rows are all here."""

    def __init__(
        self, conn: aiosqlite.Connection, cursor: sqlite3.Cursor, rows: list[Any]
    ) -> None:
        super().__init__(conn, cursor)
        self._rows = rows
        self._next = 0

    def __aiter__(self) -> AsyncIterator[sqlite3.Row]:
        """The rows left, one by one."""
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[sqlite3.Row]:
        while self._next < len(self._rows):
            self._next += 1
            yield self._rows[self._next - 1]

    async def fetchone(self) -> sqlite3.Row | None:
        """The next row, or None."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchmany(self, size: int | None = None) -> list[sqlite3.Row]:
        """Up to `size` of the rows left (the cursor's arraysize by default)."""
        end = self._next + (size if size is not None else self._cursor.arraysize)
        rows, self._next = self._rows[self._next : end], min(end, len(self._rows))
        return rows

    async def fetchall(self) -> list[sqlite3.Row]:
        """All the rows left."""
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    async def close(self) -> None:
        """Closed already, on the connection's thread."""


def _run(conn: sqlite3.Connection, sql: str, parameters: Any) -> tuple[sqlite3.Cursor, list[Any]]:
    """Execute, read everything, close: on the connection's thread."""
    cursor = conn.execute(sql, parameters)
    try:
        return cursor, cursor.fetchall()
    finally:
        cursor.close()


class Connection(aiosqlite.Connection):
    """An aiosqlite connection whose statements each take one trip to its thread."""

    @contextmanager
    async def execute(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> aiosqlite.Cursor:
        """Run a statement and read its rows at once."""
        cursor, rows = await self._execute(_run, self._conn, sql, parameters or ())
        return FetchedCursor(self, cursor, rows)


def connect(path: Path | str) -> Connection:
    """Open a connection in autocommit mode (transactions are begun explicitly); await it."""
    return Connection(lambda: sqlite3.connect(str(path), isolation_level=None), 64)


__all__ = ["Connection", "FetchedCursor", "connect"]
