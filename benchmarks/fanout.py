"""Reminder fan-out: 10,000 customers each owe an invoice due today; one run of the reminder job
(bot/handlers/reminders.py `scan`) sends their reminders through the sandbox in flood-limit
mode (Telegram's 30 messages a second), with OrderDesk's Application, its rate limiter and
its production settings, over HTTP. How close to 30 a second, and whether Telegram ever had to
answer 429."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.book import COLUMNS, TERMS, config
from benchmarks.report import Row, emit
from bot.app import build_application
from bot.clock import FixedClock
from bot.db import Database
from bot.db._rows import ts
from bot.handlers import reminders
from bot.handlers.context import BotContext
from sandbox.client import SandboxClient
from sandbox.server import SandboxServer

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: not quiet hours
TELEGRAM_PER_SECOND, GOAL = 30, 0.95
FIRST_ID = 20_000_000  # sandbox ids of the customers (the bot is 1000001)


async def seed(db: Database, customers: int) -> None:
    """A customer per person, each with an order delivered on net 30 and invoiced 30 days ago:
    due today, unpaid. Inserted in one transaction (the triggers put each on the agenda)."""
    conn, now, due = db.connection, ts(NOW), f"{NOW.date()}"
    invoiced = ts(NOW - timedelta(days=30))
    rows: dict[str, list[tuple[object, ...]]] = {
        "users": [
            (cid, FIRST_ID + cid, f"C{cid}", "en", None, now, None)
            for cid in range(1, customers + 1)
        ],
        "customers": [
            (cid, cid, f"Customer {cid}", f"+86{cid:011d}", None, now, None)
            for cid in range(1, customers + 1)
        ],
        "orders": [
            (
                cid,
                f"SO-20261024-{cid:05d}",
                cid,
                "delivered",
                "unpaid",
                "standard",
                "courier",
                "1 Road, Shanghai",
                "net30",
                10000,
                0,
                1500,
                0,
                0,
                11500,
                "CNY",
                f"fan-{cid}",
                invoiced,
                invoiced,
                None,
            )
            for cid in range(1, customers + 1)
        ],
        "invoices": [(cid, f"INV-{cid:08d}", 11500, invoiced) for cid in range(1, customers + 1)],
        "due_dates": [(cid, 1, due, 11500) for cid in range(1, customers + 1)],
    }
    await conn.execute("BEGIN")
    for table, values in rows.items():
        cols = COLUMNS[table].split()
        marks = ", ".join("?" * len(cols))
        await conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", values)
    await conn.execute("COMMIT")


def busiest_second(times: list[float]) -> int:
    """The most sends in any one-second window."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def main(customers: int, out: Path | None) -> list[Row]:
    """Seed, start the Application against the sandbox in flood mode, run one scan."""
    with tempfile.TemporaryDirectory() as tmp:
        server = SandboxServer(port=0)
        url = await server.start()
        path = Path(tmp) / "fanout.sqlite3"
        telegram = {
            "token": "123456:FANOUT-TOKEN-NOT-SECRET",
            "base_url": f"{url}/bot",
            "base_file_url": f"{url}/file/bot",
            "rate_limit": True,
        }
        cfg = config(path, telegram=telegram)
        assert "net30" in TERMS and cfg.telegram.rate_limit
        db = Database(path)
        await db.open()
        await seed(db, customers)
        await db.close()
        async with SandboxClient(url) as client:
            for cid in range(1, customers + 1):  # the people, with their ids, in the sandbox
                server.fake.create_user(f"C{cid}", language_code="en", user_id=FIRST_ID + cid)
            app = build_application(cfg, clock=FixedClock(NOW))
            await app.initialize()
            assert app.post_init is not None
            await app.post_init(app)
            try:
                await client.flood(True)
                calls = len(server.fake.calls)
                print(f"{customers:,} reminders due; sending in flood-limit mode…", flush=True)
                start = time.monotonic()
                sent = await reminders.scan(BotContext(app))
                took = time.monotonic() - start
                refused = int((await client.state())["flood_refused"])
            finally:
                assert app.post_shutdown is not None
                await app.post_shutdown(app)
                await app.shutdown()
        sends = [
            at
            for (name, _), at in zip(
                server.fake.calls[calls:], server.fake.call_times[calls:], strict=False
            )
            if name == "sendMessage"
        ]
        await server.stop()
    rate = (len(sends) - 1) / (sends[-1] - sends[0]) if len(sends) > 1 else 0.0
    share = rate / TELEGRAM_PER_SECOND
    met = share >= GOAL and refused == 0 and sent == customers
    print(
        f"sent {sent:,} of {customers:,} in {took:.1f} s (the scan included); {rate:.2f}/s"
        f" from the first send to the last; busiest second {busiest_second(sends)};"
        f" 429 answered: {refused}"
    )
    detail = f"{sent:,} of {customers:,} sent; busiest second {busiest_second(sends)} sends"
    return [
        Row("fanout", "reminders a second", detail, rate, None,
            f"{share:.1%} of 30/s (≥ 95%), no 429: {'met' if met else 'MISSED'}", "/s"),
        Row("fanout", "429 answered", "sends Telegram refused (flood_refused)", refused, None,
            "0: " + ("met" if refused == 0 else "MISSED"), ""),
    ]  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=10_000, help="reminders to send")
    parser.add_argument("--quick", action="store_true", help="1,000 customers")
    parser.add_argument("--json", type=Path, help="also write the table's rows here")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    emit(asyncio.run(main(1000 if args.quick else args.customers, args.json)), args.json)
