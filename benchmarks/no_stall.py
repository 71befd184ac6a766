"""No stall: while 200 customers order (paced as in throughput.py, each at their own point of the
order flow), a staff user fires every heavy request in turn — a five-item quick order and
/search at 100,000 products, /report (KPIs, top) and the sales chart for a year, /export of
100,000 rows, an invoice PDF, a statement, a batch upload of 2,000 rows (checked, then created)
— on a book of 1,000,000 orders. A probe task in the bot's process (benchmarks/no_stall_bot.py)
sleeps 5 ms at a time and notes how late it woke. Per heavy request: its own duration, the
loop's worst and p99 lag while it ran, and the customers' p99 response time meanwhile. Goals
(issue 17): customers' p99 ≤ 20 ms, no lag above 50 ms."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import gc
import hashlib
import io
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks import quick_order
from benchmarks.book import NOW, SCALE_MIX, Shape, config
from benchmarks.no_stall_bot import TICK
from benchmarks.report import Row, emit
from benchmarks.scale import CACHE, built
from benchmarks.throughput import ORDER, REORDER, Bench, warm_up
from bot.clock import SystemClock
from bot.db import Database
from bot.services.catalog_import import CatalogImportService
from sandbox.demo import ADMIN_ID, DEMO

ROOT = Path(__file__).resolve().parent.parent
GOAL_P99_MS, GOAL_LAG_MS = 20.0, 50.0
FLOOD_PER_SECOND = 5.0  # [telegram] flood_per_second's default: what one person may send
SPAN_DAYS = 1826  # the book's five years
TODAY = NOW.date()  # the book's last day (Shanghai)
INST3 = (
    '\n[[payment_terms]]\ncode = "inst3"\nkind = "instalments"\ncount = 3\ninterval_days = 30\n'
)
PREPARED = "catalog, stock, order counters v2"  # change when prepared() does other things
ANSWERED = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageCaption")
CYCLES = 60  # orders each customer places after the first: 20 minutes of them
# Turns until every customer has begun (a turn: a step of each, a second at 200 customers and
# 200 updates a second): the baseline and the heavy requests wait for them.
RAMP_TURNS = len(REORDER)


@dataclass(frozen=True)
class Sizes:
    """How big everything is."""

    orders: int
    customers: int
    products: int
    export_rows: int
    batch_rows: int

    def __str__(self) -> str:
        return f"{self.orders:,} orders, {self.customers:,} customers, {self.products:,} products"


FULL = Sizes(1_000_000, 100_000, 100_000, 100_000, 2_000)
QUICK = Sizes(100_000, 10_000, 20_000, 10_000, 2_000)


@dataclass(frozen=True)
class Act:
    """What the staff user does (a text, a button's data, a file) and a piece of the answer
    that ends it (or any alert on the button)."""

    kind: str
    arg: str
    expect: str
    content: bytes = b""


@dataclass(frozen=True)
class Heavy:
    """A heavy request: what it is, at what size, and the acts it takes."""

    name: str
    size: str
    acts: tuple[Act, ...]
    after: tuple[Act, ...] = ()  # not timed: leaving the conversation it opened
    # Made again and again until its window is --window long: a search alone spans ~4 of the
    # customers' answers, whose p99 is then their worst; a batch check ~200, whose p99 is then
    # their second worst (one stall of the machine's decides it).
    again: bool = False


@dataclass
class Window:
    """What was measured while one heavy request ran."""

    name: str
    size: str
    start: float
    end: float
    shown: str
    runs: int
    busy: float  # seconds the runs themselves took (none: the window's)
    lags: list[float]
    latencies: list[float]
    # The sandbox's own loop (this process: Telegram's stand-in and the customers): a file
    # uploaded to it is parsed here, and every answer it times waits for that too.
    sandbox_lags: list[float]

    @property
    def took_ms(self) -> float:
        """The heavy request's own duration (the mean of its runs)."""
        return (self.busy or self.end - self.start) * 1000 / self.runs

    @property
    def max_lag(self) -> float:
        """The loop's worst lag meanwhile."""
        return max(self.lags, default=0.0)

    @property
    def met(self) -> bool:
        """Both goals."""
        return pct(self.latencies, 99) <= GOAL_P99_MS and self.max_lag <= GOAL_LAG_MS


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank); nan for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def days(first: date, last: date) -> str:
    """A period as callback data carries it."""
    return f"{first:%Y%m%d}:{last:%Y%m%d}"


