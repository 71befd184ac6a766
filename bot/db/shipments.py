"""SQL for shipments and their lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import aiosqlite

from bot.db._rows import day_or_none, from_ts, ts
from bot.domain.models import Shipment


class ShipmentRepository:
    """Shipments of orders."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def insert(
        self,
        order_id: int,
        carrier: str,
        tracking: str | None,
        expected: date | None,
        by: int,
        now: datetime,
        lines: Sequence[tuple[int, int]],
        token: str | None = None,
    ) -> int:
        """Record a shipment of (order line id, units); returns its id. token: of the
        confirmation that records it (recorded once)."""
        expected_on = expected.isoformat() if expected else None
        async with self._conn.execute(
            "INSERT INTO shipments (order_id, carrier, tracking, expected_date, shipped_at,"
            " shipped_by, token) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (order_id, carrier, tracking, expected_on, ts(now), by, token),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        shipment_id = int(row[0])
        await self._conn.executemany(
            "INSERT INTO shipment_lines (shipment_id, order_line_id, qty) VALUES (?, ?, ?)",
            [(shipment_id, line_id, qty) for line_id, qty in lines],
        )
        return shipment_id

    async def by_token(self, token: str) -> int | None:
        """The id of the shipment a confirmation token recorded."""
        async with self._conn.execute(
            "SELECT id FROM shipments WHERE token = ?", (token,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def for_order(self, order_id: int) -> list[Shipment]:
        """An order's shipments, oldest first."""
        async with self._conn.execute(
            "SELECT id FROM shipments WHERE order_id = ? ORDER BY id", (order_id,)
        ) as cursor:
            ids = [r[0] for r in await cursor.fetchall()]
        return [s for s in [await self.by_id(i) for i in ids] if s is not None]

    async def by_id(self, shipment_id: int) -> Shipment | None:
        """One shipment with its lines."""
        # Numbered within its order (1, 2, …), never by the id counted across all orders.
        async with self._conn.execute(
            "SELECT * FROM (SELECT id, order_id, carrier, tracking, expected_date, shipped_at,"
            " delivered_at, ROW_NUMBER() OVER (ORDER BY id) AS number FROM shipments"
            " WHERE order_id = (SELECT order_id FROM shipments WHERE id = ?)) WHERE id = ?",
            (shipment_id, shipment_id),
        ) as cursor:
            r = await cursor.fetchone()
        if r is None:
            return None
        async with self._conn.execute(
            "SELECT l.sku, l.name, s.qty FROM shipment_lines s"
            " JOIN order_lines l ON l.id = s.order_line_id WHERE s.shipment_id = ? ORDER BY l.id",
            (shipment_id,),
        ) as cursor:
            lines = tuple((x[0], x[1], int(x[2])) for x in await cursor.fetchall())
        return Shipment(
            id=r["id"],
            number=r["number"],
            order_id=r["order_id"],
            carrier=r["carrier"],
            tracking=r["tracking"],
            expected_date=day_or_none(r["expected_date"]),
            shipped_at=from_ts(r["shipped_at"]),
            delivered_at=from_ts(r["delivered_at"]) if r["delivered_at"] else None,
            lines=lines,
        )

    async def delivered_on(self, order_id: int) -> datetime | None:
        """When the last shipment of an order arrived, if all have."""
        async with self._conn.execute(
            "SELECT MAX(delivered_at), COUNT(*) - COUNT(delivered_at) FROM shipments"
            " WHERE order_id = ?",
            (order_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] is None or row[1]:
            return None
        return from_ts(row[0])

    async def mark_delivered(self, shipment_id: int, by: int, now: datetime) -> bool:
        """Record arrival; False when it was recorded already."""
        cursor = await self._conn.execute(
            "UPDATE shipments SET delivered_at = ?, delivered_by = ?"
            " WHERE id = ? AND delivered_at IS NULL",
            (ts(now), by, shipment_id),
        )
        return cursor.rowcount == 1
