"""SQL for carts: what each person means to buy, kept across restarts."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import ts


class CartEntry(NamedTuple):
    """A product in a cart and how many."""

    product_id: int
    qty: int


class CartRepository:
    """Cart lines by user."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def lines(self, user_id: int) -> list[CartEntry]:
        """The cart's products and quantities in the order they were added."""
        async with self._conn.execute(
            "SELECT product_id, qty FROM cart_lines WHERE user_id = ? ORDER BY added_at, rowid",
            (user_id,),
        ) as cursor:
            return [CartEntry(r[0], r[1]) for r in await cursor.fetchall()]

    async def quantity(self, user_id: int, product_id: int) -> int:
        """Units of a product in the cart (0 when absent)."""
        async with self._conn.execute(
            "SELECT qty FROM cart_lines WHERE user_id = ? AND product_id = ?",
            (user_id, product_id),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def set(self, user_id: int, product_id: int, qty: int, now: datetime) -> None:
        """Put a quantity of a product in the cart, replacing what was there."""
        await self._conn.execute(
            "INSERT INTO cart_lines (user_id, product_id, qty, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, product_id) DO UPDATE SET qty = excluded.qty",
            (user_id, product_id, qty, ts(now)),
        )

    async def remove(self, user_id: int, product_id: int) -> None:
        """Take a product out of the cart."""
        await self._conn.execute(
            "DELETE FROM cart_lines WHERE user_id = ? AND product_id = ?", (user_id, product_id)
        )

    async def clear(self, user_id: int) -> None:
        """Empty the cart."""
        await self._conn.execute("DELETE FROM cart_lines WHERE user_id = ?", (user_id,))
