"""SQL for custom requests (定制订单): the request, its quote, its questions and answers."""

from __future__ import annotations

import json
from datetime import date, datetime

import aiosqlite

from bot.db._rows import day_or_none, ts
from bot.domain.custom_orders import CustomMessage, CustomRequest, CustomState

_COLUMNS = (
    "id, customer_id, text, qty, wanted_date, photos, state, unit_price, lead_days,"
    " valid_until, rep_note, order_id"
)


def _request(row: aiosqlite.Row) -> CustomRequest:
    return CustomRequest(
        id=row["id"],
        customer_id=row["customer_id"],
        text=row["text"],
        qty=row["qty"],
        wanted_date=day_or_none(row["wanted_date"]),
        photos=tuple(json.loads(row["photos"])),
        state=CustomState(row["state"]),
        unit_price=row["unit_price"],
        lead_days=row["lead_days"],
        valid_until=day_or_none(row["valid_until"]),
        rep_note=row["rep_note"],
        order_id=row["order_id"],
    )


class CustomRequestRepository:
    """custom_requests and custom_messages."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def insert(
        self,
        token: str,
        customer_id: int,
        text: str,
        qty: int,
        wanted: date | None,
        photos: list[str],
        now: datetime,
    ) -> int | None:
        """A new open request; None when this token made one already."""
        cursor = await self._conn.execute(
            "INSERT INTO custom_requests"
            " (token, customer_id, text, qty, wanted_date, photos, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING",
            (
                token,
                customer_id,
                text,
                qty,
                wanted.isoformat() if wanted else None,
                json.dumps(photos),
                ts(now),
            ),
        )
        return cursor.lastrowid if cursor.rowcount == 1 else None

    async def by_token(self, token: str) -> CustomRequest | None:
        """The request a draft's token made."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM custom_requests WHERE token = ?", (token,)
        ) as cursor:
            row = await cursor.fetchone()
        return _request(row) if row else None

    async def get(self, request_id: int) -> CustomRequest | None:
        """One request."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM custom_requests WHERE id = ?", (request_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _request(row) if row else None

    async def quote(
        self,
        request_id: int,
        unit_price: int,
        lead_days: int,
        valid_until: date,
        note: str | None,
        by: int,
        now: datetime,
    ) -> bool:
        """Record a quote on an open (or re-quote a quoted) request; False otherwise."""
        cursor = await self._conn.execute(
            "UPDATE custom_requests SET state = 'quoted', unit_price = ?, lead_days = ?,"
            " valid_until = ?, rep_note = ?, quoted_by = ?, quoted_at = ?"
            " WHERE id = ? AND state IN ('open', 'quoted')",
            (unit_price, lead_days, valid_until.isoformat(), note, by, ts(now), request_id),
        )
        return cursor.rowcount == 1

    async def decide(
        self, request_id: int, state: CustomState, order_id: int | None, now: datetime
    ) -> bool:
        """quoted → accepted (with its order) or declined, once; False if it was not quoted."""
        cursor = await self._conn.execute(
            "UPDATE custom_requests SET state = ?, order_id = ?, decided_at = ?"
            " WHERE id = ? AND state = 'quoted'",
            (state.value, order_id, ts(now), request_id),
        )
        return cursor.rowcount == 1

    async def withdraw(self, request_id: int, now: datetime) -> bool:
        """open or quoted → withdrawn by the customer, once; False otherwise."""
        cursor = await self._conn.execute(
            "UPDATE custom_requests SET state = 'withdrawn', decided_at = ?"
            " WHERE id = ? AND state IN ('open', 'quoted')",
            (ts(now), request_id),
        )
        return cursor.rowcount == 1

    async def add_message(
        self, request_id: int, author_id: int, kind: str, text: str, now: datetime
    ) -> None:
        """A question (rep) or an answer (customer)."""
        await self._conn.execute(
            "INSERT INTO custom_messages (request_id, author_id, kind, text, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (request_id, author_id, kind, text, ts(now)),
        )

    async def messages(self, request_id: int) -> list[CustomMessage]:
        """The questions and answers, oldest first."""
        async with self._conn.execute(
            "SELECT kind, text FROM custom_messages WHERE request_id = ? ORDER BY id",
            (request_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [CustomMessage(kind=r["kind"], text=r["text"]) for r in rows]

    async def product_id(self, now: datetime) -> int:
        """The non-catalog product custom order lines are made of (made the first time:
        inactive, so never browsed; pre-order, so no stock is reserved)."""
        await self._conn.execute(
            "INSERT INTO categories (key, name_en, name_zh, name_ru, position)"
            " VALUES ('custom', 'Custom orders', '定制订单', 'Заказы на заказ', 9999)"
            " ON CONFLICT (key) DO NOTHING"
        )
        await self._conn.execute(
            "INSERT INTO products (sku, category_id, name_en, name_zh, name_ru, price,"
            " preorder, active, updated_at)"
            " SELECT 'CUSTOM', id, 'Custom order', '定制订单', 'Заказ на заказ', 0, 1, 0, ?"
            " FROM categories WHERE key = 'custom' ON CONFLICT (sku) DO NOTHING",
            (ts(now),),
        )
        async with self._conn.execute("SELECT id FROM products WHERE sku = 'CUSTOM'") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])
