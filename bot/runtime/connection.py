"""The database connection: short statements run at once, long work on aiosqlite's thread.

aiosqlite runs every call on its own thread, and each trip there and back is a hand-over of
the GIL and two wake-ups (tens of microseconds, and CPU) — far more than OrderDesk's statements
take: every one that serves a chat reads or writes a few rows by key or through an index. So a
statement here runs on the event loop's thread, read to the end at once; the cursor handed back
serves its rows, rowcount and lastrowid from memory, and the repositories' code is aiosqlite's
(`await conn.execute(...)`, `async with conn.execute(...) as cursor`). Work that reads much —
a report, an export, the reminder scan — is a long unit of work (`Database.reader(long=True)`):
its statements go to aiosqlite's thread, one trip each, and the loop keeps serving meanwhile.
Transactions never overlap (Database's lock): the two threads never use the connection at once.
A statement that finds another connection's write lock taken waits for it on that thread too.
Measured (benchmarks/throughput.py, the order flow): 24 statements an update; through the
thread about 208 updates a second, on the loop 267 (docs/performance.md).

aiosqlite's thread is a daemon here: a connection left open by mistake never keeps a finished
command from exiting. A file that cannot serve as the database (not SQLite, damaged, read-only,
locked) is reported as DatabaseUnusable, whose message names the file and what is wrong."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
from aiosqlite.context import contextmanager

T = TypeVar("T")

# SQLite's primary result codes, as an operator would put them.
PROBLEMS = {
    sqlite3.SQLITE_NOTADB: "not a SQLite database",
    sqlite3.SQLITE_CORRUPT: "damaged (SQLite finds it malformed)",
    sqlite3.SQLITE_READONLY: "read-only (OrderDesk writes to it)",
    sqlite3.SQLITE_CANTOPEN: "cannot be opened (no permission, or a missing or read-only folder)",
    sqlite3.SQLITE_BUSY: "locked by another process",
    sqlite3.SQLITE_LOCKED: "locked by another process",
    sqlite3.SQLITE_IOERR: "cannot be read or written (input/output error)",
    sqlite3.SQLITE_FULL: "cannot be written: the disk is full",
    sqlite3.SQLITE_PERM: "no permission",
}
# How long a statement waits for another connection's write lock (another process: the
# command line, a backup restore). The connection itself does not wait (busy_timeout 0): a
# statement that finds the lock taken is run again on aiosqlite's thread, waiting there.
BUSY_TIMEOUT_MS = 5000
# True in a task while it runs long work (Database.reader(long=True), unit_of_work(long=True)).
OFFLOADED: ContextVar[bool] = ContextVar("offloaded", default=False)


class DatabaseUnusable(Exception):
    """The database file cannot serve: not a database, damaged, read-only, locked, missing
    permissions; str() is "<path>: <what is wrong>"."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


class DatabaseLocked(DatabaseUnusable):
    """Another process holds the database file."""


def problem(error: sqlite3.Error) -> str:
    """What an error of SQLite's says about the file, in an operator's words."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return str(error)
    if code == sqlite3.SQLITE_READONLY_DIRECTORY:
        return "its folder is read-only (SQLite writes -wal and -shm files beside the database)"
    return PROBLEMS.get(code & 0xFF, str(error))


def unusable(path: Path | str, error: sqlite3.Error) -> DatabaseUnusable:
    """The exception that tells an operator why SQLite refused the file."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseLocked(path, problem(error))
    return DatabaseUnusable(path, problem(error))


def findings(rows: Iterable[Any]) -> list[str]:
    """The problems in what integrity_check or quick_check returned, one a line ([] if ok)."""
    lines = (line.strip() for row in rows for line in str(row[0]).splitlines())
    return [line for line in lines if line and line != "ok" and not line.startswith("*** in")]


def corrupt(error: sqlite3.Error) -> bool:
    """SQLite met a malformed page (a check stops there, raising instead of reporting)."""
    return getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_CORRUPT


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
        """Closed already."""


def _run(conn: sqlite3.Connection, sql: str, parameters: Any) -> tuple[sqlite3.Cursor, list[Any]]:
    """Execute, read everything, close."""
    cursor = conn.execute(sql, parameters)
    try:
        return cursor, cursor.fetchall()
    finally:
        cursor.close()


def _waiting(run: Callable[..., T], conn: sqlite3.Connection, sql: str, parameters: Any) -> T:
    """run(conn, sql, parameters), waiting up to BUSY_TIMEOUT_MS for another connection's
    write lock (on aiosqlite's thread: the loop must not wait, the other connection may be
    served by it)."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        return run(conn, sql, parameters)
    finally:
        conn.execute("PRAGMA busy_timeout = 0")


def _many(conn: sqlite3.Connection, sql: str, rows: list[Any]) -> sqlite3.Cursor:
    return conn.executemany(sql, rows)


def _busy(error: sqlite3.OperationalError) -> bool:
    """Another connection holds the lock (the statement did nothing)."""
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class Connection(aiosqlite.Connection):
    """An aiosqlite connection whose statements run on the event loop's thread, or in one
    trip to its own thread during long work."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        self._thread.daemon = True  # never what keeps a process alive

    @contextmanager
    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> aiosqlite.Cursor:
        """Run a statement and read its rows at once."""
        parameters = parameters or ()
        if OFFLOADED.get():
            cursor, rows = await self._execute(_waiting, _run, self._conn, sql, parameters)
        else:
            try:
                cursor, rows = _run(self._conn, sql, parameters)
            except sqlite3.OperationalError as error:
                if not _busy(error):
                    raise
                cursor, rows = await self._execute(_waiting, _run, self._conn, sql, parameters)
        return FetchedCursor(self, cursor, rows)

    @contextmanager
    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> aiosqlite.Cursor:
        """Run a statement for each set of parameters, where execute would: aiosqlite's own
        executemany went to its thread and back, and the unit of work holding the one writer
        waited for the loop meanwhile (an order's lines, reviews and notices: a checkout's
        hold of ~1 ms grew to ~5 ms while 200 customers were served)."""
        rows: list[Any] = list(parameters)  # read once: a retry on the thread needs them again
        if OFFLOADED.get():
            cursor = await self._execute(_waiting, _many, self._conn, sql, rows)
        else:
            try:
                cursor = _many(self._conn, sql, rows)
            except sqlite3.OperationalError as error:
                if not _busy(error):
                    raise
                cursor = await self._execute(_waiting, _many, self._conn, sql, rows)
        return aiosqlite.Cursor(self, cursor)


def read_only_uri(path: Path | str) -> str:
    """The URI that opens the database file read-only (sqlite3.connect(..., uri=True)); an
    in-memory database has none."""
    if str(path) == ":memory:":
        raise RuntimeError("an in-memory database has no second connection")
    return f"{Path(path).resolve().as_uri()}?mode=ro"


def connect(path: Path | str, *, read_only: bool = False) -> Connection:
    """Open a connection in autocommit mode (transactions are begun explicitly); await it.
    Opened on aiosqlite's thread, used from the loop's too (never from both at once).
    read_only: the file must exist, and nothing is written through it."""
    target = read_only_uri(path) if read_only else str(path)
    return Connection(
        lambda: sqlite3.connect(
            target, isolation_level=None, check_same_thread=False, uri=read_only
        ),
        64,
    )


__all__ = [
    "BUSY_TIMEOUT_MS",
    "OFFLOADED",
    "Connection",
    "DatabaseLocked",
    "DatabaseUnusable",
    "FetchedCursor",
    "connect",
    "corrupt",
    "findings",
    "problem",
    "read_only_uri",
    "unusable",
]
