"""SQL for lines found short while picking, and the customer's choice."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import day_or_none, ts


class Shortage(NamedTuple):
    """A line found short: its line, the units available, when more are expected, and the
    customer's choice (None until made)."""

    line_id: int
    available: int
    expected: date | None
    choice: str | None


class ShortageRepository:
    """shortages."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self, line_id: int, available: int, expected: date | None, by: int, now: datetime
    ) -> int:
        """Record a shortage; returns its id."""
        async with self._conn.execute(
            "INSERT INTO shortages (order_line_id, available, expected_date, reported_by,"
            " reported_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            (line_id, available, expected.isoformat() if expected else None, by, ts(now)),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def get(self, shortage_id: int) -> Shortage | None:
        """A shortage, if there is one."""
        async with self._conn.execute(
            "SELECT order_line_id, available, expected_date, choice FROM shortages WHERE id = ?",
            (shortage_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return Shortage(int(row[0]), int(row[1]), day_or_none(row[2]), row[3]) if row else None

    async def choose(self, shortage_id: int, choice: str, now: datetime) -> bool:
        """Record the customer's choice once; False if one was recorded already."""
        cursor = await self._conn.execute(
            "UPDATE shortages SET choice = ?, chosen_at = ? WHERE id = ? AND choice IS NULL",
            (choice, ts(now), shortage_id),
        )
        return cursor.rowcount == 1
