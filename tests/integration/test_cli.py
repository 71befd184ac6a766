"""The orderdesk command: migrate and catalog import against a real file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import FixedClock
from bot.config import Config, load_config
from bot.db import Database
from bot.domain.models import OrderStatus
from bot.domain.roles import Role
from bot.services import Services
from bot.services.transitions import apply_transition
from tests.conftest import DEMO, ROOT_CONFIG, START, load_demo_catalog
from tests.integration.helpers import customer, draft, product


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    text = ROOT_CONFIG.read_text(encoding="utf-8").replace(
        'path = "var/orderdesk.sqlite3"', f'path = "{tmp_path / "od.sqlite3"}"'
    )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_migrate_then_import_twice(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (
        main(["--config", str(config_file), "catalog", "import", str(DEMO / "products.csv")]) == 0
    )
    assert "created 8, updated 0, rejected 0" in capsys.readouterr().out
    assert (
        main(["--config", str(config_file), "catalog", "import", str(DEMO / "products.csv")]) == 0
    )
    assert "created 0, updated 8, rejected 0" in capsys.readouterr().out


def test_import_reports_rejected_rows(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("sku,category,name_en,price,stock\nA-1,misc,Thing,1.00,3\nB-2,misc,,2.00,1\n")
    assert main(["--config", str(config_file), "catalog", "import", str(csv)]) == 1
    out = capsys.readouterr().out
    assert "created 1, updated 0, rejected 1" in out and "line 3: missing name_en" in out
    assert main(["--config", str(config_file), "catalog", "import", str(tmp_path / "no.csv")]) == 1


def test_remind_dry_run_says_what_when_to_whom_and_why_and_sends_nothing(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(config_file)
    asyncio.run(_invoiced_prepaid_order(config))
    args = ["--config", str(config_file), "remind", "--dry-run"]
    assert main([*args, "--at", "2026-11-25 10:00"]) == 0
    out = capsys.readouterr().out
    assert "At 2026-11-25 10:00 (Asia/Shanghai): 3 to send, 0 held" in out
    assert (
        "- send: payment (level 1) SO-20261123-0001 → Customer 2 [customer, chat 2]"
        " — instalment 1 due 2026-11-23, 2 days overdue (step 1)" in out
    )
    assert "🔔 Friendly reminder: your payment for order SO-20261123-0001 is overdue." in out
    assert "- send: overdue (level 1) SO-20261123-0001 → Fay [finance, chat 103]" in out
    assert main([*args, "--at", "2026-11-25 23:00"]) == 0
    out = capsys.readouterr().out
    assert "1 to send, 2 held" in out  # quiet hours hold the customer and (staff) finance...
    assert "held until 2026-11-26 08:00" in out
    assert main([*args, "--at", "yesterday"]) == 2
    assert "is not a time" in capsys.readouterr().err

    async def logged() -> int:
        db = Database(config.database.path)
        await db.open()
        try:
            async with db.reader() as uow:
                return sum((await uow.reminders.statuses()).values())
        finally:
            await db.close()

    assert asyncio.run(logged()) == 0, "a dry run logs nothing"


async def _invoiced_prepaid_order(config: Config) -> None:
    """A customer's prepaid order, delivered and invoiced on 2026-11-23 (Shanghai)."""
    clock = FixedClock(START)
    db = Database(config.database.path)
    await db.open()
    try:
        await load_demo_catalog(db, config, clock)
        services = Services.build(db, config, clock)
        finance = await services.users.identify(103, "Fay", None, "en")
        async with db.unit_of_work() as uow:
            await uow.staff.grant(finance.id, Role.FINANCE, None, clock.now())
            await uow.commit()
        buyer = await customer(services, 2)
        await services.cart.add(buyer, (await product(services, "STP-24")).id, 2)
        order = (
            await services.checkout.submit(buyer, draft("t", delivery="pickup", address=None))
        ).order
        async with db.unit_of_work() as uow:
            for status in (OrderStatus.APPROVED, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
                order = await apply_transition(uow, order, status, actor_id=None, at=clock.now())
            await uow.commit()
        await services.finance.issue_invoice(finance, order_id=order.id)
    finally:
        await db.close()