async def prepared(sizes: Sizes) -> tuple[Path, str]:
    """The scale book (benchmarks/scale.py's, cached) with the demo catalog and `products`
    more products added, stock for every order; cached under var/bench too."""
    shape = Shape(
        sizes.orders, sizes.customers, span_days=SPAN_DAYS, mix=dict(SCALE_MIX), audit=True
    )
    book, took = await built(shape)
    digest = hashlib.sha256(book.name.encode())
    digest.update(PREPARED.encode())
    for source in (Path(quick_order.__file__), DEMO / "products.csv"):
        digest.update(source.read_bytes())
    path = CACHE / f"nostall-{sizes.orders}-{sizes.products}-{digest.hexdigest()[:12]}.sqlite3"
    how = f"book built in {took:.0f} s" if took is not None else f"book reused ({book.name})"
    if path.exists():
        return path, f"{how}; catalog reused ({path.name})"
    for old in CACHE.glob(f"nostall-{sizes.orders}-{sizes.products}-*.sqlite3*"):
        old.unlink()
    begun = time.perf_counter()
    partial = path.with_suffix(".partial")
    shutil.copyfile(book, partial)
    db = Database(partial)
    await db.open()
    try:
        text = (DEMO / "products.csv").read_text(encoding="utf-8")
        await CatalogImportService(db, config(partial), SystemClock()).import_csv(text, DEMO)
        conn = db.connection
        await conn.execute("BEGIN")
        await conn.execute(
            "INSERT INTO categories (key, name_en, name_zh, name_ru, position)"
            " VALUES ('bench-range', 'Range', '系列', 'Серия', 99)"
        )
        category = next(iter(await conn.execute_fetchall("SELECT last_insert_rowid()")))[0]
        await conn.executemany(
            "INSERT INTO products (sku, category_id, name_en, name_zh, name_ru, price,"
            " stock_on_hand, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1000, ?)",
            [
                (row[0], category, *row[1:])
                for row in map(quick_order.product, range(1, sizes.products + 1))
            ],
        )
        await conn.execute("UPDATE products SET stock_on_hand = 10000000, preorder = 0")
        # The book numbers its orders itself (some open ones lie a few weeks ahead): the
        # daily counters go on from there, as if the bot had numbered them.
        await conn.execute(
            "INSERT INTO order_counters (day, last) SELECT substr(number, 4, 8),"
            " MAX(CAST(substr(number, 13) AS INTEGER)) FROM orders GROUP BY 1"
        )
        await conn.execute("COMMIT")
    finally:
        await db.close()
    partial.rename(path)
    return path, f"{how}; catalog added in {time.perf_counter() - begun:.0f} s"


