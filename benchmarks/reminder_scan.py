"""The reminder scan on a large book: builds a SQLite file of N orders (fixed seed), times
ReminderService.due_reminders and queue_due, and prints the plans of the queries they run."""

from __future__ import annotations

import argparse
import asyncio
import gc
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.book import AGENDA, NOW, Shape, config, load
from benchmarks.report import Row, emit
from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.services import Services

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
MEDIANS: dict[str, float] = {}
WATCHED = {"orders", "shipments", "reminders", "due_dates", "payments", "order_reviews"}


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
        await load(self.db, Shape(n), self.cfg)

    async def sql(self, statement: str) -> list[Any]:
        """Rows of a statement, outside the services."""
        return list(await self.db.connection.execute_fetchall(statement))

    async def forget(self) -> None:
        """Empty the reminder log and put every order that may have reminders on the agenda
        (as the upgrade did), so that the next queue_due looks at all and logs everything."""
        await self.sql("DELETE FROM reminders")
        await self.sql("DELETE FROM reminder_agenda")
        await self.sql(AGENDA)

    async def balances(self) -> list[Any]:
        """Open balances, read as the scan reads them."""
        async with self.db.reader() as uow:
            return list(await uow.payments.open_balances())


async def timed(
    name: str, step: Callable[[], Awaitable[list[Any]]], runs: int, before: Any = None
) -> list[Any]:
    """Run a step `runs` times, each after an untimed `before()`, and print a row (its median
    is kept in MEDIANS)."""
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
    MEDIANS[name] = median
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
    """Trace the rules over the whole book (what the first scan does), print each statement's
    plan; count full scans."""
    conn, seen, runs, warnings = bench.db.connection, dict[str, str](), Counter[str](), 0

    def trace(sql: str) -> None:
        if sql.split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            label = next((v for k, v in LABELS.items() if k in sql), f"other: {sql[:40]}")
            seen.setdefault(label, sql)
            runs[label] += 1

    await conn.set_trace_callback(trace)
    await bench.services.reminders.due_reminders(NOW, everything=True)
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


async def main(n: int, runs: int) -> list[Row]:
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
            return bench.services.reminders.due_reminders(NOW, everything=True)

        def queue() -> Awaitable[list[Any]]:
            return bench.services.reminders.queue_due()

        print(f"\n{'step':<36}{'runs':>5}{'median ms':>10}{'min ms':>10}{'max ms':>10}{'rows':>9}")
        try:
            await timed("rules over the book, cold connection", scan, runs, bench.reopen)
            planned = await timed("rules over the book, warm", scan, runs)
            await timed("payments.open_balances() alone", bench.balances, runs)
            await timed("queue_due(), first (logs all due)", queue, runs, bench.forget)
            await timed("queue_due(), again (the agenda: steady)", queue, runs)
            held = sum(p.held_until is not None for p in planned)
            kinds = dict(Counter(p.kind.value for p in planned))
            print(f"\nplanned {len(planned)} ({held} held by quiet hours): {kinds}")
            print(f"logged {(await bench.sql('SELECT COUNT(*) FROM reminders'))[0][0]} reminders")
            warnings = await plans(bench)
            print(f"\n{warnings} statement(s) with a full scan of a big table")
        finally:
            await bench.db.close()
    steps = [
        ("rules over the book, warm", "every rule over the book (the first scan's reading)"),
        ("queue_due(), first (logs all due)", f"queue_due, first: {len(planned)} due at once"),
        ("queue_due(), again (the agenda: steady)", "queue_due, steady state (the agenda)"),
    ]
    rows = [Row("reminder_scan", f"{n:,} orders", what, MEDIANS[k], None, "") for k, what in steps]
    rows.append(Row("reminder_scan", f"{n:,} orders", "full scans of a big table", warnings,
                    None, "0: " + ("met" if warnings == 0 else "MISSED"), ""))  # fmt: skip
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=100_000, help="orders in the book")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each step")
    parser.add_argument("--quick", action="store_true", help="10,000 orders, 3 runs")
    parser.add_argument("--json", type=Path, help="also write the summary's rows here")
    args = parser.parse_args()
    if args.quick:
        args.orders, args.runs = 10_000, 3
    emit(asyncio.run(main(args.orders, args.runs)), args.json)
