"""The reminder scan on a large book: builds a SQLite file of N orders (fixed seed), times
ReminderService.due_reminders and queue_due, and prints the plans of the queries they run."""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FixedClock
from bot.config import Config, parse_config
from bot.db import Database
from bot.db._rows import ts
from bot.domain.models import PaymentKind
from bot.domain.payments import schedule
from bot.services import Services

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: digest due, not quiet
SEED = 20261123
REPS = 20
TERMS: dict[str, dict[str, Any]] = {
    "prepaid": {"kind": "prepaid"},
    "cod": {"kind": "cash_on_delivery"},
    "net30": {"kind": "net", "days": 30},
    "inst3": {"kind": "instalments", "count": 3, "interval_days": 30},
}
MIX = {"completed": 935, "open": 30, "submitted": 10, "approved": 10, "shipped": 10,
       "cancelled": 3, "rejected": 2}  # fmt: skip
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
# The scan's statements, told apart by a piece of their SQL.
LABELS = {
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


def book(n: int, cfg: Config) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of a seller's last two years: staff, customers, n orders and what followed."""
    rng, zone, today = random.Random(SEED), cfg.business.zone, NOW.astimezone(cfg.business.zone)
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
    staff = [*(["sales_rep"] * REPS), "finance", "sales_manager", "warehouse"]
    for uid, role in enumerate(staff, 1):
        rows["users"].append((uid, 1000 + uid, f"Staff {uid}", "en", None, ts(NOW), None))
        rows["user_roles"].append((uid, role, ts(NOW)))
    customers = max(20, n // 50)
    for cid in range(1, customers + 1):
        uid, lang = len(staff) + cid, rng.choice(["en", "en", "zh", "ru"])
        zone_name = "Europe/Moscow" if lang == "ru" and rng.random() < 0.5 else None
        gone = ts(NOW) if rng.random() < 0.01 else None
        rows["users"].append((uid, 10**6 + cid, f"C{cid}", lang, zone_name, ts(NOW), gone))
        rep = rng.randint(1, REPS) if rng.random() < 0.85 else None
        paused = ts(NOW) if rng.random() < 0.01 else None
        rows["customers"].append((cid, uid, f"Customer {cid}", f"+86138{cid:08d}", rep,
                                  ts(NOW), paused))  # fmt: skip
    rows["categories"].append((1, "all", "All"))
    prices = [rng.randint(5, 500) * 100 for _ in range(50)]
    for pid, price in enumerate(prices, 1):
        rows["products"].append((pid, f"SKU-{pid}", 1, f"Product {pid}", price, 10**6, ts(NOW)))
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=n)
    plans = []
    for kind in kinds:  # open balances: due 25 days ahead to 120 days overdue
        term = rng.choices(list(TERMS), weights=[25, 10, 50, 15])[0]
        issued = None
        if kind == "open":
            term, late = rng.choice(["net30", "net30", "inst3"]), rng.randint(-25, 120)
            issued = today - timedelta(days=late + (30 if term == "net30" else rng.randint(0, 60)))
            at = issued - timedelta(days=rng.uniform(2, 10))
        else:
            span = {"submitted": (0, 3), "approved": (0.5, 12), "shipped": (1, 20)}
            at = NOW - timedelta(days=rng.uniform(*span.get(kind, (5, 730))))
        plans.append((at.astimezone(UTC), kind, term, issued))
    plans.sort(key=lambda plan: plan[0])
    numbers: Counter[str] = Counter()
    for oid, (at, kind, term, issued) in enumerate(plans, 1):
        cid = rng.randint(1, customers)
        rep = rows["customers"][cid - 1][4]
        day = f"{at.astimezone(zone):%Y%m%d}"
        numbers[day] += 1
        lines = [(rng.randrange(50), rng.randint(1, 12)) for _ in range(rng.randint(1, 3))]
        subtotal = sum(prices[p] * q for p, q in lines)
        total = subtotal + 1500
        decided = min(at + timedelta(hours=rng.uniform(0.2, 24)), NOW - timedelta(minutes=30))
        status = {"open": rng.choice(["delivered", "completed"]), "shipped": "shipped"}.get(
            kind, kind
        )
        if kind == "approved":
            status = rng.choice(["approved", "approved", "partially_shipped"])
        promised = None
        if kind == "approved" and rng.random() < 0.3:
            promised = (decided.astimezone(zone) + timedelta(days=rng.randint(1, 10))).date()
        route = "manager" if rng.random() < 0.1 else ("rep" if rep and rng.random() < 0.6 else "auto")
        if kind == "submitted" and route == "auto":
            route = "manager"
        paid = {"completed": total, "open": 0}.get(kind, 0)
        if kind == "open" and rng.random() < 0.4:
            paid = rng.randint(total // 10, total * 9 // 10)
        pay_status = "paid" if paid >= total else ("partially_paid" if paid else "unpaid")
        rows["orders"].append((oid, f"SO-{day}-{numbers[day]:04d}", cid, status, pay_status,
            "standard" if rng.random() < 0.8 else "bulk", "courier", "1 Road, Shanghai", term,
            subtotal, 0, 1500, 0, 0, total, "CNY", f"bench-{oid}", ts(at), ts(decided),
            promised and promised.isoformat()))  # fmt: skip
        for p, q in lines:
            reserved = q if kind in ("submitted", "approved") else 0
            shipped = q if kind in ("completed", "open", "shipped") else 0
            rows["order_lines"].append((oid, p + 1, f"SKU-{p + 1}", f"Product {p + 1}", q,
                                        prices[p], prices[p] * q, reserved, shipped))  # fmt: skip
        undecided = kind == "submitted"
        by = None if undecided or route == "auto" else (rep if route == "rep" else REPS + 2)
        rows["order_reviews"].append(
            (oid, route, rep if route == "rep" else None, by, None if undecided else ts(decided))
        )
        if kind in ("completed", "open", "shipped") or status == "partially_shipped":
            sent = min(decided + timedelta(days=rng.uniform(0.5, 3)), NOW - timedelta(hours=1))
            expected = None
            if rng.random() < 0.5:
                expected = (sent.astimezone(zone) + timedelta(days=rng.randint(2, 5))).date()
            arrived = None if kind in ("shipped", "approved") else ts(sent + timedelta(days=2))
            rows["shipments"].append((oid, "Courier", expected and expected.isoformat(),
                                      ts(sent), arrived))  # fmt: skip
        if kind not in ("completed", "open"):
            continue
        if issued is None:
            issued = (at + timedelta(days=rng.uniform(2, 5))).astimezone(zone)
        t = TERMS[term]
        dues = schedule(PaymentKind(t["kind"]), total, issued.date(), days=t.get("days"),
                        count=t.get("count"), interval=t.get("interval_days"))  # fmt: skip
        rows["invoices"].append((oid, f"INV-{oid:08d}", total, ts(issued)))
        rows["due_dates"].extend((oid, s, d.isoformat(), a) for s, (d, a) in enumerate(dues, 1))
        if paid:
            on: date = min(dues[-1][0], today.date()) if kind == "completed" else today.date()
            rows["payments"].append((oid, paid, "bank_transfer", on.isoformat(), ts(NOW)))
    return rows


class Bench:
    """The database and services under test; reopening empties SQLite's page cache."""

    def __init__(self, path: Path, cfg: Config) -> None:
        self.path, self.cfg = path, cfg
        self.db = Database(path)
        self.services = Services.build(self.db, cfg, FixedClock(NOW))

    async def reopen(self) -> None:
        """A fresh connection (the OS file cache stays warm)."""
        await self.db.close()
        self.db = Database(self.path)
        await self.db.open()
        self.services = Services.build(self.db, self.cfg, FixedClock(NOW))

    async def load(self, n: int) -> None:
        """Create and migrate the file, then insert the book in one transaction."""
        await self.reopen()
        conn = self.db.connection
        await conn.execute("BEGIN")
        for table, rows in book(n, self.cfg).items():
            cols = COLUMNS[table].split()
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            await conn.executemany(sql, rows)
        await conn.execute("COMMIT")

    async def count(self, sql: str) -> int:
        """One number from the database."""
        return int(next(iter(await self.db.connection.execute_fetchall(sql)))[0])

    async def forget(self) -> None:
        """Empty the reminder log, so that the next queue_due logs everything again."""
        await self.db.connection.execute("DELETE FROM reminders")

    async def balances(self) -> int:
        """How many open balances there are (read as the scan reads them)."""
        async with self.db.reader() as uow:
            return len(await uow.payments.open_balances())


async def timed(
    name: str, step: Callable[[], Awaitable[Any]], runs: int, before: Bench | None = None
) -> Any:
    """Run a step `runs` times (after an untimed reopen or reset) and print a row."""
    times, result = [], None
    for _ in range(runs):
        if before is not None:
            await (before.reopen() if name.endswith("cold") else before.forget())
        start = time.perf_counter()
        result = await step()
        times.append((time.perf_counter() - start) * 1000)
    size = result if isinstance(result, int) else len(result)
    print(f"{name:<34}{runs:>5}{statistics.median(times):>10.1f}{min(times):>10.1f}"
          f"{max(times):>10.1f}{size:>9}")  # fmt: skip
    return result


async def plans(bench: Bench) -> None:
    """Trace one steady-state queue_due and print the plan of each statement it runs."""
    conn, seen, runs = bench.db.connection, dict[str, str](), Counter[str]()

    def trace(sql: str) -> None:
        if sql.split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            label = next((v for k, v in LABELS.items() if k in sql), f"other: {sql[:40]}")
            seen.setdefault(label, sql)
            runs[label] += 1

    await conn.set_trace_callback(trace)
    await bench.services.reminders.queue_due()
    await conn.set_trace_callback(None)  # type: ignore[arg-type]
    partial = {r[0] for r in await conn.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'")}  # fmt: skip
    for label, sql in seen.items():
        aliases = {a or t: t for t, a in re.findall(
            r"(?:FROM|JOIN) (\w+)(?: (?!ON\b|WHERE\b|JOIN\b|LEFT\b|ORDER\b)(\w+))?", sql)}  # fmt: skip
        details = [r[3] for r in await conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")]
        bad = [d for d in details if (m := re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX "
               r"(\w+))?", d)) and aliases.get(m[1], m[1]) in WATCHED and m[2] not in partial]  # fmt: skip
        verdict = f"WARNING: full scan: {'; '.join(bad)}" if bad else "OK"
        print(f"\n{label} (run {runs[label]}x): {verdict}")
        print("  " + re.sub(r"\((?:[\d.'\w:+-]+, ){3,}[\d.'\w:+-]+\)", "(…)", sql))
        print("\n".join(f"    {d}" for d in details))


async def main(n: int, runs: int) -> None:
    """Build the book, time the scan, print the plans."""
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp) / "bench.sqlite3", config(Path(tmp) / "bench.sqlite3"))
        start = time.perf_counter()
        await bench.load(n)
        print(f"book built in {time.perf_counter() - start:.1f} s, now = {NOW.isoformat()}")
        for what, sql in [
            ("orders", "SELECT COUNT(*) FROM orders"),
            ("customers", "SELECT COUNT(*) FROM customers"),
            ("shipments in transit", "SELECT COUNT(*) FROM shipments WHERE delivered_at IS NULL"),
            ("orders submitted", "SELECT COUNT(*) FROM orders WHERE status = 'submitted'"),
            ("orders unpaid/partial", "SELECT COUNT(*) FROM orders WHERE payment_status"
             " IN ('unpaid', 'partially_paid') AND status NOT IN ('cancelled', 'rejected')"),
        ]:  # fmt: skip
            print(f"  {what:<22}{await bench.count(sql):>9}")
        print(f"\n{'step':<34}{'runs':>5}{'median ms':>10}{'min ms':>10}{'max ms':>10}{'result':>9}")
        reminders = bench.services.reminders
        await timed("due_reminders(now) cold", lambda: reminders.due_reminders(NOW), runs, bench)
        reminders = bench.services.reminders
        planned = await timed("due_reminders(now) warm", lambda: reminders.due_reminders(NOW), runs)
        await timed("payments.open_balances()", bench.balances, runs)
        await timed("queue_due() first (logs all)", reminders.queue_due, runs, bench)
        await timed("queue_due() again (nothing new)", reminders.queue_due, runs)
        held = sum(p.held_until is not None for p in planned)
        kinds = Counter(p.kind.value for p in planned)
        print(f"\nplanned {len(planned)} ({held} held by quiet hours): {dict(kinds)}")
        print(f"logged: {await bench.count('SELECT COUNT(*) FROM reminders')} reminders")
        await plans(bench)
        await bench.db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=100_000, help="orders in the book")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each step")
    args = parser.parse_args()
    asyncio.run(main(args.orders, args.runs))
