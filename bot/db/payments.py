"""SQL for invoices, due dates and payments, and what is still owed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import among_orders, from_ts, next_in_day, ts
from bot.domain.models import PaymentStatus
from bot.domain.payments import outstanding


class Invoice(NamedTuple):
    """An order's invoice: its number, amount and when it was issued."""

    number: str
    amount: int
    issued_at: datetime


class Due(NamedTuple):
    """One due date of an order and the amount due on it."""

    due_on: date
    amount: int


class Sums(NamedTuple):
    """What was paid on an order, and what was paid back."""

    paid: int
    refunded: int


class OwedBefore(NamedTuple):
    """Everything open orders owe, and what of it fell due before each day asked about."""

    total: int
    before: list[int]


class Recorded(NamedTuple):
    """A payment or refund a confirmation token recorded: its order and amount."""

    order_id: int
    amount: int


# What the seller holds of an order `o`: paid less paid back.
NET_PAID = (
    "((SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.order_id = o.id)"
    " - (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r WHERE r.order_id = o.id))"
)


class OpenBalance(NamedTuple):
    """An invoiced order not fully paid: what was paid (less refunds) and its due dates
    (seq, day, amount)."""

    order_id: int
    number: str
    customer_id: int
    customer: str
    paid: int
    dues: tuple[tuple[int, date, int], ...]


class OverdueOrder(NamedTuple):
    """An open order with something past due: what it owes, of that past due, and since when."""

    order_id: int
    number: str
    customer: str
    outstanding: int
    overdue: int
    since: date


class OverdueCustomer(NamedTuple):
    """A customer's past-due balance over their orders, and since when the oldest is owed."""

    customer_id: int
    name: str
    overdue: int
    orders: int
    since: date