def batch_file(sizes: Sizes) -> bytes:
    """A CSV of `batch_rows` rows: three lines an order, customers of the book by number."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["customer", "sku", "qty", "delivery", "address", "payment_term", "note"])
    skus = ["PAP-A4-80", "STP-24", "TN-2420"]
    for i in range(sizes.batch_rows):
        cid = (i // 3) * 37 % sizes.customers + 1
        row = [str(cid), skus[i % 3], 1 + i % 5, "courier", "1 Road, Shanghai", "prepaid", ""]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def heavies(path: Path, sizes: Sizes) -> list[Heavy]:
    """Each heavy request as the staff user makes it."""
    with sqlite3.connect(path) as conn:
        invoice = conn.execute("SELECT number FROM invoices ORDER BY id DESC LIMIT 1").fetchone()
        year_ago = f"{TODAY - timedelta(days=364):%Y-%m-%d}"
        customer = conn.execute(
            "SELECT customer_id FROM orders WHERE submitted_at >= ? GROUP BY customer_id"
            " ORDER BY COUNT(*) DESC LIMIT 1",
            (year_ago,),
        ).fetchone()
        # The export's first day: the most days back to TODAY that hold at most export_rows
        # orders (a chat export takes 100,000; the book is denser in its last months).
        nth = conn.execute(
            "SELECT substr(submitted_at, 1, 10) FROM orders WHERE submitted_at < ?"
            " ORDER BY submitted_at DESC LIMIT 1 OFFSET ?",
            (f"{TODAY + timedelta(days=1):%Y-%m-%d}", sizes.export_rows - 1),
        ).fetchone()
    year = days(TODAY - timedelta(days=364), TODAY)
    first = date.fromisoformat(nth[0]) + timedelta(days=2) if nth else TODAY - timedelta(365)
    export_days = min(366, (TODAY - first).days + 1)
    export = days(TODAY - timedelta(days=export_days - 1), TODAY)
    typed = quick_order.order_text(sizes.products, random.Random(5))
    catalog = f"{sizes.products:,} products"
    book = f"{sizes.orders:,} orders, a year"
    return [
        Heavy(
            "quick order (5 items)",
            catalog,
            (Act("text", "/quick", "Quick order"), Act("text", typed, "5. ")),
            (Act("text", "/cancel", ""),),
            again=True,
        ),
        Heavy("/search", catalog, (Act("text", "/search stapler", "Found"),), again=True),
        Heavy("/report: KPIs", book, (Act("data", f"rpt:v:k:{year}", "KPIs"),)),
        Heavy("/report: top", book, (Act("data", f"rpt:v:t:{year}", "Top products"),), again=True),
        Heavy(
            "/report: sales chart", book, (Act("data", f"rpt:v:s:{year}", "Sales"),), again=True
        ),
        Heavy(
            "/export orders (CSV)",
            f"≈{sizes.export_rows:,} rows ({export_days} days)",
            (Act("data", f"exp:f:orders:{export}:csv", "📤"),),
        ),
        Heavy(
            "invoice PDF",
            str(invoice[0]),
            (Act("text", f"/invoice {invoice[0]}", str(invoice[0])),),
            again=True,
        ),
        Heavy(
            "statement PDF",
            f"customer {customer[0]}, a year",
            (Act("data", f"stm:f:{customer[0]}:{year}:pdf", "Statement of account"),),
            again=True,
        ),
        Heavy(
            "/batch: upload and check",
            f"{sizes.batch_rows:,} rows",
            (
                Act("text", "/batch", ".csv"),
                Act("file", "orders.csv", "orders.csv", batch_file(sizes)),
            ),
            again=True,  # the last upload's draft is the one created next
        ),
        Heavy("/batch: create", f"{sizes.batch_rows:,} rows", (Act("data", "bt:ok", "Batch #"),)),
    ]


class Staff:
    """The staff user (the administrator): acts, then waits for the answer in the sandbox."""

    def __init__(self, bench: Bench, uid: int) -> None:
        self.fake, self.uid = bench.server.fake, uid

    def act(self, act: Act) -> str | None:
        """Queue the act; the callback query's id for a button."""
        if act.kind == "text":
            self.fake.send_text(self.uid, act.arg)
        elif act.kind == "file":
            self.fake.send_document_from_user(self.uid, act.arg, act.content, "text/csv")
        else:
            last = self.fake.last_bot_message(self.uid) or {}
            update = self.fake.press_button(
                self.uid, int(last.get("message_id", 1)), act.arg, forge=True
            )
            return str(update["callback_query"]["id"])
        return None

    async def answer(self, act: Act, since: int, query: str | None, timeout: float) -> str:
        """Wait for the answer that ends the act; what it showed."""
        seen, deadline = since, time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.fake.calls
            for name, params in calls[seen : len(calls)]:
                alert = name == "answerCallbackQuery" and params.get("text")
                if alert and query is not None and params.get("callback_query_id") == query:
                    return f"alert: {params['text']}"
                if name in ANSWERED and str(params.get("chat_id")) == str(self.uid):
                    shown = str(params.get("text") or params.get("caption") or "")
                    if act.expect in shown:
                        return shown
            seen = len(calls)
            await asyncio.sleep(0.005)
        last = self.fake.last_bot_message(self.uid) or {}
        shown = str(last.get("text") or last.get("caption") or "")[:200]
        raise TimeoutError(f"no answer to {act.arg[:40]!r} in {timeout:.0f} s; shown: {shown!r}")

    async def run(self, heavy: Heavy, timeout: float) -> tuple[float, float, str]:
        """Every act of the heavy request in turn: (began, ended, what the last one showed)."""
        began, shown = time.time(), ""
        for act in heavy.acts:
            since = len(self.fake.calls)
            query = self.act(act)
            shown = await self.answer(act, since, query, timeout)
        ended = time.time()
        for act in heavy.after:
            since = len(self.fake.calls)
            await self.answer(act, since, self.act(act), timeout)
        return began, ended, shown


