"""SQL for the audit log: who did what, when, with before and after."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db._rows import from_ts, ts
from bot.domain.audit import AuditAction, read_action
from bot.domain.models import AuditEntry, OrderStatus, StatusChange


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
        action: AuditAction,
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

    async def has(self, entity: str, entity_id: int, action: AuditAction, after: str) -> bool:
        """Whether this very entry (entity, action, value) was recorded before."""
        async with self._conn.execute(
            "SELECT 1 FROM audit_log WHERE entity = ? AND entity_id = ? AND action = ?"
            " AND after = ? LIMIT 1",
            (entity, entity_id, action, after),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def order_history(self, order_id: int, limit: int = 30) -> list[AuditEntry]:
        """Everything recorded about an order, newest last, with the actors' names."""
        async with self._conn.execute(
            "SELECT a.at, u.first_name, a.action, a.before, a.after, a.reason FROM audit_log a"
            " LEFT JOIN users u ON u.id = a.actor_id"
            " WHERE a.entity = 'order' AND a.entity_id = ? ORDER BY a.id DESC LIMIT ?",
            (order_id, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            AuditEntry(
                at=from_ts(r[0]),
                actor=r[1],
                action=read_action(r[2]),
                before=r[3],
                after=r[4],
                reason=r[5],
            )
            for r in reversed(list(rows))
        ]

    async def order_timeline(self, order_id: int) -> list[StatusChange]:
        """An order's status changes, oldest first."""
        async with self._conn.execute(
            "SELECT at, actor_id, before, after, reason FROM audit_log"
            " WHERE entity = 'order' AND entity_id = ? AND action = ? ORDER BY id",
            (order_id, AuditAction.STATUS),
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
