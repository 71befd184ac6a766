"""WAL checkpoints off the event loop.

SQLite copies what the write-ahead log holds back into the database file (a checkpoint) from
inside a commit, once the log passes 1,000 pages: on the connection that commits, which here
is the event loop's. While a long read holds an old snapshot (a year's KPIs, an export, the
background quick_check of a big file) the copying waits, and the first commit after it pays
for everything written meanwhile: 400 ms of the loop, measured in benchmarks/no_stall.py at
1,000,000 orders. So the bot's connection never checkpoints (wal_autocheckpoint = 0): after
commits, a connection of its own on a thread of its own does, at most once a CHECKPOINT_SECONDS
(PASSIVE: it never waits for a reader, nor a writer for it).

The log starts over from its beginning only at a write that begins when everything in it is in
the file. Under steady writes (200 customers a second commit every ~1.5 ms) every checkpoint
on the other connection saw commits come in while it copied, so that never happened: the log
grew ~10 MB a second and for ever (benchmarks/no_stall.py, 180 MB in 20 s). Past
RESTART_PAGES, the checkpointer copies the little that came in during its pass once more, then
the last few pages while the bot's own units of work wait (Database's lock, for that short
pass), so the next one begins with the log all copied and starts it over; a log that grew big is
cut back to LOG_LIMIT_BYTES then (journal_size_limit)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 1.0
RESTART_PAGES = 4096  # 16 MiB of 4 KiB pages: a log this long is made to start over
LOG_LIMIT_BYTES = 64 * 2**20  # what a log that starts over keeps of its file (the main connection)


class Checkpointer:
    """Checkpoints the database's WAL in the background after commits (`written`)."""

    def __init__(
        self, path: Path, writers: asyncio.Lock, restart_pages: int = RESTART_PAGES
    ) -> None:
        self._path = path
        self._writers = writers  # held: none of the bot's units of work is in progress
        self.restart_pages = restart_pages  # a log this long after a pass is made to start over
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="wal-checkpoint")
        self._conn: sqlite3.Connection | None = None  # used on the pool's thread only
        self._task: asyncio.Task[None] | None = None
        self._written = asyncio.Event()
        self.done = 0  # checkpoints made
        self.restarts = 0  # times the log was made to start over

    def start(self) -> None:
        """Checkpoint after commits until `stop`."""
        self._task = asyncio.create_task(self._run(), name="wal-checkpoint")

    def written(self) -> None:
        """A commit wrote to the log."""
        self._written.set()

    async def checkpoint(self) -> tuple[int, int]:
        """Checkpoint now: (pages in the log, pages copied back into the file)."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._checkpoint)

    async def stop(self) -> None:
        """End the background work and close its connection."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await asyncio.get_running_loop().run_in_executor(self._pool, self._close)
        self._pool.shutdown(wait=False)

    async def _run(self) -> None:
        while True:
            await self._written.wait()
            self._written.clear()
            try:
                pages, _ = await self.checkpoint()
                if pages >= self.restart_pages:
                    await self._restart()
            except sqlite3.Error as error:  # tried again after the next commit
                log.warning("WAL checkpoint of %s: %s", self._path, error)
            await asyncio.sleep(CHECKPOINT_SECONDS)

    async def _restart(self) -> None:
        """Copy what came in during the last pass (little), then the rest with the bot's
        writers held (a few pages): the next unit of work begins with everything in the file
        and starts the log over (unless another connection is reading it then: next time)."""
        await self.checkpoint()
        async with self._writers:
            await self.checkpoint()
        self.restarts += 1

    def _checkpoint(self) -> tuple[int, int]:
        if self._conn is None:
            self._conn = sqlite3.connect(self._path, isolation_level=None)
        row = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.done += 1
        return int(row[1]), int(row[2])

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
