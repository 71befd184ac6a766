"""Spreadsheets are user input too: a batch upload or a catalog import whose cells hold
arbitrary text is checked row by row and refused with reasons, never with a crash."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.db import Database
from bot.domain.batch import BatchFileInvalid
from bot.domain.models import User
from bot.domain.roles import Role
from bot.services import Services
from bot.services.catalog_import import CatalogImportService
from tests.conftest import START, load_demo_catalog, make_config
from tests.integration.helpers import customer
from tests.reliability.test_parsers_property import PROPERTY, TRICKY, hostile


@dataclass
class Desk:
    runner: asyncio.Runner
    services: Services
    manager: User


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """One database for every example: a catalog, a customer and a sales manager."""
    path: Path = tmp_path_factory.mktemp("hostile") / "od.sqlite3"
    config = make_config(path, business={"admins": [1]})
    clock = FixedClock(START)
    db = Database(path)
    with asyncio.Runner() as runner:

        async def setup() -> tuple[Services, User]:
            await db.open()
            await load_demo_catalog(db, config, clock)
            services = Services.build(db, config, clock)
            await customer(services, 20)
            admin = await services.users.identify(1, "Ada", None, "en")
            manager = await services.users.identify(30, "Mia", None, "en")
            await services.staff.set_role(admin, manager.id, Role.SALES_MANAGER, held=True)
            return services, manager

        services, manager = runner.run(setup())
        yield Desk(runner, services, manager)
        runner.run(db.close())


def _file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["customer", "sku", "qty", "delivery", "address", "payment_term", "note"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


odd = st.one_of(hostile.map(lambda s: s[:350]), st.text(alphabet=TRICKY, max_size=8))
row = st.tuples(
    st.one_of(odd, st.sampled_from(["+8613800138000", "Customer 20", "1", "𐩀", "፩፩"])),
    st.one_of(odd, st.sampled_from(["STP-24", "stp-24", "PAP-A4-80"])),
    st.one_of(odd, st.sampled_from(["1", "3.0", "²", "𐩀", "-1", "99999999999999"])),
    st.one_of(odd, st.sampled_from(["courier", "pickup"])),
    odd,
    st.one_of(odd, st.sampled_from(["prepaid", "cod", "net30"])),
    odd,
).map(list)


@PROPERTY
@given(st.lists(row, min_size=1, max_size=6))
@example([["𐩀", "STP-24", "1", "pickup", "", "prepaid", ""]])
@example([["፩፩፩፩፩፩፩", "STP-24", "1", "pickup", "", "prepaid", ""]])
def test_batch_rows_of_any_text_are_checked_not_crashed(desk: Desk, rows: list[list[str]]) -> None:
    try:
        checking = desk.services.batch_orders.check(desk.manager, "o.csv", _file(rows))
        check = desk.runner.run(checking)
    except BatchFileInvalid:
        return
    assert check.broken_rows + len(check.orders) >= 1


@pytest.mark.parametrize(
    ("stock", "tiers", "reason"),
    [
        ("𐩀", "", "stock: '𐩀' is not a whole number"),
        ("²", "", "stock: '²' is not a whole number"),
        ("5", "𐩀:1.00", "tiers: '𐩀:1.00' is not MIN_QTY:PRICE"),
        ("5", "²:1.00", "tiers: '²:1.00' is not MIN_QTY:PRICE"),
    ],
)
async def test_catalog_rows_with_odd_digits_are_rejected(
    db: Database, stock: str, tiers: str, reason: str
) -> None:
    text = f"sku,category,name_en,price,stock,tiers\nODD-1,misc,Odd,1.00,{stock},{tiers}\n"
    config = make_config(db.path)
    report = await CatalogImportService(db, config, FixedClock(START)).import_csv(text, Path("."))
    assert report.created == 0
    ((line, said),) = report.rejected
    assert line == 2 and said.startswith(reason), said
