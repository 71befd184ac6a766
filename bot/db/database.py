"""One aiosqlite connection for all reads and writes; units of work around it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextvars import Token
from pathlib import Path
from types import TracebackType

import aiosqlite

from bot.db import backups
from bot.db.audit import AuditRepository
from bot.db.batches import BatchRepository
from bot.db.business import BusinessRepository
from bot.db.carts import CartRepository
from bot.db.catalog import CatalogRepository
from bot.db.checkpoints import LOG_LIMIT_BYTES, Checkpointer
from bot.db.custom_requests import CustomRequestRepository
from bot.db.customers import CustomerRepository
from bot.db.feedback import FeedbackRepository
from bot.db.invoices import InvoiceRepository
from bot.db.migrations import migrate
from bot.db.orders import OrderRepository
from bot.db.outbox import OutboxRepository
from bot.db.payments import PaymentRepository
from bot.db.products import ProductEditorRepository
from bot.db.ptb_state import PtbStateRepository
from bot.db.reminders import ReminderRepository
from bot.db.reports import ReportRepository
from bot.db.requests import RequestRepository
from bot.db.reviews import ReviewRepository
from bot.db.shipments import ShipmentRepository
from bot.db.shortages import ShortageRepository
from bot.db.staff import StaffRepository
from bot.db.statements import StatementRepository
from bot.db.stock import StockRepository
from bot.db.updates import CURRENT_UPDATE, InboxRepository, ProcessedUpdateRepository
from bot.db.users import UserRepository
from bot.runtime import priority
from bot.runtime.connection import (
    BUSY_TIMEOUT_MS,
    OFFLOADED,
    PROBLEMS,
    DatabaseUnusable,
    connect,
    corrupt,
    findings,
    read_only_uri,
    unusable,
)

# Catalog-changing commits remembered with the products they wrote (catalog_written_since).
CATALOG_LOG = 256


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the database file (Database.read_only; also opened by the
    processes of ours that only know the file's path: the quick-order index's child,
    bot/runtime/offload.py's workers)."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


# A file bigger than this is opened without waiting for its quick_check, which reads every
# page: ~2 s at 1.3 GB (1,000,000 orders) with the file in the page cache, ~50 s after a
# reboot. The bot checks such a file right after it starts, below its answers (check; bot/app.py)
# and stops if it is damaged; the command line's `orderdesk check` checks any file whole.
CHECK_AT_OPEN_BYTES = 256 * 2**20


def _quick_check(conn: sqlite3.Connection) -> list[str]:
    """What SQLite's quick_check finds wrong, a line each ([]: nothing). Indexes are not matched
    to tables nor CHECK constraints evaluated (two thirds of the time: 0.75 s instead of 2.2 s
    on 300,000 orders); `orderdesk check` does both."""
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        return findings(conn.execute("PRAGMA quick_check(3)").fetchall())
    except sqlite3.DatabaseError as error:
        if not corrupt(error):
            raise
        return [str(error)]
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


class Database:
    """The SQLite database: opened once, migrated at opening, shared by everything."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        # Long reads (reports, exports, the reminder scan's plan) on a connection of their own:
        # WAL lets it read a snapshot while the main one writes, so nobody waits for them.
        self._long_reads = _ReadConnection(self, below=True)
        # Reads someone waits for, whose long statements go to a thread (a /search over
        # 100,000 products ranks its hits in ~16 ms: every other customer waited with it on the
        # loop), on another connection of their own: never behind a long read nor a writer.
        self._apart_reads = _ReadConnection(self, below=False)
        self._open_lock = asyncio.Lock()
        self.notices_posted = asyncio.Event()  # set when a commit wrote notices to the outbox
        # Bumped by every commit that wrote a product's names, SKU or sale (editor, import):
        # whoever keeps something built from the catalog (the quick-order matcher) updates it
        # for the products written since the generation it was built at (catalog_written_since)
        # or builds it again. One process owns the file.
        self.catalog_generation = 0
        self._catalog_log: deque[tuple[int, frozenset[int]]] = deque(maxlen=CATALOG_LOG)
        self.unchecked = False  # opened without its quick_check (CHECK_AT_OPEN_BYTES)
        self.checkpoints: Checkpointer | None = None  # the WAL's, off the loop (not in memory)

    async def open(self) -> None:
        """Connect, set the pragmas, check the file (quick_check; one over CHECK_AT_OPEN_BYTES
        is left `unchecked`, for `check`) and apply pending migrations (idempotent).
        DatabaseUnusable (DatabaseLocked) when the file cannot serve; the connection is closed
        on any failure."""
        async with self._open_lock:
            if self._conn is not None:
                return
            memory = str(self.path) == ":memory:"
            try:
                if not memory:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    if self.path.exists() and not os.access(self.path, os.W_OK):
                        raise DatabaseUnusable(self.path, PROBLEMS[sqlite3.SQLITE_READONLY])
                big = not memory and self.path.exists()
                big = big and self.path.stat().st_size > CHECK_AT_OPEN_BYTES
                conn = await connect(self.path)
            except OSError as error:
                raise DatabaseUnusable(self.path, error.strerror or str(error)) from None
            except sqlite3.Error as error:
                raise unusable(self.path, error) from None
            conn.row_factory = aiosqlite.Row
            try:
                await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                # On aiosqlite's thread: a lock is waited for once (execute would try again).
                await conn.execute_fetchall("PRAGMA journal_mode = WAL")
                if big:
                    self.unchecked = True
                else:
                    found = await conn._execute(_quick_check, conn._conn)
                    if found:
                        raise self._damaged(found)
                await conn.execute("PRAGMA synchronous = NORMAL")
                await conn.execute("PRAGMA foreign_keys = ON")
                await migrate(conn)
                await conn.execute("PRAGMA busy_timeout = 0")  # waits are on the thread
                if not memory:  # commits never checkpoint on the loop (bot/db/checkpoints.py)
                    await conn.execute("PRAGMA wal_autocheckpoint = 0")
                    await conn.execute(f"PRAGMA journal_size_limit = {LOG_LIMIT_BYTES}")
            except BaseException as error:
                with contextlib.suppress(Exception):
                    await conn.close()
                if isinstance(error, sqlite3.Error):
                    raise unusable(self.path, error) from None
                raise
            self._conn = conn
            if not memory:
                self.checkpoints = Checkpointer(self.path, self._lock)
                self.checkpoints.start()

    async def open_read_only(self) -> None:
        """Connect read-only, nothing checked nor migrated: for a worker process of ours
        reading the file the bot serves (bot/runtime/offload.py). Only readers serve."""
        try:
            conn = await connect(self.path, read_only=True)
        except sqlite3.Error as error:
            raise unusable(self.path, error) from None
        conn.row_factory = aiosqlite.Row
        self._conn = conn

    async def check(self) -> DatabaseUnusable | None:
        """SQLite's quick_check of the file, on a read-only connection of its own and a thread
        of its own below the bot's answers (a file opened `unchecked`): what is wrong, or None.
        """
        pool = ThreadPoolExecutor(1, thread_name_prefix="quick-check")
        try:
            found = await asyncio.get_running_loop().run_in_executor(pool, self._check_file)
        finally:
            pool.shutdown(wait=False)  # a stop does not wait for it
        return self._damaged(found) if found else None

    def _check_file(self) -> list[str]:
        priority.lower_thread()
        conn = read_only(self.path)
        try:
            return _quick_check(conn)
        finally:
            conn.close()

    def _damaged(self, found: list[str]) -> DatabaseUnusable:
        return DatabaseUnusable(
            self.path,
            f"damaged ({'; '.join(found)[:300]}); `orderdesk check` lists every problem,"
            " `orderdesk restore` puts a backup back",
        )

    async def backup(self, target: Path) -> backups.CopyInfo:
        """A consistent copy of the database at `target`, taken while it is in use: one
        snapshot between two units of work (SQLite's backup API; in WAL mode other processes
        go on writing), checked with integrity_check, then renamed into place."""
        if target.exists() and target.resolve() == self.path.resolve():
            raise backups.BackupInvalid(f"{target}: is the database itself")
        partial = backups.partial_path(target)
        partial.unlink(missing_ok=True)
        copy = await asyncio.to_thread(backups.connect, partial)
        try:
            async with self._lock:  # never in the middle of one of our own transactions
                await self.connection.backup(copy)
            await asyncio.to_thread(backups.seal, copy)
        except BaseException:
            copy.close()
            with contextlib.suppress(OSError):
                partial.unlink()
            raise
        copy.close()
        return await asyncio.to_thread(backups.finish, partial, target)

    def catalog_written_since(self, generation: int) -> set[int] | None:
        """The products our commits wrote after this catalog generation; None when that is
        further back than the last CATALOG_LOG such commits."""
        if generation == self.catalog_generation:
            return set()
        if not self._catalog_log or self._catalog_log[0][0] > generation + 1:
            return None
        return {pid for after, ids in self._catalog_log if after > generation for pid in ids}

    def _catalog_written(self, ids: set[int]) -> None:
        """A commit wrote these products: the next catalog generation."""
        self.catalog_generation += 1
        self._catalog_log.append((self.catalog_generation, frozenset(ids)))

    def read_only(self) -> sqlite3.Connection:
        """A connection of its own to the file, read-only, for a worker thread's long read (the
        whole catalog, an export) that neither holds the event loop nor the shared connection;
        a statement reads one snapshot. The caller closes it, on the thread that used it."""
        return read_only(self.path)

    async def close(self) -> None:
        """Close the connections (after the transactions in progress)."""
        checkpoints, self.checkpoints = self.checkpoints, None
        if checkpoints is not None:
            await checkpoints.stop()
        await self._long_reads.close()
        await self._apart_reads.close()
        async with self._lock:
            if self._conn is not None:
                await self._conn.close()
                self._conn = None

    @property
    def connection(self) -> aiosqlite.Connection:
        """The open connection."""
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def _read_connection(self) -> aiosqlite.Connection:
        """Another connection to the file, query_only (a _ReadConnection's)."""
        if self._conn is None:
            raise RuntimeError("database is not open")
        try:
            conn = await connect(self.path)
        except sqlite3.Error as error:
            raise unusable(self.path, error) from None
        conn.row_factory = aiosqlite.Row
        await conn.execute_fetchall(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute_fetchall("PRAGMA query_only = ON")
        return conn

    def unit_of_work(self, *, claims_update: bool = True, long: bool = False) -> UnitOfWork:
        """A write transaction: rolled back unless committed. Committed while an update is
        processed, it records that update as applied (claims_update=False: for writes that
        are harmless to repeat and not the update's purpose, such as meeting its sender).
        long: work that reads much (a report, an export, the reminder scan); its statements
        run on aiosqlite's thread so the event loop keeps serving (bot/runtime/connection.py)."""
        return UnitOfWork(self, write=True, claims_update=claims_update, long=long)

    def reader(self, *, long: bool = False, apart: bool = False) -> UnitOfWork:
        """A read-only snapshot. long: on a connection of its own, its statements on that
        connection's thread: neither the event loop nor other units of work wait for it.
        apart: on another connection of its own, for a read someone waits for (a search), so
        that neither other units of work nor a long read keep it waiting; its statements run
        on the loop unless a repository sends a long one to the connection's thread (at the
        answers' priority): a trip each, and each trip back waits for the loop's turn."""
        return UnitOfWork(self, write=False, long=long, apart=apart)


class _ReadConnection:
    """A read-only connection of the database's own, opened at its first read, one unit of
    work at a time (`lock`). below: its thread runs on what the answers leave of the CPU."""

    def __init__(self, db: Database, *, below: bool) -> None:
        self._db = db
        self._below = below
        self.lock = asyncio.Lock()
        self.conn: aiosqlite.Connection | None = None

    async def open(self) -> aiosqlite.Connection:
        """The connection, opened now if it is not yet."""
        if self.conn is None:
            self.conn = await self._db._read_connection()
            if self._below:
                await self.conn._execute(priority.lower_thread)
        return self.conn

    async def close(self) -> None:
        """Close it (after the unit of work in progress)."""
        async with self.lock:
            if self.conn is not None:
                await self.conn.close()
                self.conn = None


class UnitOfWork:
    """A transaction, with the repositories bound to its connection: the shared one, or a
    read's own (a long read, a read apart)."""

    def __init__(
        self,
        db: Database,
        *,
        write: bool,
        claims_update: bool = False,
        long: bool = False,
        apart: bool = False,
    ) -> None:
        self._db = db
        self._write = write
        self._claims_update = claims_update
        self._long = long  # statements on the connection's thread
        self._offloaded: Token[bool] | None = None
        self._committed = False
        # A long read goes on the long-read connection, a read apart on its own (an
        # in-memory database has only one connection); anything else on the shared one.
        reads: _ReadConnection | None = None
        if not write and str(db.path) != ":memory:":
            reads = db._long_reads if long else db._apart_reads if apart else None
        self._reads = reads
        self._conn: aiosqlite.Connection | None = None

    @property
    def _held(self) -> asyncio.Lock:
        return self._reads.lock if self._reads is not None else self._db._lock

    async def _connection(self) -> aiosqlite.Connection:
        return await self._reads.open() if self._reads is not None else self._db.connection

    async def __aenter__(self) -> UnitOfWork:
        await self._held.acquire()
        if self._long:
            self._offloaded = OFFLOADED.set(True)
        try:
            conn = await self._connection()
            self._conn = conn
            await conn.execute("BEGIN IMMEDIATE" if self._write else "BEGIN")
        except BaseException:
            self._release()
            raise
        self.users = UserRepository(conn)
        self.customers = CustomerRepository(conn)
        self.catalog = CatalogRepository(conn)
        self.products = ProductEditorRepository(conn)
        self.carts = CartRepository(conn)
        self.orders = OrderRepository(conn)
        self.audit = AuditRepository(conn)
        self.ptb = PtbStateRepository(conn)
        self.staff = StaffRepository(conn)
        self.reviews = ReviewRepository(conn)
        self.shipments = ShipmentRepository(conn)
        self.payments = PaymentRepository(conn)
        self.requests = RequestRepository(conn)
        self.shortages = ShortageRepository(conn)
        self.reminders = ReminderRepository(conn)
        self.batches = BatchRepository(conn)
        self.invoices = InvoiceRepository(conn)
        self.reports = ReportRepository(conn)
        self.feedback = FeedbackRepository(conn)
        self.updates = ProcessedUpdateRepository(conn)
        self.inbox = InboxRepository(conn)
        self.outbox = OutboxRepository(conn)
        self.statements = StatementRepository(conn)
        self.custom = CustomRequestRepository(conn)
        self.stock = StockRepository(conn)
        self.business = BusinessRepository(conn)
        return self

    async def commit(self) -> None:
        """Make the work permanent."""
        if not self._write:
            raise RuntimeError("a reader cannot commit")
        update_id = CURRENT_UPDATE.get()
        if self._claims_update and update_id is not None:
            await self.updates.record(update_id)
        assert self._conn is not None
        await self._conn.execute("COMMIT")
        self._committed = True
        if self._db.checkpoints is not None:
            self._db.checkpoints.written()
        if self.outbox.added:
            self._db.notices_posted.set()  # wakes the sender (bot/handlers/outbox.py)
        written = self.catalog.products_written | self.products.products_written
        if written:
            self._db._catalog_written(written)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed and self._conn is not None:
                await self._conn.execute("ROLLBACK")
        finally:
            self._release()

    def _release(self) -> None:
        """Statements run on the loop again; the next transaction may begin."""
        if self._offloaded is not None:
            OFFLOADED.reset(self._offloaded)
            self._offloaded = None
        self._held.release()
