"""SQL for invoices and credit notes as documents: found by number, lines named in the
reader's language."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import from_ts, localized
from bot.domain.models import Language, Unit


class InvoiceRecord(NamedTuple):
    """An issued invoice."""

    order_id: int
    number: str
    amount: int
    issued_at: datetime
    deposit: int = 0  # what of it is the deposit asked first (pre-orders)


class NoteRecord(NamedTuple):
    """An issued credit note (amount > 0, taken off) or debit note (< 0, added), the invoice it
    corrects, and what that invoice charged once the note was issued."""

    order_id: int
    number: str
    amount: int
    reason: str
    issued_at: datetime
    invoice: str
    invoice_amount: int
    invoice_issued_at: datetime
    total: int


class BilledLine(NamedTuple):
    """A line as billed: units not cancelled, the product's name in a language."""

    sku: str
    name: str
    qty: int
    unit_price: int
    amount: int
    unit: Unit = Unit.PCS


class InvoiceRepository:
    """Invoices looked up for sending again, and their lines."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def find(self, number: str) -> InvoiceRecord | None:
        """The invoice with this number (INV-…) or of the order with this number (SO-…)."""
        # Two keyed lookups joined by UNION: with `i.number = ? OR o.number = ?` SQLite read
        # every invoice and its order (seconds at 1,000,000 orders, benchmarks/no_stall.py).
        async with self._conn.execute(
            "SELECT i.order_id, i.number, i.amount, i.issued_at, i.deposit FROM invoices i"
            " WHERE i.number = ?"
            " UNION ALL SELECT i.order_id, i.number, i.amount, i.issued_at, i.deposit"
            " FROM orders o JOIN invoices i ON i.order_id = o.id WHERE o.number = ?"
            " LIMIT 1",
            (number, number),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return InvoiceRecord(row[0], row[1], int(row[2]), from_ts(row[3]), int(row[4]))

    async def find_note(self, number: str) -> NoteRecord | None:
        """The credit or debit note with this number (CN-…, DN-…)."""
        async with self._conn.execute(
            "SELECT n.order_id, n.number, n.amount, n.reason, n.issued_at, i.number, i.amount,"
            " i.issued_at, i.amount - (SELECT SUM(m.amount) FROM credit_notes m"
            " WHERE m.order_id = n.order_id AND m.id <= n.id)"
            " FROM credit_notes n JOIN invoices i ON i.order_id = n.order_id WHERE n.number = ?",
            (number,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return NoteRecord(
            row[0],
            row[1],
            int(row[2]),
            row[3],
            from_ts(row[4]),
            row[5],
            int(row[6]),
            from_ts(row[7]),
            int(row[8]),
        )

    async def lines(self, order_id: int, language: Language) -> list[BilledLine]:
        """An order's lines with units left to bill, named in the language (else as ordered)."""
        name = localized("name", language, "p")
        async with self._conn.execute(
            f"SELECT l.sku, COALESCE(NULLIF({name}, ''), l.name), l.qty - l.cancelled_qty,"
            " l.unit_price, l.unit_price * (l.qty - l.cancelled_qty), COALESCE(p.unit, 'pcs')"
            " FROM order_lines l LEFT JOIN products p ON p.id = l.product_id"
            " WHERE l.order_id = ? AND l.qty > l.cancelled_qty ORDER BY l.id",
            (order_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [BilledLine(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), Unit(r[5])) for r in rows]
