"""SQL for the reports: sales, the orders behind each KPI, ratings; aggregated where SQL can.

Moments are stored in UTC as ISO text of one format, so a period [first, after) is compared as
text. Grouping by business day happens in the service (the business zone may have DST)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import day_or_none, from_ts, localized, placeholders, ts
from bot.domain.audit import AuditAction
from bot.domain.models import Language, OrderStatus, OrderType
from bot.domain.reports import (
    DELIVERED,
    SHIPPED_IN_FULL,
    SOLD,
    Comment,
    CustomerSales,
    ProductSales,
    RepSales,
)

# `+a.action`: the order's own rows through audit_log_entity. Left as a plain term, SQLite
# chose audit_log_action_at (action = 'status') and read every status change of every order
# once per order: minutes at 100,000 orders (benchmarks/no_stall.py, KPIs for a year).
_APPROVED_AT = (
    "SELECT MIN(a.at) FROM audit_log a WHERE a.entity = 'order' AND a.entity_id = o.id"
    f" AND +a.action = '{AuditAction.STATUS.value}' AND a.after = 'approved'"
)


class Sale(NamedTuple):
    """A sale: when it was submitted, and its total."""

    submitted_at: datetime
    total: int


class Approval(NamedTuple):
    """An approved order: when it was submitted and when approved."""

    submitted_at: datetime
    approved_at: datetime


class RatingCount(NamedTuple):
    """A rating, and how many times it was given."""

    rating: int
    given: int


class Shipped(NamedTuple):
    """An order shipped in full: when it was submitted, approved and last shipped."""

    order_id: int
    order_type: OrderType
    submitted_at: datetime
    approved_at: datetime
    promised: date | None
    last_shipped_at: datetime
    cancelled_units: int


class Delivered(NamedTuple):
    """An order delivered: its dates and when its last shipment arrived."""

    order_id: int
    order_type: OrderType
    desired: date | None
    promised: date | None
    approved_at: datetime
    last_delivered_at: datetime


class Cancelled(NamedTuple):
    """A cancelled order: the status it left and the reason recorded."""

    order_id: int
    before: str | None
    reason: str | None


def _in(statuses: Sequence[OrderStatus]) -> tuple[str, list[str]]:
    return f"IN ({placeholders(len(statuses))})", [s.value for s in statuses]


class ReportRepository:
    """Reads for /report; never writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _rows(self, sql: str, params: Sequence[object]) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def sales(self, first: datetime, after: datetime) -> list[Sale]:
        """Every sale submitted in [first, after)."""
        sold, params = _in(SOLD)
        rows = await self._rows(
            f"SELECT submitted_at, total FROM orders WHERE status {sold}"
            " AND submitted_at >= ? AND submitted_at < ?",
            [*params, ts(first), ts(after)],
        )
        return [Sale(from_ts(r[0]), int(r[1])) for r in rows]

    async def top_products(
        self, first: datetime, after: datetime, language: Language, limit: int
    ) -> list[ProductSales]:
        """Products by sales (units ordered less cancelled, at the line's unit price)."""
        sold, params = _in(SOLD)
        rows = await self._rows(
            f"SELECT p.sku, {localized('name', language, 'p')} AS name,"
            " SUM(l.qty - l.cancelled_qty) AS units,"
            " SUM(l.unit_price * (l.qty - l.cancelled_qty)) AS amount,"
            " COUNT(DISTINCT o.id) AS orders"
            " FROM order_lines l JOIN orders o ON o.id = l.order_id"
            " JOIN products p ON p.id = l.product_id"
            f" WHERE o.status {sold} AND o.submitted_at >= ? AND o.submitted_at < ?"
            " GROUP BY l.product_id HAVING units > 0"
            " ORDER BY amount DESC, units DESC, p.sku LIMIT ?",
            [*params, ts(first), ts(after), limit],
        )
        return [
            ProductSales(r["sku"], r["name"], int(r["units"]), int(r["amount"]), int(r["orders"]))
            for r in rows
        ]

    async def top_customers(
        self, first: datetime, after: datetime, limit: int
    ) -> list[CustomerSales]:
        """Customers by the totals of their sales."""
        sold, params = _in(SOLD)
        rows = await self._rows(
            "SELECT c.id, c.name, c.company, COUNT(*) AS orders, SUM(o.total) AS amount"
            " FROM orders o JOIN customers c ON c.id = o.customer_id"
            f" WHERE o.status {sold} AND o.submitted_at >= ? AND o.submitted_at < ?"
            " GROUP BY c.id ORDER BY amount DESC, orders DESC, c.name, c.id LIMIT ?",
            [*params, ts(first), ts(after), limit],
        )
        return [
            CustomerSales(r["id"], r["name"], r["company"], int(r["orders"]), int(r["amount"]))
            for r in rows
        ]

    async def sales_by_rep(self, first: datetime, after: datetime) -> list[RepSales]:
        """Sales per rep who had the customer when the order came in (None: no rep)."""
        sold, params = _in(SOLD)
        rows = await self._rows(
            "SELECT r.rep_id, u.first_name, COUNT(*) AS orders, SUM(o.total) AS amount"
            " FROM orders o LEFT JOIN order_reviews r ON r.order_id = o.id"
            " LEFT JOIN users u ON u.id = r.rep_id"
            f" WHERE o.status {sold} AND o.submitted_at >= ? AND o.submitted_at < ?"
            " GROUP BY r.rep_id ORDER BY amount DESC, orders DESC, r.rep_id IS NULL, u.first_name",
            [*params, ts(first), ts(after)],
        )
        return [
            RepSales(r["rep_id"], r["first_name"], int(r["orders"]), int(r["amount"]))
            for r in rows
        ]

    async def approvals(self, first: datetime, after: datetime) -> list[Approval]:
        """When the orders approved in [first, after) were submitted and approved."""
        rows = await self._rows(
            "SELECT o.submitted_at, a.at FROM audit_log a JOIN orders o ON o.id = a.entity_id"
            f" WHERE a.entity = 'order' AND a.action = '{AuditAction.STATUS.value}'"
            " AND a.after = 'approved'"
            " AND a.at >= ? AND a.at < ?",
            [ts(first), ts(after)],
        )
        return [Approval(from_ts(r[0]), from_ts(r[1])) for r in rows]

    async def shipped_in_full(self, first: datetime, after: datetime) -> list[Shipped]:
        """Orders with nothing left to ship whose last shipment left in [first, after)."""
        done, params = _in(SHIPPED_IN_FULL)
        rows = await self._rows(
            "SELECT o.id, o.order_type, o.submitted_at, o.promised_date,"
            f" COALESCE(({_APPROVED_AT}), o.submitted_at) AS approved_at, s.last_at,"
            " (SELECT COALESCE(SUM(l.cancelled_qty), 0) FROM order_lines l"
            "  WHERE l.order_id = o.id) AS cancelled"
            " FROM (SELECT order_id, MAX(shipped_at) AS last_at FROM shipments"
            "  GROUP BY order_id HAVING last_at >= ? AND last_at < ?) s"
            f" JOIN orders o ON o.id = s.order_id WHERE o.status {done}",
            [ts(first), ts(after), *params],
        )
        return [
            Shipped(
                r["id"],
                OrderType(r["order_type"]),
                from_ts(r["submitted_at"]),
                from_ts(r["approved_at"]),
                day_or_none(r["promised_date"]),
                from_ts(r["last_at"]),
                int(r["cancelled"]),
            )
            for r in rows
        ]

    async def delivered(self, first: datetime, after: datetime) -> list[Delivered]:
        """Delivered orders whose last shipment arrived in [first, after)."""
        done, params = _in(DELIVERED)
        rows = await self._rows(
            "SELECT o.id, o.order_type, o.desired_date, o.promised_date,"
            f" COALESCE(({_APPROVED_AT}), o.submitted_at) AS approved_at, s.last_at"
            " FROM (SELECT order_id, MAX(delivered_at) AS last_at FROM shipments"
            "  GROUP BY order_id HAVING COUNT(delivered_at) = COUNT(*)"
            "  AND last_at >= ? AND last_at < ?) s"
            f" JOIN orders o ON o.id = s.order_id WHERE o.status {done}",
            [ts(first), ts(after), *params],
        )
        return [
            Delivered(
                r["id"],
                OrderType(r["order_type"]),
                day_or_none(r["desired_date"]),
                day_or_none(r["promised_date"]),
                from_ts(r["approved_at"]),
                from_ts(r["last_at"]),
            )
            for r in rows
        ]

    async def submitted(self, first: datetime, after: datetime) -> int:
        """How many orders were submitted in [first, after), whatever became of them."""
        rows = await self._rows(
            "SELECT COUNT(*) FROM orders WHERE submitted_at >= ? AND submitted_at < ?",
            [ts(first), ts(after)],
        )
        return int(rows[0][0])

    async def cancelled(self, first: datetime, after: datetime) -> list[Cancelled]:
        """Orders submitted in [first, after) and cancelled since, with the reason recorded."""
        rows = await self._rows(
            "SELECT o.id, a.before, a.reason FROM orders o"
            " JOIN audit_log a ON a.entity = 'order' AND a.entity_id = o.id"
            f" AND a.action = '{AuditAction.STATUS.value}' AND a.after = 'cancelled'"
            " WHERE o.status = 'cancelled' AND o.submitted_at >= ? AND o.submitted_at < ?"
            " ORDER BY o.id",
            [ts(first), ts(after)],
        )
        return [Cancelled(r["id"], r["before"], r["reason"]) for r in rows]

    async def ratings(self, first: datetime, after: datetime) -> list[RatingCount]:
        """How many of each rating were given in [first, after)."""
        rows = await self._rows(
            "SELECT rating, COUNT(*) FROM order_feedback"
            " WHERE created_at >= ? AND created_at < ? GROUP BY rating ORDER BY rating",
            [ts(first), ts(after)],
        )
        return [RatingCount(int(r[0]), int(r[1])) for r in rows]

    async def comments(self, first: datetime, after: datetime, limit: int) -> list[Comment]:
        """The newest ratings with a comment given in [first, after)."""
        rows = await self._rows(
            "SELECT o.number, c.name, f.rating, f.comment, f.created_at FROM order_feedback f"
            " JOIN orders o ON o.id = f.order_id JOIN customers c ON c.id = o.customer_id"
            " WHERE f.comment IS NOT NULL AND f.created_at >= ? AND f.created_at < ?"
            " ORDER BY f.created_at DESC, f.order_id DESC LIMIT ?",
            [ts(first), ts(after), limit],
        )
        return [Comment(r[0], r[1], int(r[2]), r[3], from_ts(r[4])) for r in rows]
