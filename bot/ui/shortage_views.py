"""Screens of a line found short: the warehouse's questions, the customer's choice."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.models import Order, OrderLine
from bot.i18n import N_, Texts
from bot.services.shortages import ShortageChoice, ShortageNotice, ShortageOutcome
from bot.ui import actions
from bot.ui.callbacks import day_arg, pack
from bot.ui.screen import Screen, button, clip, esc, keyboard
from bot.ui.units import quantity

CHOSEN = {
    ShortageChoice.WAIT: N_("the customer will wait for the rest"),
    ShortageChoice.SUBSTITUTE: N_("the customer asks for a substitute; please offer one"),
    ShortageChoice.SHIP_AVAILABLE: N_("ship what is there; the rest is dropped"),
    ShortageChoice.CANCEL_LINE: N_("the line is cancelled"),
}


def ask_available(t: Texts, line: OrderLine) -> Screen:
    """How many units are really there."""
    return Screen(
        t._("How many of %(sku)s %(name)s are there to ship? 0 to %(high)d. /cancel stops.")
        % {"sku": esc(line.sku), "name": esc(clip(line.name, 50)), "high": line.remaining - 1}
    )


def ask_expected(t: Texts, today: date) -> Screen:
    """When the rest is expected."""
    days = [today + timedelta(n) for n in (3, 7, 14, 30)]
    rows = [[button(t.date(d), pack(actions.Shortage.EXPECTED, day_arg(d))) for d in days[:2]]]
    rows.append([button(t.date(d), pack(actions.Shortage.EXPECTED, day_arg(d))) for d in days[2:]])
    rows.append([button(t._("Not known"), pack(actions.Shortage.EXPECTED, day_arg(None)))])
    return Screen(t._("When should the rest arrive? Press a day or type a date."), keyboard(rows))


def to_customer(t: Texts, notice: ShortageNotice) -> Screen:
    """The customer is asked what to do."""
    line = notice.line
    text = t._(
        "Order %(number)s: we have only %(available)s of %(qty)s × %(name)s right now. "
        "What would you like?"
    ) % {
        "number": notice.order.number,
        "available": quantity(t, notice.available, line.unit),
        "qty": quantity(t, line.remaining, line.unit),
        "name": esc(clip(line.name, 60)),
    }
    wait = (
        t._("Wait until %(day)s") % {"day": t.date(notice.expected)}
        if notice.expected
        else t._("Wait for the rest")
    )
    sid = notice.shortage_id
    rows = [
        [button(wait, pack(actions.Shortage.CHOICE, sid, "wait"))],
        [button(t._("Suggest a substitute"), pack(actions.Shortage.CHOICE, sid, "substitute"))],
        [button(t._("Ship what is there"), pack(actions.Shortage.CHOICE, sid, "ship_available"))],
        [button(t._("Cancel this product"), pack(actions.Shortage.CHOICE, sid, "cancel_line"))],
    ]
    return Screen(text, keyboard(rows))


def reported(t: Texts) -> Screen:
    """The warehouse's confirmation."""
    return Screen(t._("The customer is asked what to do; you will be told."))


def chosen(t: Texts, outcome: ShortageOutcome) -> Screen:
    """The customer's confirmation of their choice."""
    text = t._("Thank you, noted: %(choice)s.") % {"choice": t._(CHOSEN[outcome.choice])}
    text += "\n" + t._("Order total now: %(total)s") % {
        "total": t.money(outcome.order.totals.total)
    }
    if outcome.refund_due:
        text += "\n" + t._("We will refund %(amount)s.") % {"amount": t.money(outcome.refund_due)}
    return Screen(text)


def to_staff(t: Texts, outcome: ShortageOutcome) -> Screen:
    """The warehouse and the rep learn the customer's choice."""
    return Screen(
        t._("Order %(number)s, %(sku)s: %(choice)s.")
        % {
            "number": outcome.order.number,
            "sku": esc(outcome.line.sku),
            "choice": t._(CHOSEN[outcome.choice]),
        }
    )


def arrived(t: Texts, order: Order, line: OrderLine, qty: int, complete: bool) -> Screen:
    """The customer's news that units their order waited for arrived and are kept for it."""
    text = t._(
        "📦 Good news: %(qty)s × %(name)s for your order %(number)s arrived and is kept for you."
    ) % {
        "qty": quantity(t, qty, line.unit),
        "name": esc(clip(line.name, 60)),
        "number": order.number,
    }
    if complete:
        text += "\n" + t._("Everything in the order is here now: we will ship it soon.")
    return Screen(text)
