"""SQL for customers' ratings of delivered orders: asked once, rated once, one comment."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import ts


class Rating(NamedTuple):
    """A customer's rating of an order, and their comment if any."""

    rating: int
    comment: str | None


class FeedbackRepository:
    """order_feedback and feedback_requests."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def ask(self, order_id: int, now: datetime) -> bool:
        """Note that the customer is asked to rate the order; False when they were before."""
        cursor = await self._conn.execute(
            "INSERT INTO feedback_requests (order_id, asked_at) VALUES (?, ?)"
            " ON CONFLICT (order_id) DO NOTHING",
            (order_id, ts(now)),
        )
        return cursor.rowcount == 1

    async def rate(self, order_id: int, rating: int, now: datetime) -> bool:
        """Store the order's rating; False when it was rated already."""
        cursor = await self._conn.execute(
            "INSERT INTO order_feedback (order_id, rating, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (order_id) DO NOTHING",
            (order_id, rating, ts(now)),
        )
        return cursor.rowcount == 1

    async def comment(self, order_id: int, text: str) -> bool:
        """Add the comment to a rating that has none; False otherwise."""
        cursor = await self._conn.execute(
            "UPDATE order_feedback SET comment = ? WHERE order_id = ? AND comment IS NULL",
            (text, order_id),
        )
        return cursor.rowcount == 1

    async def rating(self, order_id: int) -> Rating | None:
        """An order's rating and comment, if it was rated."""
        async with self._conn.execute(
            "SELECT rating, comment FROM order_feedback WHERE order_id = ?", (order_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return Rating(int(row[0]), row[1]) if row else None
