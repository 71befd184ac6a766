"""A long-lived child process that answers one request at a time over a pipe.

Started with "forkserver" ("spawn" where there is none), never "fork": the parent has threads
(aiosqlite's, asyncio's workers) and a forked copy could inherit a lock one of them held. The
child runs `target(connection, *args)`: it reads requests from the connection and sends one
answer for each, and ends when it reads None or the connection closes (the parent is gone).
The parent waits for an answer on a worker thread, watching the process too: a child that died
is ChildDied at once, never a hang; its owner starts it again.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any

from bot.runtime import priority

STOP_SECONDS = 5.0  # a child asked to stop is killed after this long


class ChildDied(RuntimeError):
    """The child process ended before it answered."""


# What the fork server imports once, so that every process of ours starts as a copy of it:
# the quick-order index's child and bot/runtime/offload.py's workers (PDFs, charts, exports).
PRELOAD = [
    "bot.services.quick_order_process",
    "bot.services.exports",
    "bot.ui.charts",
    "bot.ui.invoice_pdf",
    "bot.ui.note_pdf",
    "bot.ui.statement_pdf",
]


def context() -> ForkServerContext | SpawnContext:
    """A start method that does not copy the parent's threads' state: "forkserver", whose
    server imports PRELOAD once (each process a copy of it: quick to start), else "spawn".
    Every process of ours is started through this one server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)  # no effect once the server runs
    return forkserver


def _run_lower(target: Callable[..., None], *args: Any) -> None:
    priority.lower_process()
    target(*args)


class Child:
    """One child process running `target(connection, *args)`; `ask` sends a request and waits
    for its answer off the event loop, one request at a time."""

    def __init__(self, target: Callable[..., None], *args: Any, name: str) -> None:
        self._target = target
        self._args = args
        self._name = name
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def alive(self) -> bool:
        """Started and not ended."""
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        """The child's process id, while it runs."""
        return self._process.pid if self._process is not None and self.alive else None

    async def start(self) -> None:
        """Start the child (again, after it died: what is left of the old one is let go), on
        a worker thread: the first start waits for the fork server to import `target`'s
        module (~1 s)."""
        self._let_go()
        await asyncio.to_thread(self._start)

    def _start(self) -> None:
        ctx = context()
        ours, theirs = ctx.Pipe()
        process = ctx.Process(
            target=_run_lower,
            args=(self._target, theirs, *self._args),
            name=self._name,
            daemon=True,
        )
        process.start()
        theirs.close()
        self._process, self._conn = process, ours

    async def ask(self, request: Any) -> Any:
        """The child's answer to a request; ChildDied if it ended first. A caller cancelled
        meanwhile leaves the exchange to finish (the next request waits for it), so answers
        never go to the wrong request."""
        exchange = asyncio.ensure_future(self._ask(request))
        exchange.add_done_callback(_retrieved)  # its error is the caller's, or nobody's
        return await asyncio.shield(exchange)

    async def _ask(self, request: Any) -> Any:
        async with self._lock:
            if self._process is None or self._conn is None:
                raise ChildDied(f"{self._name} is not running")
            try:
                return await asyncio.to_thread(_exchange, self._conn, self._process, request)
            except ChildDied:
                # Its pipe may break a moment before it can be reaped: made sure it is gone,
                # so `alive` is False and the owner starts another.
                await self._end()
                raise

    async def stop(self) -> None:
        """End the child: terminated (it keeps nothing worth saving), killed if it has not
        ended after STOP_SECONDS."""
        if self._process is not None:
            self._process.terminate()
            await self._end()

    async def _end(self) -> None:
        process = self._process
        if process is None:
            return
        await asyncio.to_thread(process.join, STOP_SECONDS)
        if process.is_alive():
            process.kill()
            await asyncio.to_thread(process.join, STOP_SECONDS)
        self._let_go()

    def _let_go(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None


def _exchange(conn: Connection, process: BaseProcess, request: Any) -> Any:
    """Send a request and wait for the answer or the child's end, whichever comes first."""
    try:
        conn.send(request)
        while True:
            ready = wait([conn, process.sentinel])
            if conn in ready:
                return conn.recv()
            if process.sentinel in ready:
                raise ChildDied(f"{process.name} ended (exit code {process.exitcode})")
    except (EOFError, OSError) as error:
        raise ChildDied(f"{process.name} ended ({error!r})") from None


def _retrieved(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
