"""An invoice as a PDF (fpdf2) in the customer's language: seller, customer, lines, totals with
tax, payment term, due dates and how to pay, in one embedded font (see pdf_font)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, fields, replace
from html import unescape
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace

from bot.i18n import Texts
from bot.services.invoices import InvoiceDocument
from bot.ui.export_files import HEADERS
from bot.ui.finance_views import due_lines
from bot.ui.labels import payment_term
from bot.ui.order_views import totals_block
from bot.ui.pdf_font import fonts_for
from bot.ui.pdf_parts import (
    ACCENT,
    FALLBACK,
    FONT,
    GREY,
    INK,
    LANG_TAGS,
    MARGIN,
    WIDTH,
    bold,
    lines,
    seller_lines,
)
from bot.ui.units import quantity

# SKU, product, quantity, unit price, amount (mm; the product takes what is left).
COLUMNS = (28.0, WIDTH - 28.0 - 16.0 - 30.0 - 32.0, 16.0, 30.0, 32.0)


def _plain(html: str) -> str:
    """A message line without its HTML (totals are shared with the chat screens)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


@dataclass(frozen=True)
class Layout:
    """Every text the invoice shows, gathered first so that its font holds exactly those."""

    title: str
    bill_to_label: str
    seller: list[str]
    meta: list[str]
    bill_to: list[str]
    headings: list[str]
    rows: list[list[str]]
    totals: list[str]
    balance: list[str]
    payment: list[str]
    extra: list[str]
    footer: str

    def characters(self) -> str:
        """Each character used anywhere, and the digits of page numbers."""
        texts = ["0123456789/ "]
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                texts.append(value)
            else:
                texts += [" ".join(v) if isinstance(v, list) else v for v in value]
        return "".join(sorted(set("".join(texts))))

    def without(self, characters: str) -> Layout:
        """The same texts with these characters left out (ones no font can draw)."""
        if not characters:
            return self
        table = str.maketrans("", "", characters)
        changes: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                changes[f.name] = value.translate(table)
            else:
                changes[f.name] = [
                    [c.translate(table) for c in v] if isinstance(v, list) else v.translate(table)
                    for v in value
                ]
        return replace(self, **changes)  # type: ignore[arg-type]


def layout(t: Texts, doc: InvoiceDocument) -> Layout:
    """The invoice's texts in the reader's language."""
    seller, language = doc.seller, t.language
    order, customer = doc.order, doc.customer
    meta = [
        t._("Invoice date: %(value)s") % {"value": t.date(doc.issued_on)},
        t._("Order: %(value)s") % {"value": order.number},
        t._("Delivery: %(value)s") % {"value": doc.delivery},
    ]
    bill_to = [customer.name]
    if customer.company:
        bill_to.append(customer.company)
    if order.address:
        bill_to.append(t._("Address: %(value)s") % {"value": order.address})
    bill_to.append(t._("Phone: %(value)s") % {"value": customer.phone})
    rows = [
        [
            line.sku,
            line.name,
            quantity(t, line.qty, line.unit),
            t.money(line.unit_price),
            t.money(line.amount),
        ]
        for line in doc.lines
    ]
    balance = []
    if doc.paid:
        balance.append(
            t._("Still to pay: %(owed)s.") % {"owed": t.money(doc.owed)}
            if doc.owed
            else t._("The order is paid in full.")
        )
    term = payment_term(t, doc.term) if doc.term else order.payment_term
    payment = [t._("Payment terms: %(value)s") % {"value": term}]
    payment += due_lines(t, doc.dues, doc.deposit)
    if doc.deposit and doc.paid < doc.deposit and doc.owed:
        pay_now = t._("Please pay the deposit of %(amount)s now; the rest is due as listed.")
        payment.append(pay_now % {"amount": t.money(doc.deposit - max(doc.paid, 0))})
    extra = [line for line in doc.how_to_pay.splitlines() if line.strip()]
    if seller.bank:
        extra.append(t._("Bank details: %(value)s") % {"value": seller.bank})
    return Layout(
        title=t._("Invoice: %(invoice)s") % {"invoice": doc.number},
        bill_to_label=t._("Bill to"),
        seller=seller_lines(t, seller),
        meta=meta,
        bill_to=bill_to,
        headings=[t._(HEADERS[k]) for k in ("sku", "product", "qty", "unit_price", "amount")],
        rows=rows,
        totals=[_plain(x) for x in totals_block(t, order.totals, doc.delivery)],
        balance=balance,
        payment=payment,
        footer=f"{seller.name_in(language)} · {doc.number}".strip(" ·"),
        extra=extra,
    )


