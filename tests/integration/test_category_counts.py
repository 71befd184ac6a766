"""Each category's count of active products (0034_category_counts.sql) stays what counting the
products gives, whatever writes them: the editor, the CSV import, a move, a delete; /catalog
lists the categories as counting them did."""

from __future__ import annotations

import random

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.models import Category, Language
from bot.services import Services
from bot.services.catalog_import import CatalogImportService
from tests.conftest import DEMO

HEADER = "sku,category,category_en,name_en,name_zh,price,tiers,stock,preorder,photo\n"
KEYS = ("paper", "toner", "office", "spare", "bulk")  # the demo's, and two the import adds

# /catalog's query before the column: the categories as counting their products lists them.
COUNTED = (
    "SELECT c.id, c.key, c.name_en AS name, COUNT(p.id) AS n FROM categories c"
    " JOIN products p ON p.category_id = c.id AND p.active = 1"
    " GROUP BY c.id ORDER BY c.position, name, c.id"
)


async def drift(db: Database) -> list[tuple[str, int, int]]:
    """Categories whose column differs from a count of their active products: key, column,
    count."""
    async with (
        db.reader(),
        db.connection.execute(
            "SELECT c.key, c.active_products,"
            " (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id AND p.active = 1)"
            " FROM categories c ORDER BY c.id"
        ) as cursor,
    ):
        rows = [(r[0], r[1], r[2]) for r in await cursor.fetchall()]
    return [row for row in rows if row[1] != row[2]]


async def counted(db: Database) -> list[Category]:
    """The categories /catalog listed by counting (in English)."""
    async with db.reader(), db.connection.execute(COUNTED) as cursor:
        return [
            Category(id=r["id"], key=r["key"], name=r["name"], product_count=r["n"])
            for r in await cursor.fetchall()
        ]


async def category_ids(db: Database) -> dict[str, int]:
    """Every category's id by its key."""
    async with db.reader(), db.connection.execute("SELECT key, id FROM categories") as cursor:
        return {r[0]: r[1] for r in await cursor.fetchall()}


async def test_the_demo_catalog_is_counted(db: Database) -> None:
    assert await drift(db) == []
    async with db.reader() as uow:
        listed = await uow.catalog.categories(Language.EN)
    assert listed == await counted(db)
    assert sum(c.product_count for c in listed) == 8


