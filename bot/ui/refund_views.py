"""Screens of finance recording a refund: the orders with money to pay back, the steps, the
result. (The customer's receipt is finance_views.refund_receipt.)"""

from __future__ import annotations

from bot.domain.models import Order
from bot.domain.payments import Method
from bot.i18n import Texts
from bot.services.finance import RefundResult
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.finance_views import METHODS
from bot.ui.screen import Screen, button, keyboard


def due_list(t: Texts, orders: list[Order]) -> Screen:
    """The orders with money to pay back, a button each; or that there are none."""
    if not orders:
        return Screen(t._("Nothing is due to be paid back."))
    rows = [
        [button(f"{o.number} · {t.money(o.refund_due)}", pack(actions.Refund.ORDER, o.id))]
        for o in orders
    ]
    text = t._(
        "↩️ Refund for which order? Press one below or send its number, e.g. SO-20261123-0042."
    )
    return Screen(text, keyboard(rows))


def ask_amount(t: Texts, order: Order) -> Screen:
    """How much was paid back (all that is due is a button)."""
    text = t._(
        "Order %(number)s: %(due)s to pay back to the customer. How much was paid back?"
    ) % {"number": order.number, "due": t.money(order.refund_due)}
    label = t._("All of it: %(amount)s") % {"amount": t.money(order.refund_due)}
    return Screen(text, keyboard([[button(label, pack(actions.Refund.FULL))]]))


def ask_method(t: Texts) -> Screen:
    """How it was paid back."""
    rows = [
        [button(t._(label), pack(actions.Refund.METHOD, m.value))] for m, label in METHODS.items()
    ]
    return Screen(t._("How was it paid back?"), keyboard(rows))


def ask_date(t: Texts) -> Screen:
    """When it was paid back."""
    rows = [[button(t._("Today"), pack(actions.Refund.TODAY, "today"))]]
    return Screen(t._("Paid back on which day? Press Today or send a date."), keyboard(rows))


def confirm(t: Texts, number: str, amount: int, due: int, method: Method, day: str) -> Screen:
    """The refund to record, and what would still be due after it, asking once more."""
    text = t._("Record %(amount)s paid back by %(method)s on %(day)s for order %(number)s?") % {
        "amount": t.money(amount),
        "method": t._(METHODS[method]),
        "day": day,
        "number": number,
    }
    text += "\n" + t._("Still to pay back after it: %(amount)s.") % {
        "amount": t.money(max(0, due - amount))
    }
    rows = [
        [button(t._("✅ Record refund"), pack(actions.Refund.CONFIRM))],
        [button(t._("✖️ Cancel"), pack(actions.Refund.CANCEL))],
    ]
    return Screen(text, keyboard(rows))


def recorded(t: Texts, value: RefundResult) -> Screen:
    """Finance's confirmation: what was recorded (or had been already) and what is left."""
    values = {
        "amount": t.money(value.amount),
        "number": value.order.number,
        "method": t._(METHODS[value.method]),
        "day": t.date(value.paid_on),
    }
    if value.created:
        head = t._("↩️ Recorded: %(amount)s paid back for %(number)s (%(method)s, %(day)s).")
    else:
        head = t._("This refund of %(amount)s for %(number)s was recorded already.")
    lines = [
        head % values,
        t._("Paid back on this order so far: %(amount)s.") % {"amount": t.money(value.refunded)},
    ]
    if value.refund_due:
        lines.append(t._("Still to pay back: %(amount)s.") % {"amount": t.money(value.refund_due)})
    else:
        lines.append(t._("Nothing more is to be paid back on this order."))
    return Screen("\n".join(lines))
