"""A statement of account as a PDF (fpdf2) in the reader's language: seller, customer, period,
opening balance, every entry with debit, credit and the balance after it, closing balance; in
the invoices' embedded font (see pdf_parts)."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace

from bot.domain.reports import Period
from bot.i18n import Texts
from bot.services.statements import StatementView
from bot.ui.pdf_parts import (
    ACCENT,
    FONT,
    MARGIN,
    WIDTH,
    Page,
    bold,
    drop,
    heading,
    lines,
    page,
    seller_lines,
)
from bot.ui.report_views import period_label
from bot.ui.statement_views import HEADINGS, balance_text, entry_name

# Date, entry, order, debit, credit, balance (mm; the entry takes what is left).
COLUMNS = (24.0, WIDTH - 24.0 - 34.0 - 3 * 25.0, 34.0, 25.0, 25.0, 25.0)


@dataclass(frozen=True)
class Layout:
    """Every text the statement shows, gathered first so that its font holds exactly those."""

    title: str
    customer_label: str
    seller: list[str]
    meta: list[str]
    customer: list[str]
    headings: list[str]
    rows: list[list[str]]
    summary: list[str]
    footer: str

    def texts(self) -> list[str]:
        """Every text, flat."""
        flat = [self.title, self.customer_label, self.footer]
        for part in (self.seller, self.meta, self.customer, self.headings, self.summary):
            flat += part
        return flat + [cell for row in self.rows for cell in row]

    def without(self, characters: str) -> Layout:
        """The same texts with these characters left out (ones no font can draw)."""
        if not characters:
            return self
        return Layout(
            title=drop([self.title], characters)[0],
            customer_label=drop([self.customer_label], characters)[0],
            seller=drop(self.seller, characters),
            meta=drop(self.meta, characters),
            customer=drop(self.customer, characters),
            headings=drop(self.headings, characters),
            rows=[drop(row, characters) for row in self.rows],
            summary=drop(self.summary, characters),
            footer=drop([self.footer], characters)[0],
        )


def layout(t: Texts, view: StatementView) -> Layout:
    """The statement's texts in the reader's language."""
    s, c = view.statement, view.customer
    period = period_label(t, Period(s.start, s.end))
    customer = [c.name, *([c.company] if c.company else [])]
    customer.append(t._("Phone: %(value)s") % {"value": c.phone})
    rows = [[t.date(s.start), t._("Opening balance"), "", "", "", t.money(s.opening)]]
    for line in s.lines:
        change = line.entry.change
        rows.append(
            [
                t.date(line.entry.day),
                entry_name(t, line.entry),
                line.entry.order_number,
                t.money(change) if change > 0 else "",
                t.money(-change) if change < 0 else "",
                t.money(line.balance),
            ]
        )
    rows.append([t.date(s.end), t._("Closing balance"), "", "", "", t.money(s.closing)])
    title = t._("Statement of account")
    seller = seller_lines(t, view.seller)
    return Layout(
        title=title,
        customer_label=t._("Customer"),
        seller=seller,
        meta=[
            t._("Period: %(value)s") % {"value": period},
            t._("Date: %(value)s") % {"value": t.date(view.issued_on)},
        ],
        customer=customer,
        headings=[t._(h) for h in HEADINGS],
        rows=rows,
        summary=[
            t._("Charged in the period: %(amount)s") % {"amount": t.money(s.debits)},
            t._("Paid or credited in the period: %(amount)s") % {"amount": t.money(s.credits)},
            t._("Closing balance: %(amount)s — %(meaning)s")
            % {"amount": t.money(s.closing), "meaning": balance_text(t, s.closing, view.own)},
        ],
        footer=" · ".join(x for x in (seller[0] if seller else "", title, period) if x),
    )


def render(t: Texts, view: StatementView) -> bytes:
    """The statement as PDF bytes, in the language of `t`."""
    parts = layout(t, view)
    author = parts.seller[0] if parts.seller else ""
    with page(t, parts.texts(), parts.title, author) as (pdf, missing):
        parts = parts.without(missing)
        pdf.footer_text = parts.footer
        _draw(pdf, parts)
        return bytes(pdf.output())


def _draw(pdf: Page, parts: Layout) -> None:
    heading(pdf, parts.seller, parts.title, parts.meta, parts.customer_label, parts.customer)
    pdf.set_font(FONT, size=8.5)
    with pdf.table(
        col_widths=COLUMNS,
        width=WIDTH,
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="", fill_color=ACCENT),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.6,
        padding=1.2,
    ) as table:
        table.row(parts.headings)
        for row in parts.rows:
            table.row(row)
    pdf.ln(3)
    for index, text in enumerate(parts.summary):
        last = index == len(parts.summary) - 1
        bold(pdf, last)
        lines(pdf, [text], MARGIN, WIDTH, 11 if last else 9.5, align="R")
    bold(pdf, False)