@pytest.mark.parametrize("seed", range(6))
async def test_the_count_follows_every_write_to_products(
    db: Database, config: Config, clock: FixedClock, seed: int
) -> None:
    rng = random.Random(seed)
    importer = CatalogImportService(db, config, clock)
    ours: list[int] = []  # products the test made (no stock, no orders): deletable
    imported: dict[str, str] = {}  # SKUs the test imported, and their category
    async with db.reader(), db.connection.execute("SELECT id FROM products") as cursor:
        every = [r[0] for r in await cursor.fetchall()]
    for step in range(60):
        ids = await category_ids(db)
        operation = rng.choice(
            ["add", "add_inactive", "deactivate", "reactivate", "move", "move_and_flip",
             "same", "delete", "import"]
        )  # fmt: skip
        if operation == "import":
            rows: list[str] = []
            for _ in range(rng.randint(1, 4)):
                if imported and rng.random() < 0.5:
                    sku = rng.choice(sorted(imported))
                else:
                    sku = f"IMP-{seed}-{step}-{len(rows)}"
                if sku in {r.split(",")[0] for r in rows}:
                    continue
                key = rng.choice(KEYS)
                imported[sku] = key
                rows.append(f"{sku},{key},{key.title()},Item {sku},,1.00,,0,no,\n")
            report = await importer.import_csv(HEADER + "".join(rows), DEMO)
            assert report.rejected == []
            async with (
                db.reader(),
                db.connection.execute("SELECT id FROM products WHERE sku LIKE 'IMP-%'") as cursor,
            ):
                for (product_id,) in await cursor.fetchall():
                    if product_id not in every:
                        every.append(product_id)
                        ours.append(product_id)
        else:
            async with db.unit_of_work() as uow:
                now = clock.now()
                if operation in ("add", "add_inactive"):
                    product_id = await uow.products.add(
                        {
                            "sku": f"ADD-{seed}-{step}",
                            "category_id": ids[rng.choice(KEYS[:3])],
                            "name_en": f"Added {step}",
                            "name_zh": "",
                            "name_ru": "",
                            "description_en": "",
                            "description_zh": "",
                            "description_ru": "",
                            "price": 100,
                            "preorder": 0,
                            "photo_file_id": None,
                            "unit": "pcs",
                        },
                        now,
                    )
                    if operation == "add_inactive":
                        await uow.products.set(product_id, "active", 0, now)
                    ours.append(product_id)
                    every.append(product_id)
                elif operation in ("deactivate", "reactivate", "same"):
                    value = {"deactivate": 0, "reactivate": 1}.get(operation)
                    for product_id in rng.sample(every, rng.randint(1, 3)):
                        if value is None:
                            await db.connection.execute(
                                "UPDATE products SET active = active, category_id = category_id"
                                " WHERE id = ?",
                                (product_id,),
                            )
                        else:
                            await uow.products.set(product_id, "active", value, now)
                elif operation == "move":
                    product_id = rng.choice(every)
                    await uow.products.set(
                        product_id, "category_id", ids[rng.choice(sorted(ids))], now
                    )
                elif operation == "move_and_flip":
                    await db.connection.execute(
                        "UPDATE products SET category_id = ?, active = 1 - active WHERE id = ?",
                        (ids[rng.choice(sorted(ids))], rng.choice(every)),
                    )
                elif ours:
                    product_id = ours.pop(rng.randrange(len(ours)))
                    every.remove(product_id)
                    await db.connection.execute("DELETE FROM products WHERE id = ?", (product_id,))
                await uow.commit()
        assert await drift(db) == [], (seed, step, operation)
    expected = await counted(db)
    async with db.reader() as uow:
        assert await uow.catalog.categories(Language.EN) == expected
        for category in expected:
            found = await uow.catalog.category(category.id, Language.EN)
            page = await uow.catalog.products_in(category.id, Language.EN, 0, 1000)
            assert found == category
            assert page.total == category.product_count == len(page.items)


async def test_a_category_with_only_withdrawn_products_leaves_the_catalog(
    db: Database, services: Services, clock: FixedClock
) -> None:
    paper = (await category_ids(db))["paper"]
    before = await services.catalog.categories(Language.EN)
    (shown,) = [c for c in before if c.id == paper]
    async with (
        db.reader(),
        db.connection.execute(
            "SELECT id FROM products WHERE category_id = ? AND active = 1", (paper,)
        ) as cursor,
    ):
        products = [r[0] for r in await cursor.fetchall()]
    assert len(products) == shown.product_count > 1
    async with db.unit_of_work() as uow:
        for product_id in products[1:]:
            await uow.products.set(product_id, "active", 0, clock.now())
        await uow.commit()
    (shown,) = [c for c in await services.catalog.categories(Language.EN) if c.id == paper]
    assert shown.product_count == 1
    async with db.unit_of_work() as uow:
        await uow.products.set(products[0], "active", 0, clock.now())
        await uow.commit()
    after = await services.catalog.categories(Language.EN)
    assert [c for c in before if c.id != paper] == after
    category, page = await services.catalog.category_page(paper, 0, Language.EN)
    assert category.product_count == 0 and page.total == 0 and page.items == ()
    async with db.unit_of_work() as uow:
        await uow.products.set(products[0], "active", 1, clock.now())
        await uow.commit()
    assert [c.id for c in await services.catalog.categories(Language.EN)] == [c.id for c in before]
    assert await drift(db) == []
