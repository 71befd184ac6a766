"""SQL for statements of account: a customer's invoices, notes, payments and refunds over a
period, the balance before it, who has something to show for a month, and which monthly
statements were posted.

Invoices and notes count on the business day they were issued (bounds given as UTC moments);
payments and refunds on the day they were paid (`paid_on`, a business day)."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

import aiosqlite

from bot.db._rows import from_ts, ts
from bot.domain.statement import EntryKind, Movement, note_kind


class Bounds(NamedTuple):
    """A period: its first day and first moment, and its last day and the moment after it."""

    first_day: date
    first_at: datetime
    last_day: date
    after_at: datetime

    def params(self) -> dict[str, str]:
        """As named SQL parameters."""
        return {
            "first_day": self.first_day.isoformat(),
            "first_at": ts(self.first_at),
            "last_day": self.last_day.isoformat(),
            "after_at": ts(self.after_at),
        }


class Due(NamedTuple):
    """A customer with a statement to send for a month, and their closing balance."""

    customer_id: int
    closing: int


# Every entry of every customer: (customer, change to the balance, moment, day or NULL, …).
_BOOK = (
    "SELECT o.customer_id AS customer_id, i.amount AS change, i.issued_at AS at, NULL AS day,"
    " 'invoice' AS kind, o.number AS order_number, i.number AS document, NULL AS method,"
    " i.amount AS amount"
    " FROM invoices i JOIN orders o ON o.id = i.order_id WHERE i.amount > 0"
    " UNION ALL"
    " SELECT o.customer_id, -n.amount, n.issued_at, NULL, 'note', o.number, n.number, NULL,"
    " n.amount FROM credit_notes n JOIN orders o ON o.id = n.order_id"
    " UNION ALL"
    " SELECT o.customer_id, -p.amount, p.recorded_at, p.paid_on, 'payment', o.number, NULL,"
    " p.method, p.amount FROM payments p JOIN orders o ON o.id = p.order_id"
    " UNION ALL"
    " SELECT o.customer_id, r.amount, r.recorded_at, r.paid_on, 'refund', o.number, NULL,"
    " r.method, r.amount FROM refunds r JOIN orders o ON o.id = r.order_id"
)
# An entry of the book (`b`) before the period, and after its start.
_BEFORE = "(CASE WHEN b.day IS NULL THEN b.at < :first_at ELSE b.day < :first_day END)"
_UNTIL_END = "(CASE WHEN b.day IS NULL THEN b.at < :after_at ELSE b.day <= :last_day END)"


class StatementRepository:
    """Statements of account and the monthly ones posted."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def opening(self, customer_id: int, bounds: Bounds) -> int:
        """A customer's balance before the period: what they owed (below zero: were owed)."""
        async with self._conn.execute(
            f"SELECT COALESCE(SUM(b.change), 0) FROM ({_BOOK}) b"
            f" WHERE b.customer_id = :customer AND {_BEFORE}",
            {"customer": customer_id, **bounds.params()},
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def movements(self, customer_id: int, bounds: Bounds, zone: ZoneInfo) -> list[Movement]:
        """A customer's entries in the period, each on its business day in `zone`."""
        async with self._conn.execute(
            "SELECT b.kind, b.at, b.day, b.order_number, b.document, b.method, b.amount"
            f" FROM ({_BOOK}) b WHERE b.customer_id = :customer"
            f" AND NOT {_BEFORE} AND {_UNTIL_END} ORDER BY b.at",
            {"customer": customer_id, **bounds.params()},
        ) as cursor:
            rows = await cursor.fetchall()
        found = []
        for kind, at, day, number, document, method, amount in rows:
            moment = from_ts(at)
            found.append(
                Movement(
                    kind=note_kind(int(amount)) if kind == "note" else EntryKind(kind),
                    day=date.fromisoformat(day) if day else moment.astimezone(zone).date(),
                    at=moment,
                    order_number=number,
                    document=document,
                    method=method,
                    amount=abs(int(amount)),
                )
            )
        return found

    async def due_monthly(self, month: str, bounds: Bounds) -> list[Due]:
        """Customers with an entry in the period or a balance at its end, whose statement for
        `month` was not posted yet; with that closing balance."""
        async with self._conn.execute(
            "SELECT b.customer_id, SUM(b.change) FROM"
            f" ({_BOOK}) b WHERE {_UNTIL_END}"
            " AND b.customer_id NOT IN"
            " (SELECT customer_id FROM monthly_statements WHERE month = :month)"
            f" GROUP BY b.customer_id HAVING SUM(NOT {_BEFORE}) > 0 OR SUM(b.change) != 0"
            " ORDER BY b.customer_id",
            {"month": month, **bounds.params()},
        ) as cursor:
            rows = await cursor.fetchall()
        return [Due(int(r[0]), int(r[1])) for r in rows]

    async def mark_posted(self, customer_id: int, month: str, closing: int, now: datetime) -> bool:
        """Record that a customer's statement for a month was posted; False if it was already
        (the caller then posts nothing)."""
        async with self._conn.execute(
            "INSERT INTO monthly_statements (customer_id, month, closing, posted_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING customer_id",
            (customer_id, month, closing, ts(now)),
        ) as cursor:
            return await cursor.fetchone() is not None
