"""SQL for invoices, due dates and payments, and what is still owed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import among_orders, from_ts, next_in_day, ts
from bot.domain.models import PaymentStatus
from bot.domain.payments import outstanding


class OpenBalance(NamedTuple):
    """An invoiced order not fully paid: what was paid and its due dates (seq, day, amount)."""

    order_id: int
    number: str
    customer_id: int
    customer: str
    paid: int
    dues: tuple[tuple[int, date, int], ...]


class PaymentRepository:
    """Invoices, due dates, payments."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def next_invoice_number(self, day: str) -> int:
        """The next invoice sequence number of a business day."""
        return await next_in_day(self._conn, "invoice_counters", day)

    async def add_invoice(
        self, order_id: int, number: str, amount: int, by: int, now: datetime
    ) -> None:
        """Store an order's invoice."""
        await self._conn.execute(
            "INSERT INTO invoices (order_id, number, amount, issued_at, issued_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (order_id, number, amount, ts(now), by),
        )

    async def invoice(self, order_id: int) -> tuple[str, int, datetime] | None:
        """(number, amount, issued at) of an order's invoice."""
        async with self._conn.execute(
            "SELECT number, amount, issued_at FROM invoices WHERE order_id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return (row[0], int(row[1]), from_ts(row[2])) if row else None

    async def add_dues(self, order_id: int, dues: Sequence[tuple[date, int]]) -> None:
        """Store an order's due dates."""
        await self._conn.executemany(
            "INSERT INTO due_dates (order_id, seq, due_on, amount) VALUES (?, ?, ?, ?)",
            [(order_id, n, d.isoformat(), a) for n, (d, a) in enumerate(dues, 1)],
        )

    async def dues(self, order_id: int) -> list[tuple[date, int]]:
        """An order's due dates and amounts, earliest first."""
        async with self._conn.execute(
            "SELECT due_on, amount FROM due_dates WHERE order_id = ? ORDER BY seq", (order_id,)
        ) as cursor:
            return [(date.fromisoformat(r[0]), int(r[1])) for r in await cursor.fetchall()]

    async def paid(self, order_id: int) -> int:
        """What has been paid on an order."""
        async with self._conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE order_id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def add_payment(
        self,
        order_id: int,
        amount: int,
        method: str,
        paid_on: date,
        by: int,
        now: datetime,
        token: str | None = None,
    ) -> None:
        """Record a payment (token: of the confirmation that records it, recorded once)."""
        await self._conn.execute(
            "INSERT INTO payments (order_id, amount, method, paid_on, recorded_at, recorded_by,"
            " token) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (order_id, amount, method, paid_on.isoformat(), ts(now), by, token),
        )

    async def by_token(self, token: str) -> tuple[int, int] | None:
        """(order id, amount) of the payment a confirmation token recorded."""
        async with self._conn.execute(
            "SELECT order_id, amount FROM payments WHERE token = ?", (token,)
        ) as cursor:
            row = await cursor.fetchone()
        return (int(row[0]), int(row[1])) if row else None

    async def set_status(self, order_id: int, status: PaymentStatus) -> None:
        """Store an order's payment status."""
        await self._conn.execute(
            "UPDATE orders SET payment_status = ? WHERE id = ?", (status.value, order_id)
        )

    async def overdue(self, customer_id: int, today: date) -> int:
        """What a customer owes past its due dates (the oldest due dates are paid first)."""
        async with self._conn.execute(
            "SELECT o.id, COALESCE((SELECT SUM(p.amount) FROM payments p"
            " WHERE p.order_id = o.id), 0) FROM orders o"
            " WHERE o.customer_id = ? AND o.payment_status != 'paid'"
            " AND o.status NOT IN ('cancelled', 'rejected')"
            " AND EXISTS (SELECT 1 FROM due_dates d WHERE d.order_id = o.id AND d.due_on < ?)",
            (customer_id, today.isoformat()),
        ) as cursor:
            rows = [(int(r[0]), int(r[1])) for r in await cursor.fetchall()]
        late = 0
        for order_id, paid in rows:
            for due, amount in outstanding(await self.dues(order_id), paid):
                if due < today:
                    late += amount
        return late

    async def open_balances(
        self, customer_id: int | None = None, among: Sequence[int] | None = None
    ) -> list[OpenBalance]:
        """Invoiced orders not fully paid (of one customer, some orders, or all), with their
        due dates: one query, read through the orders_open_balance partial index rather than
        the whole book, due dates and payments from covering indexes."""
        only = "" if customer_id is None else " AND o.customer_id = ?"
        rows = await among_orders(
            self._conn,
            "SELECT o.id, o.number, o.customer_id, c.name,"
            " (SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.order_id = o.id),"
            " d.seq, d.due_on, d.amount"
            # CROSS JOIN: from the open orders to their due dates, never the other way round
            " FROM orders o CROSS JOIN due_dates d ON d.order_id = o.id"
            " JOIN customers c ON c.id = o.customer_id"
            " WHERE o.payment_status IN ('unpaid', 'partially_paid')"
            f" AND o.status NOT IN ('cancelled', 'rejected'){only}",
            () if customer_id is None else (customer_id,),
            among,
            # by customer first: the order of orders_open_balance, so SQLite reads the index
            " ORDER BY o.customer_id, o.number, d.seq",
        )
        found: list[OpenBalance] = []
        first = 0  # the first row of the order being read
        for i, r in enumerate(rows):
            if i + 1 == len(rows) or rows[i + 1][0] != r[0]:
                dues = tuple(
                    (int(d[5]), date.fromisoformat(d[6]), int(d[7])) for d in rows[first : i + 1]
                )
                found.append(OpenBalance(r[0], r[1], r[2], r[3], int(r[4]), dues))
                first = i + 1
        return found
