"""SQL for the audit log: who did what, when, with before and after."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db._rows import from_ts, ts
from bot.domain.models import OrderStatus, StatusChange

STATUS = "status"


class AuditRepository:
    """The append-only audit log."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def record(
        self,
        *,
        at: datetime,
        actor_id: int | None,
        entity: str,
        entity_id: int,
        action: str,
        before: str | None = None,
        after: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Append an entry."""
        await self._conn.execute(
            "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, before, after,"
            " reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ts(at), actor_id, entity, entity_id, action, before, after, reason),
        )

    async def order_timeline(self, order_id: int) -> list[StatusChange]:
        """An order's status changes, oldest first."""
        async with self._conn.execute(
            "SELECT at, actor_id, before, after, reason FROM audit_log"
            " WHERE entity = 'order' AND entity_id = ? AND action = ? ORDER BY id",
            (order_id, STATUS),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            StatusChange(
                at=from_ts(r["at"]),
                actor_user_id=r["actor_id"],
                from_status=OrderStatus(r["before"]) if r["before"] else None,
                to_status=OrderStatus(r["after"]),
                reason=r["reason"],
            )
            for r in rows
        ]