async def customers(bench: Bench, stop: asyncio.Event, answers: list[tuple[float, float]]) -> None:
    """200 customers, each registering and then ordering again and again until told, paced
    at 200 updates a second and spread over the reorder's 20 steps (throughput.Driver.pace):
    once RAMP_TURNS seconds have passed, ten of them confirm an order each second, as a
    shop's customers would. (In step, all 200 confirmed in the same second every 25 s, and
    that second alone took their p99 past 20 ms, a heavy request or not.)"""
    driver = bench.driver
    script = ORDER + REORDER * CYCLES
    while not stop.is_set():
        ids = bench.users(bench.count)
        try:
            await driver.run(ids, script, "paced", bench.rate, 3600, spread=len(REORDER))
        finally:
            answers.extend(zip(driver.answered_at, driver.latencies, strict=True))


def print_log(folder: Path) -> None:
    """The end of the bot's log (its errors), without the notices to people not in the
    sandbox (the book's customers)."""
    log = (folder / "orderdesk.log").read_text().splitlines()
    print("\n".join(x for x in log if "Chat not found" not in x)[-5000:], file=sys.stderr)


def read_lags(path: Path) -> list[tuple[float, float]]:
    """The probe's samples: (wall-clock second, lag in ms)."""
    pairs = (line.split() for line in path.read_text().splitlines())
    return [(float(at), float(lag)) for at, lag in pairs]


async def probe(samples: list[tuple[float, float]]) -> None:
    """The sandbox's loop lag: (wall-clock second, ms late) each 5 ms sleep, as the bot's
    probe (benchmarks/no_stall_bot.py)."""
    loop = asyncio.get_running_loop()
    while True:
        start = loop.time()
        await asyncio.sleep(TICK)
        samples.append((time.time(), max(0.0, (loop.time() - start - TICK) * 1000)))


def windows(
    spans: list[tuple[str, str, float, float, str, int, float]],
    lags: list[tuple[float, float]],
    answers: list[tuple[float, float]],
    sandbox: list[tuple[float, float]],
) -> list[Window]:
    """The lags and customer latencies (ms) of each span: the probe's wake-ups in it, the
    customers' updates queued in it."""
    return [
        Window(
            name,
            size,
            start,
            end,
            shown,
            runs,
            busy,
            [lag for at, lag in lags if start <= at <= end],
            # Updates queued while it ran, however late answered: a customer kept waiting
            # by the request counts in its window.
            [latency * 1000 for at, latency in answers if start <= at - latency <= end],
            [lag for at, lag in sandbox if start <= at <= end],
        )
        for name, size, start, end, shown, runs, busy in spans
    ]


