"""The quick-order matcher is built once per catalog: kept between quick orders, updated in place
for the products the editor or the import changed (the next quick order sees the change, without
a rebuild), built again after another process wrote to the file."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.db.catalog import read_name_index
from bot.domain.product_match import MatchKind
from bot.services import Services, quick_order
from bot.services.catalog_import import CatalogImportService
from bot.services.quick_order import QuickView, matcher_builds, matcher_updates
from tests.conftest import DEMO
from tests.integration.helpers import customer, product

HEADER = "sku,category,category_en,name_en,name_zh,price,tiers,stock,preorder,photo\n"


def skus(view: QuickView) -> list[set[str]]:
    """The SKUs each line offers (the chosen one, or the candidates)."""
    return [{view.products[pid].sku for pid in line.candidates} for line in view.order.lines]


async def test_kept_between_quick_orders_while_the_catalog_is_unchanged(
    services: Services, db: Database
) -> None:
    ann = await customer(services, 7101)
    before = matcher_builds(db)
    first = await services.quick_order.understand(ann, "3 x A4 paper")
    assert matcher_builds(db) == before + 1, "built by the first quick order"
    added = await services.quick_order.add_to_cart(ann, first.order)  # carts, not products
    assert added.added
    offered = await services.quick_order.offer(ann, "2 staplers")
    assert offered is not None
    second = await services.quick_order.understand(ann, "2 toner TN-2420, 1 stapler")
    assert [line.kind for line in second.order.lines] == [MatchKind.CERTAIN] * 2
    assert matcher_builds(db) == before + 1, "not built again: nothing in the catalog changed"
    assert {(line.sku, line.qty) for line in added.cart.lines} == {("PAP-A4-80", 3)}


async def test_editor_add_rename_withdraw_restore_seen_by_the_next_quick_order(
    services: Services, db: Database
) -> None:
    ann = await customer(services, 7102)
    admin = await services.users.identify(1, "Admin", None, "en")
    assert skus(await services.quick_order.understand(ann, "2 laminator")) == [set()]
    builds = matcher_builds(db)
    (category,) = [c for c in await services.product_editor.categories(admin)][:1]
    record = await services.product_editor.create(
        admin,
        {
            "sku": "LAM-A4",
            "category_id": category["id"],
            "name_en": "Laminator A4",
            "name_zh": "过塑机",
            "price": 19900,
        },
    )
    updates = matcher_updates(db)
    view = await services.quick_order.understand(ann, "2 laminator")
    assert skus(view) == [{"LAM-A4"}] and view.order.lines[0].kind is MatchKind.CERTAIN
    assert (matcher_builds(db), matcher_updates(db)) == (builds, updates + 1), "in place"

    await services.product_editor.edit(admin, record.id, "name_en", "Thermal binder A4")
    renamed = await services.quick_order.understand(ann, "2 thermal binder, 1 laminator")
    assert skus(renamed) == [{"LAM-A4"}, set()], "the new name is matched, the old one not"

    await services.product_editor.set_active(admin, record.id, False)
    withdrawn = await services.quick_order.understand(ann, "2 thermal binder")
    assert skus(withdrawn) == [set()], "withdrawn: never matched"
    assert withdrawn.order.lines[0].kind is MatchKind.NOT_FOUND

    await services.product_editor.set_active(admin, record.id, True)
    restored = await services.quick_order.understand(ann, "2 LAM-A4, 1 thermal binder")
    assert skus(restored) == [{"LAM-A4"}, {"LAM-A4"}] and restored.order.resolved
    assert matcher_builds(db) == builds, "never built again"
    assert matcher_updates(db) == updates + 4, "one update per change, none in between"
    async with db.reader() as uow:
        row = await uow.products.row(record.id)
    assert row is not None and row["name_en"] == "Thermal binder A4" and row["active"] == 1


async def test_csv_import_seen_by_the_next_quick_order(
    services: Services, db: Database, config: Config, clock: FixedClock
) -> None:
    ann = await customer(services, 7103)
    before = await services.quick_order.understand(ann, "2 shredder, 1 stapler")
    assert skus(before) == [set(), {"STP-24"}]
    report = await CatalogImportService(db, config, clock).import_csv(
        HEADER
        + "SHR-10,office,Office,Paper shredder,碎纸机,499.00,,5,no,\n"
        + "STP-24,office,Office,Heavy duty punch,,36.50,,120,no,\n",
        DEMO,
    )
    assert (report.created, report.updated, report.rejected) == (1, 1, [])
    builds = matcher_builds(db)
    after = await services.quick_order.understand(ann, "2 shredder, 1 stapler, 3 punch")
    assert matcher_builds(db) == builds, "updated in place"
    assert after.order.lines[0].kind is after.order.lines[2].kind is MatchKind.CERTAIN
    assert skus(after)[0] == {"SHR-10"} and skus(after)[2] == {"STP-24"}
    assert "STP-24" not in skus(after)[1], 'renamed: "stapler" is no longer its name'
    shredder = await product(services, "SHR-10")
    assert shredder.price == 49900 and shredder.available == 5


async def test_an_import_by_another_process_seen_by_the_next_quick_order(
    services: Services, db: Database, config: Config, clock: FixedClock
) -> None:
    ann = await customer(services, 7104)
    assert skus(await services.quick_order.understand(ann, "2 shredder")) == [set()]
    builds = matcher_builds(db)
    other = Database(config.database.path)  # `orderdesk import` while the bot runs
    await other.open()
    try:
        report = await CatalogImportService(other, config, clock).import_csv(
            HEADER + "SHR-10,office,Office,Paper shredder,碎纸机,499.00,,5,no,\n", DEMO
        )
    finally:
        await other.close()
    assert report.created == 1
    view = await services.quick_order.understand(ann, "2 shredder")
    assert skus(view) == [{"SHR-10"}] and view.order.resolved
    assert matcher_builds(db) == builds + 1
    await services.quick_order.understand(ann, "1 stapler")
    assert matcher_builds(db) == builds + 1, "our own reads change nothing"


async def test_built_at_start_up_and_a_quick_order_meanwhile_waits_for_that_build(
    services: Services, db: Database
) -> None:
    ann = await customer(services, 7105)
    services.quick_order.warm_up()
    services.quick_order.warm_up()  # once is enough: no second build
    view = await services.quick_order.understand(ann, "3 x A4 paper")  # before it is ready
    assert view.order.resolved and skus(view) == [{"PAP-A4-80"}]
    await services.quick_order.understand(ann, "1 stapler")
    assert (matcher_builds(db), matcher_updates(db)) == (1, 0)


async def test_a_big_import_is_built_in_the_background_while_the_old_index_serves(
    services: Services,
    db: Database,
    config: Config,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quick_order, "IN_PLACE", 1)  # two products: a big import
    ann = await customer(services, 7106)
    assert skus(await services.quick_order.understand(ann, "2 shredder")) == [set()]
    builds = matcher_builds(db)
    await CatalogImportService(db, config, clock).import_csv(
        HEADER
        + "SHR-10,office,Office,Paper shredder,碎纸机,499.00,,5,no,\n"
        + "LAM-A4,office,Office,Laminator A4,过塑机,199.00,,5,no,\n",
        DEMO,
    )
    stale = await services.quick_order.understand(ann, "2 shredder")
    assert skus(stale) == [set()], "the old index answers while the new one is built"
    rebuild = quick_order._INDEXES[db].rebuild
    assert rebuild is not None
    await rebuild
    assert matcher_builds(db) == builds + 1
    fresh = await services.quick_order.understand(ann, "2 shredder, 1 laminator")
    assert skus(fresh) == [{"SHR-10"}, {"LAM-A4"}] and fresh.order.resolved
    assert matcher_builds(db) == builds + 1 and matcher_updates(db) == 0


async def test_the_start_up_build_reads_the_catalog_off_the_shared_connection(
    db: Database,
) -> None:
    with contextlib.closing(db.read_only()) as conn:
        entries = list(read_name_index(conn))
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM products")
    async with db.reader() as uow:
        assert entries == await uow.catalog.name_index()
