"""SQL for the reports: sales, the orders behind each KPI, ratings; aggregated where SQL can.

Moments are stored in UTC as ISO text of one format, so a period [first, after) is compared as
text. Business days are found in SQL too (bot.db._days: the zone's offsets as a CASE), so that a
report reads a handful of rows, never one per order (benchmarks/no_stall.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import aiosqlite

from bot.db._days import local_day, on_or_after
from bot.db._rows import from_ts, localized, placeholders, ts
from bot.domain.audit import AuditAction
from bot.domain.models import Language, OrderStatus, OrderType
from bot.domain.reports import (
    DELIVERED,
    SHIPPED_IN_FULL,
    SOLD,
    Comment,
    CustomerSales,
    DaySales,
    ProductSales,
    RepSales,
)
from bot.domain.workdays import WorkingCalendar

# `+a.action`: the order's own rows through audit_log_entity. Left as a plain term, SQLite
# chose audit_log_action_at (action = 'status') and read every status change of every order
# once per order: minutes at 100,000 orders (benchmarks/no_stall.py, KPIs for a year).
_APPROVED_AT = (
    "SELECT MIN(a.at) FROM audit_log a WHERE a.entity = 'order' AND a.entity_id = o.id"
    f" AND +a.action = '{AuditAction.STATUS.value}' AND a.after = 'approved'"
)


class RatingCount(NamedTuple):
    """A rating, and how many times it was given."""

    rating: int
    given: int


class Durations(NamedTuple):
    """Durations in microseconds: how many, their sum, the longest, the middle one or two."""

    n: int
    total: int
    longest: int
    middle: tuple[int, ...]


class CancelledGroup(NamedTuple):
    """Cancellations that left the same status with the same reason: how many."""

    before: str | None
    reason: str | None
    orders: int


class ShipRules(NamedTuple):
    """What an order's ship deadline and delivery due day follow (bot.domain.reports)."""

    zone: ZoneInfo
    within: Mapping[OrderType, int]
    calendar: WorkingCalendar
    transit_days: int


def _micros(column: str) -> str:
    """A stored UTC moment as integer microseconds (exact, where julianday is not)."""
    return (
        f"(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr({column}, 21, 6) AS INTEGER))"
    )


# The orders whose last shipment left in [?, ?), with its moment: s.order_id, s.last_at.
_LAST_SHIPPED = (
    "(SELECT order_id, MAX(shipped_at) AS last_at FROM shipments"
    " GROUP BY order_id HAVING last_at >= ? AND last_at < ?) s"
)


def _in(statuses: Sequence[OrderStatus]) -> tuple[str, list[str]]:
    return f"IN ({placeholders(len(statuses))})", [s.value for s in statuses]


