"""A statement of account as a spreadsheet (openpyxl), in the reader's language: who, which
period, then one row per entry with debit, credit and the balance after it, between the
opening and the closing balance. Money with the currency's decimals, days as dates, text never
taken for a formula (as bot/ui/export_files.py writes exports)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.domain.reports import Period
from bot.i18n import Texts
from bot.services.statements import StatementView
from bot.ui.export_files import DATE_FORMAT
from bot.ui.report_views import period_label
from bot.ui.statement_views import HEADINGS, balance_text, customer_label, entry_name

WIDTHS = (14, 34, 22, 16, 16, 16)
Value = str | date | Decimal | None


def _major(minor: int, digits: int) -> Decimal:
    return Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def _cells(
    ws: Any, values: list[Value], money_format: str, *, head: bool = False
) -> list[WriteOnlyCell]:
    """A row of cells: text as text, days as dates, amounts as money; bold for headers."""
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF7")
    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever a name holds
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, Decimal):
            cell.number_format = money_format
        if head:
            cell.font, cell.fill = bold, fill
        cells.append(cell)
    return cells


def write(t: Texts, view: StatementView) -> bytes:
    """The statement as an XLSX file."""
    s = view.statement
    digits = int(get_currency_precision(view.currency))
    money_format = "#,##0" + ("." + "0" * digits if digits else "")

    def money(minor: int) -> Decimal:
        return _major(minor, digits)

    workbook = Workbook(write_only=True)
    title = "".join(ch for ch in t._("Statement of account") if ch not in "[]:*?/\\")[:31]
    ws = workbook.create_sheet(title or "Statement")
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.append(_cells(ws, [t._("Statement of account")], money_format, head=True))
    ws.append(_cells(ws, [t._("Customer"), customer_label(view.customer)], money_format))
    period = period_label(t, Period(s.start, s.end))
    ws.append(_cells(ws, [t._("Period"), period], money_format))
    ws.append(_cells(ws, [t._("Currency"), view.currency], money_format))
    ws.append([])
    ws.append(_cells(ws, [t._(h) for h in HEADINGS], money_format, head=True))
    opening: list[Value] = [s.start, t._("Opening balance"), None, None, None, money(s.opening)]
    ws.append(_cells(ws, opening, money_format))
    for line in s.lines:
        change = line.entry.change
        row: list[Value] = [
            line.entry.day,
            entry_name(t, line.entry),
            line.entry.order_number,
            money(change) if change > 0 else None,
            money(-change) if change < 0 else None,
            money(line.balance),
        ]
        ws.append(_cells(ws, row, money_format))
    closing: list[Value] = [
        s.end,
        t._("Closing balance"),
        balance_text(t, s.closing, view.own),
        money(s.debits),
        money(s.credits),
        money(s.closing),
    ]
    ws.append(_cells(ws, closing, money_format, head=True))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
