"""Export tables written as XLSX (openpyxl) or CSV, headers in the reader's language.

Money is written in major units (a number with the currency's decimals in XLSX, "1234.50" in
CSV); dates and times as the business time zone's wall clock. The command line writes the
same files with English headers."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from babel.numbers import get_currency_precision
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.domain.exports import Cell, Column, Dataset, Kind, Table
from bot.domain.models import OrderStatus, PaymentStatus
from bot.domain.payments import Method
from bot.i18n import N_, Texts
from bot.ui.finance_views import METHODS
from bot.ui.labels import ORDER_STATUS, PAYMENT_STATUS


class Format(StrEnum):
    """File formats offered."""

    XLSX = "xlsx"
    CSV = "csv"


DATASETS = {
    Dataset.ORDERS: N_("Orders"),
    Dataset.LINES: N_("Order lines"),
    Dataset.PAYMENTS: N_("Payments"),
    Dataset.RECEIVABLES: N_("Receivables"),
}
SLUGS = {
    Dataset.ORDERS: "orders",
    Dataset.LINES: "order-lines",
    Dataset.PAYMENTS: "payments",
    Dataset.RECEIVABLES: "receivables",
}
HEADERS = {
    "order": N_("Order"),
    "submitted": N_("Submitted"),
    "customer": N_("Customer"),
    "company": N_("Company"),
    "rep": N_("Sales rep"),
    "status": N_("Status"),
    "payment_status": N_("Payment status"),
    "order_type": N_("Order type"),
    "payment_term": N_("Payment term"),
    "delivery": N_("Delivery"),
    "subtotal": N_("Subtotal"),
    "discount": N_("Discount"),
    "delivery_fee": N_("Delivery fee"),
    "tax": N_("Tax"),
    "total": N_("Total"),
    "charged": N_("Charged"),
    "paid": N_("Paid"),
    "refunded": N_("Refunded"),
    "owed": N_("Owed"),
    "refund_due": N_("To pay back"),
    "credited": N_("Credit notes"),
    "kind": N_("Type"),
    "invoice": N_("Invoice"),
    "currency": N_("Currency"),
    "sku": N_("SKU"),
    "product": N_("Product"),
    "qty": N_("Quantity"),
    "cancelled_qty": N_("Cancelled"),
    "shipped_qty": N_("Shipped"),
    "unit_price": N_("Unit price"),
    "amount": N_("Amount"),
    "paid_on": N_("Paid on"),
    "method": N_("Method"),
    "recorded": N_("Recorded"),
    "recorded_by": N_("Recorded by"),
    "issued": N_("Issued"),
    "due": N_("Due"),
    "outstanding": N_("Outstanding"),
    "days_overdue": N_("Days overdue"),
    "age": N_("Age (days)"),
}
ENTRIES = {"payment": N_("Payment"), "refund": N_("Refund")}
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
# Text a spreadsheet would take for a formula: written as text (XLSX) or quoted (CSV).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH, SAMPLE_ROWS = 48, 200


def headers(t: Texts, table: Table) -> list[str]:
    """The column headers in the reader's language."""
    return [t._(HEADERS[c.key]) for c in table.columns]


def file_name(table: Table, fmt: Format) -> str:
    """orders-20261101-20261130.xlsx"""
    return f"{SLUGS[table.dataset]}-{table.period.slug()}.{fmt.value}"


def _label(t: Texts, column: Column, cell: Cell) -> Cell:
    """Statuses and methods in the reader's language; other values as they are."""
    if cell is None:
        return None
    if column.kind is Kind.ORDER_STATUS:
        return t._(ORDER_STATUS[OrderStatus(str(cell))])
    if column.kind is Kind.PAYMENT_STATUS:
        return t._(PAYMENT_STATUS[PaymentStatus(str(cell))])
    if column.kind is Kind.METHOD:
        return t._(METHODS[Method(str(cell))])
    if column.kind is Kind.ENTRY:
        return t._(ENTRIES[str(cell)])
    return cell


def _major(minor: int, digits: int) -> Decimal:
    return Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def _width(text: str) -> int:
    """Columns a text takes: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _text(column: Column, value: Cell, digits: int) -> str:
    """A value as CSV text."""
    if value is None:
        return ""
    if column.kind is Kind.MONEY and isinstance(value, int):
        return str(_major(value, digits))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(t: Texts, table: Table) -> bytes:
    """CSV in UTF-8 with a byte order mark (so Excel reads Chinese right), one header row."""
    digits = int(get_currency_precision(table.currency))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers(t, table))
    for row in table.rows:
        texts = []
        for column, cell in zip(table.columns, row, strict=True):
            text = _text(column, _label(t, column, cell), digits)
            if column.kind is Kind.TEXT and text.startswith(FORMULA_START):
                text = "'" + text
            texts.append(text)
        writer.writerow(texts)
    return out.getvalue().encode("utf-8-sig")


def _sheet_title(t: Texts, table: Table) -> str:
    title = t._(DATASETS[table.dataset])
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Export"


def _widths(t: Texts, table: Table, names: list[str]) -> list[int]:
    """Column widths that fit the header and the first rows (wide characters count twice)."""
    digits = int(get_currency_precision(table.currency))
    widths = []
    for index, (column, name) in enumerate(zip(table.columns, names, strict=True)):
        sample = [
            _text(column, _label(t, column, row[index]), digits)
            for row in table.rows[:SAMPLE_ROWS]
        ]
        if column.kind is Kind.MONEY:
            sample = [f"{s},000" for s in sample]  # room for thousands separators
        widths.append(min(max([_width(name), *(_width(s) for s in sample)]) + 2, MAX_WIDTH))
    return widths


def to_xlsx(t: Texts, table: Table) -> bytes:
    """One sheet: a bold, frozen header row with a filter, column widths to fit, money with
    the currency's decimals and dates as dates."""
    digits = int(get_currency_precision(table.currency))
    money_format = "#,##0" + ("." + "0" * digits if digits else "")
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_sheet_title(t, table))
    names = headers(t, table)
    for index, width in enumerate(_widths(t, table, names), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF7")
    head = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
        head.append(cell)
    ws.append(head)
    formats = {
        Kind.MONEY: money_format,
        Kind.DATE: DATE_FORMAT,
        Kind.DATETIME: DATETIME_FORMAT,
        Kind.INT: "0",
    }
    for row in table.rows:
        cells = []
        for column, raw in zip(table.columns, row, strict=True):
            value: Cell | Decimal = _label(t, column, raw)
            if column.kind is Kind.MONEY and isinstance(value, int):
                value = _major(value, digits)
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever a customer typed
            if column.kind in formats:
                cell.number_format = formats[column.kind]
            cells.append(cell)
        ws.append(cells)
    last = get_column_letter(len(table.columns))
    ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write(t: Texts, table: Table, fmt: Format) -> bytes:
    """The table as a file of this format."""
    return to_xlsx(t, table) if fmt is Format.XLSX else to_csv(t, table)