class _Pdf(FPDF):
    """A4 with the invoice number and page numbers at the foot of every page."""

    footer_text = ""

    def footer(self) -> None:
        """Seller, invoice number, page n/N."""
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        self.cell(WIDTH / 2, 5, self.footer_text)
        self.cell(WIDTH / 2, 5, f"{self.page_no()}/{{nb}}", align="R")


def render(t: Texts, doc: InvoiceDocument) -> bytes:
    """The invoice as PDF bytes, in the language of `t` (the customer's)."""
    parts = layout(t, doc)
    with tempfile.TemporaryDirectory(prefix="orderdesk-pdf-") as folder:
        fonts, missing = fonts_for(parts.characters(), Path(folder))
        parts = parts.without(missing)
        pdf = _Pdf(format="A4", unit="mm")
        pdf.footer_text = parts.footer
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font(FONT, "", str(fonts[0]))
        if len(fonts) > 1:
            pdf.add_font(FALLBACK, "", str(fonts[1]))
            pdf.set_fallback_fonts([FALLBACK])
        pdf.set_title(parts.title)
        pdf.set_author(parts.seller[0] if parts.seller else "")
        pdf.set_creator("OrderDesk")
        pdf.set_lang(LANG_TAGS.get(t.language.value, "en"))
        pdf.add_page()
        pdf.set_text_color(*INK)
        _draw(pdf, parts)
        return bytes(pdf.output())


def _draw(pdf: FPDF, parts: Layout) -> None:
    top = pdf.get_y()
    bold(pdf, True)
    lines(pdf, parts.seller[:1], MARGIN, WIDTH * 0.55, 14)
    bold(pdf, False)
    pdf.set_text_color(*GREY)
    lines(pdf, parts.seller[1:], MARGIN, WIDTH * 0.55, 9)
    left_bottom = pdf.get_y()
    pdf.set_text_color(*INK)
    right = MARGIN + WIDTH * 0.58
    pdf.set_y(top)
    bold(pdf, True)
    lines(pdf, [parts.title], right, WIDTH * 0.42, 13, align="R")
    bold(pdf, False)
    lines(pdf, parts.meta, right, WIDTH * 0.42, 9, align="R")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)

    pdf.set_text_color(*GREY)
    lines(pdf, [parts.bill_to_label], MARGIN, WIDTH, 8.5)
    pdf.set_text_color(*INK)
    bold(pdf, True)
    lines(pdf, parts.bill_to[:1], MARGIN, WIDTH, 11)
    bold(pdf, False)
    lines(pdf, parts.bill_to[1:], MARGIN, WIDTH, 9)
    pdf.ln(4)

    pdf.set_font(FONT, size=9)
    with pdf.table(
        col_widths=COLUMNS,
        width=WIDTH,
        text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="", fill_color=ACCENT),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=5,
        padding=1.2,
    ) as table:
        table.row(parts.headings)
        for row in parts.rows:
            table.row(row)
    pdf.ln(3)

    for index, text in enumerate(parts.totals):
        last = index == len(parts.totals) - 1
        bold(pdf, last)
        lines(pdf, [text], MARGIN, WIDTH, 11 if last else 9.5, align="R")
    bold(pdf, False)
    lines(pdf, parts.balance, MARGIN, WIDTH, 9.5, align="R")
    pdf.ln(5)
    lines(pdf, parts.payment, MARGIN, WIDTH, 9.5)
    if parts.extra:
        pdf.ln(2)
        pdf.set_text_color(*GREY)
        lines(pdf, parts.extra, MARGIN, WIDTH, 8.5)
