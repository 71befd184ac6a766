"""CPU-heavy, stateless work (PDFs, charts, export files) in worker processes, so it never holds
the event loop: a thread running pure Python shares the GIL with the loop and lags it.

`await offload.run(fn, *args)`: `fn` is a module-level function, its arguments and result
picklable (a `Texts` pickles as its language and settings and is rebuilt in the worker). The
pool starts on first use and `close()` ends it (the application's post_shutdown). With no
workers the work runs on a thread of this process instead (tiny deployments, the command line).
A worker that dies takes the work it was doing with it: that call raises `WorkerDied` (the
person gets the usual apology) and the next one starts a fresh pool."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from bot.runtime import child, priority

log = logging.getLogger(__name__)
R = TypeVar("R")


class WorkerDied(RuntimeError):
    """A worker process died (killed, out of memory) while doing this work."""


class Offload:
    """Worker processes for heavy work, started when first needed."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Never plain fork: the parent has threads (aiosqlite, PTB) whose locks a forked
            # child would inherit held. The forkserver forks clean, single-threaded copies.
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=child.context(), initializer=priority.lower_process
            )
        return self._pool

    async def run(self, fn: Callable[..., R], *args: Any) -> R:
        """fn(*args) in a worker process (or on a thread when there are no workers)."""
        if self.workers <= 0:
            return await asyncio.to_thread(fn, *args)
        pool = self._executor()
        try:
            # Submitted from a thread: the first submit starts the fork server and a worker,
            # which waits for their imports.
            return await asyncio.wrap_future(await asyncio.to_thread(pool.submit, fn, *args))
        except BrokenProcessPool as error:
            log.error("a worker process died running %s; starting new ones", fn.__qualname__)
            if self._pool is pool:
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise WorkerDied(fn.__qualname__) from error

    def close(self) -> None:
        """End the worker processes (work still running is waited for)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
