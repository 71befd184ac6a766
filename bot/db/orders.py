"""SQL for orders, their lines and their numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import Slice, day_or_none, from_ts, like_pattern, localized, next_in_day, ts
from bot.db.payments import NET_PAID
from bot.domain.models import (
    Language,
    Order,
    OrderLine,
    OrderStatus,
    OrderType,
    PaymentStatus,
    Totals,
    Unit,
)
from bot.domain.order_filter import LATE_UNDELIVERED, LATE_UNSHIPPED, OrderFilter

_FIELDS = (
    "id",
    "number",
    "customer_id",
    "status",
    "payment_status",
    "order_type",
    "delivery_method",
    "address",
    "desired_date",
    "payment_term",
    "note",
    "subtotal",
    "discount",
    "delivery_fee",
    "tax",
    "tax_included",
    "total",
    "currency",
    "submitted_at",
    "refund_due",
    "released_at",
)
_COLUMNS = ", ".join(_FIELDS)
# The same columns for queries that join orders as `o`.
ORDER_COLUMNS = ", ".join(f"o.{f}" for f in _FIELDS)


def order_from_row(r: aiosqlite.Row) -> Order:
    """An order from a row holding the order columns."""
    return Order(
        id=r["id"],
        number=r["number"],
        customer_id=r["customer_id"],
        status=OrderStatus(r["status"]),
        payment_status=PaymentStatus(r["payment_status"]),
        order_type=OrderType(r["order_type"]),
        delivery_method=r["delivery_method"],
        address=r["address"],
        desired_date=day_or_none(r["desired_date"]),
        payment_term=r["payment_term"],
        note=r["note"],
        totals=Totals(
            subtotal=r["subtotal"],
            discount=r["discount"],
            delivery_fee=r["delivery_fee"],
            tax=r["tax"],
            total=r["total"],
            tax_included=bool(r["tax_included"]),
        ),
        currency=r["currency"],
        submitted_at=from_ts(r["submitted_at"]),
        refund_due=r["refund_due"],
        released=r["released_at"] is not None,
    )


class Preordered(NamedTuple):
    """A pre-ordered line's total, and its product's deposit percent (None: it sets none)."""

    total: int
    deposit_percent: int | None


class Waiting(NamedTuple):
    """A line of a live order still short of held units."""

    line_id: int
    order_id: int
    wanted: int


class Held(NamedTuple):
    """Units of a product an order held."""

    product_id: int
    qty: int


class OrderRepository:
    """Orders and order lines."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def next_number(self, day: str) -> int:
        """The next sequence number of a business day (YYYYMMDD)."""
        return await next_in_day(self._conn, "order_counters", day)

    async def insert(self, order: Order, submit_token: str, now: datetime) -> int:
        """Store a new order (its id is ignored); returns the new id."""
        t = order.totals
        async with self._conn.execute(
            "INSERT INTO orders (number, customer_id, status, payment_status, order_type,"
            " delivery_method, address, desired_date, payment_term, note, subtotal, discount,"
            " delivery_fee, tax, tax_included, total, currency, submit_token, submitted_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (
                order.number,
                order.customer_id,
                order.status.value,
                order.payment_status.value,
                order.order_type.value,
                order.delivery_method,
                order.address,
                order.desired_date.isoformat() if order.desired_date else None,
                order.payment_term,
                order.note,
                t.subtotal,
                t.discount,
                t.delivery_fee,
                t.tax,
                int(t.tax_included),
                t.total,
                order.currency,
                submit_token,
                ts(order.submitted_at),
                ts(now),
            ),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def insert_lines(self, order_id: int, lines: Sequence[OrderLine]) -> None:
        """Store an order's lines."""
        await self._conn.executemany(
            "INSERT INTO order_lines (order_id, product_id, sku, name, qty, unit_price, total,"
            " reserved_qty) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    order_id,
                    x.product_id,
                    x.sku,
                    x.name,
                    x.qty,
                    x.unit_price,
                    x.total,
                    x.reserved_qty,
                )
                for x in lines
            ],
        )

    async def _one(self, where: str, value: object) -> Order | None:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM orders WHERE {where} = ?", (value,)
        ) as cursor:
            row = await cursor.fetchone()
        return order_from_row(row) if row else None

    async def by_id(self, order_id: int) -> Order | None:
        """The order with this id."""
        return await self._one("id", order_id)

    async def by_number(self, number: str) -> Order | None:
        """The order with this number."""
        return await self._one("number", number)

    async def by_token(self, submit_token: str) -> Order | None:
        """The order a checkout token already produced, if any."""
        return await self._one("submit_token", submit_token)

    async def lines(self, order_id: int, language: Language | None = None) -> list[OrderLine]:
        """An order's lines in the order they were entered; with a language, each named in it
        (the product's name, else the name stored when ordered)."""
        name = "l.name"
        if language is not None:
            name = f"COALESCE(NULLIF({localized('name', language, 'p')}, ''), l.name)"
        async with self._conn.execute(
            f"SELECT l.id, l.product_id, l.sku, {name} AS name, l.qty, l.unit_price, l.total,"
            " l.reserved_qty, l.shipped_qty, l.cancelled_qty, COALESCE(p.unit, 'pcs') AS unit"
            " FROM order_lines l LEFT JOIN products p ON p.id = l.product_id"
            " WHERE l.order_id = ? ORDER BY l.id",
            (order_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            OrderLine(
                id=r["id"],
                product_id=r["product_id"],
                sku=r["sku"],
                name=r["name"],
                qty=r["qty"],
                unit_price=r["unit_price"],
                total=r["total"],
                reserved_qty=r["reserved_qty"],
                shipped_qty=r["shipped_qty"],
                cancelled_qty=r["cancelled_qty"],
                unit=Unit(r["unit"]),
            )
            for r in rows
        ]

    async def for_customer(self, customer_id: int, offset: int, limit: int) -> Slice[Order]:
        """A page of a customer's orders, newest first, and how many there are."""
        async with self._conn.execute(
            "SELECT COUNT(*) FROM orders WHERE customer_id = ?", (customer_id,)
        ) as cursor:
            total = (await cursor.fetchone() or (0,))[0]
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM orders WHERE customer_id = ?"
            " ORDER BY submitted_at DESC, id DESC LIMIT ? OFFSET ?",
            (customer_id, limit, offset),
        ) as cursor:
            rows = await cursor.fetchall()
        return Slice([order_from_row(r) for r in rows], total)

    async def staff_search(
        self,
        found: OrderFilter,
        rep_id: int | None,
        period: tuple[datetime | None, datetime | None],
        today: date,
        offset: int,
        limit: int,
    ) -> Slice[Order]:
        """A page of the orders a filter finds (of one rep's customers, when given), newest
        first, and how many it finds; `period`: submitted at or after, and before (UTC)."""
        where = ["1 = 1"]
        params: dict[str, object] = {"limit": limit, "offset": offset}
        if rep_id is not None:
            where.append("c.rep_id = :rep")
            params["rep"] = rep_id
        if found.words:
            where.append(
                "(c.name LIKE :q ESCAPE '\\' OR c.company LIKE :q ESCAPE '\\'"
                " OR c.phone LIKE :q ESCAPE '\\')"
            )
            params["q"] = like_pattern(found.words)
        if found.status is not None:
            where.append("o.status = :status")
            params["status"] = found.status.value
        start, end = period
        if start is not None:
            where.append("o.submitted_at >= :start")
            params["start"] = ts(start)
        if end is not None:
            where.append("o.submitted_at < :end")
            params["end"] = ts(end)
        if found.late:
            unshipped = ", ".join(f"'{s.value}'" for s in LATE_UNSHIPPED)
            undelivered = ", ".join(f"'{s.value}'" for s in LATE_UNDELIVERED)
            where.append(
                f"((o.status IN ({unshipped}) AND o.promised_date < :today)"
                f" OR (o.status IN ({undelivered}) AND o.desired_date < :today))"
            )
            params["today"] = today.isoformat()
        sql = " FROM orders o JOIN customers c ON c.id = o.customer_id WHERE " + " AND ".join(
            where
        )
        async with self._conn.execute("SELECT COUNT(*)" + sql, params) as cursor:
            total = int((await cursor.fetchone() or (0,))[0])
        async with self._conn.execute(
            f"SELECT {ORDER_COLUMNS}{sql}"
            " ORDER BY o.submitted_at DESC, o.id DESC LIMIT :limit OFFSET :offset",
            params,
        ) as cursor:
            rows = await cursor.fetchall()
        return Slice([order_from_row(r) for r in rows], total)

    async def set_status(self, order_id: int, status: OrderStatus, now: datetime) -> None:
        """Store a new status (callers go through the state machine)."""
        await self._conn.execute(
            "UPDATE orders SET status = ?, updated_at = ? WHERE id = ?",
            (status.value, ts(now), order_id),
        )

    async def released(self, statuses: tuple[OrderStatus, ...], limit: int) -> list[Order]:
        """Orders handed to the warehouse in some statuses, oldest first."""
        marks = ", ".join("?" * len(statuses))
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM orders WHERE status IN ({marks})"
            " AND released_at IS NOT NULL"
            " ORDER BY submitted_at, id LIMIT ?",
            (*(s.value for s in statuses), limit),
        ) as cursor:
            return [order_from_row(r) for r in await cursor.fetchall()]

    async def ship_line(self, line_id: int, qty: int) -> int:
        """Count units of a line as shipped; returns how many of them were reserved."""
        async with self._conn.execute(
            "SELECT reserved_qty FROM order_lines WHERE id = ?", (line_id,)
        ) as cursor:
            row = await cursor.fetchone()
        from_reserve = min(qty, int(row[0])) if row else 0
        await self._conn.execute(
            "UPDATE order_lines SET shipped_qty = shipped_qty + ?, reserved_qty = reserved_qty - ?"
            " WHERE id = ? AND shipped_qty + cancelled_qty + ? <= qty",
            (qty, from_reserve, line_id, qty),
        )
        return from_reserve

    async def adjust(
        self, order_id: int, totals: Totals, term: str, discount_bp: int, promised: str | None
    ) -> None:
        """Store an adjusted discount, payment term, promised date and the new totals."""
        await self._conn.execute(
            "UPDATE orders SET discount = ?, tax = ?, total = ?, payment_term = ?,"
            " promised_date = ? WHERE id = ?",
            (totals.discount, totals.tax, totals.total, term, promised, order_id),
        )
        await self._conn.execute(
            "UPDATE order_reviews SET discount_bp = ? WHERE order_id = ?", (discount_bp, order_id)
        )

    async def set_promised(self, order_id: int, day: str | None) -> None:
        """Store the promised ship date of an order (ISO), or none."""
        await self._conn.execute(
            "UPDATE orders SET promised_date = ? WHERE id = ?", (day, order_id)
        )

    async def promised_date(self, order_id: int) -> str | None:
        """The promised ship date of an order (ISO), if any."""
        async with self._conn.execute(
            "SELECT promised_date FROM orders WHERE id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row and row[0] else None

    async def cancel_units(self, line_id: int, qty: int) -> int:
        """Take units off a line (never shipped ones); returns how many were reserved."""
        async with self._conn.execute(
            "SELECT reserved_qty, qty - shipped_qty - cancelled_qty FROM order_lines WHERE id = ?",
            (line_id,),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None and qty <= int(row[1])
        # Units still held beyond what will ship go back to stock.
        keep = int(row[1]) - qty
        release = max(0, int(row[0]) - keep)
        await self._conn.execute(
            "UPDATE order_lines SET cancelled_qty = cancelled_qty + ?,"
            " reserved_qty = reserved_qty - ? WHERE id = ?",
            (qty, release, line_id),
        )
        return release

    async def set_address_note(self, order_id: int, address: str | None, note: str | None) -> None:
        """Store a changed address and note."""
        await self._conn.execute(
            "UPDATE orders SET address = ?, note = ? WHERE id = ?", (address, note, order_id)
        )

    async def set_line_qty(self, line_id: int, qty: int, reserved_qty: int) -> None:
        """Store a line's new quantity (at its unit price) and the units held for it."""
        await self._conn.execute(
            "UPDATE order_lines SET qty = ?, total = unit_price * ?, reserved_qty = ?"
            " WHERE id = ?",
            (qty, qty, reserved_qty, line_id),
        )

    async def set_totals(self, order_id: int, totals: Totals) -> None:
        """Store recomputed totals."""
        await self._conn.execute(
            "UPDATE orders SET subtotal = ?, discount = ?, delivery_fee = ?, tax = ?, total = ?"
            " WHERE id = ?",
            (
                totals.subtotal,
                totals.discount,
                totals.delivery_fee,
                totals.tax,
                totals.total,
                order_id,
            ),
        )

    async def line_order(self, line_id: int) -> int | None:
        """The order a line belongs to."""
        async with self._conn.execute(
            "SELECT order_id FROM order_lines WHERE id = ?", (line_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def preordered(self, order_id: int) -> list[Preordered]:
        """An order's lines still waiting for stock (pre-ordered)."""
        async with self._conn.execute(
            "SELECT l.total, p.deposit_percent FROM order_lines l"
            " LEFT JOIN products p ON p.id = l.product_id WHERE l.order_id = ?"
            " AND l.qty - l.shipped_qty - l.cancelled_qty - l.reserved_qty > 0 ORDER BY l.id",
            (order_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [Preordered(int(r[0]), None if r[1] is None else int(r[1])) for r in rows]

    async def waiting_for(self, product_id: int) -> list[Waiting]:
        """Lines of live orders still short of held units of a product, oldest order first."""
        async with self._conn.execute(
            "SELECT l.id, l.order_id, l.qty - l.shipped_qty - l.cancelled_qty - l.reserved_qty"
            " FROM order_lines l JOIN orders o ON o.id = l.order_id"
            " WHERE l.product_id = ?"
            " AND o.status IN ('submitted', 'approved', 'partially_shipped')"
            " AND l.qty - l.shipped_qty - l.cancelled_qty - l.reserved_qty > 0"
            " ORDER BY o.submitted_at, o.id, l.id",
            (product_id,),
        ) as cursor:
            return [Waiting(int(r[0]), int(r[1]), int(r[2])) for r in await cursor.fetchall()]

    async def hold_more(self, line_id: int, qty: int) -> None:
        """Units now held for a line (the product's reserved count goes up with them)."""
        await self._conn.execute(
            "UPDATE order_lines SET reserved_qty = reserved_qty + ? WHERE id = ?", (qty, line_id)
        )

    async def release(self, order_id: int, now: datetime) -> bool:
        """Hand an order to the warehouse, once; False if it was already."""
        async with self._conn.execute(
            "UPDATE orders SET released_at = ? WHERE id = ? AND released_at IS NULL",
            (ts(now), order_id),
        ) as cursor:
            return cursor.rowcount == 1

    async def open_of_customer(self, customer_id: int, limit: int) -> list[Order]:
        """A customer's orders with something still to pay, oldest first."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM orders WHERE customer_id = ?"
            " AND payment_status IN ('unpaid', 'partially_paid')"
            " AND status NOT IN ('cancelled', 'rejected')"
            " ORDER BY submitted_at, id LIMIT ?",
            (customer_id, limit),
        ) as cursor:
            return [order_from_row(r) for r in await cursor.fetchall()]

    async def with_refund_due(self, limit: int) -> list[Order]:
        """Orders with money to pay back to their customer, oldest first."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM orders WHERE refund_due > 0"
            " ORDER BY submitted_at, id LIMIT ?",
            (limit,),
        ) as cursor:
            return [order_from_row(r) for r in await cursor.fetchall()]

    async def open_balance(self, customer_id: int) -> int:
        """What a customer owes or will owe on orders not yet paid, closed or refused."""
        async with self._conn.execute(
            f"SELECT COALESCE(SUM(o.total - {NET_PAID}), 0) FROM orders o WHERE o.customer_id = ?"
            " AND o.status NOT IN ('rejected', 'cancelled', 'completed')"
            " AND o.payment_status IN ('unpaid', 'partially_paid')",
            (customer_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def clear_reservations(self, order_id: int) -> list[Held]:
        """Mark an order's reservations as released; returns the units to give back."""
        async with self._conn.execute(
            "SELECT product_id, SUM(reserved_qty) FROM order_lines"
            " WHERE order_id = ? AND reserved_qty > 0 GROUP BY product_id",
            (order_id,),
        ) as cursor:
            held = [Held(r[0], r[1]) for r in await cursor.fetchall()]
        await self._conn.execute(
            "UPDATE order_lines SET reserved_qty = 0 WHERE order_id = ?", (order_id,)
        )
        return held
