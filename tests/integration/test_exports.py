"""Exports from the real services on a real SQLite file: orders, order lines, payments and
receivables of November 2026 (Shanghai) written as XLSX and CSV, read back with openpyxl and
csv, and every figure compared with the database; the period's first and last minute count,
the minute before and after do not; who may export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.db import exports as exports_db
from bot.domain.errors import NotAllowed
from bot.domain.exports import Dataset, ExportPeriod, Preset, Table
from bot.domain.models import Language, Order, OrderStatus, User
from bot.domain.payments import Method
from bot.domain.roles import Role
from bot.i18n import I18n
from bot.services import Services
from bot.services.transitions import apply_transition
from bot.ui import export_files
from bot.ui.export_files import Format
from tests.integration.helpers import draft, product

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = ExportPeriod(start=date(2026, 11, 1), end=date(2026, 11, 30))


def local(*args: int) -> datetime:
    """A Shanghai wall-clock moment."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@dataclass
class Ledger:
    services: Services
    db: Database
    clock: FixedClock
    config: Config
    finance: User

    def at(self, moment: datetime) -> None:
        self.clock.advance(moment - self.clock.now())

    async def buyer(self, telegram_id: int, name: str) -> User:
        user = await self.services.users.identify(telegram_id, name, None, "en")
        await self.services.customers.register(
            user,
            name=name,
            phone=f"+86139{telegram_id % 10**8:08d}",  # each their own
            company=None,
            address="1 Garden Road",
        )
        return user

    async def order(self, buyer: User, when: datetime, sku: str, qty: int) -> Order:
        """An approved order placed at a moment (courier: 15.00 delivery)."""
        self.at(when)
        await self.services.cart.add(buyer, (await product(self.services, sku)).id, qty)
        order = (
            await self.services.checkout.submit(buyer, draft(f"t{when.timestamp()}{sku}"))
        ).order
        async with self.db.unit_of_work() as uow:
            order = await apply_transition(
                uow,
                order,
                OrderStatus.APPROVED,
                config=self.config,
                actor_id=None,
                at=self.clock.now(),
            )
            await uow.commit()
        return order

    async def sql(self, query: str, *params: object) -> list[tuple[object, ...]]:
        async with self.db.reader() as uow, uow.audit._conn.execute(query, params) as cursor:
            return [tuple(r) for r in await cursor.fetchall()]


@pytest.fixture
async def ledger(services: Services, db: Database, clock: FixedClock, config: Config) -> Ledger:
    """Orders just before, on the first and last minute of, and just after November 2026;
    invoices and payments around the same edges."""
    finance = await services.users.identify(103, "Fay", None, "en")
    async with db.unit_of_work() as uow:
        await uow.staff.grant(finance.id, Role.FINANCE, None, clock.now())
        await uow.commit()
    book = Ledger(services, db, clock, config, finance)
    wang = await book.buyer(2, "王芳")
    sly = await book.buyer(3, '=HYPERLINK("http://evil.example","click")')
    before = await book.order(wang, local(2026, 10, 31, 23, 59), "STP-24", 1)
    first = await book.order(wang, local(2026, 11, 1, 0, 0), "STP-24", 2)
    middle = await book.order(sly, local(2026, 11, 15, 12, 0), "PAP-A4-80", 4)
    last = await book.order(wang, local(2026, 11, 30, 23, 59), "TN-2420", 1)
    await book.order(sly, local(2026, 12, 1, 0, 0), "STP-24", 1)
    pay = services.finance.record_payment
    book.at(local(2026, 11, 23, 10, 0))  # prepaid: due on the day of the invoice
    for order in (before, first, middle):
        await services.finance.issue_invoice(finance, order_id=order.id)
    await pay(finance, before.id, 1000, Method.CASH, date(2026, 10, 31))
    await pay(finance, first.id, 2000, Method.BANK_TRANSFER, date(2026, 11, 1))
    await pay(finance, middle.id, 3000, Method.CARD, date(2026, 11, 30))
    await pay(finance, first.id, 500, Method.CASH, date(2026, 12, 1))
    assert last.number and before.number
    return book


