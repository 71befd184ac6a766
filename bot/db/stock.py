"""SQL for the stock ledger (stock_moves), the on-hand cache and the low-stock flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.db._rows import like_pattern, localized, placeholders, ts
from bot.domain.models import Language
from bot.domain.stock import MoveKind

# Units still wanted by open orders beyond what is held for them: waiting pre-order units.
_WAITING = (
    "(SELECT COALESCE(SUM(l.qty - l.shipped_qty - l.cancelled_qty - l.reserved_qty), 0)"
    " FROM order_lines l JOIN orders o ON o.id = l.order_id"
    " WHERE l.product_id = p.id"
    " AND o.status IN ('submitted', 'approved', 'partially_shipped'))"
)


@dataclass(frozen=True)
class StockRow:
    """A product's stock as it stands."""

    product_id: int
    sku: str
    name: str
    on_hand: int
    reserved: int
    waiting: int
    active: bool

    @property
    def available(self) -> int:
        """Units free to be reserved."""
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class Level:
    """What a product has free to reserve, for the low-stock watch."""

    product_id: int
    available: int
    active: bool


def _row(r: aiosqlite.Row) -> StockRow:
    return StockRow(
        product_id=r["id"],
        sku=r["sku"],
        name=r["name"],
        on_hand=r["stock_on_hand"],
        reserved=r["reserved"],
        waiting=max(0, r["waiting"]),
        active=bool(r["active"]),
    )


def _columns(language: Language) -> str:
    return (
        f"p.id, p.sku, {localized('name', language, 'p')} AS name, p.stock_on_hand,"
        f" p.reserved, p.active, {_WAITING} AS waiting"
    )


class StockRepository:
    """Movements in and out, and the stock they add up to."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def by_sku(self, sku: str, language: Language) -> StockRow | None:
        """A product's stock by SKU (any letter case)."""
        async with self._conn.execute(
            f"SELECT {_columns(language)} FROM products p WHERE upper(p.sku) = upper(?)", (sku,)
        ) as cursor:
            r = await cursor.fetchone()
        return _row(r) if r else None

    async def by_ids(self, ids: list[int], language: Language) -> list[StockRow]:
        """Products' stock by id."""
        if not ids:
            return []
        async with self._conn.execute(
            f"SELECT {_columns(language)} FROM products p"
            f" WHERE p.id IN ({placeholders(len(ids))}) ORDER BY p.id",
            ids,
        ) as cursor:
            return [_row(r) for r in await cursor.fetchall()]

    async def levels(self, ids: list[int]) -> list[Level]:
        """Products' free stock by id, without what pre-orders wait for (by_ids adds that up
        over every open order: ~1 ms a product at 500 open orders, on every checkout)."""
        if not ids:
            return []
        async with self._conn.execute(
            "SELECT id, stock_on_hand - reserved AS available, active FROM products"
            f" WHERE id IN ({placeholders(len(ids))}) ORDER BY id",
            ids,
        ) as cursor:
            rows = await cursor.fetchall()
        return [Level(r["id"], r["available"], bool(r["active"])) for r in rows]

    async def apply(
        self,
        product_id: int,
        qty: int,
        kind: MoveKind,
        reason: str | None,
        by_user: int | None,
        at: datetime,
    ) -> bool:
        """Units in (+) or out (−): the cache moves and the movement is written. False (and
        nothing changes) when on hand would fall below what is reserved."""
        cursor = await self._conn.execute(
            "UPDATE products SET stock_on_hand = stock_on_hand + ?"
            " WHERE id = ? AND stock_on_hand + ? >= reserved",
            (qty, product_id, qty),
        )
        if cursor.rowcount != 1:
            return False
        await self.record(product_id, qty, kind, reason, by_user, at)
        return True

    async def record(
        self,
        product_id: int,
        qty: int,
        kind: MoveKind,
        reason: str | None,
        by_user: int | None,
        at: datetime,
    ) -> None:
        """Write a movement whose units the cache already counts (a shipment's take_out, a
        new product's opening stock)."""
        if qty == 0:
            return
        await self._conn.execute(
            "INSERT INTO stock_moves (product_id, qty, kind, reason, by_user, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (product_id, qty, kind.value, reason, by_user, ts(at)),
        )

    async def ledger_sum(self, product_id: int) -> int:
        """On hand as the ledger says: the sum of the product's movements."""
        async with self._conn.execute(
            "SELECT COALESCE(SUM(qty), 0) FROM stock_moves WHERE product_id = ?", (product_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def flagged(self, product_id: int) -> bool:
        """Whether the warehouse was told this product is low (and it has not risen since)."""
        async with self._conn.execute(
            "SELECT 1 FROM low_stock WHERE product_id = ?", (product_id,)
        ) as cursor:
            return await cursor.fetchone() is not None

    async def set_flag(self, product_id: int, low: bool, threshold: int, at: datetime) -> None:
        """Remember a crossing: low (told) or risen above again (a trigger also clears it)."""
        if low:
            await self._conn.execute(
                "INSERT OR IGNORE INTO low_stock (product_id, threshold, since) VALUES (?, ?, ?)",
                (product_id, threshold, ts(at)),
            )
        else:
            await self._conn.execute("DELETE FROM low_stock WHERE product_id = ?", (product_id,))

    async def report(
        self, language: Language, threshold: int, words: str | None = None
    ) -> list[StockRow]:
        """Every active product's stock, low ones first (least available first), then by SKU."""
        where = "p.active = 1"
        params: dict[str, object] = {"threshold": threshold}
        if words:
            where += " AND (p.sku LIKE :q ESCAPE '\\' OR p.name_en LIKE :q ESCAPE '\\'"
            where += " OR p.name_zh LIKE :q ESCAPE '\\' OR p.name_ru LIKE :q ESCAPE '\\')"
            params["q"] = like_pattern(words)
        async with self._conn.execute(
            f"SELECT {_columns(language)} FROM products p WHERE {where}"
            " ORDER BY (p.stock_on_hand - p.reserved > :threshold),"
            " p.stock_on_hand - p.reserved, p.sku",
            params,
        ) as cursor:
            return [_row(r) for r in await cursor.fetchall()]

    async def watch_back(self, user_id: int, product_id: int, now: datetime) -> bool:
        """Someone waits for a product to be back; False if they were already."""
        cursor = await self._conn.execute(
            "INSERT OR IGNORE INTO stock_watches (user_id, product_id, created_at)"
            " VALUES (?, ?, ?)",
            (user_id, product_id, ts(now)),
        )
        return cursor.rowcount == 1

    async def take_watchers(self, product_id: int) -> list[int]:
        """The people waiting for a product, no longer waiting (they are told now)."""
        async with self._conn.execute(
            "DELETE FROM stock_watches WHERE product_id = ? RETURNING user_id", (product_id,)
        ) as cursor:
            return sorted(int(r[0]) for r in await cursor.fetchall())
