"""SQL for people who talk to the bot."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db._rows import ts
from bot.domain.models import Language, User

_COLUMNS = "id, telegram_id, language, time_zone, first_name"


def _user(row: aiosqlite.Row) -> User:
    return User(
        id=row["id"],
        telegram_id=row["telegram_id"],
        language=Language(row["language"]),
        time_zone=row["time_zone"],
        first_name=row["first_name"],
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
