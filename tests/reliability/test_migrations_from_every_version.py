"""A database left at any earlier schema version, full of the data that version could hold,
upgrades when OrderDesk opens it: every row survives, and the app works on it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.db.migrations import migration_names, rebuilt_tables
from bot.domain.reminders import Kind
from bot.runtime.persistence import SQLitePersistence
from bot.services import Services
from bot.services.checkout import CheckoutDraft
from bot.services.staff_orders import Lens
from tests.conftest import ROOT, load_demo_catalog, make_config

MIGRATIONS = ROOT / "bot" / "db" / "migrations"
T = "2026-11-01T02:00:00+00:00"
ANN, SAM, FAY, MIA = 501, 502, 503, 504  # Telegram ids: a customer, a rep, finance, a manager

# Rows as the app writes them, for every table of every version; each goes in when its table
# exists at the version tested, with the columns that version has. Order 1 was delivered,
# invoiced (due 2026-11-20, half paid) and asked to be cancelled; order 2 waits for its rep.
ROWS: list[tuple[str, dict[str, Any]]] = [
    ("users", {"id": 1, "telegram_id": ANN, "first_name": "Ann", "language": "en",
               "created_at": T, "time_zone": "Europe/Berlin", "unreachable_at": None}),
    ("users", {"id": 2, "telegram_id": SAM, "first_name": "Sam", "language": "en",
               "created_at": T}),
    ("users", {"id": 3, "telegram_id": FAY, "first_name": "Fay", "language": "ru",
               "created_at": T}),
    ("users", {"id": 4, "telegram_id": MIA, "first_name": "Mia", "language": "zh",
               "created_at": T}),
    ("customers", {"id": 1, "user_id": 1, "name": "Ann Lee", "phone": "+8613800138000",
                   "company": "Lee & Co", "discount_bp": 500, "credit_limit": 100_000,
                   "created_at": T, "rep_id": 2, "trusted": 1, "reminders_paused_at": None}),
    ("addresses", {"id": 1, "customer_id": 1, "text": "1 Garden Road, Shanghai",
                   "last_used_at": T}),
    ("customer_payment_terms", {"customer_id": 1, "term_code": "net30"}),
    ("categories", {"id": 100, "key": "old", "name_en": "Old things", "name_zh": "旧",
                    "position": 9}),
    ("products", {"id": 100, "sku": "OLD-1", "category_id": 100, "name_en": "Old pen",
                  "price": 1000, "stock_on_hand": 50, "reserved": 3, "updated_at": T}),
    ("price_tiers", {"product_id": 100, "min_qty": 10, "unit_price": 900}),
    ("cart_lines", {"user_id": 1, "product_id": 100, "qty": 2, "added_at": T}),
    ("order_counters", {"day": "20261101", "last": 1}),
    ("order_counters", {"day": "20261122", "last": 1}),
    ("batches", {"id": 1, "token": "b1", "created_by": 4, "file_name": "orders.csv",
                 "orders": 1, "created_at": T}),
    ("orders", {"id": 1, "number": "SO-20261101-0001", "customer_id": 1,
                "status": "delivered", "payment_status": "partially_paid",
                "order_type": "standard", "delivery_method": "courier",
                "address": "1 Garden Road, Shanghai", "desired_date": "2026-11-05",
                "payment_term": "net30", "note": "Ring twice", "subtotal": 5000,
                "discount": 250, "delivery_fee": 1500, "tax": 0, "tax_included": 0,
                "total": 6250, "currency": "CNY", "submit_token": "t1", "submitted_at": T,
                "updated_at": T, "refund_due": 0, "promised_date": "2026-11-03",
                "batch_id": 1}),
    ("orders", {"id": 2, "number": "SO-20261122-0001", "customer_id": 1,
                "status": "submitted", "order_type": "standard", "delivery_method": "pickup",
                "payment_term": "prepaid", "subtotal": 3000, "discount": 0,
                "delivery_fee": 0, "tax": 0, "tax_included": 0, "total": 3000,
                "currency": "CNY", "submit_token": "t2",
                "submitted_at": "2026-11-22T02:00:00+00:00",
                "updated_at": "2026-11-22T02:00:00+00:00"}),
    ("order_lines", {"id": 1, "order_id": 1, "product_id": 100, "sku": "OLD-1",
                     "name": "Old pen", "qty": 5, "unit_price": 1000, "total": 5000,
                     "reserved_qty": 0, "shipped_qty": 5, "cancelled_qty": 0}),
    ("order_lines", {"id": 2, "order_id": 2, "product_id": 100, "sku": "OLD-1",
                     "name": "Old pen", "qty": 3, "unit_price": 1000, "total": 3000,
                     "reserved_qty": 3}),
    ("audit_log", {"id": 1, "at": T, "actor_id": 1, "entity": "order", "entity_id": 1,
                   "action": "status", "after": "submitted"}),
    ("audit_log", {"id": 2, "at": T, "actor_id": 2, "entity": "order", "entity_id": 1,
                   "action": "status", "before": "submitted", "after": "approved"}),
    ("audit_log", {"id": 3, "at": T, "actor_id": 1, "entity": "order", "entity_id": 2,
                   "action": "status", "after": "submitted"}),
    ("ptb_user_data", {"user_id": ANN, "data": '{"draft": {"token": "abc"}}'}),
    ("ptb_chat_data", {"chat_id": ANN, "data": "{}"}),
    ("ptb_conversations", {"name": "checkout", "key": f"[{ANN}, {ANN}]", "state": "2"}),
    ("user_roles", {"user_id": 2, "role": "sales_rep", "granted_at": T}),
    ("user_roles", {"user_id": 3, "role": "finance", "granted_at": T}),
    ("user_roles", {"user_id": 4, "role": "sales_manager", "granted_at": T}),
    ("invites", {"token": "inv_old", "role": "warehouse", "created_by": 4, "created_at": T,
                 "expires_at": T}),
    ("rep_links", {"rep_id": 2, "code": "rep_sam"}),
    ("rep_limits", {"rep_id": 2, "discount_bp": 400, "set_by": 4, "set_at": T}),
    ("settings", {"key": "round_robin_last_rep", "value": "2"}),
    ("order_reviews", {"order_id": 1, "route": "rep", "rep_id": 2, "decided_by": 2,
                       "decided_at": T, "discount_bp": 500}),
    ("order_reviews", {"order_id": 2, "route": "rep", "rep_id": 2}),
    ("order_checks", {"order_id": 2, "name": "stock", "verdict": "ok"}),
    ("order_checks", {"order_id": 2, "name": "credit", "verdict": "warn", "detail": 7}),
    ("shipments", {"id": 1, "order_id": 1, "carrier": "SF Express", "tracking": "SF123",
                   "expected_date": "2026-11-04", "shipped_at": T, "shipped_by": 2,
                   "delivered_at": T, "delivered_by": 1}),
    ("shipment_lines", {"shipment_id": 1, "order_line_id": 1, "qty": 5}),
    ("invoices", {"id": 1, "order_id": 1, "number": "INV-20261101-0001", "amount": 6250,
                  "issued_at": T, "issued_by": 3}),
    ("invoice_counters", {"day": "20261101", "last": 1}),
    ("due_dates", {"order_id": 1, "seq": 1, "due_on": "2026-11-20", "amount": 6250}),
    ("payments", {"id": 1, "order_id": 1, "amount": 3000, "method": "bank_transfer",
                  "paid_on": "2026-11-10", "recorded_at": T, "recorded_by": 3,
                  "token": "pay-1"}),
    ("order_requests", {"id": 1, "order_id": 1, "kind": "cancel", "reason": "Too late",
                        "state": "declined", "requested_by": 1, "requested_at": T,
                        "decided_by": 2, "decided_at": T}),
    ("shortages", {"id": 1, "order_line_id": 1, "available": 5, "reported_by": 2,
                   "reported_at": T, "choice": "wait", "chosen_at": T}),
    ("reminders", {"id": 1, "order_id": 1, "kind": "payment", "ref": 1, "level": -3,
                   "chat_id": ANN, "user_id": 1, "audience": "customer", "status": "sent",
                   "decided_at": T, "sent_at": T}),
    ("processed_updates", {"update_id": 9001, "at": 1_795_399_200}),  # the clock's now
    ("order_feedback", {"order_id": 1, "rating": 4, "comment": "Fine", "created_at": T}),
    ("feedback_requests", {"order_id": 1, "asked_at": T}),
]  # fmt: skip


def at_version(path: Path, count: int) -> list[tuple[str, dict[str, Any]]]:
    """A database with the first `count` migrations applied as migrate() applies them, filled
    with what that schema can hold; returns the rows written (with the columns written)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        for name in migration_names()[:count]:
            sql = (MIGRATIONS / name).read_text(encoding="utf-8")
            record = f"INSERT INTO schema_migrations VALUES ('{name}', '{T}');"
            tables = rebuilt_tables(sql)
            if not tables:
                conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\n{record}\nCOMMIT;")
                continue
            # a rebuild, as the runner does it: foreign keys off, legacy renames, the table's
            # indexes and triggers noted and created again where the migration did not
            names = ", ".join(f"'{t}'" for t in tables)
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute("PRAGMA legacy_alter_table = ON")
            conn.executescript(
                "BEGIN IMMEDIATE;\nCREATE TEMP TABLE kept AS SELECT name, sql FROM sqlite_master"
                " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
                f" AND tbl_name IN ({names});"
                f"\n{sql}\n"
            )
            for (statement,) in conn.execute(
                "SELECT sql FROM temp.kept WHERE name NOT IN (SELECT name FROM main.sqlite_master)"
            ).fetchall():
                conn.execute(statement)
            for statement in ("DROP TABLE temp.kept", record, "COMMIT"):
                conn.execute(statement)
            conn.execute("PRAGMA legacy_alter_table = OFF")
            conn.execute("PRAGMA foreign_keys = ON")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        written = []
        conn.execute("BEGIN")
        for table, row in ROWS:
            if table not in tables:
                continue
            columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            kept = {k: v for k, v in row.items() if k in columns}
            names = ", ".join(kept)
            marks = ", ".join("?" for _ in kept)
            conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(kept.values()))
            written.append((table, kept))
        conn.execute("COMMIT")
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    return written


