"""SQL for customers' requests after approval."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import ts
from bot.domain.requests import RequestKind, RequestState


class StoredRequest(NamedTuple):
    """A customer's request as stored: its order, kind, reason and state."""

    order_id: int
    kind: RequestKind
    reason: str
    state: RequestState


class RequestChange(NamedTuple):
    """The order before and after a change request, as stored (JSON), if any."""

    before: str | None
    after: str | None


class RequestRepository:
    """order_requests, and the refund due on cancelled orders."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def open_for(self, order_id: int) -> int | None:
        """The open request of an order, if any."""
        async with self._conn.execute(
            "SELECT id FROM order_requests WHERE order_id = ? AND state = ?",
            (order_id, RequestState.OPEN.value),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def add(
        self,
        order_id: int,
        kind: RequestKind,
        reason: str,
        before: str,
        after: str,
        by: int,
        now: datetime,
    ) -> int:
        """Store a request; returns its id."""
        async with self._conn.execute(
            "INSERT INTO order_requests (order_id, kind, reason, before, after, requested_by,"
            " requested_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (order_id, kind.value, reason, before, after, by, ts(now)),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def get(self, request_id: int) -> StoredRequest | None:
        """A request, if there is one."""
        async with self._conn.execute(
            "SELECT order_id, kind, reason, state FROM order_requests WHERE id = ?", (request_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return StoredRequest(int(row[0]), RequestKind(row[1]), row[2], RequestState(row[3]))

    async def change(self, request_id: int) -> RequestChange:
        """Before and after of a request, as stored."""
        async with self._conn.execute(
            "SELECT before, after FROM order_requests WHERE id = ?", (request_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return RequestChange(row[0], row[1]) if row else RequestChange(None, None)

    async def decide(self, request_id: int, approved: bool, by: int, now: datetime) -> bool:
        """Close an open request; False when someone closed it first."""
        cursor = await self._conn.execute(
            "UPDATE order_requests SET state = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND state = ?",
            (
                (RequestState.APPROVED if approved else RequestState.DECLINED).value,
                by,
                ts(now),
                request_id,
                RequestState.OPEN.value,
            ),
        )
        return cursor.rowcount == 1
