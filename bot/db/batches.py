"""SQL for batches of orders uploaded as one file, and finding their customers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.db._rows import placeholders, ts


class BatchRepository:
    """Batches, their orders, and customers by exact phone or name."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def customers_by_phone(self, phone: str) -> list[int]:
        """Ids of the customers registered with this phone number (E.164)."""
        async with self._conn.execute(
            "SELECT id FROM customers WHERE phone = ? ORDER BY id", (phone,)
        ) as cursor:
            return [int(r[0]) for r in await cursor.fetchall()]

    async def customers_by_name(self, name: str) -> list[int]:
        """Ids of the customers whose name (or company) is exactly this, in any letter case."""
        async with self._conn.execute(
            "SELECT id FROM customers"
            " WHERE lower(name) = lower(:n) OR lower(company) = lower(:n) ORDER BY id",
            {"n": name},
        ) as cursor:
            return [int(r[0]) for r in await cursor.fetchall()]

    async def by_token(self, token: str) -> int | None:
        """The batch a token already produced, if any."""
        async with self._conn.execute(
            "SELECT id FROM batches WHERE token = ?", (token,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def insert(
        self, token: str, created_by: int, file_name: str, orders: int, now: datetime
    ) -> int:
        """Record a batch; returns its id."""
        async with self._conn.execute(
            "INSERT INTO batches (token, created_by, file_name, orders, created_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            (token, created_by, file_name, orders, ts(now)),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def attach(self, batch_id: int, order_id: int) -> None:
        """Mark an order as made by a batch."""
        await self._conn.execute(
            "UPDATE orders SET batch_id = ? WHERE id = ?", (batch_id, order_id)
        )

    async def numbers(self, batch_id: int) -> list[str]:
        """The numbers of a batch's orders, in the order they were made."""
        async with self._conn.execute(
            "SELECT number FROM orders WHERE batch_id = ? ORDER BY id", (batch_id,)
        ) as cursor:
            return [str(r[0]) for r in await cursor.fetchall()]

    async def tokens(self, batch_id: int) -> set[str]:
        """The submission tokens of the orders a batch has made so far (one per file order)."""
        async with self._conn.execute(
            "SELECT submit_token FROM orders WHERE batch_id = ?", (batch_id,)
        ) as cursor:
            return {str(r[0]) for r in await cursor.fetchall()}

    async def made_of(self, batch_id: int, tokens: Sequence[str]) -> set[str]:
        """Which of these submission tokens the batch has made an order of (looked up one by
        one: a chunk of a 667-order batch read all the batch's tokens, 333 times)."""
        if not tokens:
            return set()
        async with self._conn.execute(
            f"SELECT submit_token FROM orders WHERE submit_token IN ({placeholders(len(tokens))})"
            " AND batch_id = ?",
            (*tokens, batch_id),
        ) as cursor:
            return {str(r[0]) for r in await cursor.fetchall()}
