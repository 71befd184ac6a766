"""SQL for Telegram Business connections and the customer chats OrderDesk answers in."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db._rows import from_ts, ts
from bot.domain.business import BusinessChat, Connection, Refused

_CONNECTION = (
    "id, connection_id, telegram_user_id, user_chat_id, user_id, telegram_enabled, can_reply,"
    " enabled, refused, connected_at"
)
_CHAT = "id, connection, chat_id, title, off_at, off_by"


def _connection(row: aiosqlite.Row) -> Connection:
    return Connection(
        id=row["id"],
        connection_id=row["connection_id"],
        telegram_user_id=row["telegram_user_id"],
        user_chat_id=row["user_chat_id"],
        user_id=row["user_id"],
        telegram_enabled=bool(row["telegram_enabled"]),
        can_reply=bool(row["can_reply"]),
        enabled=bool(row["enabled"]),
        refused=Refused(row["refused"]) if row["refused"] else None,
        connected_at=from_ts(row["connected_at"]),
    )


def _chat(row: aiosqlite.Row) -> BusinessChat:
    return BusinessChat(
        id=row["id"],
        connection=row["connection"],
        chat_id=row["chat_id"],
        title=row["title"],
        off_at=from_ts(row["off_at"]) if row["off_at"] else None,
        off_by=row["off_by"],
    )


class BusinessRepository:
    """business_connections and business_chats."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def save(
        self,
        connection_id: str,
        telegram_user_id: int,
        user_chat_id: int,
        user_id: int | None,
        telegram_enabled: bool,
        can_reply: bool,
        refused: Refused | None,
        now: datetime,
    ) -> Connection:
        """Record a connection as Telegram describes it now. A new one starts switched on
        unless refused; a known one keeps the seller's master switch (refused turns it off)."""
        async with self._conn.execute(
            "INSERT INTO business_connections (connection_id, telegram_user_id, user_chat_id,"
            " user_id, telegram_enabled, can_reply, enabled, refused, connected_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (connection_id) DO UPDATE SET"
            " telegram_user_id = excluded.telegram_user_id,"
            " user_chat_id = excluded.user_chat_id, user_id = excluded.user_id,"
            " telegram_enabled = excluded.telegram_enabled, can_reply = excluded.can_reply,"
            " enabled = CASE WHEN excluded.refused IS NULL THEN business_connections.enabled"
            " ELSE 0 END,"
            " refused = excluded.refused, updated_at = excluded.updated_at"
            f" RETURNING {_CONNECTION}",
            (
                connection_id,
                telegram_user_id,
                user_chat_id,
                user_id,
                int(telegram_enabled),
                int(can_reply),
                int(refused is None),
                refused.value if refused else None,
                ts(now),
                ts(now),
            ),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return _connection(row)

    async def by_connection_id(self, connection_id: str) -> Connection | None:
        """The connection with Telegram's id."""
        async with self._conn.execute(
            f"SELECT {_CONNECTION} FROM business_connections WHERE connection_id = ?",
            (connection_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return _connection(row) if row else None

    async def by_id(self, ref: int) -> Connection | None:
        """The connection with our id."""
        async with self._conn.execute(
            f"SELECT {_CONNECTION} FROM business_connections WHERE id = ?", (ref,)
        ) as cursor:
            row = await cursor.fetchone()
        return _connection(row) if row else None

    async def of_owner(self, telegram_user_id: int) -> list[Connection]:
        """The connections of one Telegram account, oldest first."""
        async with self._conn.execute(
            f"SELECT {_CONNECTION} FROM business_connections WHERE telegram_user_id = ?"
            " ORDER BY id",
            (telegram_user_id,),
        ) as cursor:
            return [_connection(row) for row in await cursor.fetchall()]

    async def set_enabled(self, ref: int, enabled: bool, now: datetime) -> None:
        """The seller's master switch."""
        await self._conn.execute(
            "UPDATE business_connections SET enabled = ?, updated_at = ? WHERE id = ?",
            (int(enabled), ts(now), ref),
        )

    async def chat(self, connection: int, chat_id: int) -> BusinessChat | None:
        """A customer chat of a connection, if recorded."""
        async with self._conn.execute(
            f"SELECT {_CHAT} FROM business_chats WHERE connection = ? AND chat_id = ?",
            (connection, chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        return _chat(row) if row else None

    async def chat_by_id(self, ref: int) -> BusinessChat | None:
        """A recorded customer chat by our id."""
        async with self._conn.execute(
            f"SELECT {_CHAT} FROM business_chats WHERE id = ?", (ref,)
        ) as cursor:
            row = await cursor.fetchone()
        return _chat(row) if row else None

    async def chats(self, connection: int, limit: int) -> list[BusinessChat]:
        """A connection's recorded chats, most recently seen first."""
        async with self._conn.execute(
            f"SELECT {_CHAT} FROM business_chats WHERE connection = ?"
            " ORDER BY first_seen_at DESC, id DESC LIMIT ?",
            (connection, limit),
        ) as cursor:
            return [_chat(row) for row in await cursor.fetchall()]

    async def seen(self, connection: int, chat_id: int, title: str, now: datetime) -> None:
        """Remember a chat OrderDesk answered in (its title refreshed)."""
        await self._conn.execute(
            "INSERT INTO business_chats (connection, chat_id, title, first_seen_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (connection, chat_id) DO UPDATE SET"
            " title = excluded.title",
            (connection, chat_id, title, ts(now)),
        )

    async def switch_chat(
        self, connection: int, chat_id: int, title: str, on: bool, by: int, now: datetime
    ) -> None:
        """Switch a chat off (by whom, when) or on again; recorded if it was not yet."""
        off_at, off_by = (None, None) if on else (ts(now), by)
        await self._conn.execute(
            "INSERT INTO business_chats (connection, chat_id, title, first_seen_at, off_at,"
            " off_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (connection, chat_id) DO UPDATE SET"
            " off_at = excluded.off_at, off_by = excluded.off_by",
            (connection, chat_id, title, ts(now), off_at, off_by),
        )