async def present(db: Database, table: str, row: dict[str, Any]) -> bool:
    """The row is there with these values."""
    where = " AND ".join(f"{column} IS ?" for column in row)
    sql = f"SELECT COUNT(*) FROM {table} WHERE {where}"
    async with db.reader(), db.connection.execute(sql, tuple(row.values())) as cursor:
        found = await cursor.fetchone()
    return found is not None and found[0] == 1


@pytest.fixture
def app_config(tmp_path: Path) -> Config:
    """The test configuration, with the old data's net30 term allowed."""
    return make_config(tmp_path / "old.sqlite3")


@pytest.mark.parametrize("version", range(len(migration_names()) + 1))
async def test_an_old_database_upgrades_with_its_data_and_works(
    version: int, app_config: Config, clock: FixedClock
) -> None:
    path = app_config.database.path
    written = at_version(path, version)
    db = Database(path)
    await db.open()
    try:
        async with (
            db.reader(),
            db.connection.execute("SELECT name FROM schema_migrations ORDER BY name") as cursor,
        ):
            assert [r[0] for r in await cursor.fetchall()] == migration_names()
        for table, row in written:
            assert await present(db, table, row), (version, table, row)
        async with db.reader(), db.connection.execute("PRAGMA foreign_key_check") as cursor:
            assert await cursor.fetchall() == []
        await _app_works(db, app_config, clock, version, bool(written))
    finally:
        await db.close()


