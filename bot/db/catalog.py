"""SQL for categories, products, price tiers and stock reservations."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.db._rows import Slice, like_pattern, localized, placeholders, ts
from bot.domain.models import Category, Language, PriceTier, Product, Unit
from bot.domain.product_match import CatalogEntry, sku_key
from bot.runtime.connection import OFFLOADED


def _product_columns(language: Language) -> str:
    return (
        "p.id, p.sku, p.category_id, p.price, p.stock_on_hand - p.reserved AS available,"
        " p.preorder, p.active, p.photo, p.photo_file_id, p.unit,"
        f" {localized('name', language, 'p')} AS name,"
        f" {localized('description', language, 'p')} AS description"
    )


TRIGRAM = 3  # the shortest text the trigram index finds; shorter words are looked up by LIKE
# A search lists at most this many products (and says it found more, when it did): more would
# be read and ranked for every page, and nobody pages through them.
SEARCH_CAP = 1000
SHORT_SEARCH_CAP = 200  # the same for 1-2 characters, read by a LIKE over the table: fewer
TYPO_MIN = 5  # shorter words are only looked up as they are: one typo in four is too many
TYPO_MAX = 40  # longer words are not looked up with a typo (the query grows with the length)


# What /search ranks, as (id, score) rows (lower scores first). Words of 3+ characters: the
# first SEARCH_CAP hits of the trigram index in id order (ranking all would read every hit)
# and the product with exactly that SKU, wherever it is; each with its bm25 score.
_INDEX_HITS = (
    "SELECT rowid AS id, bm25(product_search) AS score FROM product_search"
    " WHERE product_search MATCH :match AND rowid IN"
    "  (SELECT id FROM products WHERE sku IN (:exact, upper(:exact)))"
    " UNION SELECT * FROM (SELECT rowid AS id, bm25(product_search) AS score"
    "  FROM product_search WHERE product_search MATCH :match LIMIT :cap)"
)
# Shorter words: a LIKE over SKU and names, stopping at SHORT_SEARCH_CAP products.
_SHORT_HITS = (
    "SELECT id, 0 AS score FROM products WHERE active = 1"
    " AND (sku LIKE :q ESCAPE '\\' OR name_en LIKE :q ESCAPE '\\'"
    " OR name_zh LIKE :q ESCAPE '\\' OR name_ru LIKE :q ESCAPE '\\') LIMIT :cap"
)
# Whether the trigram index holds more hits than a search ranks (read only at the cap).
_MORE_HITS = (
    "SELECT COUNT(*) FROM (SELECT rowid FROM product_search"
    " WHERE product_search MATCH :match LIMIT :cap + 1)"
)


def phrase(text: str) -> str:
    """An FTS5 query for the text literally (with the trigram tokenizer: as a substring)."""
    return '"' + text.replace('"', '""') + '"'


def typo_query(words: str) -> str | None:
    """An FTS5 query for text within about one typo of the words: a wrong, missing or extra
    character, or two swapped ones. For each place in the words, the parts before and after
    two characters there must both be in the text (that also covers one wrong, missing or
    extra character there); parts shorter than a trigram are left out, and a place whose
    parts keep fewer than all but five of the words' characters is skipped. With several
    words, also all of them in any order. bm25 ranks text matching more of these higher.
    None when there is nothing to look for (short or very long words)."""
    if not TYPO_MIN <= len(words) <= TYPO_MAX:
        return None
    groups: list[tuple[str, ...]] = []
    for i in range(len(words) - 1):
        parts = tuple(p.strip() for p in (words[:i], words[i + 2 :]) if len(p.strip()) >= TRIGRAM)
        if parts and sum(map(len, parts)) >= max(TRIGRAM, len(words) - 5):
            groups.append(parts)
    several = tuple(w for w in words.split() if len(w) >= TRIGRAM)
    if len(several) > 1:
        groups.append(several)
    unique = list(dict.fromkeys(groups))
    if not unique:
        return None
    return " OR ".join("(" + " AND ".join(map(phrase, g)) + ")" for g in unique)


class Upserted(NamedTuple):
    """A product created or updated from the catalog: its id, and whether it was new."""

    product_id: int
    created: bool


_NAMES = "SELECT id, sku, name_en, name_zh, name_ru, active FROM products"
CHUNK = 2000  # rows read at a time by a worker thread's own connection


def _entry(r: sqlite3.Row) -> CatalogEntry:
    return CatalogEntry(
        product_id=r["id"],
        sku=r["sku"],
        names=tuple(n for n in (r["name_en"], r["name_zh"], r["name_ru"]) if n),
    )


def _entries(rows: Iterable[sqlite3.Row]) -> list[CatalogEntry]:
    return [_entry(r) for r in rows]


def _sku_keys(rows: Iterable[sqlite3.Row]) -> dict[str, int]:
    return {sku_key(r["sku"]): r["id"] for r in rows}


def read_name_index(conn: sqlite3.Connection) -> Iterator[CatalogEntry]:
    """Every active product's entry for the quick-order matcher, read CHUNK rows at a time
    on a worker thread's own connection (Database.read_only), in one statement: a snapshot."""
    cursor = conn.execute(_NAMES + " WHERE active = 1 ORDER BY id")
    try:
        while rows := cursor.fetchmany(CHUNK):
            yield from map(_entry, rows)
    finally:
        cursor.close()


