"""SQL for people who talk to the bot."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db._rows import ts
from bot.domain.models import Language, User

_COLUMNS = "id, telegram_id, language, time_zone, first_name, unreachable_at"


def _user(row: aiosqlite.Row) -> User:
    return User(
        id=row["id"],
        telegram_id=row["telegram_id"],
        language=Language(row["language"]),
        time_zone=row["time_zone"],
        first_name=row["first_name"],
        unreachable=row["unreachable_at"] is not None,
    )


class UserRepository:
    """Users table."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def by_telegram_id(self, telegram_id: int) -> User | None:
        """The user with this Telegram id."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM users WHERE telegram_id = ?", (telegram_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _user(row) if row else None

    async def by_id(self, user_id: int) -> User | None:
        """The user with this id."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _user(row) if row else None

    async def insert(
        self,
        telegram_id: int,
        first_name: str,
        username: str | None,
        language: Language,
        now: datetime,
    ) -> User:
        """Record a new user."""
        async with self._conn.execute(
            "INSERT INTO users (telegram_id, first_name, username, language, created_at)"
            f" VALUES (?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
            (telegram_id, first_name, username, language.value, ts(now)),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return _user(row)

    async def set_language(self, user_id: int, language: Language) -> None:
        """Change a user's language."""
        await self._conn.execute(
            "UPDATE users SET language = ? WHERE id = ?", (language.value, user_id)
        )

    async def set_unreachable(self, user_id: int, now: datetime | None) -> bool:
        """Mark a user unreachable (now) or reachable again (None); False if it already was."""
        if now is None:
            cursor = await self._conn.execute(
                "UPDATE users SET unreachable_at = NULL"
                " WHERE id = ? AND unreachable_at IS NOT NULL",
                (user_id,),
            )
        else:
            cursor = await self._conn.execute(
                "UPDATE users SET unreachable_at = ? WHERE id = ? AND unreachable_at IS NULL",
                (ts(now), user_id),
            )
        return cursor.rowcount == 1

    async def set_time_zone(self, user_id: int, zone: str | None) -> None:
        """Set the time zone a user is shown times in (None: the business's)."""
        await self._conn.execute("UPDATE users SET time_zone = ? WHERE id = ?", (zone, user_id))
