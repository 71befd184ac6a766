"""The reminder scan on a large book: builds a SQLite file of N orders (fixed seed), times
ReminderService.due_reminders and queue_due, and prints the plans of the queries they run."""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FixedClock
from bot.config import Config, parse_config
from bot.db import Database
from bot.db._rows import ts
from bot.domain.payments import schedule
from bot.services import Services

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: digest due, not quiet
SEED = 20261123
REPS = 20  # staff user ids: reps 1..20, then finance, sales manager, warehouse
TERMS: dict[str, dict[str, Any]] = {
    "prepaid": {"kind": "prepaid"},
    "cod": {"kind": "cash_on_delivery"},
    "net30": {"kind": "net", "days": 30},
    "inst3": {"kind": "instalments", "count": 3, "interval_days": 30},
}
# Per mille of orders; "open": delivered and invoiced, not (fully) paid.
MIX = {"completed": 935, "open": 30, "submitted": 10, "approved": 10, "shipped": 10}
MIX |= {"cancelled": 3, "rejected": 2}
COLUMNS = {
    "users": "id telegram_id first_name language time_zone created_at unreachable_at",
    "user_roles": "user_id role granted_at",
    "customers": "id user_id name phone rep_id created_at reminders_paused_at",
    "categories": "id key name_en",
    "products": "id sku category_id name_en price stock_on_hand updated_at",
    "orders": "id number customer_id status payment_status order_type delivery_method address"
    " payment_term subtotal discount delivery_fee tax tax_included total currency submit_token"
    " submitted_at updated_at promised_date",
    "order_lines": "order_id product_id sku name qty unit_price total reserved_qty shipped_qty",
    "order_reviews": "order_id route rep_id decided_by decided_at",
    "shipments": "order_id carrier expected_date shipped_at delivered_at",
    "invoices": "order_id number amount issued_at",
    "due_dates": "order_id seq due_on amount",
    "payments": "order_id amount method paid_on recorded_at",
}
LABELS = {  # the scan's statements, told apart by a piece of their SQL
    "JOIN due_dates": "open_balances",
    "status = 'submitted'": "undecided",
    "'partially_shipped'": "unshipped",
    "FROM shipments s": "in_transit",
    "FROM reminders": "logged",
    "FROM customers c JOIN users": "contacts",
    "FROM users WHERE id": "users.by_id",
    "FROM user_roles WHERE user_id": "staff.roles",
    "FROM user_roles WHERE role": "staff.with_role",
}
WATCHED = {"orders", "shipments", "reminders", "due_dates", "payments", "order_reviews"}
Rows = dict[str, list[tuple[Any, ...]]]


def config(path: Path) -> Config:
    """A minimal configuration (Shanghai, CNY) with net and instalment terms."""
    return parse_config(
        {
            "database": {"path": str(path)},
            "business": {"timezone": "Asia/Shanghai", "currency": "CNY", "admins": [1]},
            "checkout": {"default_payment_terms": list(TERMS)},
            "delivery": [{"code": "courier", "fee": "15.00", "names": {"en": "Courier"}}],
            "payment_terms": [{"code": code, **term} for code, term in TERMS.items()],
        },
        environ={},
    )