async def main(args: argparse.Namespace, sizes: Sizes) -> list[Row]:
    """Build or reuse the book, start the bot with the probe, drive it, compute the figures."""
    path, how = await prepared(sizes)
    print(f"{sizes}: {how}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench = Bench(folder, args.users, args.rate, args.timeout)
        await bench.server.start()
        cfg = bench.config()
        text = cfg.read_text(encoding="utf-8") + INST3
        # The first reminder scan of a book loaded at once posts every reminder due in years
        # (thousands of notices to the book's customers, who are not in the sandbox).
        text, replaced = re.subn(
            r"^(\[reminders\]\n(?:#.*\n)*)enabled = true$",
            r"\1enabled = false",
            text,
            count=1,
            flags=re.M,
        )
        if not replaced:
            raise RuntimeError("the example configuration no longer has [reminders] enabled")
        cfg.write_text(text, encoding="utf-8")
        shutil.copyfile(path, folder / "orderdesk.sqlite3")
        bench.server.fake.create_user("Ada", language_code="en", user_id=ADMIN_ID)
        lag_file = folder / "lags.txt"
        command = [sys.executable, "-m", "benchmarks.no_stall_bot", str(cfg), str(lag_file)]
        env = {"ORDERDESK_TOKEN": "123456:BENCH-TOKEN-NOT-SECRET"}
        spans: list[tuple[str, str, float, float, str, int, float]] = []
        answers: list[tuple[float, float]] = []
        staff = Staff(bench, ADMIN_ID)
        sandbox: list[tuple[float, float]] = []
        probing = asyncio.create_task(probe(sandbox))
        try:
            try:
                await bench.start("orderdesk", command, env)
                await warm_up(bench, ORDER)
            except RuntimeError:
                print_log(folder)
                raise
            # Planned before the customers start: its reads of the book (the export's period,
            # the busiest customer) stalled this process ~80 ms inside the first request's window.
            plan = heavies(path, sizes)
            gc.collect()
            gc.freeze()
            # No collections in this process while it measures: it keeps every Bot API call of
            # the run (tens of thousands of dicts), and a full collection paused the sandbox up
            # to 150 ms, which every customer's answer then waited for too (the "sbx lag").
            gc.disable()
            stop = asyncio.Event()
            load = asyncio.create_task(customers(bench, stop, answers))
            await asyncio.sleep(RAMP_TURNS * bench.count / bench.rate + args.settle)
            begun = time.time()
            await asyncio.sleep(args.settle)
            spans.append(("(none: customers only)", "", begun, time.time(), "", 1, 0.0))
            print(f"{'heavy request':<26}{'took ms':>10}{'max lag':>9}{'p99 lag':>9}"
                  f"{'cust p99':>10}{'answers':>8}{'sbx lag':>9}  shown")  # fmt: skip
            for heavy in plan:
                if args.only and not any(part in heavy.name for part in args.only):
                    continue
                runs, busy, began = 0, 0.0, time.time()
                while True:
                    try:
                        started, ended, shown = await staff.run(heavy, args.timeout)
                    except TimeoutError:
                        print_log(folder)
                        raise
                    runs, busy = runs + 1, busy + ended - started
                    if not heavy.again or ended - began >= args.window:
                        break
                    # No faster than one person may send (flood_per_second, by default 5).
                    acts = len(heavy.acts) + len(heavy.after)
                    await asyncio.sleep(max(0.0, started + acts / FLOOD_PER_SECOND - time.time()))
                spans.append((heavy.name, heavy.size, began, ended, shown, runs, busy))
                await asyncio.sleep(args.gap)
            stop.set()
            load.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await load
        finally:
            gc.enable()
            probing.cancel()
            await bench.stop()
            await bench.server.stop()
        found = windows(spans, read_lags(lag_file), answers, sandbox)
    for w in found:
        print(
            f"{w.name:<26}{w.took_ms:>10.0f}{w.max_lag:>9.1f}{pct(w.lags, 99):>9.1f}"
            f"{pct(w.latencies, 99):>10.1f}{len(w.latencies):>8}"
            f"{max(w.sandbox_lags, default=0):>9.1f}  {w.shown[:60]!r}"
        )
    return rows(found, sizes)


def rows(found: list[Window], sizes: Sizes) -> list[Row]:
    """Two rows per heavy request: the customers' p99 and the loop's lag, each with its goal."""
    out = []
    for w in found:
        size = f"{w.size}; " if w.size else ""
        p99 = pct(w.latencies, 99)
        verdict = "met" if p99 <= GOAL_P99_MS else "MISSED"
        detail = (
            f"{size}took {w.took_ms:,.0f} ms{f' (each of {w.runs} runs)' if w.runs > 1 else ''};"
            f" {len(w.latencies)} customer answers;"
            f" the sandbox's own lag up to {max(w.sandbox_lags, default=0):,.0f} ms"
        )
        out.append(
            Row(
                "no_stall",
                f"{w.name}: customers p99",
                detail,
                p99,
                max(w.latencies, default=0),
                f"≤ 20 ms: {verdict}",
            )
        )
        verdict = "met" if w.max_lag <= GOAL_LAG_MS else "MISSED"
        out.append(
            Row(
                "no_stall",
                f"{w.name}: loop lag p99",
                f"{size}worst is the max lag",
                pct(w.lags, 99),
                w.max_lag,
                f"max ≤ 50 ms: {verdict}",
            )
        )
    print(f"\n{sizes}; customers paced at 200 updates a second, spread over the order flow")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200, help="simulated customers at a time")
    parser.add_argument("--rate", type=float, default=200.0, help="their updates a second")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a request may take")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds before and baseline")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between heavy requests")
    parser.add_argument(
        "--window",
        type=float,
        default=5.0,
        help="seconds a short heavy request is made again and again for (its window)",
    )
    parser.add_argument("--quick", action="store_true", help="100,000 orders, 20,000 products")
    parser.add_argument("--json", type=Path, help="also write the table's rows here")
    parser.add_argument(
        "--only",
        action="append",
        metavar="PART",
        help="only the heavy requests whose name holds PART (again for more; 'batch' is both"
        " of the batch's)",
    )
    args = parser.parse_args()
    emit(asyncio.run(main(args, QUICK if args.quick else FULL)), args.json)
