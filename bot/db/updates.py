"""Telegram updates whose effects are in the database, so that one delivered again changes
nothing the second time; and the inbox of updates fetched but not yet done.

While an update is processed, CURRENT_UPDATE holds its id; a unit of work that commits then
records the id in the same transaction as its changes (exactly once: the change and the record
of it land together or not at all)."""

from __future__ import annotations

from contextvars import ContextVar

import aiosqlite

CURRENT_UPDATE: ContextVar[int | None] = ContextVar("current_update", default=None)
# Telegram keeps an unconfirmed update for 24 hours; after a week without updates it may start
# numbering anew, so old ids must not linger.
KEEP_SECONDS = 2 * 24 * 3600


class ProcessedUpdateRepository:
    """The ids of updates already applied, for a couple of days."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def seen(self, update_id: int) -> bool:
        """Whether this update's effects are already in the database."""
        async with self._conn.execute(
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        ) as cursor:
            return await cursor.fetchone() is not None

    async def record(self, update_id: int) -> None:
        """Remember that this update's effects are in (idempotent)."""
        await self._conn.execute(
            "INSERT OR IGNORE INTO processed_updates (update_id, at)"
            " VALUES (?, CAST(strftime('%s', 'now') AS INTEGER))",
            (update_id,),
        )

    async def newest(self) -> int | None:
        """The highest id recorded."""
        async with self._conn.execute("SELECT MAX(update_id) FROM processed_updates") as cursor:
            row = await cursor.fetchone()
        return None if row is None or row[0] is None else int(row[0])

    async def prune(self, keep_seconds: int = KEEP_SECONDS) -> None:
        """Forget ids older than keep_seconds."""
        await self._conn.execute(
            "DELETE FROM processed_updates WHERE at < CAST(strftime('%s', 'now') AS INTEGER) - ?",
            (keep_seconds,),
        )


class InboxRepository:
    """Updates fetched from Telegram and not yet done (their JSON as Telegram sent it)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def keep(self, updates: list[tuple[int, str]]) -> None:
        """Keep fetched updates (one fetched again is kept once)."""
        for row in updates:
            await self._conn.execute(
                "INSERT OR IGNORE INTO inbox (update_id, body) VALUES (?, ?)", row
            )

    async def kept(self) -> list[tuple[int, str]]:
        """Every update kept, oldest first."""
        async with self._conn.execute("SELECT update_id, body FROM inbox ORDER BY 1") as cursor:
            return [(int(update_id), str(body)) for update_id, body in await cursor.fetchall()]

    async def done(self, update_ids: list[int]) -> None:
        """These updates are done."""
        for update_id in update_ids:
            await self._conn.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))
