"""The KPIs and daily sales summed up in SQL equal a straightforward Python computation over
every order of a generated book (benchmarks/book.py, a real SQLite file): a zone with daylight
saving time, holidays, promised and desired dates, cancelled units, approvals, reasons."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from benchmarks.book import Shape, config, load
from bot.config import Config
from bot.db import Database
from bot.db._days import local_day as local_day_sql
from bot.db._days import transitions
from bot.db._rows import from_ts, ts
from bot.domain.models import OrderType
from bot.domain.reminders import ship_deadline
from bot.domain.reports import (
    DELIVERED,
    SHIPPED_IN_FULL,
    SOLD,
    CancelStage,
    Period,
    Ratio,
    cancel_stage,
    daily,
    delivery_due,
    duration_stats,
    filled,
    group_reasons,
    local_day,
)
from bot.services import reports

HOLIDAYS = [date(2025, 12, 25), date(2025, 12, 26), date(2026, 3, 27), date(2026, 3, 30)]
PERIODS = [
    Period(date(2025, 11, 23), date(2026, 11, 22)),  # a year: both DST changes
    Period(date(2026, 3, 20), date(2026, 4, 5)),  # the spring change, Easter holidays
    Period(date(2026, 10, 24), date(2026, 10, 26)),  # the autumn change
]
REASONS = ["Too late", "too  LATE", None, "short: line dropped", "Wrong size", ""]


async def _book(path: Path) -> Config:
    cfg = config(
        path,
        business={"timezone": "Europe/Berlin", "currency": "EUR", "admins": [1]},
        calendar={"holidays": [d.isoformat() for d in HOLIDAYS]},
    )
    db = Database(path)
    await db.open()
    try:
        await load(db, Shape(3_000, span_days=400, audit=True), cfg)
    finally:
        await db.close()
    _vary(path)
    return cfg


def _vary(path: Path) -> None:
    """Dates and approvals the book leaves out, some right at the zone's DST changes."""
    rng = random.Random(17)
    with sqlite3.connect(path) as conn:
        orders = conn.execute("SELECT id, submitted_at, updated_at FROM orders").fetchall()
        for oid, submitted, updated in orders:
            start = from_ts(submitted)
            promised = start.date() + timedelta(days=rng.randint(0, 12))
            desired = start.date() + timedelta(days=rng.randint(1, 15))
            conn.execute(
                "UPDATE orders SET promised_date = ?, desired_date = ?, order_type = ?"
                " WHERE id = ?",
                (
                    promised.isoformat() if rng.random() < 0.2 else None,
                    desired.isoformat() if rng.random() < 0.3 else None,
                    rng.choice(list(OrderType)).value,
                    oid,
                ),
            )
            if rng.random() < 0.6:
                span = max(1.0, (from_ts(updated) - start).total_seconds())
                moment = start + timedelta(seconds=rng.uniform(0, span), microseconds=1)
                if rng.random() < 0.1:  # an hour around a change, to the microsecond
                    change = rng.choice([datetime(2026, 3, 29, 1), datetime(2025, 10, 26, 1)])
                    moment = change.replace(tzinfo=start.tzinfo) + timedelta(
                        seconds=rng.uniform(-3600, 3600)
                    )
                conn.execute(
                    "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, before,"
                    " after) VALUES (?, NULL, 'order', ?, 'status', 'submitted', 'approved')",
                    (ts(max(moment, start)), oid),
                )
        conn.execute(
            "UPDATE order_lines SET cancelled_qty = 1 WHERE qty > 1 AND abs(random()) % 7 = 0"
        )
        for (aid,) in conn.execute(
            "SELECT id FROM audit_log WHERE after = 'cancelled'"
        ).fetchall():
            conn.execute(
                "UPDATE audit_log SET reason = ?, before = ? WHERE id = ?",
                (rng.choice(REASONS), rng.choice(["submitted", "approved"]), aid),
            )