def xlsx_rows(t_table: Table) -> list[tuple[object, ...]]:
    t = I18n("CNY", SHANGHAI).texts(Language.EN)
    sheet = load_workbook(io.BytesIO(export_files.to_xlsx(t, t_table))).active
    assert sheet is not None
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def csv_rows(t_table: Table) -> list[list[str]]:
    t = I18n("CNY", SHANGHAI).texts(Language.EN)
    data = export_files.to_csv(t, t_table)
    assert data.startswith("\ufeff".encode()), "a byte order mark, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


async def test_orders_of_november_round_trip_through_xlsx_and_csv(ledger: Ledger) -> None:
    table = await ledger.services.exports.export(ledger.finance, Dataset.ORDERS, NOVEMBER)
    db_rows = await ledger.sql(
        "SELECT number, total, subtotal, tax FROM orders WHERE submitted_at >= ?"
        " AND submitted_at < ? ORDER BY submitted_at",
        "2026-10-31T16:00:00",
        "2026-11-30T16:00:00",
    )
    assert [r[0] for r in db_rows] == [
        "SO-20261101-0001",
        "SO-20261115-0001",
        "SO-20261130-0001",
    ], "the first and last minute of November in Shanghai, not the minute around them"

    rows = xlsx_rows(table)
    head, body = rows[0], rows[1:]
    assert head[:6] == ("Order", "Submitted", "Customer", "Company", "Sales rep", "Status")
    assert len(body) == len(db_rows)
    assert [r[0] for r in body] == [r[0] for r in db_rows]
    total = head.index("Total")
    assert sum(money(r[total]) for r in body) == sum(Decimal(int(r[1])) for r in db_rows) / 100
    assert [money(r[total]) * 100 for r in body] == [Decimal(int(r[1])) for r in db_rows]
    assert body[0][1] == datetime(2026, 11, 1, 0, 0), "submitted, in Shanghai time"
    assert body[0][2] == "王芳"
    assert body[0][head.index("Paid")] == 25, "everything paid so far (5.00 in December)"
    assert body[0][head.index("Invoice")] == "INV-20261123-0002"
    assert body[0][head.index("Status")] == "approved"
    sly = body[1][2]
    assert sly == '=HYPERLINK("http://evil.example","click")', "text, never a formula"

    csv_table = csv_rows(table)
    assert csv_table[0] == list(head)
    assert [r[0] for r in csv_table[1:]] == [r[0] for r in db_rows]
    column = csv_table[0].index("Total")
    assert [Decimal(r[column]) * 100 for r in csv_table[1:]] == [
        Decimal(int(r[1])) for r in db_rows
    ]
    assert csv_table[1][1] == "2026-11-01 00:00" and csv_table[1][2] == "王芳"
    assert csv_table[2][2].startswith("'="), "a formula-looking name is quoted in CSV"


async def test_order_lines_amounts_sum_to_the_subtotals(ledger: Ledger) -> None:
    table = await ledger.services.exports.export(ledger.finance, Dataset.LINES, NOVEMBER)
    rows = xlsx_rows(table)
    head, body = rows[0], rows[1:]
    assert [r[head.index("SKU")] for r in body] == ["STP-24", "PAP-A4-80", "TN-2420"]
    ((subtotals,),) = await ledger.sql(
        "SELECT SUM(subtotal) FROM orders WHERE submitted_at >= ? AND submitted_at < ?",
        "2026-10-31T16:00:00",
        "2026-11-30T16:00:00",
    )
    assert sum(money(r[head.index("Amount")]) for r in body) * 100 == subtotals
    assert [r[head.index("Quantity")] for r in body] == [2, 4, 1]
    assert csv_rows(table)[1][: len(head)][head.index("Unit price")] == "35.00"


async def test_payments_of_the_period_both_edge_days_included(ledger: Ledger) -> None:
    table = await ledger.services.exports.export(ledger.finance, Dataset.PAYMENTS, NOVEMBER)
    rows = xlsx_rows(table)
    head, body = rows[0], rows[1:]
    assert head == (
        "Paid on",
        "Type",
        "Order",
        "Customer",
        "Invoice",
        "Method",
        "Amount",
        "Recorded",
        "Recorded by",
    )
    assert [(r[0], r[1], r[5], r[6]) for r in body] == [
        (datetime(2026, 11, 1), "Payment", "Bank transfer", 20),
        (datetime(2026, 11, 30), "Payment", "Card", 30),
    ]
    ((paid,),) = await ledger.sql(
        "SELECT SUM(amount) FROM payments WHERE paid_on BETWEEN '2026-11-01' AND '2026-11-30'"
    )
    assert sum(money(r[6]) for r in body) * 100 == paid
    assert [r[6] for r in csv_rows(table)[1:]] == ["20.00", "30.00"]


