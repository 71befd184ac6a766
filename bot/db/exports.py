"""SQL for exports: one query per data set, over a span of time or of days, read a chunk of
rows at a time on a worker thread's own read-only connection (Database.read_only), so an export
of any size streams: constant memory, the event loop and the shared connection left alone."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, NamedTuple

from bot.db._rows import from_ts, ts

CHUNK = 2000  # rows fetched at a time


class OrderRow(NamedTuple):
    """An order with its customer, rep, invoice, and the sums of its payments, refunds and
    credit notes (less debit notes) so far."""

    number: str
    submitted_at: datetime
    customer: str
    company: str | None
    rep: str | None
    status: str
    payment_status: str
    order_type: str
    payment_term: str
    delivery_method: str
    subtotal: int
    discount: int
    delivery_fee: int
    tax: int
    total: int
    paid: int
    invoice: str | None
    currency: str
    refunded: int
    credited: int


class LineRow(NamedTuple):
    """An order line with its order; `amount` is what is billed (cancelled units are not)."""

    number: str
    submitted_at: datetime
    customer: str
    status: str
    sku: str
    name: str
    qty: int
    cancelled_qty: int
    shipped_qty: int
    unit_price: int
    amount: int


class PaymentRow(NamedTuple):
    """Money in (a payment, amount > 0) or out (a refund, amount < 0) with its order, invoice
    and who recorded it."""

    paid_on: date
    kind: str  # "payment" or "refund"
    number: str
    customer: str
    invoice: str | None
    method: str
    amount: int
    recorded_at: datetime
    recorded_by: str | None


class DueRow(NamedTuple):
    """A due date of an invoiced order, and what was paid on that order by a given day, less
    what was paid back by then."""

    order_id: int
    number: str
    customer: str
    invoice: str
    issued_at: datetime
    seq: int
    due_on: date
    amount: int
    paid: int


def _rows(conn: sqlite3.Connection, sql: str, params: Any) -> Iterator[sqlite3.Row]:
    """The rows of one statement (one snapshot), fetched CHUNK at a time."""
    cursor = conn.execute(sql, params)
    try:
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk
    finally:
        cursor.close()


class ExportReader:
    """Read-only queries behind /export and `orderdesk export`, as row generators: used on
    the worker thread that opened the connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def orders(self, since: datetime, until: datetime) -> Iterator[OrderRow]:
        """Orders submitted from `since` (included) to `until` (excluded), oldest first."""
        for r in _rows(
            self._conn,
            "SELECT o.number, o.submitted_at, c.name, c.company, r.first_name, o.status,"
            " o.payment_status, o.order_type, o.payment_term, o.delivery_method, o.subtotal,"
            " o.discount, o.delivery_fee, o.tax, o.total,"
            " (SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.order_id = o.id),"
            " i.number, o.currency,"
            " (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r WHERE r.order_id = o.id),"
            " (SELECT COALESCE(SUM(n.amount), 0) FROM credit_notes n WHERE n.order_id = o.id)"
            " FROM orders o JOIN customers c ON c.id = o.customer_id"
            " LEFT JOIN users r ON r.id = c.rep_id"
            " LEFT JOIN invoices i ON i.order_id = o.id"
            " WHERE o.submitted_at >= ? AND o.submitted_at < ?"
            " ORDER BY o.submitted_at, o.id",
            (ts(since), ts(until)),
        ):
            yield OrderRow(r[0], from_ts(r[1]), *r[2:])

    def lines(self, since: datetime, until: datetime) -> Iterator[LineRow]:
        """Lines of the orders submitted from `since` to `until` (excluded), in order."""
        for r in _rows(
            self._conn,
            "SELECT o.number, o.submitted_at, c.name, o.status, l.sku, l.name, l.qty,"
            " l.cancelled_qty, l.shipped_qty, l.unit_price,"
            " l.unit_price * (l.qty - l.cancelled_qty)"
            " FROM order_lines l JOIN orders o ON o.id = l.order_id"
            " JOIN customers c ON c.id = o.customer_id"
            " WHERE o.submitted_at >= ? AND o.submitted_at < ?"
            " ORDER BY o.submitted_at, o.id, l.id",
            (ts(since), ts(until)),
        ):
            yield LineRow(r[0], from_ts(r[1]), *r[2:])

    def payments(self, first: date, last: date) -> Iterator[PaymentRow]:
        """Payments received and refunds paid from the first to the last day (both included),
        by day, each day's payments before its refunds, in the order recorded."""
        for r in _rows(
            self._conn,
            "SELECT m.paid_on, m.kind, o.number, c.name, i.number, m.method, m.amount,"
            " m.recorded_at, u.first_name"
            " FROM (SELECT id, 0 AS rank, 'payment' AS kind, order_id, paid_on, method, amount,"
            "        recorded_at, recorded_by FROM payments WHERE paid_on BETWEEN ? AND ?"
            "       UNION ALL"
            "       SELECT id, 1, 'refund', order_id, paid_on, method, -amount,"
            "        recorded_at, recorded_by FROM refunds WHERE paid_on BETWEEN ? AND ?) m"
            " JOIN orders o ON o.id = m.order_id"
            " JOIN customers c ON c.id = o.customer_id"
            " LEFT JOIN invoices i ON i.order_id = o.id"
            " LEFT JOIN users u ON u.id = m.recorded_by"
            " ORDER BY m.paid_on, m.rank, m.id",
            (first.isoformat(), last.isoformat()) * 2,
        ):
            yield PaymentRow(
                paid_on=date.fromisoformat(r[0]),
                kind=r[1],
                number=r[2],
                customer=r[3],
                invoice=r[4],
                method=r[5],
                amount=r[6],
                recorded_at=from_ts(r[7]),
                recorded_by=r[8],
            )

    def dues(self, issued_before: datetime, paid_by: date) -> Iterator[DueRow]:
        """Due dates of the invoices issued before a moment (orders not cancelled or
        rejected), each with what was paid on its order up to a day (included), less what was
        paid back up to that day; an order's due dates one after another."""
        for r in _rows(
            self._conn,
            "SELECT o.id, o.number, c.name, i.number, i.issued_at, d.seq, d.due_on, d.amount,"
            " (SELECT COALESCE(SUM(p.amount), 0) FROM payments p"
            "  WHERE p.order_id = o.id AND p.paid_on <= ?)"
            " - (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r"
            "  WHERE r.order_id = o.id AND r.paid_on <= ?)"
            " FROM invoices i JOIN orders o ON o.id = i.order_id"
            " JOIN customers c ON c.id = o.customer_id"
            " JOIN due_dates d ON d.order_id = o.id"
            " WHERE i.issued_at < ? AND o.status NOT IN ('cancelled', 'rejected')"
            " ORDER BY c.name, o.id, d.seq",
            (paid_by.isoformat(), paid_by.isoformat(), ts(issued_before)),
        ):
            yield DueRow(
                order_id=r[0],
                number=r[1],
                customer=r[2],
                invoice=r[3],
                issued_at=from_ts(r[4]),
                seq=r[5],
                due_on=date.fromisoformat(r[6]),
                amount=r[7],
                paid=r[8],
            )
