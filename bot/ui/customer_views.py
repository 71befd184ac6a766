"""Screens of customer management: search results and the customer card."""

from __future__ import annotations

from bot.domain.models import Customer, User
from bot.i18n import Texts
from bot.services.customer_admin import CustomerCard
from bot.ui import labels
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, clip, esc, keyboard


def results(t: Texts, found: list[Customer]) -> Screen:
    """Customers found, a button each."""
    if not found:
        return Screen(t._("No customer found. Try part of a name, company or phone number."))
    rows = [
        [button(clip(f"{c.name} · {c.company or c.phone}", 60), pack("cus", "v", c.id))]
        for c in found
    ]
    return Screen(t._("Customers found:"), keyboard(rows))


def card(t: Texts, value: CustomerCard) -> Screen:
    """A customer's details, credit, terms and rep; buttons to change them for managers."""
    c = value.customer
    yes, no = t._("yes"), t._("no")
    lines = [
        f"<b>{esc(c.name)}</b>" + (f" · {esc(c.company)}" if c.company else ""),
        t._("Phone: %(value)s") % {"value": esc(c.phone)},
        t._("Sales rep: %(value)s") % {"value": esc(value.rep_name or "—")},
        t._("Credit limit: %(amount)s") % {"amount": t.money(c.credit_limit)},
        t._("Trusted: %(value)s") % {"value": yes if c.trusted else no},
        t._("Open balance: %(amount)s") % {"amount": t.money(value.open_balance)},
        t._("Payment terms: %(value)s")
        % {"value": ", ".join(labels.payment_term(t, term) for term, ok in value.terms if ok)},
    ]
    if not value.editable:
        return Screen("\n".join(lines))
    rows = [
        [button(t._("💳 Credit limit…"), pack("cus", "cl", c.id))],
        [
            button(
                t._("Trusted: %(value)s") % {"value": yes if c.trusted else no},
                pack("cus", "tr", c.id, int(not c.trusted)),
            )
        ],
    ]
    for term, ok in value.terms:
        mark = "✅ " if ok else "➕ "
        rows.append(
            [
                button(
                    mark + labels.payment_term(t, term),
                    pack("cus", "pt", c.id, term.code, int(not ok)),
                )
            ]
        )
    rows.append([button(t._("👤 Change sales rep"), pack("cus", "rp", c.id))])
    return Screen("\n".join(lines), keyboard(rows))


def choose_rep(t: Texts, customer_id: int, reps: list[User]) -> Screen:
    """The reps to give the customer to."""
    rows = [[button(r.first_name or "?", pack("cus", "ra", customer_id, r.id))] for r in reps]
    rows.append([button(t._("⬅ Back"), pack("cus", "v", customer_id))])
    return Screen(t._("Give this customer to which sales rep?"), keyboard(rows))


def ask_credit(t: Texts) -> Screen:
    """Ask the new credit limit."""
    return Screen(t._("New credit limit? Send an amount, or 0 for none. /cancel keeps it."))
