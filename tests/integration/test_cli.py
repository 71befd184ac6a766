"""The orderdesk command: migrate and catalog import against a real file."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

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
                order = await apply_transition(
                    uow, order, status, config=config, actor_id=None, at=clock.now()
                )
            await uow.commit()
        await services.finance.issue_invoice(finance, order_id=order.id)
    finally:
        await db.close()


def test_export_writes_xlsx_and_csv_with_english_headers(
    tmp_path: Path,
    config_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asyncio.run(_invoiced_prepaid_order(load_config(config_file)))
    args = ["--config", str(config_file), "export"]
    november = ["--from", "2026-11-01", "--to", "2026-11-30"]
    out = tmp_path / "november.xlsx"
    assert main([*args, "orders", *november, "--out", str(out)]) == 0
    assert (
        f"1 row of orders (2026-11-01 to 2026-11-30) written to {out}" in capsys.readouterr().out
    )
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Order", "Submitted", "Customer")
    assert (rows[1][0], rows[1][rows[0].index("Total")]) == ("SO-20261123-0001", 70)

    monkeypatch.chdir(tmp_path)
    assert main([*args, "payments", *november, "--format", "csv"]) == 0
    assert "0 rows of payments" in capsys.readouterr().out
    text = (tmp_path / "payments-20261101-20261130.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == [
        "Paid on,Type,Order,Customer,Invoice,Method,Amount,Recorded,Recorded by"
    ]
    assert main([*args, "lines", *november, "--out", "lines.csv"]) == 0
    lines = list(csv.reader(io.StringIO(Path("lines.csv").read_text(encoding="utf-8-sig"))))
    assert lines[1][lines[0].index("SKU")] == "STP-24"
    assert lines[1][lines[0].index("Amount")] == "70.00"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["everything", "--from", "2026-11-01", "--to", "2026-11-30"], "which data? one of"),
        ([], "which data? one of"),
        (["orders", "--to", "2026-11-30"], "--from is missing"),
        (["orders", "--from", "2026-13-01", "--to", "2026-12-01"], "is not a day"),
        (["orders", "--from", "2026-11-30", "--to", "2026-11-01"], "must not end before"),
        (["orders", "--from", "2016-01-01", "--to", "2026-01-01"], "at most 366 days"),
        (["orders", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "pdf"], "'pdf'"),
        (["orders", "--from", "2026-11-01", "--to", "2026-11-30", "--out", "x.json"], "'json'"),
    ],
)
def test_export_refuses_bad_arguments_in_one_line(
    config_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    assert main(["--config", str(config_file), "export", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("orderdesk: export: ") and says in err
    assert len(err.strip().splitlines()) == 1