async def test_receivables_are_what_was_owed_at_the_end_of_the_period(ledger: Ledger) -> None:
    ledger.at(local(2026, 12, 20, 10, 0))
    table = await ledger.services.exports.export(ledger.finance, Dataset.RECEIVABLES, NOVEMBER)
    assert table.as_of == date(2026, 11, 30)
    rows = xlsx_rows(table)
    head, body = rows[0], rows[1:]
    assert head[:3] == ("Customer", "Order", "Invoice")
    owed, late = head.index("Outstanding"), head.index("Days overdue")
    got = {r[1]: (money(r[owed]), r[late]) for r in body}
    # Invoiced on Nov 23 (prepaid: due then); payments up to Nov 30 count, December's not.
    totals = dict(await ledger.sql("SELECT number, total FROM orders"))
    assert got == {
        "SO-20261031-0001": (money(int(totals["SO-20261031-0001"]) - 1000) / 100, 7),
        "SO-20261101-0001": (money(int(totals["SO-20261101-0001"]) - 2000) / 100, 7),
        "SO-20261115-0001": (money(int(totals["SO-20261115-0001"]) - 3000) / 100, 7),
    }
    assert {r[head.index("Age (days)")] for r in body} == {"0–30"}
    assert csv_rows(table)[0] == list(head)

    december = ExportPeriod.preset(Preset.THIS_MONTH, date(2026, 12, 20))
    now = await ledger.services.exports.export(ledger.finance, Dataset.RECEIVABLES, december)
    assert now.as_of == date(2026, 12, 20), "the current period: owed today"
    first = next(r for r in now.rows if r[1] == "SO-20261101-0001")
    assert first[6:8] == (int(totals["SO-20261101-0001"]) - 2500, 27)


async def test_presets_and_who_may_export(ledger: Ledger, clock: FixedClock) -> None:
    today = date(2026, 11, 23)
    assert ExportPeriod.preset(Preset.THIS_MONTH, today) == NOVEMBER
    assert ExportPeriod.preset(Preset.LAST_MONTH, today) == ExportPeriod(
        start=date(2026, 10, 1), end=date(2026, 10, 31)
    )
    assert ExportPeriod.preset(Preset.THIS_YEAR, today).days == 365
    assert ExportPeriod.preset(Preset.LAST_MONTH, date(2027, 1, 5)).slug() == "20261201-20261231"
    services = ledger.services
    manager = await services.users.identify(102, "Mia", None, "en")
    rep = await services.users.identify(101, "Sam", None, "en")
    async with ledger.db.unit_of_work() as uow:
        await uow.staff.grant(manager.id, Role.SALES_MANAGER, None, clock.now())
        await uow.staff.grant(rep.id, Role.SALES_REP, None, clock.now())
        await uow.commit()
    assert (await services.exports.export(manager, Dataset.ORDERS, NOVEMBER)).rows
    buyer = await services.users.identify(2, "王芳", None, "en")
    for who in (rep, buyer):
        with pytest.raises(NotAllowed):
            await services.exports.export(who, Dataset.ORDERS, NOVEMBER)
    denied = await ledger.sql("SELECT actor_id FROM audit_log WHERE action = 'denied'")
    assert denied == [(rep.id,), (buyer.id,)]


async def test_file_names_and_an_empty_export(ledger: Ledger) -> None:
    table = await ledger.services.exports.table(
        Dataset.LINES, ExportPeriod(start=date(2025, 1, 1), end=date(2025, 1, 31))
    )
    assert table.rows == ()
    assert export_files.file_name(table, Format.XLSX) == "order-lines-20250101-20250131.xlsx"
    assert len(xlsx_rows(table)) == 1, "the header row only"


