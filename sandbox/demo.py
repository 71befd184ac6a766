"""`make demo`: a fresh demo database, the sandbox server and the real bot pointed at it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.clock import FixedClock, SystemClock
from bot.config import Config, load_config
from bot.db import Database
from bot.domain.roles import Role
from bot.services import Services
from bot.services.catalog_import import CatalogImportService
from bot.services.checkout import CheckoutDraft
from sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
TOKEN = "123456:DEMO-TOKEN-NOT-SECRET"
# The sandbox takes any payment provider token: with one, the demo's invoices can be paid in chat.
PROVIDER_TOKEN = "284685063:TEST:SANDBOX-NOT-SECRET"


@dataclass(frozen=True)
class Persona:
    """A person of the demo: a sandbox user, maybe a registered customer or staff."""

    id: int
    first_name: str
    last_name: str | None
    language_code: str
    label: str
    customer: bool = False
    role: Role | None = None


PERSONAS = (
    Persona(7000011, "Sam", "Rep", "en", "Sales rep", role=Role.SALES_REP),
    Persona(7000012, "Mia", "Manager", "en", "Sales manager", role=Role.SALES_MANAGER),
    Persona(7000013, "Wu", "Warehouse", "zh-hans", "Warehouse", role=Role.WAREHOUSE),
    Persona(7000014, "Fay", "Finance", "en", "Finance", role=Role.FINANCE),
    Persona(7000015, "Ada", "Admin", "en", "Admin"),
    Persona(7000001, "Ann", "Lee", "en", "Customer", customer=True),
    Persona(7000002, "李雷", None, "zh-hans", "Customer (中文)", customer=True),
    Persona(7000003, "Ivan", "Petrov", "ru", "Customer (русский), not registered"),
)
ADMIN_ID = 7000015
STAFF_IDS = (7000011, 7000013, 7000014)  # the rep, the warehouse, finance


def write_config(folder: Path, port: int, *, provider_token: str = "") -> Path:
    """The example configuration pointed at the sandbox and a demo database (with a payment
    provider token: paying in chat on)."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    replacements = {
        r"^base_url = .*$": f'base_url = "http://127.0.0.1:{port}/bot"',
        r"^base_file_url = .*$": f'base_file_url = "http://127.0.0.1:{port}/file/bot"',
        r"^path = .*$": f'path = "{folder / "orderdesk.sqlite3"}"',
        r"^admins = .*$": f"admins = [{ADMIN_ID}]",
        r"^flush_interval = .*$": "flush_interval = 1.0",
        # The demo shows its reminders whatever the hour: no quiet hours.
        r"^quiet_end = .*$": 'quiet_end = "21:00"',
        # Tests and benchmarks drive people through the sandbox faster than anyone types.
        r"^flood_burst = .*$": "flood_burst = 100000",
        r"^provider_token = .*$": f'provider_token = "{provider_token}"',
    }
    for pattern, value in replacements.items():
        text = re.sub(pattern, value.replace("\\", "\\\\"), text, count=1, flags=re.MULTILINE)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def seed_catalog(config_path: Path) -> None:
    """The demo catalog, with photos."""
    config = load_config(config_path, environ={})
    db = Database(config.database.path)
    await db.open()
    try:
        text = (DEMO / "products.csv").read_text(encoding="utf-8")
        await CatalogImportService(db, config, SystemClock()).import_csv(text, DEMO)
    finally:
        await db.close()


