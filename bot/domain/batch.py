"""Batch orders from a spreadsheet: reading the file into rows, and what can be wrong with them.

Pure: the bytes come in, rows go out; which customer or product a row names is the service's
business (bot/services/batch_orders.py).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from openpyxl import load_workbook
from pydantic import BaseModel, ConfigDict

from bot.domain.errors import DomainError
from bot.domain.parsing import clean_text

MAX_BYTES = 1_000_000
MAX_ROWS = 2_000
MAX_COLUMNS = 30
CELL_MAX = 300
REQUIRED = ("customer", "sku", "qty", "delivery", "payment_term")
OPTIONAL = ("address", "note", "order_ref")
COLUMNS = ("customer", "sku", "qty", "delivery", "address", "payment_term", "note", "order_ref")
FILE_TYPES = (".xlsx", ".csv")


class FileProblem(StrEnum):
    """Why a whole file was refused (nothing in it was looked at row by row)."""

    TYPE = "type"
    SIZE = "size"
    UNREADABLE = "unreadable"
    EMPTY = "empty"
    TOO_MANY_ROWS = "too_many_rows"
    MISSING_COLUMNS = "missing_columns"
    CHANGED = "changed"  # valid when checked, no longer when created: nothing was created


class BatchFileInvalid(DomainError):
    """The uploaded file cannot be used; nothing was created."""

    def __init__(self, problem: FileProblem, detail: str = "", limit: int = 0) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.detail = detail
        self.limit = limit

    def __reduce__(self) -> tuple[type[BatchFileInvalid], tuple[FileProblem, str, int]]:
        """Pickled whole: read_rows runs in a worker process and raises it from there."""
        return BatchFileInvalid, (self.problem, self.detail, self.limit)


class BatchStopped(DomainError):
    """A batch stopped part way: the orders of earlier transactions were made, the rest not
    (the failing order named by its rows); pressing Create again makes only the rest."""

    def __init__(self, batch_id: int, made: int, total: int, failed: str, left: str) -> None:
        super().__init__("batch_stopped")
        self.batch_id, self.made, self.total = batch_id, made, total
        self.failed, self.left = failed, left


def row_ranges(rows: Iterable[int]) -> str:
    """Row numbers as ranges: "2–4, 7, 9–10"."""
    spans: list[list[int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans)


class RowProblem(StrEnum):
    """What is wrong with one row."""

    MISSING = "missing"  # a required cell is empty
    CUSTOMER_UNKNOWN = "customer_unknown"
    CUSTOMER_AMBIGUOUS = "customer_ambiguous"
    NOT_YOUR_CUSTOMER = "not_your_customer"
    SKU_UNKNOWN = "sku_unknown"
    QTY_INVALID = "qty_invalid"
    DELIVERY_UNKNOWN = "delivery_unknown"
    ADDRESS_MISSING = "address_missing"
    ADDRESS_INVALID = "address_invalid"
    TERM_UNKNOWN = "term_unknown"
    TERM_NOT_ALLOWED = "term_not_allowed"
    NOTE_TOO_LONG = "note_too_long"
    ORDER_MISMATCH = "order_mismatch"  # differs from its order's first row (delivery, term …)
    STOCK = "stock"
    WITH_BROKEN_ROW = "with_broken_row"  # fine itself, but its order has a broken row


class RowError(BaseModel):
    """One problem of one row (numbered as the spreadsheet numbers it)."""

    model_config = ConfigDict(frozen=True)

    row: int
    problem: RowProblem
    value: str = ""
    limit: int = 0


class BatchRow(BaseModel):
    """One data row of the file: its number and its cells by column."""

    model_config = ConfigDict(frozen=True)

    row: int
    customer: str = ""
    sku: str = ""
    qty: str = ""
    delivery: str = ""
    payment_term: str = ""
    address: str = ""
    note: str = ""
    order_ref: str = ""


def file_type(file_name: str) -> str:
    """The file's type by its name (.xlsx or .csv), or BatchFileInvalid."""
    lowered = (file_name or "").lower()
    for suffix in FILE_TYPES:
        if lowered.endswith(suffix):
            return suffix
    raise BatchFileInvalid(FileProblem.TYPE)


def _cell(value: Any) -> str:
    """A cell as text: 3.0 → "3", dates as ISO, None → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()  # a spreadsheet's date cell
    if isinstance(value, datetime | date):
        value = value.isoformat()
    # Cleaned as typed text is: no bidi overrides or zero-width marks reach the staff's report.
    text = clean_text(unicodedata.normalize("NFKC", str(value)), multiline=True)
    return text[:CELL_MAX]


def _take(rows: Any) -> list[list[str]]:
    """Rows as text cells, stopping once there are more filled rows than a file may hold."""
    taken: list[list[str]] = []
    filled = 0
    for row in rows:
        cells = [_cell(c) for c in list(row)[:MAX_COLUMNS]]
        taken.append(cells)
        filled += any(cells)
        if filled > MAX_ROWS + 1:  # the header and one row too many: enough to refuse
            break
    return taken


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV file (UTF-8 or GB18030; comma, semicolon or tab) as text cells."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BatchFileInvalid(FileProblem.UNREADABLE)
    if "\x00" in text:
        raise BatchFileInvalid(FileProblem.UNREADABLE)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return _take(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise BatchFileInvalid(FileProblem.UNREADABLE) from None


def xlsx_rows(content: bytes) -> list[list[str]]:
    """The rows of an .xlsx file's first sheet as text cells (read-only mode)."""
    # openpyxl raises many kinds of errors for damaged or foreign files: any of them is a
    # file that cannot be read.
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise BatchFileInvalid(FileProblem.UNREADABLE) from None
    try:
        sheet = book.worksheets[0]
        return _take(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    except Exception:
        raise BatchFileInvalid(FileProblem.UNREADABLE) from None
    finally:
        book.close()


def _column_name(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


def read_rows(file_name: str, content: bytes) -> list[BatchRow]:
    """The data rows of an .xlsx (first sheet) or .csv file with a header row; empty rows are
    skipped; row numbers are the spreadsheet's (the header is row 1)."""
    kind = file_type(file_name)
    if len(content) > MAX_BYTES:
        raise BatchFileInvalid(FileProblem.SIZE, limit=MAX_BYTES)
    table = xlsx_rows(content) if kind == ".xlsx" else csv_rows(content)
    numbered = [(i, row) for i, row in enumerate(table, 1) if any(row)]
    if not numbered:
        raise BatchFileInvalid(FileProblem.EMPTY)
    header = numbered[0][1]
    names = [_column_name(h) for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise BatchFileInvalid(FileProblem.MISSING_COLUMNS, ", ".join(missing))
    where = {c: names.index(c) for c in COLUMNS if c in names}
    data = numbered[1:]
    if not data:
        raise BatchFileInvalid(FileProblem.EMPTY)
    if len(data) > MAX_ROWS:
        raise BatchFileInvalid(FileProblem.TOO_MANY_ROWS, limit=MAX_ROWS)
    return [
        BatchRow(
            row=number,
            **{c: row[i] if i < len(row) else "" for c, i in where.items()},
        )
        for number, row in data
    ]


def read_qty(text: str, maximum: int) -> int | None:
    """A whole number of units from 1 to `maximum` ("3", "3.0"), or None."""
    value = text.strip().replace(" ", "")
    if value.endswith(".0"):
        value = value[:-2]
    if not value.isdecimal() or len(value) > 12:  # isdigit() holds for "𐩀", int() refuses it
        return None
    qty = int(value)
    return qty if 1 <= qty <= maximum else None
