"""SQL for the review of submitted orders: checks, route, decisions, what waits for whom."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import ts
from bot.db.orders import ORDER_COLUMNS, order_from_row
from bot.domain.models import Order
from bot.domain.review import Check, Finding, Route, Verdict


class RouteOf(NamedTuple):
    """Whom an order's review goes to, its rep, and who decided it (None until decided)."""

    route: Route
    rep_id: int | None
    decided_by: int | None


class ReviewRepository:
    """order_reviews and order_checks."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def save(
        self, order_id: int, route: Route, rep_id: int | None, findings: Sequence[Finding]
    ) -> None:
        """Record an order's route and its checks' findings."""
        await self._conn.execute(
            "INSERT INTO order_reviews (order_id, route, rep_id) VALUES (?, ?, ?)",
            (order_id, route.value, rep_id),
        )
        await self._conn.executemany(
            "INSERT INTO order_checks (order_id, name, verdict, detail) VALUES (?, ?, ?, ?)",
            [(order_id, f.check.value, f.verdict.value, f.detail) for f in findings],
        )

    async def route(self, order_id: int) -> RouteOf | None:
        """An order's route, rep and decider, if it was reviewed."""
        async with self._conn.execute(
            "SELECT route, rep_id, decided_by FROM order_reviews WHERE order_id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return RouteOf(Route(row[0]), row[1], row[2]) if row else None

    async def findings(self, order_id: int) -> list[Finding]:
        """An order's checks, in the order they are made."""
        async with self._conn.execute(
            "SELECT name, verdict, detail FROM order_checks WHERE order_id = ?", (order_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        found = {
            Check(r[0]): Finding(Check(r[0]), Verdict(r[1]), None if r[2] is None else int(r[2]))
            for r in rows
        }
        return [found[c] for c in Check if c in found]

    async def replace_findings(self, order_id: int, findings: Sequence[Finding]) -> None:
        """Store the checks made again after an adjustment."""
        await self._conn.execute("DELETE FROM order_checks WHERE order_id = ?", (order_id,))
        await self._conn.executemany(
            "INSERT INTO order_checks (order_id, name, verdict, detail) VALUES (?, ?, ?, ?)",
            [(order_id, f.check.value, f.verdict.value, f.detail) for f in findings],
        )

    async def discount_bp(self, order_id: int) -> int | None:
        """The discount set for this order, when a rep or manager set one."""
        async with self._conn.execute(
            "SELECT discount_bp FROM order_reviews WHERE order_id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    async def escalate(self, order_id: int) -> None:
        """Send an order to the managers."""
        await self._conn.execute(
            "UPDATE order_reviews SET route = 'manager' WHERE order_id = ?", (order_id,)
        )

    async def decided(self, order_id: int, user_id: int | None, at: datetime) -> None:
        """Record who decided."""
        await self._conn.execute(
            "UPDATE order_reviews SET decided_by = ?, decided_at = ? WHERE order_id = ?",
            (user_id, ts(at), order_id),
        )

    async def waiting(self, route: Route, rep_id: int | None, limit: int) -> list[Order]:
        """Submitted orders on a route (a rep's own when rep_id is given), oldest first."""
        where = "r.route = ? AND o.status = 'submitted'"
        params: list[object] = [route.value]
        if rep_id is not None:
            where += " AND r.rep_id = ?"
            params.append(rep_id)
        async with self._conn.execute(
            f"SELECT {ORDER_COLUMNS} FROM orders o JOIN order_reviews r ON r.order_id = o.id"
            f" WHERE {where} ORDER BY o.submitted_at, o.id LIMIT ?",
            (*params, limit),
        ) as cursor:
            return [order_from_row(r) for r in await cursor.fetchall()]
