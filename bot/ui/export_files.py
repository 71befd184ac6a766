"""Export tables written as XLSX (openpyxl) or CSV, headers in the reader's language.

Money is written in major units (a number with the currency's decimals in XLSX, "1234.50" in
CSV); dates and times as the business time zone's wall clock. The command line writes the
same files with English headers. Rows are written one by one as they stream in (openpyxl's
write-only mode keeps no sheet in memory), to a file or any binary stream."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import chain, islice
from pathlib import Path
from typing import IO

from babel.numbers import get_currency_precision
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.domain.exports import Cell, Column, Dataset, ExportPeriod, Kind, Table
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
Row = tuple[Cell, ...]


def headers(t: Texts, table: Table) -> list[str]:
    """The column headers in the reader's language."""
    return [t._(HEADERS[c.key]) for c in table.columns]


def file_name(table: Table, fmt: Format) -> str:
    """orders-20261101-20261130.xlsx"""
    return name_of(table.dataset, table.period, fmt)


def name_of(dataset: Dataset, period: ExportPeriod, fmt: Format) -> str:
    """The file name of a data set of a period (file_name)."""
    return f"{SLUGS[dataset]}-{period.slug()}.{fmt.value}"


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


class Progress:
    """Rows written so far, read by the event loop while a worker writes. Given a file, the
    count is also put there every EVERY rows, for the bot's process to read while a worker
    process writes (it pickles: the worker counts into its own copy and the shared file)."""

    EVERY = 1000

    def __init__(self, file: Path | None = None) -> None:
        self.file = file
        self._rows = 0

    @property
    def rows(self) -> int:
        """The rows written so far (as last put in the file, when there is one)."""
        if self.file is None:
            return self._rows
        try:
            return int(self.file.read_text() or 0)
        except (OSError, ValueError):
            return 0  # not written yet

    def count(self, rows: int) -> None:
        """The writer is at this many rows."""
        self._rows = rows
        if self.file is not None and rows % self.EVERY == 0:
            fresh = self.file.with_name(self.file.name + ".new")
            fresh.write_text(str(rows))
            fresh.replace(self.file)  # whole: the reader never sees half a number


@dataclass(frozen=True)
class Written:
    """An export written: its table (columns, no rows), the rows it holds, and the rows the
    data set has (more than `rows` when a limit stopped the writing)."""

    table: Table
    rows: int
    found: int
    path: Path | None = None


def _limited(
    rows: Iterable[Row], limit: int | None, progress: Progress, seen: list[int]
) -> Iterator[Row]:
    """The rows up to the limit, counted into progress; then the rest counted, not written."""
    for row in rows:
        seen[0] += 1
        progress.count(seen[0])
        if limit is None or seen[0] <= limit:
            yield row


def write_csv(t: Texts, table: Table, rows: Iterable[Row], out: IO[bytes]) -> int:
    """CSV in UTF-8 with a byte order mark (so Excel reads Chinese right), one header row;
    the rows written."""
    digits = int(get_currency_precision(table.currency))
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    written = 0
    try:
        writer = csv.writer(text)
        writer.writerow(headers(t, table))
        for row in rows:
            texts = []
            for column, cell in zip(table.columns, row, strict=True):
                value = _text(column, _label(t, column, cell), digits)
                if column.kind is Kind.TEXT and value.startswith(FORMULA_START):
                    value = "'" + value
                texts.append(value)
            writer.writerow(texts)
            written += 1
    finally:
        text.flush()
        text.detach()
    return written


def to_csv(t: Texts, table: Table) -> bytes:
    """The whole table as CSV (write_csv)."""
    out = io.BytesIO()
    write_csv(t, table, table.rows, out)
    return out.getvalue()


def _sheet_title(t: Texts, table: Table) -> str:
    title = t._(DATASETS[table.dataset])
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Export"


def _widths(t: Texts, table: Table, names: list[str], sample: list[Row]) -> list[int]:
    """Column widths that fit the header and the first rows (wide characters count twice)."""
    digits = int(get_currency_precision(table.currency))
    widths = []
    for index, (column, name) in enumerate(zip(table.columns, names, strict=True)):
        texts = [_text(column, _label(t, column, row[index]), digits) for row in sample]
        if column.kind is Kind.MONEY:
            texts = [f"{s},000" for s in texts]  # room for thousands separators
        widths.append(min(max([_width(name), *(_width(s) for s in texts)]) + 2, MAX_WIDTH))
    return widths


def write_xlsx(t: Texts, table: Table, rows: Iterable[Row], out: IO[bytes] | Path) -> int:
    """One sheet: a bold, frozen header row with a filter, column widths to fit the first
    rows, money with the currency's decimals and dates as dates; the rows written."""
    digits = int(get_currency_precision(table.currency))
    money_format = "#,##0" + ("." + "0" * digits if digits else "")
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_sheet_title(t, table))
    names = headers(t, table)
    stream = iter(rows)
    sample = list(islice(stream, SAMPLE_ROWS))
    for index, width in enumerate(_widths(t, table, names, sample), start=1):
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
    written = 0
    for row in chain(sample, stream):
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
        written += 1
    last = get_column_letter(len(table.columns))
    ws.auto_filter.ref = f"A1:{last}{written + 1}"
    workbook.save(out)
    return written


def to_xlsx(t: Texts, table: Table) -> bytes:
    """The whole table as XLSX (write_xlsx)."""
    out = io.BytesIO()
    write_xlsx(t, table, table.rows, out)
    return out.getvalue()


def write_stream(
    t: Texts,
    table: Table,
    rows: Iterable[Row],
    fmt: Format,
    out: IO[bytes] | Path,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
) -> Written:
    """Rows as they come, written in this format (at most `limit` of them; the others are
    counted), progress counted as they go."""
    seen = [0]
    progress = progress or Progress()
    limited = _limited(rows, limit, progress, seen)
    if fmt is Format.XLSX:
        written = write_xlsx(t, table, limited, out)
    elif isinstance(out, Path):
        with out.open("wb") as file:
            written = write_csv(t, table, limited, file)
    else:
        written = write_csv(t, table, limited, out)
    return Written(table, written, seen[0], out if isinstance(out, Path) else None)
