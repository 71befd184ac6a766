"""The quick-order matcher in a long-lived process of its own (`[quick_order] process = true`).

Indexing 100,000 products is ~8 s of Python and a match 20–40 ms; on a thread of the bot's
process either holds the GIL the event loop needs (it lagged 54–319 ms while the index was
built), and a full garbage collection of the index's millions of objects paused the whole bot.
In a child process they hold only the child's. The child (`serve`) builds the index at start
from the database file through a read-only connection of its own, keeps it, and answers each
request in order: it applies the products written since the previous request (read as they
are now), starts a rebuild in the background when told (a big import, another process's
commit: the old index answers meanwhile, and the products written meanwhile are applied to
the new one before it is swapped in), then matches the items' words.

The parent's end (`RemoteIndex`) tells it what changed, as the thread path's catalog_matcher
decides today (bot/services/quick_order.py), and asks; it never builds or holds the index. A
child that died is started again and the request asked again; twice dead is IndexUnavailable.
The process itself is bot/runtime/child.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from bot.db import Database
from bot.db.catalog import read_name_entries, read_name_index
from bot.db.database import read_only
from bot.domain.product_match import ItemMatch, Matcher
from bot.runtime.child import Child, ChildDied

log = logging.getLogger(__name__)


class IndexUnavailable(RuntimeError):
    """The quick-order index's process died twice on one request."""


@dataclass(frozen=True)
class Request:
    """What the child is to do, in this order: apply the products written, start a rebuild,
    wait for a rebuild in progress to be swapped in (settle), match the words."""

    words: tuple[str, ...] = ()
    written: tuple[int, ...] = ()
    rebuild: bool = False
    settle: bool = False


@dataclass(frozen=True)
class Reply:
    """The matches, one per words, and the child's counts."""

    matches: tuple[ItemMatch, ...]
    builds: int  # indexes built (the one at start, then each rebuild swapped in)
    updates: int  # requests whose written products were applied in place
    rebuilding: bool  # a rebuild is in progress, the old index answers


def serve(conn: Connection, path: str) -> None:
    """The child's life: build the index, then answer until told None or the parent is gone."""
    served = _Served(Path(path))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        conn.send(served.answer(request))


def _build(path: Path) -> Matcher:
    """The whole catalog, read through a read-only connection of this thread's, indexed."""
    with contextlib.closing(read_only(path)) as conn:
        matcher = Matcher(read_name_index(conn))
    gc.freeze()  # a full collection would visit the index's objects, each time, for nothing
    return matcher


class _Served:
    """The child's index, its rebuild in progress and the products written meanwhile."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn = read_only(path)  # products written are read here, as they are now
        self.matcher = _build(path)
        self.builds, self.updates = 1, 0
        self._rebuild: threading.Thread | None = None
        self._built: list[Matcher] = []  # the rebuild's result
        self._since: set[int] = set()  # products written since the rebuild began
        self._again = False  # told to rebuild while one ran: its snapshot may be too old

    def answer(self, request: Request) -> Reply:
        """Apply, rebuild, settle, match: see Request."""
        if request.written:
            self._apply(self.matcher, request.written)
            self.updates += 1
            if self._rebuild is not None:
                self._since.update(request.written)
        if request.rebuild:
            if self._rebuild is None:
                self._start_rebuild()
            else:
                self._again = True
        self._swap(wait=request.settle)
        matches = tuple(self.matcher.match(words) for words in request.words)
        return Reply(matches, self.builds, self.updates, self._rebuild is not None)

    def _apply(self, matcher: Matcher, ids: tuple[int, ...] | list[int]) -> None:
        matcher.update(*read_name_entries(self._conn, ids))

    def _start_rebuild(self) -> None:
        self._rebuild = threading.Thread(target=self._rebuilt, name="rebuild", daemon=True)
        self._rebuild.start()

    def _rebuilt(self) -> None:
        try:
            self._built.append(_build(self._path))
        except Exception:  # the old index goes on answering
            log.exception("quick-order index not rebuilt")

    def _swap(self, *, wait: bool) -> None:
        """Serve the rebuilt index once it is ready (wait: until it is), with the products
        written since it began applied; then the rebuild asked for meanwhile, if any."""
        while self._rebuild is not None and (wait or not self._rebuild.is_alive()):
            self._rebuild.join()
            self._rebuild = None
            if self._built:
                matcher = self._built.pop()
                self._apply(matcher, sorted(self._since))
                self.matcher = matcher  # the old one is freed here, in the child
                self.builds += 1
            self._since.clear()
            if self._again:
                self._again = False
                self._start_rebuild()


# At most this many products written since the last request are applied in place
# (Matcher.update: ~50 µs a product); more (a big import) rebuild in the background.
IN_PLACE = 1000


class RemoteIndex:
    """The parent's end: the child, and what it was told (the catalog generation and the
    other processes' commits its index holds)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._child = Child(serve, str(db.path), name="quick-order index")
        self._lock = asyncio.Lock()
        self._generation = 0
        self._others = -1
        self.starts = 0  # children started (the first, then one for each that died)
        self.last: Reply | None = None
        self.warming: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id, while it runs."""
        return self._child.pid

    def warm_up(self) -> asyncio.Task[None]:
        """Start the child (it builds the index at once); quick orders meanwhile wait for it."""
        if self.warming is None:
            self.warming = asyncio.create_task(self._warm(), name="quick-order index")
        return self.warming

    async def _warm(self) -> None:
        try:
            await self.match([])
        except Exception:  # the first quick order starts it then
            log.warning("quick-order index process not started", exc_info=True)

    async def match(self, words: list[str], *, settle: bool = False) -> list[ItemMatch]:
        """The matches of each item's words, by the child, after the catalog changes since
        the last request (settle: after a rebuild in progress is swapped in)."""
        async with self._lock:
            for _ in range(2):
                request, generation, others = await self._request(words, settle)
                try:
                    reply: Reply = await self._child.ask(request)
                except ChildDied:
                    log.warning("quick-order index process died; starting it again", exc_info=True)
                    continue
                self._generation, self._others, self.last = generation, others, reply
                return list(reply.matches)
        raise IndexUnavailable("the quick-order index's process died twice")

    async def _request(self, words: list[str], settle: bool) -> tuple[Request, int, int]:
        """The request telling the child what changed since it was last told; started first
        if it is not running (it then builds the catalog as it is from now on)."""
        async with self._db.reader() as uow:
            # As of this snapshot: our commits are serial, and bump the generation before
            # the next transaction begins.
            generation = self._db.catalog_generation
            others = await uow.catalog.others_commits()
        if not self._child.alive:
            await self._child.start()
            self.starts += 1
            self._generation, self._others = generation, others
        written: set[int] | None = set()
        if others == self._others:
            written = self._db.catalog_written_since(self._generation)
        if written is None or others != self._others or len(written) > IN_PLACE:
            return Request(tuple(words), rebuild=True, settle=settle), generation, others
        return Request(tuple(words), tuple(sorted(written)), settle=settle), generation, others

    async def close(self) -> None:
        """Stop the child (with the application)."""
        if self.warming is not None and not self.warming.done():
            self.warming.cancel()
        await self._child.stop()