class PaymentRepository:
    """Invoices, due dates, payments."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def next_invoice_number(self, day: str) -> int:
        """The next invoice sequence number of a business day."""
        return await next_in_day(self._conn, "invoice_counters", day)

    async def add_invoice(
        self,
        order_id: int,
        number: str,
        amount: int,
        by: int | None,
        now: datetime,
        deposit: int = 0,
    ) -> None:
        """Store an order's invoice (with the deposit it asks first, if any)."""
        await self._conn.execute(
            "INSERT INTO invoices (order_id, number, amount, issued_at, issued_by, deposit)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (order_id, number, amount, ts(now), by, deposit),
        )

    async def invoice(self, order_id: int) -> Invoice | None:
        """An order's invoice, if issued."""
        async with self._conn.execute(
            "SELECT number, amount, issued_at FROM invoices WHERE order_id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return Invoice(row[0], int(row[1]), from_ts(row[2])) if row else None

    async def add_dues(self, order_id: int, dues: Sequence[tuple[date, int]]) -> None:
        """Store an order's due dates."""
        await self._conn.executemany(
            "INSERT INTO due_dates (order_id, seq, due_on, amount) VALUES (?, ?, ?, ?)",
            [(order_id, n, d.isoformat(), a) for n, (d, a) in enumerate(dues, 1)],
        )

    async def dues(self, order_id: int) -> list[Due]:
        """An order's due dates and amounts, earliest first."""
        async with self._conn.execute(
            "SELECT due_on, amount FROM due_dates WHERE order_id = ? ORDER BY seq", (order_id,)
        ) as cursor:
            return [Due(date.fromisoformat(r[0]), int(r[1])) for r in await cursor.fetchall()]

    async def paid(self, order_id: int) -> int:
        """What has been paid on an order."""
        async with self._conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE order_id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def sums(self, order_id: int) -> Sums:
        """What was paid on an order and what was paid back."""
        async with self._conn.execute(
            "SELECT (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE order_id = ?),"
            " (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = ?)",
            (order_id, order_id),
        ) as cursor:
            row = await cursor.fetchone()
        return Sums(int(row[0]), int(row[1])) if row else Sums(0, 0)

    async def refunded(self, order_id: int) -> int:
        """What has been paid back on an order."""
        async with self._conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def add_refund(
        self,
        order_id: int,
        amount: int,
        method: str,
        paid_on: date,
        by: int,
        now: datetime,
        token: str | None = None,
    ) -> None:
        """Record money paid back (token: of the confirmation that records it, once)."""
        await self._conn.execute(
            "INSERT INTO refunds (order_id, amount, method, paid_on, recorded_at, recorded_by,"
            " token) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (order_id, amount, method, paid_on.isoformat(), ts(now), by, token),
        )

    async def refund_by_token(self, token: str) -> Recorded | None:
        """The refund a confirmation token recorded, if any."""
        async with self._conn.execute(
            "SELECT order_id, amount FROM refunds WHERE token = ?", (token,)
        ) as cursor:
            row = await cursor.fetchone()
        return Recorded(int(row[0]), int(row[1])) if row else None

    async def next_note_number(self, day: str) -> int:
        """The next credit or debit note sequence number of a business day."""
        return await next_in_day(self._conn, "credit_note_counters", day)

    async def add_credit_note(
        self, order_id: int, number: str, amount: int, reason: str, by: int | None, now: datetime
    ) -> None:
        """Store a credit note (amount > 0 taken off the invoice) or debit note (< 0, added)."""
        await self._conn.execute(
            "INSERT INTO credit_notes (order_id, number, amount, reason, issued_at, issued_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (order_id, number, amount, reason, ts(now), by),
        )

    async def credited(self, order_id: int) -> int:
        """What an order's credit notes took off its invoice (less what debit notes added)."""
        async with self._conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM credit_notes WHERE order_id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def replace_dues(self, order_id: int, dues: Sequence[tuple[date, int]]) -> None:
        """An order's due dates anew (after its invoiced total changed)."""
        await self._conn.execute("DELETE FROM due_dates WHERE order_id = ?", (order_id,))
        await self.add_dues(order_id, dues)

    async def set_balance(self, order_id: int, status: PaymentStatus, refund_due: int) -> None:
        """Store an order's payment status and refund due (bot.services.money.settle)."""
        await self._conn.execute(
            "UPDATE orders SET payment_status = ?, refund_due = ? WHERE id = ?",
            (status.value, refund_due, order_id),
        )

    async def add_payment(
        self,
        order_id: int,
        amount: int,
        method: str,
        paid_on: date,
        by: int | None,
        now: datetime,
        token: str | None = None,
    ) -> None:
        """Record a payment (token: of the confirmation that records it, recorded once)."""
        await self._conn.execute(
            "INSERT INTO payments (order_id, amount, method, paid_on, recorded_at, recorded_by,"
            " token) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (order_id, amount, method, paid_on.isoformat(), ts(now), by, token),
        )

    async def by_token(self, token: str) -> Recorded | None:
        """The payment a confirmation token recorded, if any."""
        async with self._conn.execute(
            "SELECT order_id, amount FROM payments WHERE token = ?", (token,)
        ) as cursor:
            row = await cursor.fetchone()
        return Recorded(int(row[0]), int(row[1])) if row else None

    async def overdue(self, customer_id: int, today: date) -> int:
        """What a customer owes past its due dates (the oldest due dates are paid first)."""
        async with self._conn.execute(
            f"SELECT o.id, {NET_PAID} FROM orders o"
            " WHERE o.customer_id = ? AND o.payment_status IN ('unpaid', 'partially_paid')"
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
            f" {NET_PAID},"
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

    async def owed_before(self, days: Sequence[date]) -> OwedBefore:
        """Everything open orders still owe, and what of it fell due before each of `days`
        (from open_dues, which migration 0016's triggers keep from the view of migration 0030:
        payments allocated as bot.domain.payments.remaining does)."""
        sums = ["(SELECT COALESCE(SUM(owed), 0) FROM open_dues)"]
        sums += ["(SELECT COALESCE(SUM(owed), 0) FROM open_dues WHERE due_on < ?)"] * len(days)
        async with self._conn.execute(
            f"SELECT {', '.join(sums)}", [d.isoformat() for d in days]
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None, "an aggregate has its row"
        return OwedBefore(int(row[0]), [int(v) for v in row[1:]])

    async def most_overdue_orders(self, today: date, limit: int) -> list[OverdueOrder]:
        """The orders owing most past due (then by number), with all they owe."""
        async with self._conn.execute(
            "SELECT l.order_id, l.number, c.name,"
            " (SELECT SUM(a.owed) FROM open_dues a WHERE a.order_id = l.order_id),"
            " l.late, l.since"
            " FROM (SELECT order_id, number, customer_id, SUM(owed) AS late,"
            " MIN(due_on) AS since FROM open_dues WHERE due_on < ? GROUP BY order_id"
            " ORDER BY late DESC, number LIMIT ?) l"
            " JOIN customers c ON c.id = l.customer_id"
            " ORDER BY l.late DESC, l.number",
            (today.isoformat(), limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            OverdueOrder(r[0], r[1], r[2], int(r[3]), int(r[4]), date.fromisoformat(r[5]))
            for r in rows
        ]

    async def most_overdue_customers(self, today: date, limit: int) -> list[OverdueCustomer]:
        """The customers owing most past due (then by name, id), with their orders past due."""
        day = today.isoformat()
        async with self._conn.execute(
            "WITH g AS MATERIALIZED (SELECT customer_id, SUM(owed) AS late, MIN(due_on) AS since"
            " FROM open_dues WHERE due_on < ? GROUP BY customer_id)"
            " SELECT g.customer_id, c.name, g.late, g.since,"
            " (SELECT COUNT(DISTINCT a.order_id) FROM open_dues a"
            " WHERE a.customer_id = g.customer_id AND a.due_on < ?)"
            " FROM g JOIN customers c ON c.id = g.customer_id"
            # names are read only for those owing at least the limit-th largest sum (ties too)
            " WHERE g.late >= COALESCE((SELECT late FROM g ORDER BY late DESC"
            " LIMIT 1 OFFSET ?), 0)"
            " ORDER BY g.late DESC, c.name, g.customer_id LIMIT ?",
            (day, day, limit - 1, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            OverdueCustomer(r[0], r[1], int(r[2]), int(r[4]), date.fromisoformat(r[3]))
            for r in rows
        ]
