"""SQL for reminders: what may be due (read through partial indexes), and the reminder log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import CHUNK, among_orders, day_or_none, from_ts, placeholders, ts
from bot.domain.models import Language, OrderType
from bot.domain.reminders import Audience, Kind, ReminderStatus


class Key(NamedTuple):
    """What makes a reminder the same reminder: never sent twice."""

    order_id: int
    kind: Kind
    ref: int
    level: int
    chat_id: int
    topic_id: int


class Contact(NamedTuple):
    """A customer and the person behind them, as reminders need them."""

    customer_id: int
    name: str
    phone: str
    rep_id: int | None
    paused: bool
    user_id: int
    telegram_id: int
    language: Language
    time_zone: str | None
    unreachable: bool


class Undecided(NamedTuple):
    """A submitted order waiting for a decision."""

    order_id: int
    customer_id: int
    submitted_at: datetime
    route: str
    rep_id: int | None


class Unshipped(NamedTuple):
    """An approved order not fully shipped."""

    order_id: int
    customer_id: int
    order_type: OrderType
    promised: date | None
    approved_at: datetime


class InTransit(NamedTuple):
    """A shipment not yet recorded as delivered."""

    shipment_id: int
    order_id: int
    customer_id: int
    expected: date | None
    shipped_at: datetime


class Logged(NamedTuple):
    """A reminder in the log."""

    id: int
    key: Key
    user_id: int | None
    audience: Audience


class ReminderRepository:
    """The reminder log, and the reads the scan makes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def undecided(
        self, submitted_before: datetime, among: Sequence[int] | None = None
    ) -> list[Undecided]:
        """Submitted orders waiting for a decision since before a moment (orders_status); of
        some orders only, when given."""
        rows = await among_orders(
            self._conn,
            "SELECT o.id, o.customer_id, o.submitted_at, r.route, r.rep_id FROM orders o"
            " JOIN order_reviews r ON r.order_id = o.id"
            " WHERE o.status = 'submitted' AND o.submitted_at <= ?",
            [ts(submitted_before)],
            among,
        )
        return [Undecided(r[0], r[1], from_ts(r[2]), r[3], r[4]) for r in rows]

    async def unshipped(
        self, order_id: int | None = None, among: Sequence[int] | None = None
    ) -> list[Unshipped]:
        """Approved orders handed to the warehouse with goods still to ship (orders_status),
        or just this one, or those of some orders; the promise counts from the hand-over (a
        prepaid order's payment)."""
        where = "o.status IN ('approved', 'partially_shipped') AND o.released_at IS NOT NULL"
        params: list[object] = []
        if order_id is not None:
            where, params = where + " AND o.id = ?", [order_id]
        rows = await among_orders(
            self._conn,
            "SELECT o.id, o.customer_id, o.order_type, o.promised_date,"
            " MAX(COALESCE(r.decided_at, o.submitted_at), o.released_at) FROM orders o"
            f" LEFT JOIN order_reviews r ON r.order_id = o.id WHERE {where}",
            params,
            among,
        )
        return [
            Unshipped(r[0], r[1], OrderType(r[2]), day_or_none(r[3]), from_ts(r[4])) for r in rows
        ]

    async def in_transit(self, among: Sequence[int] | None = None) -> list[InTransit]:
        """Shipments not delivered, of orders still alive (shipments_in_transit); of some
        orders only, when given."""
        rows = await among_orders(
            self._conn,
            "SELECT s.id, s.order_id, o.customer_id, s.expected_date, s.shipped_at"
            " FROM shipments s JOIN orders o ON o.id = s.order_id"
            " WHERE s.delivered_at IS NULL AND o.status NOT IN ('cancelled', 'rejected')",
            [],
            among,
        )
        return [InTransit(r[0], r[1], r[2], day_or_none(r[3]), from_ts(r[4])) for r in rows]

    async def agenda(self, now: datetime) -> list[int]:
        """The orders the scan must look at by now: changed since it last looked, or a step
        (or a reminder held by quiet hours) has come (reminder_agenda_due)."""
        async with self._conn.execute(
            "SELECT order_id FROM reminder_agenda WHERE look_at <= ? ORDER BY order_id",
            (ts(now),),
        ) as cursor:
            return [int(r[0]) for r in await cursor.fetchall()]

    async def reschedule(self, looks: dict[int, datetime | None]) -> None:
        """When to look at each order again; None: not until something changes it."""
        await self._conn.executemany(
            "INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (?, ?)",
            [(order_id, ts(at)) for order_id, at in looks.items() if at is not None],
        )
        await self._conn.executemany(
            "DELETE FROM reminder_agenda WHERE order_id = ?",
            [(order_id,) for order_id, at in looks.items() if at is None],
        )

    async def contacts(self, customer_ids: Iterable[int]) -> dict[int, Contact]:
        """Customers with their person, by customer id."""
        found: dict[int, Contact] = {}
        ids = sorted(set(customer_ids))
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            async with self._conn.execute(
                "SELECT c.id, c.name, c.phone, c.rep_id, c.reminders_paused_at, u.id,"
                " u.telegram_id, u.language, u.time_zone, u.unreachable_at"
                " FROM customers c JOIN users u ON u.id = c.user_id"
                f" WHERE c.id IN ({placeholders(len(part))})",
                part,
            ) as cursor:
                for r in await cursor.fetchall():
                    found[r[0]] = Contact(
                        r[0],
                        r[1],
                        r[2],
                        r[3],
                        r[4] is not None,
                        r[5],
                        r[6],
                        Language(r[7]),
                        r[8],
                        r[9] is not None,
                    )
        return found

    async def logged(self, order_ids: Iterable[int]) -> set[Key]:
        """The keys of every reminder logged about these orders (0: the digest)."""
        keys: set[Key] = set()
        ids = sorted(set(order_ids))
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            async with self._conn.execute(
                "SELECT order_id, kind, ref, level, chat_id, topic_id FROM reminders"
                f" WHERE order_id IN ({placeholders(len(part))})",
                part,
            ) as cursor:
                keys.update(
                    Key(r[0], Kind(r[1]), r[2], r[3], r[4], r[5]) for r in await cursor.fetchall()
                )
        return keys

    async def add_all(
        self, reminders: Sequence[tuple[Key, int | None, Audience]], now: datetime
    ) -> list[int]:
        """Log reminders as queued (those logged already are left alone); the new ids.
        Call it in a write transaction: the new rows are those above the highest id before."""
        async with self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM reminders") as cursor:
            row = await cursor.fetchone()
        before = int(row[0]) if row else 0
        await self._conn.executemany(
            "INSERT OR IGNORE INTO reminders (order_id, kind, ref, level, chat_id, topic_id,"
            " user_id, audience, status, decided_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    k.order_id,
                    k.kind.value,
                    k.ref,
                    k.level,
                    k.chat_id,
                    k.topic_id,
                    user,
                    a,
                    ReminderStatus.QUEUED.value,
                    ts(now),
                )
                for k, user, a in reminders
            ],
        )
        async with self._conn.execute(
            "SELECT id FROM reminders WHERE id > ? ORDER BY id", (before,)
        ) as cursor:
            return [int(r[0]) for r in await cursor.fetchall()]

    async def claim(self, reminder_id: int) -> Logged | None:
        """Take a reminder for sending (queued → sending; again after a failed try or a
        restart: the outbox lets one sender have it); None if it was sent or settled."""
        async with self._conn.execute(
            "UPDATE reminders SET status = ? WHERE id = ? AND status IN (?, ?)"
            " RETURNING id, order_id, kind, ref, level, chat_id, topic_id, user_id, audience",
            (
                ReminderStatus.SENDING.value,
                reminder_id,
                ReminderStatus.QUEUED.value,
                ReminderStatus.SENDING.value,
            ),
        ) as cursor:
            r = await cursor.fetchone()
        if r is None:
            return None
        return Logged(r[0], Key(r[1], Kind(r[2]), r[3], r[4], r[5], r[6]), r[7], Audience(r[8]))

    async def finish(
        self, reminder_id: int, status: ReminderStatus, now: datetime, error: str | None = None
    ) -> None:
        """Record what became of a reminder being sent."""
        await self._conn.execute(
            "UPDATE reminders SET status = ?, sent_at = ?, error = ? WHERE id = ?",
            (status.value, ts(now), error, reminder_id),
        )

    async def forget(self, reminder_id: int) -> None:
        """Drop a reminder from the log, so that it can be decided again later."""
        await self._conn.execute("DELETE FROM reminders WHERE id = ?", (reminder_id,))

    async def statuses(self) -> dict[ReminderStatus, int]:
        """How many reminders are in each status."""
        async with self._conn.execute(
            "SELECT status, COUNT(*) FROM reminders GROUP BY status"
        ) as cursor:
            return {ReminderStatus(r[0]): int(r[1]) for r in await cursor.fetchall()}