async def test_the_sheet_is_ready_to_read(ledger: Ledger) -> None:
    table = await ledger.services.exports.export(ledger.finance, Dataset.ORDERS, NOVEMBER)
    t = I18n("CNY", SHANGHAI).texts(Language.EN)
    book = load_workbook(io.BytesIO(export_files.to_xlsx(t, table)))
    sheet = book.active
    assert sheet is not None and sheet.title == "Orders"
    assert sheet.freeze_panes == "A2", "the header row stays in view"
    assert sheet.auto_filter.ref == "A1:W4"
    assert all(cell.font.b for cell in sheet[1])
    head = [c.value for c in sheet[1]]
    total = sheet.cell(row=2, column=head.index("Total") + 1)
    assert total.number_format == "#,##0.00" and total.data_type == "n"
    assert sheet.cell(row=2, column=2).is_date
    assert sheet.cell(row=2, column=2).number_format == "yyyy-mm-dd hh:mm"
    widths = {sheet.column_dimensions[c].width for c in "ABCDEFGHIJKLMNOPQRSTUVW"}
    assert min(widths) >= 5 and max(widths) <= 48


async def test_refunds_and_credit_notes_in_the_exports(ledger: Ledger) -> None:
    """Wang's first order cancelled after its invoice (a credit note, CN¥25.00 to pay back,
    CN¥10.00 of it paid back on Nov 30); CN¥200.00 paid on the 15th's order, more than it owes:
    the rest pays the same customer's December order, what is left over is paid back in part."""
    services, finance = ledger.services, ledger.finance
    ledger.at(local(2026, 12, 20, 10, 0))
    orders = dict(await ledger.sql("SELECT number, id FROM orders"))
    first, middle = int(orders["SO-20261101-0001"]), int(orders["SO-20261115-0001"])
    admin = await services.users.identify(1, "Ada", None, "en")
    wang = await services.users.identify(2, "王芳", None, "en")
    asked = await services.orders.cancel(wang, first, "Ordered twice")
    assert asked.request_id is not None
    await services.requests.decide(admin, asked.request_id, approve=True)
    await services.finance.record_refund(finance, first, 1000, Method.CASH, date(2026, 11, 30))
    plan = await services.finance.plan_payment(finance, middle, 20000)
    assert [o.number for o, _, _ in plan.parts] == ["SO-20261115-0001", "SO-20261201-0001"]
    await services.finance.record_payment(
        finance, middle, 20000, Method.BANK_TRANSFER, date(2026, 11, 30)
    )
    due = (await services.finance.refund_due(finance, order_id=middle)).refund_due
    assert due == plan.left_over > 0
    await services.finance.record_refund(
        finance, middle, 500, Method.BANK_TRANSFER, date(2026, 11, 30)
    )
    await services.finance.record_refund(finance, middle, 100, Method.CASH, date(2026, 12, 2))

    payments = xlsx_rows(await services.exports.export(finance, Dataset.PAYMENTS, NOVEMBER))
    head, body = payments[0], payments[1:]
    kind, amount = head.index("Type"), head.index("Amount")
    assert [(r[0].day, r[kind], r[2], money(r[amount])) for r in body] == [
        (1, "Payment", "SO-20261101-0001", money("20")),
        (30, "Payment", "SO-20261115-0001", money("30")),
        (30, "Payment", "SO-20261115-0001", money(plan.parts[0][2] + plan.left_over) / 100),
        (30, "Payment", "SO-20261201-0001", money(plan.parts[1][2]) / 100),
        (30, "Refund", "SO-20261101-0001", money("-10")),
        (30, "Refund", "SO-20261115-0001", money("-5")),
    ], "refunds after the day's payments, negative: the column sums to the cash kept"
    ((cash,),) = await ledger.sql(
        "SELECT (SELECT SUM(amount) FROM payments WHERE paid_on BETWEEN '2026-11-01' AND"
        " '2026-11-30') - (SELECT SUM(amount) FROM refunds WHERE paid_on BETWEEN '2026-11-01'"
        " AND '2026-11-30')"
    )
    assert sum(money(r[amount]) for r in body) * 100 == cash
    assert [
        r[kind] for r in csv_rows(await services.exports.table(Dataset.PAYMENTS, NOVEMBER))[1:]
    ][-1] == "Refund"

    table = await services.exports.export(finance, Dataset.ORDERS, NOVEMBER)
    rows = {r[0]: dict(zip([c.key for c in table.columns], r, strict=True)) for r in table.rows}
    book = await ledger.sql(
        "SELECT o.number, o.total, o.status, o.payment_status, o.refund_due,"
        " (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE order_id = o.id),"
        " (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = o.id),"
        " (SELECT COALESCE(SUM(amount), 0) FROM credit_notes WHERE order_id = o.id)"
        " FROM orders o WHERE o.number IN ('SO-20261101-0001', 'SO-20261115-0001',"
        " 'SO-20261130-0001')"
    )
    assert len(book) == len(rows) == 3
    for number, total, status, payment_status, refund_due, paid, refunded, credited in book:
        row = rows[number]
        charge = 0 if status in ("cancelled", "rejected") else total
        assert (row["total"], row["charged"], row["paid"], row["refunded"], row["credited"]) == (
            total,
            charge,
            paid,
            refunded,
            credited,
        ), number
        assert row["payment_status"] == payment_status and row["refund_due"] == refund_due
        assert row["paid"] - row["refunded"] + row["owed"] - row["refund_due"] == row["charged"]
    cancelled = rows["SO-20261101-0001"]
    assert cancelled["status"] == "cancelled" and cancelled["credited"] == cancelled["total"]
    assert (cancelled["owed"], cancelled["refund_due"]) == (0, 1500)
    assert rows["SO-20261115-0001"]["payment_status"] == "partially_refunded"
    assert rows["SO-20261115-0001"]["refund_due"] == plan.left_over - 600
    assert rows["SO-20261130-0001"]["owed"] == rows["SO-20261130-0001"]["total"]
    sheet = xlsx_rows(table)
    assert sheet[0][15:21] == ("Charged", "Paid", "Refunded", "Owed", "To pay back", "Invoice")
    assert "Credit notes" in sheet[0]

    receivables = await services.exports.export(finance, Dataset.RECEIVABLES, NOVEMBER)
    assert receivables.as_of == date(2026, 11, 30)
    owed = {r[1]: r[6] for r in receivables.rows}
    assert set(owed) == {"SO-20261031-0001"}, "cancelled, and paid in full by Nov 30 less refunds"


