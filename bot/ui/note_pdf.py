"""A credit or debit note as a PDF (fpdf2) in the customer's language: seller, customer, the
note's number and date, the invoice it corrects, the amount and why, what the order comes to
after it and what is still to pay or to be paid back; in the invoices' font (see pdf_parts)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Texts, fill
from bot.services.invoices import NoteDocument
from bot.ui.note_views import reason, title
from bot.ui.pdf_parts import MARGIN, WIDTH, Page, bold, drop, heading, lines, page, seller_lines


@dataclass(frozen=True)
class Layout:
    """Every text the note shows."""

    title: str
    customer_label: str
    seller: list[str]
    meta: list[str]
    customer: list[str]
    body: list[str]
    amount: str
    after: list[str]
    footer: str

    def texts(self) -> list[str]:
        """Every text, flat."""
        return [
            self.title,
            self.customer_label,
            self.amount,
            self.footer,
            *self.seller,
            *self.meta,
            *self.customer,
            *self.body,
            *self.after,
        ]

    def without(self, characters: str) -> Layout:
        """The same texts with these characters left out (ones no font can draw)."""
        if not characters:
            return self
        title, label, amount, footer = drop(
            [self.title, self.customer_label, self.amount, self.footer], characters
        )
        return Layout(
            title=title,
            customer_label=label,
            seller=drop(self.seller, characters),
            meta=drop(self.meta, characters),
            customer=drop(self.customer, characters),
            body=drop(self.body, characters),
            amount=amount,
            after=drop(self.after, characters),
            footer=footer,
        )


def layout(t: Texts, doc: NoteDocument) -> Layout:
    """The note's texts in the reader's language."""
    c, order = doc.customer, doc.order
    customer = [c.name, *([c.company] if c.company else [])]
    if order.address:
        customer.append(t._("Address: %(value)s") % {"value": order.address})
    customer.append(t._("Phone: %(value)s") % {"value": c.phone})
    invoice = {"invoice": doc.invoice, "day": t.date(doc.invoice_on)}
    body = [
        fill(t._("Corrects invoice %(invoice)s of %(day)s."), invoice),
        t._("Invoiced: %(amount)s") % {"amount": t.money(doc.invoiced)},
        t._("Reason: %(value)s") % {"value": reason(t, doc.reason)},
    ]
    money = {"amount": t.money(abs(doc.amount))}
    amount = (
        t._("Credited: %(amount)s") % money
        if doc.amount > 0
        else t._("Charged in addition: %(amount)s") % money
    )
    after = [t._("The order now comes to: %(amount)s") % {"amount": t.money(doc.total)}]
    if doc.owed:
        after.append(t._("Still to pay: %(owed)s.") % {"owed": t.money(doc.owed)})
    elif doc.refund_due:
        after.append(t._("We will pay back %(amount)s.") % {"amount": t.money(doc.refund_due)})
    else:
        after.append(t._("Nothing more is to be paid."))
    seller = seller_lines(t, doc.seller)
    name = title(t, doc.number, doc.amount)
    return Layout(
        title=name,
        customer_label=t._("Bill to"),
        seller=seller,
        meta=[
            t._("Date: %(value)s") % {"value": t.date(doc.issued_on)},
            t._("Order: %(value)s") % {"value": order.number},
        ],
        customer=customer,
        body=body,
        amount=amount,
        after=after,
        footer=" · ".join(x for x in (seller[0] if seller else "", doc.number) if x),
    )


def render(t: Texts, doc: NoteDocument) -> bytes:
    """The note as PDF bytes, in the language of `t` (the customer's)."""
    parts = layout(t, doc)
    author = parts.seller[0] if parts.seller else ""
    with page(t, parts.texts(), parts.title, author) as (pdf, missing):
        parts = parts.without(missing)
        pdf.footer_text = parts.footer
        _draw(pdf, parts)
        return bytes(pdf.output())


def _draw(pdf: Page, parts: Layout) -> None:
    heading(pdf, parts.seller, parts.title, parts.meta, parts.customer_label, parts.customer)
    lines(pdf, parts.body, MARGIN, WIDTH, 10)
    pdf.ln(4)
    bold(pdf, True)
    lines(pdf, [parts.amount], MARGIN, WIDTH, 13, align="R")
    bold(pdf, False)
    pdf.ln(2)
    lines(pdf, parts.after, MARGIN, WIDTH, 10, align="R")