def book(n: int, cfg: Config) -> Rows:
    """Rows of a seller's last two years: staff, customers (most with a rep, a few paused or
    unreachable), n orders and what followed each."""
    rng, zone, today = random.Random(SEED), cfg.business.zone, NOW.astimezone(cfg.business.zone)
    rows: Rows = {table: [] for table in COLUMNS}
    now, customers = ts(NOW), max(20, n // 50)
    for uid, role in enumerate(
        [*["sales_rep"] * REPS, "finance", "sales_manager", "warehouse"], 1
    ):
        rows["users"].append((uid, 1000 + uid, f"Staff {uid}", "en", None, now, None))
        rows["user_roles"].append((uid, role, now))
    for cid in range(1, customers + 1):
        uid, lang = REPS + 3 + cid, rng.choice(["en", "en", "zh", "ru"])
        zone_name = "Europe/Moscow" if lang == "ru" and rng.random() < 0.5 else None
        gone = now if rng.random() < 0.01 else None
        rows["users"].append((uid, 10**6 + cid, f"C{cid}", lang, zone_name, now, gone))
        rep = rng.randint(1, REPS) if rng.random() < 0.85 else None
        paused = now if rng.random() < 0.01 else None
        rows["customers"].append((cid, uid, f"Customer {cid}", f"+86{cid:011d}", rep, now, paused))
    prices = [rng.randint(5, 500) * 100 for _ in range(50)]
    rows["categories"].append((1, "all", "All"))
    for pid, price in enumerate(prices, 1):
        rows["products"].append((pid, f"SKU-{pid}", 1, f"Product {pid}", price, 10**6, now))
    plans = []
    for kind in rng.choices(list(MIX), weights=list(MIX.values()), k=n):
        term, issued = rng.choices(list(TERMS), weights=[25, 10, 50, 15])[0], None
        if kind == "open":  # 60% overdue by 1-120 days, the rest due within 30 days
            late = rng.randint(1, 120) if rng.random() < 0.6 else rng.randint(-29, 0)
            term = rng.choice(["net30", "net30", "inst3"])
            issued = today - timedelta(days=late + (30 if term == "net30" else rng.randint(0, 60)))
            at = issued - timedelta(days=rng.uniform(2, 10))
        else:
            span = {"submitted": (0, 3), "approved": (0.5, 12), "shipped": (1, 20)}
            at = NOW - timedelta(days=rng.uniform(*span.get(kind, (5, 730))))
        plans.append((at.astimezone(UTC), kind, term, issued))
    plans.sort(key=lambda plan: plan[0])  # ids grow with time, as they do
    numbers: Counter[str] = Counter()
    for oid, (at, kind, term, issued) in enumerate(plans, 1):
        cid = rng.randint(1, customers)
        rep = rows["customers"][cid - 1][4]
        day = f"{at.astimezone(zone):%Y%m%d}"
        numbers[day] += 1
        lines = [(rng.randrange(50), rng.randint(1, 12)) for _ in range(rng.randint(1, 3))]
        total = sum(prices[p] * q for p, q in lines) + 1500
        decided = min(at + timedelta(hours=rng.uniform(0.2, 24)), NOW - timedelta(minutes=30))
        status = {"open": rng.choice(["delivered", "completed"])}.get(kind, kind)
        if kind == "approved":
            status = rng.choice(["approved", "approved", "partially_shipped"])
        promised = None
        if kind == "approved" and rng.random() < 0.3:
            promised = f"{decided.astimezone(zone) + timedelta(days=rng.randint(1, 10)):%Y-%m-%d}"
        route = rng.choices(["auto", "rep", "manager"], weights=[30, 60 if rep else 0, 10])[0]
        if kind == "submitted" and route == "auto":
            route = "manager"
        paid = total if kind == "completed" else 0
        if kind == "open" and rng.random() < 0.4:
            paid = rng.randint(total // 10, total * 9 // 10)
        paying = "paid" if paid >= total else ("partially_paid" if paid else "unpaid")
        order_type = "standard" if rng.random() < 0.8 else "bulk"
        rows["orders"].append((oid, f"SO-{day}-{numbers[day]:04d}", cid, status, paying,
            order_type, "courier", "1 Road, Shanghai", term, total - 1500, 0, 1500, 0, 0, total,
            "CNY", f"bench-{oid}", ts(at), ts(decided), promised))  # fmt: skip
        for p, q in lines:
            reserved = q if kind in ("submitted", "approved") else 0
            shipped = q if kind in ("completed", "open", "shipped") else 0
            rows["order_lines"].append((oid, p + 1, f"SKU-{p + 1}", f"Product {p + 1}", q,
                prices[p], prices[p] * q, reserved, shipped))  # fmt: skip
        waiting = kind == "submitted"
        by = None if waiting or route == "auto" else (rep if route == "rep" else REPS + 2)
        rows["order_reviews"].append(
            (oid, route, rep if route == "rep" else None, by, None if waiting else ts(decided))
        )
        if kind in ("completed", "open", "shipped") or status == "partially_shipped":
            sent = min(decided + timedelta(days=rng.uniform(0.5, 3)), NOW - timedelta(hours=1))
            expected = sent.astimezone(zone) + timedelta(days=rng.randint(2, 5))
            arrived = None if kind in ("shipped", "approved") else ts(sent + timedelta(days=2))
            day_given = f"{expected:%Y-%m-%d}" if rng.random() < 0.5 else None
            rows["shipments"].append((oid, "Courier", day_given, ts(sent), arrived))
        if kind not in ("completed", "open"):
            continue
        issued = issued or (at + timedelta(days=rng.uniform(2, 5))).astimezone(zone)
        t = cfg.payment_terms[list(TERMS).index(term)]
        dues = schedule(
            t.kind, total, issued.date(), days=t.days, count=t.count, interval=t.interval_days
        )
        rows["invoices"].append((oid, f"INV-{oid:08d}", total, ts(issued)))
        rows["due_dates"].extend((oid, s, f"{d}", a) for s, (d, a) in enumerate(dues, 1))
        if paid:
            on = min(dues[-1][0], today.date()) if kind == "completed" else today.date()
            rows["payments"].append((oid, paid, "bank_transfer", f"{on}", now))
    return rows


class Bench:
    """The database and services under test; reopening starts with SQLite's cache empty."""

    def __init__(self, path: Path, cfg: Config) -> None:
        self.path, self.cfg = path, cfg
        self.db = Database(path)
        self.services = Services.build(self.db, cfg, FixedClock(NOW))

    async def reopen(self) -> None:
        """A fresh connection (the operating system's file cache stays warm)."""
        await self.db.close()
        self.db = Database(self.path)
        await self.db.open()
        self.services = Services.build(self.db, self.cfg, FixedClock(NOW))

    async def load(self, n: int) -> None:
        """Create and migrate the file, then insert the book in one transaction."""
        await self.reopen()
        await self.db.connection.execute("BEGIN")
        for table, rows in book(n, self.cfg).items():
            cols = COLUMNS[table].split()
            marks = ", ".join("?" * len(cols))
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})"
            await self.db.connection.executemany(sql, rows)
        await self.db.connection.execute("COMMIT")

    async def sql(self, statement: str) -> list[Any]:
        """Rows of a statement, outside the services."""
        return list(await self.db.connection.execute_fetchall(statement))

    async def forget(self) -> None:
        """Empty the reminder log, so that the next queue_due logs everything again."""
        await self.sql("DELETE FROM reminders")

    async def balances(self) -> list[Any]:
        """Open balances, read as the scan reads them."""
        async with self.db.reader() as uow:
            return list(await uow.payments.open_balances())


