"""WAL checkpoints off the event loop.

SQLite copies what the write-ahead log holds back into the database file (a checkpoint) from
inside a commit, once the log passes 1,000 pages: on the connection that commits, which here
is the event loop's. While a long read holds an old snapshot (a year's KPIs, an export, the
background quick_check of a big file) the copying waits, and the first commit after it pays
for everything written meanwhile: 400 ms of the loop, measured in benchmarks/no_stall.py at
1,000,000 orders. So the bot's connection never checkpoints (wal_autocheckpoint = 0): after
commits, a connection of its own on a thread of its own does, at most once a CHECKPOINT_SECONDS
(PASSIVE: it never waits for a reader, nor a writer for it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 1.0


class Checkpointer:
    """Checkpoints the database's WAL in the background after commits (`written`)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="wal-checkpoint")
        self._conn: sqlite3.Connection | None = None  # used on the pool's thread only
        self._task: asyncio.Task[None] | None = None
        self._written = asyncio.Event()
        self.done = 0  # checkpoints made

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
                await self.checkpoint()
            except sqlite3.Error as error:  # tried again after the next commit
                log.warning("WAL checkpoint of %s: %s", self._path, error)
            await asyncio.sleep(CHECKPOINT_SECONDS)

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
