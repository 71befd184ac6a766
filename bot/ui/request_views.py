"""Screens of customers' requests after approval: the deciders' card, the customer's notices."""

from __future__ import annotations

from bot.domain.models import Order
from bot.i18n import Texts
from bot.services.requests import RequestCard
from bot.ui import labels
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, esc, keyboard


def card(t: Texts, value: RequestCard, *, notice: bool = False) -> Screen:
    """A cancellation request with the before/after and the decision buttons."""
    o = value.order
    lines = [
        t._("<b>Cancellation request</b> for order %(number)s from %(customer)s")
        % {"number": o.number, "customer": esc(value.customer_name)},
        t._("Reason: %(reason)s") % {"reason": esc(value.reason)},
        t._("Before: %(before)s → after: %(after)s")
        % {
            "before": labels.status(t, o.status),
            "after": t._(labels.ORDER_STATUS[o.status.CANCELLED]),
        },
        t._("Total: %(amount)s, paid: %(paid)s")
        % {"amount": t.money(o.totals.total), "paid": t.money(value.paid)},
    ]
    if notice:
        lines.insert(0, t._("🆕 A customer asks to cancel an approved order."))
    rows = []
    if value.state == "open":
        rows.append(
            [
                button(t._("✅ Cancel the order"), pack("req", "ok", value.request_id)),
                button(t._("✖️ Keep it"), pack("req", "no", value.request_id)),
            ]
        )
    else:
        lines.append(
            t._("Decided: %(state)s")
            % {"state": t._("accepted") if value.state == "approved" else t._("declined")}
        )
    return Screen("\n".join(lines), keyboard(rows))


def requested(t: Texts, order: Order) -> Screen:
    """The customer's confirmation that the request was sent."""
    return Screen(
        t._("Your request to cancel order %(number)s is sent to our team. We will tell you here.")
        % {"number": order.number}
    )


def to_customer_decided(t: Texts, order: Order, approved: bool, refund_due: int) -> Screen:
    """The customer's notice of the decision."""
    if not approved:
        return Screen(
            t._("Your request to cancel order %(number)s was declined; the order goes ahead.")
            % {"number": order.number}
        )
    text = t._("✖️ Order %(number)s is cancelled, as you asked.") % {"number": order.number}
    if refund_due:
        text += "\n" + t._("We will refund %(amount)s.") % {"amount": t.money(refund_due)}
    return Screen(text)
