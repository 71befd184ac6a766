"""/search on the trigram index (migration 0031): relevance, any script, typos, and the index
kept in step with the catalog by the editor and across the upgrade."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from bot.db import Database
from bot.db.catalog import SEARCH_CAP
from bot.domain.models import Language, Product
from bot.services import Services
from tests.processes import runs_as_us

ADMIN = 1  # an admin in the test configuration
T = "2026-11-23T02:00:00+00:00"


async def found(db: Database, words: str, language: Language = Language.EN) -> list[str]:
    """SKUs of the first page, in order; checks the total against a count-only call."""
    async with db.reader() as uow:
        page = await uow.catalog.search(words, language, 0, 20)
        _, total = await uow.catalog.search(words, language, 0, 0)
    assert total == page.total
    return [p.sku for p in page.items]


async def names(db: Database, words: str, language: Language) -> list[str]:
    async with db.reader() as uow:
        items: list[Product] = (await uow.catalog.search(words, language, 0, 20)).items
    return [p.name for p in items]


async def add(db: Database, sku: str, name_en: str, name_zh: str = "", name_ru: str = "") -> None:
    await db.connection.execute(
        "INSERT INTO products (sku, category_id, name_en, name_zh, name_ru, price, updated_at)"
        " VALUES (?, (SELECT MIN(id) FROM categories), ?, ?, ?, 100, ?)",
        (sku, name_en, name_zh, name_ru, T),
    )


async def test_exact_sku_first_then_sku_prefix_then_names(db: Database) -> None:
    await add(db, "MUG-2", "Travel flask")
    await add(db, "MUG", "Plain white cup")
    await add(db, "CUP-MUG", "Coffee cup")
    await add(db, "BOWL-1", "Mug and bowl set for a big family breakfast table")
    await add(db, "BOWL-2", "Mug")
    mug = await found(db, "mug")
    assert mug[:2] == ["MUG", "MUG-2"]
    assert set(mug[2:]) == {"CUP-MUG", "BOWL-1", "BOWL-2"}
    assert mug.index("BOWL-2") < mug.index("BOWL-1")  # the shorter name, the closer match
    assert await found(db, "bowl set") == ["BOWL-1"]


async def test_chinese_substrings_short_and_long(db: Database) -> None:
    assert await found(db, "复印纸", Language.ZH) == ["PAP-A3-80", "PAP-A4-80"] or await found(
        db, "复印纸", Language.ZH
    ) == ["PAP-A4-80", "PAP-A3-80"]
    assert await names(db, "订书", Language.ZH) == ["24/6 订书机", "24/6 订书钉（1000枚）"]
    one = await found(db, "纸", Language.ZH)  # one character: the capped LIKE over the names
    assert {"PAP-A4-80", "PAP-A3-80"} <= set(one)
    assert "STP-24" not in one


async def test_russian_in_any_letter_case(db: Database) -> None:
    assert set(await found(db, "бумага", Language.RU)) == {"PAP-A4-80", "PAP-A3-80"}
    assert await names(db, "СТЕПЛЕР", Language.RU) == ["Степлер № 24/6"]


async def test_a_typo_in_a_longer_word_still_finds_it(db: Database) -> None:
    assert (await found(db, "stappler"))[0] == "STP-24"  # an extra letter
    assert (await found(db, "Stapelr"))[0] == "STP-24"  # two swapped
    assert (await found(db, "tonar"))[0] == "TN-2420"  # a wrong one
    assert (await found(db, "Степлр", Language.RU))[0] == "STP-24"  # a missing one
    # the literal text wins: no typo matches are mixed in when it is found as written
    assert await found(db, "stapler") == ["STP-24"]
    assert await found(db, "qwertyuiop") == []


async def test_literal_text_and_paging(db: Database) -> None:
    await add(db, "MUG-Q", 'Mug "Deluxe" (gift box) AND more')
    assert await found(db, '"Deluxe" (gift box) AND') == ["MUG-Q"]  # no FTS syntax: literal
    assert await found(db, "NEAR(") == []
    assert await found(db, "100%") == []
    async with db.reader() as uow:
        page = await uow.catalog.search("paper", Language.EN, 1, 1)
        beyond = await uow.catalog.search("paper", Language.EN, 50, 10)
    assert len(page.items) == 1 and page.total == 2
    assert beyond.items == [] and beyond.total == 2


async def test_withdrawn_and_renamed_products_by_the_editor(
    db: Database, services: Services
) -> None:
    admin = await services.users.identify(ADMIN, "Admin", None, "en")
    async with db.reader() as uow:
        stapler = await uow.catalog.by_sku("STP-24", Language.EN)
    assert stapler is not None
    await services.product_editor.set_active(admin, stapler.id, False)
    assert "STP-24" not in await found(db, "stapler")  # (the refill's name is one typo off)
    assert "STP-24" not in await found(db, "STP-24")
    await services.product_editor.set_active(admin, stapler.id, True)
    assert await found(db, "STP-24") == ["STP-24"]
    await services.product_editor.edit(admin, stapler.id, "name_en", "Zebra heavy duty")
    await services.product_editor.edit(admin, stapler.id, "name_ru", "Зебра")
    assert await found(db, "zebra heavy") == ["STP-24"]
    assert await found(db, "зебра", Language.RU) == ["STP-24"]
    assert "STP-24" not in await found(db, "Stapler No")
    assert "STP-24" not in await found(db, "Степлер", Language.RU)
    await add(db, "GONE-1", "Okapi lamp")
    assert await found(db, "okapi") == ["GONE-1"]
    await db.connection.execute("DELETE FROM products WHERE sku = 'GONE-1'")
    assert await found(db, "okapi") == []
    (left,) = await db.connection.execute_fetchall("SELECT COUNT(*) FROM product_search")
    (active,) = await db.connection.execute_fetchall("SELECT COUNT(*) FROM products WHERE active")
    assert left[0] == active[0]


async def test_the_upgrade_indexes_the_products_already_there(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    fresh = Database(path)
    await fresh.open()
    await fresh.close()
    # back to the schema before 0031 (its objects dropped, its record gone), products added
    conn = sqlite3.connect(path, isolation_level=None)
    for trigger in ("product_search_insert", "product_search_update", "product_search_delete"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE product_search")
    conn.execute("DELETE FROM schema_migrations WHERE name = '0031_search.sql'")
    conn.execute("INSERT INTO categories (key, name_en) VALUES ('misc', 'Misc')")
    for sku, name, active in (("OLD-1", "Vintage globe", 1), ("OLD-2", "Vintage map", 0)):
        conn.execute(
            "INSERT INTO products (sku, category_id, name_en, name_ru, price, active, updated_at)"
            " VALUES (?, 1, ?, 'Старинный глобус', 100, ?, ?)",
            (sku, name, active, T),
        )
    conn.close()
    db = Database(path)
    await db.open()
    try:
        assert await found(db, "vintage") == ["OLD-1"]
        assert await found(db, "глобус", Language.RU) == ["OLD-1"]
    finally:
        await db.close()


async def test_a_broad_search_lists_at_most_the_cap_and_still_the_exact_sku_first(
    db: Database,
) -> None:
    await db.connection.executemany(
        "INSERT INTO products (sku, category_id, name_en, price, updated_at)"
        " VALUES (?, (SELECT MIN(id) FROM categories), ?, 100, ?)",
        [(f"W-{n:05d}", f"Widget {n}", T) for n in range(SEARCH_CAP + 100)],
    )
    await add(db, "WIDGET", "Spare part")  # the newest product: beyond the first SEARCH_CAP hits
    async with db.reader() as uow:
        page = await uow.catalog.search("widget", Language.EN, 0, 5)
        last = await uow.catalog.search("widget", Language.EN, SEARCH_CAP - 2, 5)
    assert page.total == SEARCH_CAP + 1
    assert [p.sku for p in page.items][:1] == ["WIDGET"]
    assert len(last.items) == 3 and last.total == SEARCH_CAP + 1


async def test_a_search_runs_apart_from_the_loop_the_writers_and_the_long_reads(
    db: Database, services: Services
) -> None:
    """/search took ~16 ms at 100,000 products on the event loop, and every other customer
    waited for it (benchmarks/no_stall.py). It reads on a connection of its own: it goes ahead
    while a writer holds the shared connection and while a year's report reads, and sees what
    was committed when it began; its ranking runs on that connection's thread (at the
    answers' priority), its page of products by key on the loop (a trip costs a loop turn)."""
    async with db.unit_of_work() as uow:
        await add(db, "GLOBE-1", "Desk globe")
        await uow.commit()
    async with db.reader(apart=True):  # opens the connection, to watch its statements
        apart = db._apart_reads.conn
    assert apart is not None
    ran: list[tuple[int, str]] = []
    apart._conn.set_trace_callback(lambda sql: ran.append((threading.get_ident(), sql)))
    holding, done = asyncio.Event(), asyncio.Event()

    async def others() -> None:
        """A report reading meanwhile, and a writer in progress: before, the search waited."""
        async with db.reader(long=True), db.unit_of_work():
            await add(db, "GLOBE-2", "Globe lamp")  # not committed: not seen
            holding.set()
            await done.wait()

    other = asyncio.create_task(others())
    await holding.wait()
    try:
        page = await asyncio.wait_for(services.catalog.search("globe", 0, Language.EN), 5)
    finally:
        done.set()
        await other
    assert [p.sku for p in page.items] == ["GLOBE-1"] and page.total == 1
    loop = threading.get_ident()
    ranked = [thread for thread, sql in ran if "ORDER BY (upper(p.sku)" in sql]
    paged = [thread for thread, sql in ran if sql.startswith("SELECT") and "WHERE p.id IN" in sql]
    assert ranked and loop not in ranked, "ranked on the connection's thread"
    assert paged and set(paged) == {loop}, "the page read by key on the loop"
    assert runs_as_us(await apart._execute(threading.get_native_id)), (
        "at the answers' priority, not below like the long reads"
    )