class ReportRepository:
    """Reads for /report; never writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _rows(self, sql: str, params: Sequence[object]) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _days(self, first: datetime, after: datetime, zone: ZoneInfo) -> tuple[date, date]:
        """The UTC days a report's moments fall in: from the first submission (an approval
        or a shipment is never earlier) to the end of the period."""
        rows = await self._rows("SELECT MIN(submitted_at) FROM orders", [])
        earliest = from_ts(rows[0][0]) if rows and rows[0][0] else first
        day = min(earliest, first).astimezone(zone).date() - timedelta(days=1)
        return day, after.astimezone(zone).date() + timedelta(days=1)

    async def sales_by_day(
        self, first: datetime, after: datetime, zone: ZoneInfo
    ) -> list[DaySales]:
        """Sales submitted in [first, after), summed by business day (days with sales only)."""
        sold, params = _in(SOLD)
        day, day_params = local_day(
            "submitted_at",
            zone,
            first.date() - timedelta(days=1),
            after.date() + timedelta(days=1),
        )
        rows = await self._rows(
            f"SELECT {day} AS day, COUNT(*), SUM(total) FROM orders WHERE status {sold}"
            " AND submitted_at >= ? AND submitted_at < ? GROUP BY day ORDER BY day",
            [*day_params, *params, ts(first), ts(after)],
        )
        return [DaySales(date.fromisoformat(r[0]), int(r[1]), int(r[2])) for r in rows]

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

    async def _durations(self, values: str, params: Sequence[object]) -> Durations:
        """Count, sum, longest and middle of the microseconds a query (one column) gives."""
        rows = await self._rows(
            f"WITH d(v) AS ({values}), r AS (SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS k,"
            " COUNT(*) OVER () AS n, SUM(v) OVER () AS s, MAX(v) OVER () AS m FROM d)"
            " SELECT n, s, m, v FROM r WHERE k IN ((n + 1) / 2, (n + 2) / 2) ORDER BY k",
            params,
        )
        if not rows:
            return Durations(0, 0, 0, ())
        n, total, longest = (int(v) for v in rows[0][:3])
        return Durations(n, total, longest, tuple(int(r[3]) for r in rows))

    async def approval_times(self, first: datetime, after: datetime) -> Durations:
        """From submission to approval, of the orders approved in [first, after)."""
        return await self._durations(
            f"SELECT {_micros('a.at')} - {_micros('o.submitted_at')}"
            " FROM audit_log a JOIN orders o ON o.id = a.entity_id"
            f" WHERE a.entity = 'order' AND a.action = '{AuditAction.STATUS.value}'"
            " AND a.after = 'approved' AND a.at >= ? AND a.at < ?",
            [ts(first), ts(after)],
        )

    async def shipment_times(self, first: datetime, after: datetime) -> Durations:
        """From submission to the last shipment, of the orders shipped in full in
        [first, after) (nothing left to ship, the last shipment left in the period)."""
        done, params = _in(SHIPPED_IN_FULL)
        return await self._durations(
            f"SELECT {_micros('s.last_at')} - {_micros('o.submitted_at')}"
            f" FROM {_LAST_SHIPPED} JOIN orders o ON o.id = s.order_id WHERE o.status {done}",
            [ts(first), ts(after), *params],
        )

    async def _rate(self, inner: str, good: str, params: Sequence[object]) -> tuple[int, int]:
        """How many rows an inner query gives, and for how many `good` holds."""
        rows = await self._rows(
            f"SELECT COALESCE(SUM({good}), 0), COUNT(*) FROM ({inner})", params
        )
        return int(rows[0][0]), int(rows[0][1])

    async def _deadlines(
        self,
        first: datetime,
        after: datetime,
        rules: ShipRules,
        columns: str,
        source: str,
        params: Sequence[object],
    ) -> tuple[str, list[object]]:
        """A query of `columns` from `source` (aliases o for the order, s.last_at) with the
        business days approved_day and last_day and the order's ship `deadline`."""
        first_day, last_day = await self._days(first, after, rules.zone)
        approved, approved_params = local_day("approved_at", rules.zone, first_day, last_day)
        last, last_params = local_day("last_at", rules.zone, first_day, last_day)
        within = " ".join("WHEN ? THEN ?" for _ in rules.within)
        within_params = [v for kind, n in rules.within.items() for v in (kind.value, f"+{n} days")]
        deadline, deadline_params = on_or_after("due", rules.calendar)
        days = (
            f"SELECT *, {approved} AS approved_day, {last} AS last_day,"
            f" date({approved}, CASE order_type {within} END) AS due FROM ("
            f"SELECT {columns}, o.order_type, NULLIF(o.promised_date, '') AS promised,"
            f" COALESCE(({_APPROVED_AT}), o.submitted_at) AS approved_at, s.last_at"
            f" FROM {source})"
        )
        return (
            f"SELECT *, COALESCE(promised, {deadline}) AS deadline FROM ({days})",
            [
                *deadline_params,
                *approved_params,
                *last_params,
                *approved_params,
                *within_params,
                *params,
            ],
        )

    async def filled(self, first: datetime, after: datetime, rules: ShipRules) -> tuple[int, int]:
        """Of the orders shipped in full in [first, after): how many complete (no unit
        cancelled) and by the ship deadline, and how many in all."""
        done, params = _in(SHIPPED_IN_FULL)
        inner, inner_params = await self._deadlines(
            first,
            after,
            rules,
            "(SELECT COALESCE(SUM(l.cancelled_qty), 0) FROM order_lines l"
            " WHERE l.order_id = o.id) AS cancelled",
            f"{_LAST_SHIPPED} JOIN orders o ON o.id = s.order_id WHERE o.status {done}",
            [ts(first), ts(after), *params],
        )
        return await self._rate(inner, "cancelled = 0 AND last_day <= deadline", inner_params)

    async def on_time(self, first: datetime, after: datetime, rules: ShipRules) -> tuple[int, int]:
        """Of the orders delivered in [first, after) (their last shipment arrived then): how
        many by their due day (the desired date, else the deadline plus transit), of all."""
        done, params = _in(DELIVERED)
        inner, inner_params = await self._deadlines(
            first,
            after,
            rules,
            "NULLIF(o.desired_date, '') AS desired",
            "(SELECT order_id, MAX(delivered_at) AS last_at FROM shipments"
            "  GROUP BY order_id HAVING COUNT(delivered_at) = COUNT(*)"
            "  AND last_at >= ? AND last_at < ?) s"
            f" JOIN orders o ON o.id = s.order_id WHERE o.status {done}",
            [ts(first), ts(after), *params],
        )
        return await self._rate(
            inner,
            "last_day <= COALESCE(desired, date(deadline, ?))",
            [f"+{rules.transit_days} days", *inner_params],
        )

    async def submitted(self, first: datetime, after: datetime) -> int:
        """How many orders were submitted in [first, after), whatever became of them."""
        rows = await self._rows(
            "SELECT COUNT(*) FROM orders WHERE submitted_at >= ? AND submitted_at < ?",
            [ts(first), ts(after)],
        )
        return int(rows[0][0])

    async def cancelled(self, first: datetime, after: datetime) -> list[CancelledGroup]:
        """Orders submitted in [first, after) and cancelled since, counted by the status they
        left and the reason recorded, in the order of their first order."""
        rows = await self._rows(
            "SELECT a.before, a.reason, COUNT(*) FROM orders o"
            " JOIN audit_log a ON a.entity = 'order' AND a.entity_id = o.id"
            f" AND a.action = '{AuditAction.STATUS.value}' AND a.after = 'cancelled'"
            " WHERE o.status = 'cancelled' AND o.submitted_at >= ? AND o.submitted_at < ?"
            " GROUP BY a.before, a.reason ORDER BY MIN(o.id)",
            [ts(first), ts(after)],
        )
        return [CancelledGroup(r[0], r[1], int(r[2])) for r in rows]

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