def read_name_entries(
    conn: sqlite3.Connection, ids: Sequence[int]
) -> tuple[list[CatalogEntry], list[int]]:
    """CatalogRepository.name_entries on a read-only connection of its own (the quick-order
    index's process)."""
    if not ids:
        return [], []
    rows = {
        r["id"]: r
        for r in conn.execute(_NAMES + f" WHERE id IN ({placeholders(len(ids))})", list(ids))
    }
    return _sold_and_gone(rows, ids)


def _sold_and_gone(
    rows: dict[int, sqlite3.Row], ids: Sequence[int]
) -> tuple[list[CatalogEntry], list[int]]:
    sold = [_entry(rows[i]) for i in ids if i in rows and rows[i]["active"]]
    return sold, [i for i in ids if i not in rows or not rows[i]["active"]]


class CatalogRepository:
    """Categories, products, tiers, stock."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self.products_written: set[int] = set()  # products whose names or sale changed
        # the last search's words, language and the connection's changes, its order, and the
        # cap it stopped at (0: it found them all)
        self._searched: tuple[tuple[str, Language, int], list[int], int] | None = None

    async def categories(self, language: Language) -> list[Category]:
        """Categories that have active products, in display order (the count is the one the
        triggers of 0034_category_counts.sql keep on each category)."""
        async with self._conn.execute(
            f"SELECT c.id, c.key, {localized('name', language, 'c')} AS name,"
            " c.active_products AS n FROM categories c"
            " WHERE c.active_products > 0 ORDER BY c.position, name, c.id",
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            Category(id=r["id"], key=r["key"], name=r["name"], product_count=r["n"]) for r in rows
        ]

    async def category(self, category_id: int, language: Language) -> Category | None:
        """One category."""
        async with self._conn.execute(
            f"SELECT c.id, c.key, {localized('name', language, 'c')} AS name,"
            " c.active_products AS n FROM categories c WHERE c.id = ?",
            (category_id,),
        ) as cursor:
            r = await cursor.fetchone()
        return (
            Category(id=r["id"], key=r["key"], name=r["name"], product_count=r["n"]) if r else None
        )

    async def _with_tiers(self, rows: Iterable[aiosqlite.Row]) -> list[Product]:
        tiers: dict[int, list[PriceTier]] = defaultdict(list)
        ids = [r["id"] for r in rows]
        if ids:
            async with self._conn.execute(
                "SELECT product_id, min_qty, unit_price FROM price_tiers"
                f" WHERE product_id IN ({placeholders(len(ids))}) ORDER BY min_qty",
                ids,
            ) as cursor:
                for t in await cursor.fetchall():
                    tiers[t["product_id"]].append(
                        PriceTier(min_qty=t["min_qty"], unit_price=t["unit_price"])
                    )
        return [
            Product(
                id=r["id"],
                sku=r["sku"],
                category_id=r["category_id"],
                name=r["name"],
                description=r["description"],
                price=r["price"],
                tiers=tuple(tiers[r["id"]]),
                available=r["available"],
                preorder=bool(r["preorder"]),
                active=bool(r["active"]),
                photo=r["photo"],
                photo_file_id=r["photo_file_id"],
                unit=Unit(r["unit"]),
            )
            for r in rows
        ]

    async def products_in(
        self, category_id: int, language: Language, offset: int, limit: int
    ) -> Slice[Product]:
        """A page of a category's active products, by name, and how many there are."""
        async with self._conn.execute(
            "SELECT active_products FROM categories WHERE id = ?", (category_id,)
        ) as cursor:
            total = (await cursor.fetchone() or (0,))[0]
        async with self._conn.execute(
            f"SELECT {_product_columns(language)} FROM products p"
            " WHERE p.category_id = ? AND p.active = 1 ORDER BY name, p.id LIMIT ? OFFSET ?",
            (category_id, limit, offset),
        ) as cursor:
            rows = await cursor.fetchall()
        return Slice(await self._with_tiers(rows), total)

    async def search(
        self, words: str, language: Language, offset: int, limit: int
    ) -> Slice[Product]:
        """Active products whose SKU or name in any language contains the words (any letter
        case); if none does, those within one typo of them (see typo_query). The exact SKU
        first, then SKUs starting with the words, then by relevance (bm25), name and id; at
        most SEARCH_CAP of them (and the exact SKU; SHORT_SEARCH_CAP for 1-2 characters).
        limit 0: only how many there are (search_more_than: whether the cap cut them). The
        order is worked out once per unit of work (the count and the page of /search)."""
        ranked, _ = await self._search_order(words, language)
        page = ranked[offset : offset + limit] if limit > 0 else []
        found = await self.products(page, language)
        return Slice([found[i] for i in page if i in found], len(ranked))

    async def search_more_than(self, words: str, language: Language) -> int:
        """The cap a search of these words stopped at, when more products matched than it
        lists (SEARCH_CAP, or SHORT_SEARCH_CAP for 1-2 characters); 0 when it lists them all."""
        return (await self._search_order(words, language))[1]

    async def _search_order(self, words: str, language: Language) -> tuple[list[int], int]:
        key = (words, language, self._conn.total_changes)
        if self._searched is not None and self._searched[0] == key:
            return self._searched[1], self._searched[2]
        ranked: list[int] = []
        more_than = 0
        if len(words) < TRIGRAM:
            args = {"q": like_pattern(words), "cap": SHORT_SEARCH_CAP + 1}
            ranked = await self._rank(_SHORT_HITS, args, words, language)
            if len(ranked) > SHORT_SEARCH_CAP:
                ranked, more_than = ranked[:SHORT_SEARCH_CAP], SHORT_SEARCH_CAP
        else:
            for match in (phrase(words), typo_query(words)):
                if match is not None and not ranked:
                    ranked = await self._rank(_INDEX_HITS, {"match": match}, words, language)
                    if len(ranked) >= SEARCH_CAP and await self._more_hits(match):
                        more_than = SEARCH_CAP
        self._searched = (key, ranked, more_than)
        return ranked, more_than

    async def _more_hits(self, match: str) -> bool:
        """Whether the index holds more than SEARCH_CAP hits of this query."""
        rows = await self._read_long(_MORE_HITS, {"match": match, "cap": SEARCH_CAP})
        return bool(rows) and int(rows[0][0]) > SEARCH_CAP

    async def _rank(
        self, hits: str, args: dict[str, object], words: str, language: Language
    ) -> list[int]:
        """Ids of the hits (a query of id and score, lower is better) in search order. Read
        on the connection's thread: ~16 ms for a broad word at 100,000 products, which every
        other customer waited for on the loop (the rest of a search reads a page by key)."""
        rows = await self._read_long(
            f"SELECT p.id FROM ({hits}) h JOIN products p ON p.id = h.id WHERE p.active = 1"
            " ORDER BY (upper(p.sku) = upper(:exact)) DESC,"
            " (p.sku LIKE :prefix ESCAPE '\\') DESC,"
            f" h.score, {localized('name', language, 'p')}, p.id",
            {
                "exact": words,
                "prefix": like_pattern(words).removeprefix("%"),
                "cap": SEARCH_CAP,
            }
            | args,
        )
        return [r[0] for r in rows]

    async def products(self, ids: Sequence[int], language: Language) -> dict[int, Product]:
        """Products by id, active or not."""
        if not ids:
            return {}
        async with self._conn.execute(
            f"SELECT {_product_columns(language)} FROM products p"
            f" WHERE p.id IN ({placeholders(len(ids))})",
            list(ids),
        ) as cursor:
            rows = await cursor.fetchall()
        return {p.id: p for p in await self._with_tiers(rows)}

    async def by_sku(self, sku: str, language: Language) -> Product | None:
        """The product with this SKU (any letter case): as written first, through the SKU's
        index (a batch of 667 orders spent 6 s scanning 20,000 products for upper(sku))."""
        columns = _product_columns(language)
        async with self._conn.execute(
            f"SELECT {columns} FROM products p WHERE p.sku = ?", (sku,)
        ) as cursor:
            rows = await cursor.fetchall()
        if not rows:
            async with self._conn.execute(
                f"SELECT {columns} FROM products p WHERE upper(p.sku) = upper(?)", (sku,)
            ) as cursor:
                rows = await cursor.fetchall()
        found = await self._with_tiers(rows)
        return found[0] if found else None

    async def others_commits(self) -> int:
        """A number that changes when another connection (another process) commits to the
        file; our own commits leave it alone (SQLite's data_version)."""
        async with self._conn.execute("PRAGMA data_version") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def name_index(self) -> list[CatalogEntry]:
        """Every active product's id, SKU and names in each language (for quick orders). Read
        on aiosqlite's thread and a worker thread: at 100,000 products it held the event loop
        for ~0.4 s."""
        rows = await self._read_long(_NAMES + " WHERE active = 1 ORDER BY id")
        return await asyncio.to_thread(_entries, rows)

    async def sku_index(self) -> dict[str, int]:
        """Every active product's id by its SKU as sku_key compares it (a batch file's SKUs
        looked up at once). Read on aiosqlite's thread and keyed on a worker thread: at 20,000
        products keying them on the loop held it for ~90 ms."""
        rows = await self._read_long("SELECT id, sku FROM products WHERE active = 1 ORDER BY id")
        return await asyncio.to_thread(_sku_keys, rows)

    async def _read_long(
        self, sql: str, parameters: Mapping[str, object] | None = None
    ) -> list[sqlite3.Row]:
        """All rows of a statement read on aiosqlite's thread (long work), the loop free."""
        token = OFFLOADED.set(True)
        try:
            async with self._conn.execute(sql, parameters) as cursor:
                return list(await cursor.fetchall())
        finally:
            OFFLOADED.reset(token)

    async def name_entries(self, ids: Sequence[int]) -> tuple[list[CatalogEntry], list[int]]:
        """The matcher's entries of these products as they are now: those sold, and the ids of
        those no longer sold (withdrawn or gone)."""
        if not ids:
            return [], []
        async with self._conn.execute(
            _NAMES + f" WHERE id IN ({placeholders(len(ids))})", list(ids)
        ) as cursor:
            rows = {r["id"]: r for r in await cursor.fetchall()}
        return _sold_and_gone(rows, ids)

    async def set_photo_file_id(self, product_id: int, file_id: str) -> None:
        """Remember Telegram's id of an uploaded photo, so it is sent by id next time."""
        await self._conn.execute(
            "UPDATE products SET photo_file_id = ? WHERE id = ?", (file_id, product_id)
        )

    async def reserve(self, product_id: int, qty: int) -> bool:
        """Hold units for an order; False when fewer are free (nothing changes then)."""
        cursor = await self._conn.execute(
            "UPDATE products SET reserved = reserved + ?"
            " WHERE id = ? AND stock_on_hand - reserved >= ?",
            (qty, product_id, qty),
        )
        return cursor.rowcount == 1

    async def take_out(self, product_id: int, qty: int, from_reserve: int) -> bool:
        """Units leave the warehouse (some of them held for this order); False if too few."""
        cursor = await self._conn.execute(
            "UPDATE products SET stock_on_hand = stock_on_hand - ?, reserved = reserved - ?"
            " WHERE id = ? AND stock_on_hand - ? >= reserved - ?",
            (qty, from_reserve, product_id, qty, from_reserve),
        )
        return cursor.rowcount == 1

    async def release(self, product_id: int, qty: int) -> None:
        """Give held units back to stock."""
        await self._conn.execute(
            "UPDATE products SET reserved = reserved - ? WHERE id = ?", (qty, product_id)
        )

    async def upsert_category(self, key: str, names: dict[Language, str], position: int) -> int:
        """Create or rename a category by its key; returns its id."""
        async with self._conn.execute(
            "INSERT INTO categories (key, name_en, name_zh, name_ru, position)"
            " VALUES (:key, :en, :zh, :ru, :pos) ON CONFLICT (key) DO UPDATE SET"
            " name_en = excluded.name_en,"
            " name_zh = COALESCE(NULLIF(excluded.name_zh, ''), name_zh),"
            " name_ru = COALESCE(NULLIF(excluded.name_ru, ''), name_ru) RETURNING id",
            {
                "key": key,
                "en": names[Language.EN],
                "zh": names.get(Language.ZH, ""),
                "ru": names.get(Language.RU, ""),
                "pos": position,
            },
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def upsert_product(self, values: dict[str, object], now: datetime) -> Upserted:
        """Create or update a product by SKU; returns its id and whether it was new."""
        async with self._conn.execute(
            "SELECT id, reserved FROM products WHERE sku = ?", (values["sku"],)
        ) as cursor:
            existing = await cursor.fetchone()
        params = {**values, "now": ts(now)}
        if existing is None:
            async with self._conn.execute(
                "INSERT INTO products (sku, category_id, name_en, name_zh, name_ru,"
                " description_en, description_zh, description_ru, price, stock_on_hand, preorder,"
                " photo, unit, updated_at) VALUES (:sku, :category_id, :name_en, :name_zh,"
                " :name_ru, :description_en, :description_zh, :description_ru, :price, :stock,"
                " :preorder, :photo, COALESCE(:unit, 'pcs'), :now) RETURNING id",
                params,
            ) as cursor:
                row = await cursor.fetchone()
            assert row is not None
            self.products_written.add(int(row[0]))
            return Upserted(int(row[0]), True)
        await self._conn.execute(
            "UPDATE products SET category_id = :category_id, name_en = :name_en,"
            " name_zh = :name_zh, name_ru = :name_ru, description_en = :description_en,"
            " description_zh = :description_zh, description_ru = :description_ru,"
            " price = :price, preorder = :preorder, active = 1, unit = COALESCE(:unit, unit),"
            " photo_file_id = CASE WHEN photo IS :photo THEN photo_file_id END,"
            " photo = :photo, updated_at = :now WHERE sku = :sku",
            params,
        )
        self.products_written.add(int(existing["id"]))
        return Upserted(int(existing["id"]), False)

    async def reserved(self, sku: str) -> int:
        """Units of a SKU held for orders."""
        async with self._conn.execute(
            "SELECT reserved FROM products WHERE sku = ?", (sku,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def replace_tiers(self, product_id: int, tiers: Sequence[PriceTier]) -> None:
        """Set a product's price tiers."""
        await self._conn.execute("DELETE FROM price_tiers WHERE product_id = ?", (product_id,))
        await self._conn.executemany(
            "INSERT INTO price_tiers (product_id, min_qty, unit_price) VALUES (?, ?, ?)",
            [(product_id, t.min_qty, t.unit_price) for t in tiers],
        )