@pytest.mark.parametrize("dataset", list(Dataset))
@pytest.mark.parametrize("fmt", list(Format))
async def test_streamed_to_a_file_as_the_whole_table_writes(
    ledger: Ledger, dataset: Dataset, fmt: Format, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports_db, "CHUNK", 1)  # every row fetched on its own
    t = I18n("CNY", SHANGHAI).texts(Language.EN)
    table = await ledger.services.exports.table(dataset, NOVEMBER)
    assert table.rows
    progress = export_files.Progress()
    target = tmp_path / f"out.{fmt.value}"
    seen: list[str] = []

    def write(head: Table, rows: Iterator[tuple[object, ...]]) -> export_files.Written:
        seen.append(type(rows).__name__)
        return export_files.write_stream(t, head, rows, fmt, target, progress=progress)  # type: ignore[arg-type]

    written = await ledger.services.exports.export_to(ledger.finance, dataset, NOVEMBER, write)
    assert seen != ["list"] and seen != ["tuple"], "rows stream in, not a list built first"
    assert written.rows == written.found == progress.rows == len(table.rows)
    assert written.table.rows == () and written.path == target
    if fmt is Format.CSV:
        assert target.read_bytes() == export_files.to_csv(t, table)
    else:
        sheet = load_workbook(target).active
        assert sheet is not None
        assert [tuple(r) for r in sheet.iter_rows(values_only=True)] == xlsx_rows(table)


async def test_a_limit_stops_the_writing_and_still_counts_the_rows(
    ledger: Ledger, tmp_path: Path
) -> None:
    t = I18n("CNY", SHANGHAI).texts(Language.EN)
    table = await ledger.services.exports.table(Dataset.LINES, NOVEMBER)
    assert len(table.rows) >= 2
    target = tmp_path / "lines.csv"
    written = export_files.write_stream(t, table, iter(table.rows), Format.CSV, target, limit=1)
    assert (written.rows, written.found) == (1, len(table.rows))
    assert len(list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))) == 2