async def timed(
    name: str, step: Callable[[], Awaitable[list[Any]]], runs: int, before: Any = None
) -> list[Any]:
    """Run a step `runs` times, each after an untimed `before()`, and print a row."""
    times, result = [], []
    for _ in range(runs):
        if before is not None:
            await before()
        gc.collect()
        start = time.perf_counter()
        result = await step()
        times.append((time.perf_counter() - start) * 1000)
    median, low, high = statistics.median(times), min(times), max(times)
    print(f"{name:<36}{runs:>5}{median:>10.1f}{low:>10.1f}{high:>10.1f}{len(result):>9}")
    return result


def full_scans(sql: str, details: list[str], partial: set[str]) -> list[str]:
    """Plan steps reading a whole big table (a partial index holds only the rows wanted)."""
    found = re.findall(r"(?:FROM|JOIN) (\w+)(?: (?!ON\b|WHERE\b|JOIN\b|LEFT\b)(\w+))?", sql)
    tables = {alias or table: table for table, alias in found}
    bad = []
    for step in details:
        scan = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", step)
        if scan and tables.get(scan[1], scan[1]) in WATCHED and scan[2] not in partial:
            bad.append(step)
    return bad


async def plans(bench: Bench) -> int:
    """Trace one steady-state queue_due, print each statement's plan; count full scans."""
    conn, seen, runs, warnings = bench.db.connection, dict[str, str](), Counter[str](), 0

    def trace(sql: str) -> None:
        if sql.split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            label = next((v for k, v in LABELS.items() if k in sql), f"other: {sql[:40]}")
            seen.setdefault(label, sql)
            runs[label] += 1

    await conn.set_trace_callback(trace)
    await bench.services.reminders.queue_due()
    await conn.set_trace_callback(None)  # type: ignore[arg-type]
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'"
    partial = {r[0] for r in await bench.sql(indexes)}
    for label, sql in seen.items():
        details = [r[3] for r in await bench.sql(f"EXPLAIN QUERY PLAN {sql}")]
        bad = full_scans(sql, details, partial)
        warnings += bool(bad)
        verdict = f"WARNING: full scan ({'; '.join(bad)})" if bad else "OK"
        print(f"\n{label} (run {runs[label]}x): {verdict}")
        print("  " + re.sub(r"\((?:[^(),]+, ){3,}[^(),]+\)", "(…)", sql))
        print("\n".join(f"    {d}" for d in details))
    return warnings


async def main(n: int, runs: int) -> None:
    """Build the book, time the scan, print the plans."""
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp) / "bench.sqlite3", config(Path(tmp) / "bench.sqlite3"))
        start = time.perf_counter()
        await bench.load(n)
        print(f"book of {n} orders built in {time.perf_counter() - start:.1f} s; now {NOW}")
        for table in ("customers", "orders", "due_dates", "payments", "shipments", "in transit"):
            where = "shipments WHERE delivered_at IS NULL" if table == "in transit" else table
            print(f"  {table:<24}{(await bench.sql(f'SELECT COUNT(*) FROM {where}'))[0][0]:>8}")

        def scan() -> Awaitable[list[Any]]:
            return bench.services.reminders.due_reminders(NOW)

        def queue() -> Awaitable[list[Any]]:
            return bench.services.reminders.queue_due()

        print(f"\n{'step':<36}{'runs':>5}{'median ms':>10}{'min ms':>10}{'max ms':>10}{'rows':>9}")
        try:
            await timed("due_reminders(now), cold connection", scan, runs, bench.reopen)
            planned = await timed("due_reminders(now), warm", scan, runs)
            await timed("payments.open_balances() alone", bench.balances, runs)
            await timed("queue_due(), first (logs all due)", queue, runs, bench.forget)
            await timed("queue_due(), again (nothing new)", queue, runs)
            held = sum(p.held_until is not None for p in planned)
            kinds = dict(Counter(p.kind.value for p in planned))
            print(f"\nplanned {len(planned)} ({held} held by quiet hours): {kinds}")
            print(f"logged {(await bench.sql('SELECT COUNT(*) FROM reminders'))[0][0]} reminders")
            print(f"\n{await plans(bench)} statement(s) with a full scan of a big table")
        finally:
            await bench.db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=100_000, help="orders in the book")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each step")
    args = parser.parse_args()
    asyncio.run(main(args.orders, args.runs))
