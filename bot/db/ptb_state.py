"""SQL for python-telegram-bot's persisted state (user data and conversation states)."""

from __future__ import annotations

from typing import NamedTuple

import aiosqlite


class Blob(NamedTuple):
    """One user's data, as JSON."""

    id: int
    data: str


class State(NamedTuple):
    """One conversation state: its key and state, as JSON."""

    key: str
    state: str


class PtbStateRepository:
    """JSON blobs keyed by user, chat or conversation."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def all_user_data(self) -> list[Blob]:
        """Every user's data, as JSON."""
        async with self._conn.execute("SELECT user_id, data FROM ptb_user_data") as cursor:
            return [Blob(r[0], r[1]) for r in await cursor.fetchall()]

    async def put_user_data(self, user_id: int, data: str) -> None:
        """Store one user's data."""
        await self._conn.execute(
            "INSERT INTO ptb_user_data (user_id, data) VALUES (?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
            (user_id, data),
        )

    async def drop_user_data(self, user_id: int) -> None:
        """Forget one user's data."""
        await self._conn.execute("DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))

    async def conversations(self, name: str) -> list[State]:
        """A conversation's keys and states, as JSON."""
        async with self._conn.execute(
            "SELECT key, state FROM ptb_conversations WHERE name = ?", (name,)
        ) as cursor:
            return [State(r[0], r[1]) for r in await cursor.fetchall()]

    async def put_conversation(self, name: str, key: str, state: str | None) -> None:
        """Store a conversation state; None ends the conversation."""
        if state is None:
            await self._conn.execute(
                "DELETE FROM ptb_conversations WHERE name = ? AND key = ?", (name, key)
            )
        else:
            await self._conn.execute(
                "INSERT INTO ptb_conversations (name, key, state) VALUES (?, ?, ?)"
                " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
                (name, key, state),
            )
