"""Credit and debit notes in words: their title, why they were issued, and the captions of
their PDFs (to the customer when issued, and when sent again)."""

from __future__ import annotations

from bot.domain.models import Order
from bot.i18n import N_, Texts
from bot.services.invoices import NoteDocument
from bot.services.money import CreditNote
from bot.ui.finance_views import to_customer_credit_note

REASONS = {
    "cancelled": N_("the order was cancelled"),
    "rejected": N_("the order was rejected"),
    "changed": N_("the order was changed"),
}


def reason(t: Texts, value: str) -> str:
    """Why a note was issued, in the reader's language."""
    return t._(REASONS[value]) if value in REASONS else value


def title(t: Texts, number: str, amount: int) -> str:
    """The title: "Credit note: CN-…" (money taken off) or "Debit note: DN-…" (added)."""
    if amount > 0:
        return t._("Credit note: %(number)s") % {"number": number}
    return t._("Debit note: %(number)s") % {"number": number}


def _again(t: Texts, number: str) -> str:
    return t._("Send /invoice %(number)s to get this PDF again.") % {"number": number}


def issued_caption(t: Texts, order: Order, note: CreditNote) -> str:
    """The customer's notice of a new note, on its PDF."""
    return f"{to_customer_credit_note(t, order, note).text}\n{_again(t, note.number)}"


def resent_caption(t: Texts, doc: NoteDocument) -> str:
    """A note sent again: which invoice it corrects, and what the order comes to now."""
    values = {"note": doc.number, "invoice": doc.invoice, "amount": t.money(abs(doc.amount))}
    if doc.amount > 0:
        head = t._("🧾 Credit note <b>%(note)s</b> to invoice %(invoice)s: %(amount)s less.")
    else:
        head = t._("🧾 Debit note <b>%(note)s</b> to invoice %(invoice)s: %(amount)s more.")
    total = t._("Order %(number)s now comes to %(total)s.") % {
        "number": doc.order.number,
        "total": t.money(doc.total),
    }
    return f"{head % values}\n{total}"
