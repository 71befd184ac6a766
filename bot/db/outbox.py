"""SQL for the outbox: notices written with the action that caused them, taken one chat's at a
time in the order written, and what became of each (migration 0017 explains the states)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import from_ts, ts
from bot.domain.notices import NoticeKind, NoticeState

OPEN = "state IN ('pending', 'sending')"


class Addressed(NamedTuple):
    """A notice to write: what it says, to which chat (and person), with which data."""

    kind: NoticeKind
    chat_id: int
    topic_id: int
    user_id: int | None
    data: str  # JSON


class Card(NamedTuple):
    """An approval card sent: its notice, and the chat, topic and person it went to;
    `info`: a rep's copy for information (no decision buttons)."""

    notice_id: int
    chat_id: int
    topic_id: int
    user_id: int | None
    info: bool


class Taken(NamedTuple):
    """A notice claimed for sending."""

    id: int
    kind: NoticeKind
    chat_id: int
    topic_id: int
    user_id: int | None
    data: str
    attempts: int
    created_at: datetime


class OutboxRepository:
    """The outbox table."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self.added = 0  # notices written in this unit of work (the sender is woken on commit)

    async def add(self, notices: Sequence[Addressed], now: datetime) -> None:
        """Write notices, due at once, in the order given."""
        if not notices:
            return
        stamp = ts(now)
        await self._conn.executemany(
            "INSERT INTO outbox (kind, chat_id, topic_id, user_id, data, created_at, next_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (n.kind.value, n.chat_id, n.topic_id, n.user_id, n.data, stamp, stamp)
                for n in notices
            ],
        )
        self.added += len(notices)

    async def add_reminders(self, ids: Sequence[int], now: datetime) -> None:
        """A notice for each reminder just logged (`ids`: one transaction's, so consecutive),
        to the reminder's chat."""
        if not ids:
            return
        stamp = ts(now)
        await self._conn.execute(
            "INSERT INTO outbox (kind, chat_id, topic_id, user_id, data, created_at, next_at)"
            " SELECT ?, chat_id, topic_id, user_id, json_object('reminder_id', id), ?, ?"
            " FROM reminders WHERE id BETWEEN ? AND ? ORDER BY id",
            (NoticeKind.REMINDER.value, stamp, stamp, min(ids), max(ids)),
        )
        self.added += len(ids)

    async def heads(self, now: datetime, limit: int) -> list[int]:
        """The notices due now that are first in their chat (an earlier one waiting to be
        tried again, or being sent, holds the rest of its chat back), oldest first."""
        async with self._conn.execute(
            "SELECT o.id FROM outbox o WHERE o.state = 'pending' AND o.next_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chat_id = o.chat_id"
            f" AND p.topic_id = o.topic_id AND p.{OPEN} AND p.id < o.id)"
            " ORDER BY o.id LIMIT ?",
            (ts(now), limit),
        ) as cursor:
            return [int(r[0]) for r in await cursor.fetchall()]

    async def next_due(self) -> datetime | None:
        """When the soonest notice waiting to be tried again is due."""
        async with self._conn.execute(
            "SELECT MIN(next_at) FROM outbox WHERE state = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return from_ts(row[0]) if row and row[0] else None

    async def claim(self, notice_id: int) -> Taken | None:
        """pending → sending; None if it is not pending (another pass took it)."""
        async with self._conn.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1"
            " WHERE id = ? AND state = 'pending'"
            " RETURNING id, kind, chat_id, topic_id, user_id, data, attempts, created_at",
            (notice_id,),
        ) as cursor:
            r = await cursor.fetchone()
        if r is None:
            return None
        return Taken(r[0], NoticeKind(r[1]), r[2], r[3], r[4], r[5], r[6], from_ts(r[7]))

    async def finish(
        self,
        notice_id: int,
        state: NoticeState,
        now: datetime,
        error: str | None = None,
        message_id: int | None = None,
    ) -> None:
        """Record what became of a notice being sent (sent, with the message it became;
        failed or dropped)."""
        await self._conn.execute(
            "UPDATE outbox SET state = ?, sent_at = ?, error = ?, message_id = ? WHERE id = ?",
            (state.value, ts(now), error, message_id, notice_id),
        )

    async def cards(self, order_id: int) -> list[Card]:
        """The cards of an order not given up: the approval cards, and its rep's copy for
        information (the kinds as literals: the partial index outbox_cards is on them)."""
        async with self._conn.execute(
            "SELECT id, chat_id, topic_id, user_id, kind FROM outbox"
            " WHERE kind IN ('new_order', 'customer_ordered')"
            " AND json_extract(data, '$.order_id') = ?"
            " AND state NOT IN ('failed', 'dropped') ORDER BY id",
            (order_id,),
        ) as cursor:
            info = NoticeKind.CUSTOMER_ORDERED.value
            rows = await cursor.fetchall()
            return [Card(r[0], r[1], r[2], r[3], r[4] == info) for r in rows]

    async def message_of(self, notice_id: int) -> int | None:
        """The message a sent notice became (None: not sent, or sent before it was kept)."""
        async with self._conn.execute(
            "SELECT message_id FROM outbox WHERE id = ? AND state = 'sent'", (notice_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    async def later(self, notice_id: int, at: datetime, error: str) -> None:
        """Back to pending, to be tried again at `at`."""
        await self._conn.execute(
            "UPDATE outbox SET state = 'pending', next_at = ?, error = ? WHERE id = ?",
            (ts(at), error, notice_id),
        )

    async def release(self, notice_id: int) -> None:
        """Back to pending without counting the try (it was never made)."""
        await self._conn.execute(
            "UPDATE outbox SET state = 'pending', attempts = attempts - 1"
            " WHERE id = ? AND state = 'sending'",
            (notice_id,),
        )

    async def recover(self) -> int:
        """After a restart: notices left being sent go out again (they may have arrived)."""
        async with self._conn.execute(
            "UPDATE outbox SET state = 'pending' WHERE state = 'sending' RETURNING id"
        ) as cursor:
            return len(list(await cursor.fetchall()))