async def _app_works(
    db: Database, config: Config, clock: FixedClock, version: int, filled: bool
) -> None:
    """Read orders as the customer and as staff, scan reminders, sum receivables, place an
    order: on the upgraded data (or, from nothing, on a fresh catalog)."""
    persistence = SQLitePersistence(db, 60)
    if filled:
        assert (await persistence.get_user_data())[ANN] == {"draft": {"token": "abc"}}
        assert await persistence.get_conversations("checkout") == {(ANN, ANN): 2}
    await load_demo_catalog(db, config, clock)
    services = Services.build(db, config, clock)
    ann = await services.users.identify(ANN, "Ann", None, "en")
    fay = await services.users.identify(FAY, "Fay", None, "ru")
    mia = await services.users.identify(MIA, "Mia", None, "zh")
    async with db.unit_of_work() as uow:  # roles a version without user_roles could not hold
        for user, role in ((fay, "finance"), (mia, "sales_manager")):
            await db.connection.execute(
                "INSERT OR IGNORE INTO user_roles (user_id, role, granted_at) VALUES (?, ?, ?)",
                (user.id, role, T),
            )
        await uow.commit()
    if not filled:
        await services.customers.register(
            ann, name="Ann Lee", phone="+8613800138000", company=None, address="1 Garden Road"
        )
    numbers = [o.number for o in (await services.orders.page(ann, 0)).items]
    assert numbers == (["SO-20261122-0001", "SO-20261101-0001"] if filled else [])
    if filled:
        view = await services.staff_orders.view(mia, "SO-20261101-0001")
        assert view.lens is Lens.FULL and view.detail.lines[0].sku == "OLD-1"
    invoiced = filled and version >= migration_names().index("0005_payments.sql") + 1
    planned = await services.reminders.due_reminders(clock.now())
    kinds = {(p.kind, p.order_id) for p in planned}
    assert ((Kind.PAYMENT, 1) in kinds) == invoiced, (version, kinds)
    receivables = await services.finance.receivables(fay)
    assert (receivables.total, receivables.overdue) == ((3250, 3250) if invoiced else (0, 0))
    stapler = (await services.catalog.search("STP-24", 0, ann.language)).items[0]
    await services.cart.add(ann, stapler.id, 1)
    draft = CheckoutDraft(
        token=f"after-upgrade-{version}",
        delivery="pickup",
        date_chosen=True,
        term="prepaid",
        note_chosen=True,
    )
    order = (await services.checkout.submit(ann, draft)).order
    assert order.number == "SO-20261123-0001"
