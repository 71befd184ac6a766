"""Captions of invoice PDFs: to the customer when issued, and when sent again."""

from __future__ import annotations

from bot.i18n import Texts
from bot.services.invoices import InvoiceDocument
from bot.services.money import Invoice
from bot.ui.finance_views import to_customer_invoice
from bot.ui.screen import CAPTION_LIMIT


def _again(t: Texts, number: str) -> str:
    return t._("Send /invoice %(number)s to get this PDF again.") % {"number": number}


def issued_caption(t: Texts, invoice: Invoice) -> str:
    """The customer's invoice notice (with its due dates while they fit) on the PDF."""
    notice = to_customer_invoice(t, invoice).text
    text = f"{notice}\n{_again(t, invoice.number)}"
    if len(text) > CAPTION_LIMIT:  # many instalments: the PDF lists them
        text = f"{notice.splitlines()[0]}\n{_again(t, invoice.number)}"
    return text


def resent_caption(t: Texts, doc: InvoiceDocument, own: bool) -> str:
    """An invoice sent again: to its customer ("your order") or to staff; what is left."""
    values = {
        "invoice": doc.number,
        "order": doc.order.number,
        "amount": t.money(doc.order.totals.total),
    }
    text = (
        t._("🧾 Invoice <b>%(invoice)s</b> for your order %(order)s: %(amount)s")
        if own
        else t._("🧾 Invoice <b>%(invoice)s</b> for order %(order)s: %(amount)s")
    ) % values
    if doc.paid:
        text += "\n" + (
            t._("Still to pay: %(owed)s.") % {"owed": t.money(doc.owed)}
            if doc.owed
            else t._("The order is paid in full.")
        )
    return text
