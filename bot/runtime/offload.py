"""CPU-heavy, stateless work (PDFs, charts, export files) in worker processes, so it never holds
the event loop: a thread running pure Python shares the GIL with the loop and lags it.

`await offload.run(fn, *args)`: `fn` is a module-level function, its arguments and result
picklable (a `Texts` pickles as its language and settings and is rebuilt in the worker). The
pool starts on first use and `close()` ends it (the application's post_shutdown). With no
workers the work runs on a thread of this process instead (tiny deployments, the command line).
A worker that dies takes the work it was doing with it: that call raises `WorkerDied` (the
person gets the usual apology) and the next one starts a fresh pool. A worker ends when the bot
does, however the bot ended (killed too), and the fork server with it. `await
offload.run_alone(fn, *args)` runs the work in a process started for it instead, which loads
only what fn needs (an export: bot/runtime/alone.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import select
import sys
import threading
import time
from asyncio.subprocess import PIPE
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar, cast

from bot.runtime import child, priority

log = logging.getLogger(__name__)
R = TypeVar("R")


class WorkerDied(RuntimeError):
    """A worker process died (killed, out of memory) while doing this work."""


def _worker_begins(bot: int) -> None:
    """A worker's start: it runs below the bot, and ends when the bot does."""
    priority.lower_process()
    threading.Thread(target=_end_with, args=(bot,), name="end-with-bot", daemon=True).start()


def _end_with(bot: int) -> None:
    """End this process once the process `bot` has ended, however it ended. A worker whose
    bot was killed (SIGKILL, out of memory) otherwise waited for work for ever: it holds both
    ends of its own queue's pipe, so it never reads an end, and it kept the fork server alive
    too (~300 MB a crash, for good)."""
    try:
        ended = os.pidfd_open(bot)
    except ProcessLookupError:
        os._exit(0)
    except (AttributeError, OSError):  # no pidfd (not Linux, or an old kernel): look each second
        while _alive(bot):
            time.sleep(1.0)
        os._exit(0)
    select.select([ended], [], [])  # readable once the process has ended
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process now holds the number: ours is gone
        return False
    return True


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
                self.workers,
                mp_context=child.context(),
                initializer=_worker_begins,
                initargs=(os.getpid(),),
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

    async def run_alone(self, fn: Callable[..., R], *args: Any) -> R:
        """fn(*args) in a process of its own, started for it and ended after it
        (bot/runtime/alone.py): it imports only what fn needs, where a worker carries every
        library the fork server loaded (an export: 88 MB at its peak instead of 112). On a
        thread when there are no workers. WorkerDied if the process ends without an answer."""
        if self.workers <= 0:
            return await asyncio.to_thread(fn, *args)
        given = pickle.dumps(list(sys.path)) + pickle.dumps((fn, args))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.runtime.alone", stdin=PIPE, stdout=PIPE
        )
        try:
            answer, _ = await process.communicate(given)
        except BaseException:  # cancelled: the work is not wanted any more
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await asyncio.shield(process.wait())
            raise
        if process.returncode != 0 or not answer:
            log.error("%s: its process ended without an answer (%s)", fn.__qualname__,
                      process.returncode)  # fmt: skip
            raise WorkerDied(fn.__qualname__)
        done, value = pickle.loads(answer)
        if done:
            return cast(R, value)
        raise value

    def close(self) -> None:
        """End the worker processes (work still running is waited for)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
