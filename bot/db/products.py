"""SQL for the product editor: every language of a product, new products and categories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.db._rows import like_pattern, ts
from bot.domain.models import PriceTier

# Columns the editor may change, one at a time; stock is never among them.
EDITABLE = frozenset(
    {
        "category_id",
        "name_en",
        "name_zh",
        "name_ru",
        "description_en",
        "description_zh",
        "description_ru",
        "price",
        "preorder",
        "active",
        "unit",
        "photo_file_id",
        "deposit_percent",
    }
)
_COLUMNS = "id, sku, photo, " + ", ".join(sorted(EDITABLE))  # photo: a shipped file


# The non-catalog product custom orders are made of (bot/db/custom_requests.py): never edited.
NOT_EDITED = "sku != 'CUSTOM'"


class ProductEditorRepository:
    """Products and categories as the editor sees them: all languages, active or not."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self.products_written: set[int] = set()  # products whose names or sale changed

    async def row(self, product_id: int) -> dict[str, Any] | None:
        """One product's editable values (every language), or None."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM products WHERE id = ? AND {NOT_EDITED}", (product_id,)
        ) as cursor:
            found = await cursor.fetchone()
        return dict(found) if found else None

    async def tiers(self, product_id: int) -> list[PriceTier]:
        """A product's price tiers, smallest quantity first."""
        async with self._conn.execute(
            "SELECT min_qty, unit_price FROM price_tiers WHERE product_id = ? ORDER BY min_qty",
            (product_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [PriceTier(min_qty=r["min_qty"], unit_price=r["unit_price"]) for r in rows]

    async def find(self, words: str, limit: int) -> list[dict[str, Any]]:
        """Products (withdrawn too) whose SKU or a name contains the words; all if empty."""
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM products WHERE {NOT_EDITED} AND (sku LIKE :q ESCAPE '\\'"
            " OR name_en LIKE :q ESCAPE '\\' OR name_zh LIKE :q ESCAPE '\\'"
            " OR name_ru LIKE :q ESCAPE '\\') ORDER BY active DESC, name_en, id LIMIT :limit",
            {"q": like_pattern(words) if words else "%", "limit": limit},
        ) as cursor:
            return [dict(r) for r in await cursor.fetchall()]

    async def sku_taken(self, sku: str) -> bool:
        """Whether a product has this SKU (any letter case)."""
        async with self._conn.execute(
            "SELECT 1 FROM products WHERE upper(sku) = upper(?)", (sku,)
        ) as cursor:
            return await cursor.fetchone() is not None

    async def add(self, values: dict[str, Any], now: datetime) -> int:
        """A new product with no stock (stock arrives by receipts); its id."""
        async with self._conn.execute(
            "INSERT INTO products (sku, category_id, name_en, name_zh, name_ru, description_en,"
            " description_zh, description_ru, price, stock_on_hand, preorder, photo_file_id,"
            " unit, updated_at) VALUES (:sku, :category_id, :name_en, :name_zh, :name_ru,"
            " :description_en, :description_zh, :description_ru, :price, 0, :preorder,"
            " :photo_file_id, :unit, :now) RETURNING id",
            {**values, "now": ts(now)},
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        self.products_written.add(int(row[0]))
        return int(row[0])

    async def set(self, product_id: int, column: str, value: object, now: datetime) -> None:
        """Change one editable column of a product."""
        if column not in EDITABLE:
            raise ValueError(f"not an editable column: {column}")
        self.products_written.add(product_id)
        # A new photo replaces the file shipped with the catalog, if any.
        extra = ", photo = NULL" if column == "photo_file_id" else ""
        await self._conn.execute(
            f"UPDATE products SET {column} = ?{extra}, updated_at = ? WHERE id = ?",
            (value, ts(now), product_id),
        )

    async def categories(self) -> list[dict[str, Any]]:
        """Every category (empty ones too), in display order."""
        async with self._conn.execute(
            "SELECT id, key, name_en, name_zh, name_ru FROM categories ORDER BY position, name_en"
        ) as cursor:
            return [dict(r) for r in await cursor.fetchall()]

    async def add_category(self, key: str, names: dict[str, str]) -> int:
        """A new category, last in display order; its id."""
        async with self._conn.execute(
            "INSERT INTO categories (key, name_en, name_zh, name_ru, position)"
            " VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM categories))"
            " RETURNING id",
            (key, names.get("en", ""), names.get("zh", ""), names.get("ru", "")),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def rename_category(self, category_id: int, names: dict[str, str]) -> None:
        """Rename a category in each language given."""
        await self._conn.execute(
            "UPDATE categories SET name_en = ?, name_zh = ?, name_ru = ? WHERE id = ?",
            (names.get("en", ""), names.get("zh", ""), names.get("ru", ""), category_id),
        )

    async def category_key_taken(self, key: str) -> bool:
        """Whether a category has this key."""
        async with self._conn.execute("SELECT 1 FROM categories WHERE key = ?", (key,)) as c:
            return await c.fetchone() is not None
