"""Catalog import: re-runnable by SKU, every rejected row named with its reason."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.models import Language, Unit
from bot.domain.stock import MoveKind
from bot.services.catalog_import import CatalogImportService
from tests.conftest import DEMO

HEADER = "sku,category,category_en,name_en,name_zh,price,tiers,stock,preorder,photo\n"


async def test_demo_catalog_imports_and_reimports_by_sku(
    db: Database, config: Config, clock: FixedClock
) -> None:
    service = CatalogImportService(db, config, clock)
    text = (DEMO / "products.csv").read_text(encoding="utf-8")
    report = await service.import_csv(text, DEMO)  # the fixture imported it once already
    assert (report.created, report.updated, report.rejected) == (0, 8, [])
    async with db.reader() as uow:
        found = await uow.catalog.search("PAP-A4-80", Language.ZH, 0, 10)
    product = found[0][0]
    assert product.name == "A4复印纸 80克（500张）"
    assert [t.min_qty for t in product.tiers] == [10, 50]
    assert product.price == 2500 and product.available == 400
    assert product.photo and Path(product.photo).is_file()


async def test_update_changes_price_but_never_stock(
    db: Database, config: Config, clock: FixedClock
) -> None:
    service = CatalogImportService(db, config, clock)
    report = await service.import_csv(
        HEADER + "STP-24,office,Office,Stapler,,36.50,,120,no,\n", DEMO
    )
    assert (report.created, report.updated, report.rejected) == (0, 1, [])
    async with db.reader() as uow:
        (product,), _ = await uow.catalog.search("STP-24", Language.EN, 0, 10)
    assert (product.price, product.available, product.name) == (3650, 120, "Stapler")
    # Goods leave (or arrive) after the file was written: the stale count is refused.
    async with db.unit_of_work() as uow:
        row = await uow.stock.by_sku("STP-24", Language.EN)
        assert row is not None
        await uow.stock.apply(row.product_id, -5, MoveKind.ADJUSTMENT, "count", None, clock.now())
        await uow.commit()
    report = await service.import_csv(
        HEADER + "STP-24,office,Office,Stapler two,,37.00,,120,no,\n", DEMO
    )
    assert report.updated == 0
    ((line, reason),) = report.rejected
    assert line == 2 and "sku STP-24: stock 120 differs from the 115 on hand" in reason
    assert "/receive or /adjust" in reason
    async with db.reader() as uow:
        (product,), _ = await uow.catalog.search("STP-24", Language.EN, 0, 10)
        assert await uow.stock.ledger_sum(product.id) == 115
    assert (product.price, product.available, product.name) == (3650, 115, "Stapler")


async def test_a_new_products_stock_is_its_opening_movement(
    db: Database, config: Config, clock: FixedClock
) -> None:
    report = await CatalogImportService(db, config, clock).import_csv(
        HEADER + "NEW-1,office,Office,New,,1.00,,7,no,\nNEW-2,office,Office,None,,1.00,,0,no,\n",
        DEMO,
    )
    assert report.created == 2
    async with (
        db.reader(),
        db.connection.execute(
            "SELECT p.sku, m.kind, m.qty FROM stock_moves m JOIN products p ON p.id = m.product_id"
            " WHERE p.sku LIKE 'NEW-%'"
        ) as cursor,
    ):
        assert [tuple(r) for r in await cursor.fetchall()] == [("NEW-1", "import", 7)]


async def test_rejected_rows_are_reported_and_valid_rows_kept(
    tmp_path: Path, db: Database, config: Config, clock: FixedClock
) -> None:
    rows = [
        "NEW-1,office,Office,Good row,好,1.00,,5,no,",
        "NEW-2,office,Office,Bad price,,abc,,5,no,",
        "NEW-3,office,Office,Too precise,,1.001,,5,no,",
        "NEW-1,office,Office,Duplicate,,1.00,,5,no,",
        ",office,Office,No SKU,,1.00,,5,no,",
        "NEW-4,office,Office,Bad tiers,,10.00,5:12.00,5,no,",
        "NEW-5,office,Office,Bad stock,,1.00,,-2,no,",
        "NEW-6,office,Office,Bad flag,,1.00,,5,maybe,",
        "NEW-7,office,Office,No photo,,1.00,,5,no,missing.png",
        "NEW 8,office,Office,Bad sku,,1.00,,5,no,",
    ]
    report = await CatalogImportService(db, config, clock).import_csv(
        HEADER + "\n".join(rows) + "\n", tmp_path
    )
    assert report.created == 1
    reasons = dict(report.rejected)
    assert sorted(reasons) == list(range(3, 12))
    assert "price" in reasons[3] and "decimals" in reasons[4] and "twice" in reasons[5]
    assert "missing sku" in reasons[6] and "tiers" in reasons[7] and "stock" in reasons[8]
    assert "preorder" in reasons[9] and "photo" in reasons[10] and "sku" in reasons[11]


async def test_bad_header_rejects_the_file(
    db: Database, config: Config, clock: FixedClock
) -> None:
    report = await CatalogImportService(db, config, clock).import_csv("a,b\n1,2\n", DEMO)
    assert report.created == 0 and report.rejected[0][0] == 1


async def test_an_optional_unit_column_sets_the_unit_and_an_unknown_one_is_refused(
    db: Database, config: Config, clock: FixedClock
) -> None:
    service = CatalogImportService(db, config, clock)
    header = "sku,category,name_en,price,stock,unit\n"
    report = await service.import_csv(
        header
        + "PAP-BOX,office,Paper by the box,120.00,0,Box\n"
        + "CBL-1,office,Cable,3.00,0,m\n"
        + "RIB-1,office,Ribbon,2.00,0,crate\n"
        + "PIN-1,office,Pins,1.00,0,\n",
        DEMO,
    )
    assert (report.created, report.updated) == (3, 0)
    assert report.rejected == [
        (4, "unit: 'crate' is not one of pcs, box, pack, ream, set, kg, m, l")
    ]
    units = {}
    async with db.reader() as uow:
        for sku in ("PAP-BOX", "CBL-1", "PIN-1"):
            product = await uow.catalog.by_sku(sku, Language.EN)
            assert product is not None
            units[sku] = product.unit
    assert units == {"PAP-BOX": Unit.BOX, "CBL-1": Unit.M, "PIN-1": Unit.PCS}
    # A file without the column (or a blank cell) keeps the unit a product has.
    report = await service.import_csv(
        HEADER + "PAP-BOX,office,Office,Paper by the box,,125.00,,0,no,\n", DEMO
    )
    assert (report.updated, report.rejected) == (1, [])
    async with db.reader() as uow:
        product = await uow.catalog.by_sku("PAP-BOX", Language.EN)
    assert product is not None and (product.unit, product.price) == (Unit.BOX, 12500)