def _expected(path: Path, cfg: Config, period: Period) -> dict[str, object]:
    """Every figure in Python, from every order's rows."""
    zone, reminders = cfg.business.zone, cfg.reminders
    first, after = (ts(b) for b in period.bounds(zone))
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    approved_at = {}
    for r in conn.execute(
        "SELECT entity_id, MIN(at) AS at FROM audit_log WHERE entity = 'order'"
        " AND action = 'status' AND after = 'approved' GROUP BY entity_id"
    ):
        approved_at[r["entity_id"]] = from_ts(r["at"])
    orders = {r["id"]: r for r in conn.execute("SELECT * FROM orders")}
    cancelled_units = dict(
        conn.execute("SELECT order_id, SUM(cancelled_qty) FROM order_lines GROUP BY order_id")
    )
    shipments: dict[int, list[sqlite3.Row]] = {}
    for r in conn.execute("SELECT * FROM shipments"):
        shipments.setdefault(r["order_id"], []).append(r)
    sold = {s.value for s in SOLD}
    sales = [
        (local_day(from_ts(o["submitted_at"]), zone), o["total"])
        for o in orders.values()
        if o["status"] in sold and first <= o["submitted_at"] < after
    ]
    approvals = [
        from_ts(r["at"]) - from_ts(orders[r["entity_id"]]["submitted_at"])
        for r in conn.execute(
            "SELECT entity_id, at FROM audit_log WHERE entity = 'order' AND action = 'status'"
            " AND after = 'approved' AND at >= ? AND at < ?",
            (first, after),
        )
    ]

    def deadline(o: sqlite3.Row) -> date:
        approved = approved_at.get(o["id"], from_ts(o["submitted_at"]))
        promised = date.fromisoformat(o["promised_date"]) if o["promised_date"] else None
        kind = OrderType(o["order_type"])
        return ship_deadline(
            local_day(approved, zone), promised, reminders.ship_within(kind), cfg.calendar.working
        )

    shipped, on_time, delivered, good = [], 0, 0, 0
    for oid, rows in shipments.items():
        o = orders[oid]
        last = max(r["shipped_at"] for r in rows)
        if o["status"] in {s.value for s in SHIPPED_IN_FULL} and first <= last < after:
            shipped.append(from_ts(last) - from_ts(o["submitted_at"]))
            last_on = local_day(from_ts(last), zone)
            good += filled(cancelled_units.get(oid, 0), last_on, deadline(o))
        arrived = [r["delivered_at"] for r in rows]
        if o["status"] in {s.value for s in DELIVERED} and None not in arrived:
            last_arrived = max(arrived)
            if first <= last_arrived < after:
                desired = date.fromisoformat(o["desired_date"]) if o["desired_date"] else None
                due = delivery_due(desired, deadline(o), reminders.transit_days)
                delivered += 1
                on_time += local_day(from_ts(last_arrived), zone) <= due
    cancelled = conn.execute(
        "SELECT a.before, a.reason FROM orders o JOIN audit_log a ON a.entity = 'order'"
        " AND a.entity_id = o.id AND a.action = 'status' AND a.after = 'cancelled'"
        " WHERE o.status = 'cancelled' AND o.submitted_at >= ? AND o.submitted_at < ?"
        " ORDER BY o.id",
        (first, after),
    ).fetchall()
    stages = {stage: 0 for stage in CancelStage}
    for c in cancelled:
        stages[cancel_stage(c["before"], c["reason"])] += 1
    conn.close()
    return {
        "sales": daily(period, sales),
        "approval": duration_stats(approvals),
        "shipment": duration_stats(shipped),
        "on_time": Ratio(on_time, delivered),
        "fill": Ratio(good, len(shipped)),
        "cancelled": len(cancelled),
        "stages": tuple((stage, n) for stage, n in stages.items() if n),
        "reasons": group_reasons(c["reason"] for c in cancelled),
    }


async def test_sql_figures_equal_a_python_computation_over_every_order(tmp_path: Path) -> None:
    path = tmp_path / "book.sqlite3"
    cfg = await _book(path)
    db = Database(path)
    await db.open()
    try:
        for period in PERIODS:
            expected = _expected(path, cfg, period)
            zone = cfg.business.zone
            async with db.reader(long=True) as uow:
                sales = await reports.sales_by_day(uow, zone, period)
                cancellations = await reports.cancellation_rate(uow, zone, period)
                got = {
                    "sales": sales.days,
                    "approval": await reports.time_to_approval(uow, zone, period),
                    "shipment": await reports.time_to_shipment(uow, zone, period),
                    "on_time": await reports.on_time_delivery_rate(uow, cfg, period),
                    "fill": await reports.fill_rate(uow, cfg, period),
                    "cancelled": cancellations.cancelled,
                    "stages": cancellations.stages,
                    "reasons": cancellations.reasons,
                }
            assert got == expected, period
            fill, on_time = expected["fill"], expected["on_time"]
            assert isinstance(fill, Ratio) and isinstance(on_time, Ratio)
            assert sales.orders > 0 and fill.whole > 0 and on_time.whole > 0
    finally:
        await db.close()


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe"])
def test_local_day_in_sql_follows_the_zone_to_the_second(zone: str) -> None:
    tz = ZoneInfo(zone)
    sql, params = local_day_sql("m", tz, date(2015, 1, 1), date(2026, 12, 31))
    rng = random.Random(zone)
    conn = sqlite3.connect(":memory:")
    moments = [
        datetime(2015, 1, 1, tzinfo=tz) + timedelta(seconds=rng.uniform(0, 12 * 365 * 86400))
        for _ in range(3_000)
    ]
    for at, _ in transitions(tz, date(2015, 1, 1), date(2026, 12, 31))[1:]:
        moments += [at + timedelta(microseconds=d) for d in (-1, 0, 1)]
    for moment in moments:
        (day,) = conn.execute(
            f"SELECT {sql} FROM (SELECT ? AS m)", [*params, ts(moment)]
        ).fetchone()
        assert date.fromisoformat(day) == local_day(moment, tz), moment