async def start_bot(config_path: Path, **options: Any) -> asyncio.subprocess.Process:
    """`python -m bot run` with the demo token, in its own session (Ctrl-C reaches only us)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config_path),
        "run",
        env={**os.environ, "ORDERDESK_TOKEN": TOKEN},
        cwd=ROOT,
        start_new_session=True,
        **options,
    )


async def seed(config_path: Path) -> None:
    """The catalog, two registered customers, an order waiting for the rep, and an order
    delivered and invoiced ten days ago and still unpaid (so reminders have work)."""
    await seed_catalog(config_path)
    config = load_config(config_path, environ={})
    db = Database(config.database.path)
    await db.open()
    try:
        clock = SystemClock()
        services = Services.build(db, config, clock)
        addresses = {7000001: "1 Garden Road, Shanghai", 7000002: "上海市浦东新区世纪大道100号"}
        phones = {7000001: "+8613800138000", 7000002: "+8613900139000"}  # one customer each
        for p in PERSONAS:  # staff first: customers are assigned to the rep as they register
            user = await services.users.identify(p.id, p.first_name, None, p.language_code)
            if p.role:
                admin = await services.users.identify(ADMIN_ID, "Ada", None, "en")
                await services.staff.set_role(admin, user.id, p.role, held=True)
            if p.customer:
                await services.customers.register(
                    user,
                    name=" ".join(filter(None, (p.first_name, p.last_name))),
                    phone=phones[p.id],
                    company=None,
                    address=addresses[p.id],
                )
        ann = await services.users.identify(7000001, "Ann", None, "en")
        stapler = (await services.catalog.search("STP-24", 0, ann.language)).items[0]
        await services.cart.add(ann, stapler.id, 2)
        await services.checkout.submit(
            ann,
            CheckoutDraft(
                token="demo-seed",
                delivery="courier",
                address=addresses[7000001],
                date_chosen=True,
                term="prepaid",
                note_chosen=True,
            ),
        )
        await _overdue_order(db, config)
    finally:
        await db.close()


async def _overdue_order(db: Database, config: Config) -> None:
    """李雷's order, approved, shipped, received and invoiced ten days ago, not paid."""
    clock = FixedClock(SystemClock().now() - timedelta(days=10))
    services = Services.build(db, config, clock)
    li = await services.users.identify(7000002, "李雷", None, "zh-hans")
    rep, wu, fay = [await services.users.identify(i, "", None, "en") for i in STAFF_IDS]
    refill = (await services.catalog.search("STP-REFILL", 0, li.language)).items[0]
    await services.cart.add(li, refill.id, 10)
    draft = CheckoutDraft(
        token="demo-seed-li",
        delivery="pickup",
        address=None,
        date_chosen=True,
        term="cod",  # shipped before payment: a prepaid order would wait for its money
        note_chosen=True,
    )
    order = (await services.checkout.submit(li, draft)).order
    await services.approvals.approve(rep, order.id)
    lines = {
        line.id: line.qty for line in (await services.fulfilment.pick_list(wu, order.id)).lines
    }
    shipped = await services.fulfilment.ship(wu, order.id, lines, "SF Express", "SF1234567", None)
    await services.fulfilment.confirm_receipt(li, shipped.shipment.id)
    await services.finance.issue_invoice(fay, order_id=order.id)


async def run(port: int, folder: Path) -> int:
    """Seed, serve, start the bot; stop both on Ctrl-C or SIGTERM."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    server = SandboxServer(port=port)
    url = await server.start()
    config_path = write_config(folder, server.port, provider_token=PROVIDER_TOKEN)
    await seed(config_path)
    for p in PERSONAS:
        server.fake.create_user(
            p.first_name, p.last_name, language_code=p.language_code, user_id=p.id, label=p.label
        )
    bot = await start_bot(config_path)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"\nOrderDesk demo: open {url} in your browser (Ctrl-C stops).\n", flush=True)
    waiter = asyncio.create_task(bot.wait())
    await asyncio.wait([waiter, asyncio.create_task(stop.wait())], return_when="FIRST_COMPLETED")
    if bot.returncode is None:
        bot.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(waiter, 15)
        except TimeoutError:
            bot.kill()
            await waiter
    await server.stop()
    print("OrderDesk demo stopped.", flush=True)
    return 0 if stop.is_set() else (bot.returncode or 1)


def main() -> int:
    """Entry point: python -m sandbox.demo [--port 8080]."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.demo", description=__doc__)
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "demo")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(run(args.port, args.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
