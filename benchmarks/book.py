"""A seller's book for the benchmarks: a SQLite file of N orders (fixed seed) and what followed
each one, inserted in one transaction. Shared by reminder_scan.py and scale.py."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Config, parse_config
from bot.db import Database
from bot.db._rows import ts
from bot.domain.payments import schedule

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: digest due, not quiet
SEED = 20261123
REPS = 20  # staff user ids: reps 1..20, then finance, sales manager, warehouse
FINANCE, MANAGER, WAREHOUSE = REPS + 1, REPS + 2, REPS + 3
TERMS: dict[str, dict[str, Any]] = {
    "prepaid": {"kind": "prepaid"},
    "cod": {"kind": "cash_on_delivery"},
    "net30": {"kind": "net", "days": 30},
    "inst3": {"kind": "instalments", "count": 3, "interval_days": 30},
}
# Per mille of orders; "open": delivered and invoiced, not (fully) paid.
MIX = {"completed": 935, "open": 30, "submitted": 10, "approved": 10, "shipped": 10}
MIX |= {"cancelled": 3, "rejected": 2}
# Five years at about 550 orders a day: what is open is what a few weeks of that leave open
# (net 30 and three monthly instalments on two thirds of the orders, a late tail), not a share
# of the whole history.
SCALE_MIX = {"completed": 976, "open": 15, "submitted": 0.3, "approved": 1.2, "shipped": 2.5}
SCALE_MIX |= {"cancelled": 3, "rejected": 2}
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
# The status history /track shows: every order was submitted, then reached its status.
AUDIT = (
    "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, before, after)"
    " SELECT submitted_at, NULL, 'order', id, 'status', NULL, 'submitted' FROM orders;"
    "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, before, after)"
    " SELECT updated_at, NULL, 'order', id, 'status', 'submitted', status FROM orders"
    " WHERE status <> 'submitted';"
)
# What migration 0014 puts on the reminder scan's agenda: every order that may still have
# reminders (an order inserted goes on it and leaves it once a scan finds nothing ahead; a
# book loaded at once has not been through scans, so it is put there as an upgrade would).
AGENDA = (
    "INSERT INTO reminder_agenda (order_id, look_at)"
    " SELECT id, '' FROM orders WHERE status IN ('submitted', 'approved', 'partially_shipped',"
    " 'shipped', 'delivered')"
    " UNION SELECT id, '' FROM orders WHERE payment_status IN ('unpaid', 'partially_paid')"
    " AND status NOT IN ('cancelled', 'rejected')"
    " UNION SELECT order_id, '' FROM shipments WHERE delivered_at IS NULL"
)
# What migration 0016's triggers keep in open_dues (they are dropped while loading, like the
# agenda's): what is still owed of each due date of each open order.
OPEN_DUES = (
    "INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)"
    " SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding"
    " WHERE owed > 0"
)
Rows = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Shape:
    """How big the book is: orders, customers (None: one per 50 orders), the span of the
    history in days, the mix of where orders stand, and whether to write the status history."""

    orders: int
    customers: int | None = None
    span_days: int = 730
    mix: dict[str, float] = field(default_factory=lambda: dict(MIX))
    audit: bool = False

    @property
    def customer_count(self) -> int:
        """How many customers share the orders."""
        return self.customers or max(20, self.orders // 50)


def config(path: Path, **sections: Any) -> Config:
    """A minimal configuration (Shanghai, CNY) with net and instalment terms."""
    return parse_config(
        {
            "database": {"path": str(path)},
            "business": {"timezone": "Asia/Shanghai", "currency": "CNY", "admins": [1]},
            "checkout": {"default_payment_terms": list(TERMS)},
            "delivery": [{"code": "courier", "fee": "15.00", "names": {"en": "Courier"}}],
            "payment_terms": [{"code": code, **term} for code, term in TERMS.items()],
            **sections,
        },
        environ={},
    )


def book(shape: Shape, cfg: Config) -> Rows:
    """Rows of a seller's history: staff, customers (most with a rep, a few paused or
    unreachable), the orders and what followed each."""
    n, customers = shape.orders, shape.customer_count
    rng, zone, today = random.Random(SEED), cfg.business.zone, NOW.astimezone(cfg.business.zone)
    rows: Rows = {table: [] for table in COLUMNS}
    now = ts(NOW)
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
    oldest = (5, shape.span_days)
    for kind in rng.choices(list(shape.mix), weights=list(shape.mix.values()), k=n):
        term, issued = rng.choices(list(TERMS), weights=[25, 10, 50, 15])[0], None
        if kind == "open":  # 60% overdue by 1-120 days, the rest due within 30 days
            late = rng.randint(1, 120) if rng.random() < 0.6 else rng.randint(-29, 0)
            term = rng.choice(["net30", "net30", "inst3"])
            issued = today - timedelta(days=late + (30 if term == "net30" else rng.randint(0, 60)))
            at = issued - timedelta(days=rng.uniform(2, 10))
        else:
            span = {"submitted": (0, 3), "approved": (0.5, 12), "shipped": (1, 20)}
            at = NOW - timedelta(days=rng.uniform(*span.get(kind, oldest)))
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
        by = None if waiting or route == "auto" else (rep if route == "rep" else MANAGER)
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


async def load(db: Database, shape: Shape, cfg: Config) -> None:
    """Insert the book into an open, migrated, empty database in one transaction: the tables'
    indexes (and triggers) are dropped first and made again at the end (a sort instead of a
    million random inserts), with a large page cache and no journal while loading."""
    conn = db.connection
    tables = ", ".join(repr(t) for t in [*COLUMNS, "audit_log"])
    indexes = list(
        await conn.execute_fetchall(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            f" AND sql IS NOT NULL AND tbl_name IN ({tables})"
        )
    )
    await conn.execute("PRAGMA journal_mode = OFF")
    await conn.execute("PRAGMA cache_size = -1000000")
    await conn.execute("BEGIN")
    for kind, name, _ in indexes:
        await conn.execute(f"DROP {kind.upper()} {name}")
    for table, rows in book(shape, cfg).items():
        cols = COLUMNS[table].split()
        marks = ", ".join("?" * len(cols))
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})"
        await conn.executemany(sql, rows)
        rows.clear()
    if shape.audit:
        for statement in AUDIT.split(";")[:-1]:
            await conn.execute(statement)
    for _, _, sql in indexes:
        await conn.execute(sql)
    await conn.execute(AGENDA)
    await conn.execute(OPEN_DUES)
    await conn.execute("COMMIT")
    await conn.execute("PRAGMA cache_size = -2000")
    await conn.execute("PRAGMA journal_mode = WAL")


async def count(db: Database, sql: str) -> int:
    """The single number a statement returns."""
    rows = list(await db.connection.execute_fetchall(sql))
    return int(rows[0][0])
