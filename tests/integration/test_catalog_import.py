"""Catalog import: re-runnable by SKU, every rejected row named with its reason."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.models import Language
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


async def test_update_changes_price_and_stock(
    db: Database, config: Config, clock: FixedClock
) -> None:
    service = CatalogImportService(db, config, clock)
    report = await service.import_csv(
        HEADER + "STP-24,office,Office,Stapler,,36.50,,7,no,\n", DEMO
    )
    assert (report.created, report.updated) == (0, 1)
    async with db.reader() as uow:
        (product,), _ = await uow.catalog.search("STP-24", Language.EN, 0, 10)
    assert (product.price, product.available, product.name) == (3650, 7, "Stapler")


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
