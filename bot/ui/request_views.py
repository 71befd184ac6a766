"""Screens of customers' requests after approval: the deciders' card, the customer's notices."""

from __future__ import annotations

from bot.domain.models import Order
from bot.i18n import Texts
from bot.services.requests import RequestCard
from bot.ui import actions, labels
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, esc, keyboard


def change_lines(t: Texts, value: RequestCard) -> list[str]:
    """What a change request would change, before → after."""
    c, o = value.change, value.order
    if c is None:
        return []
    out = []
    if c.address is not None:
        out.append(
            t._("Address: %(before)s → %(after)s")
            % {"before": esc(o.address or "—"), "after": esc(c.address)}
        )
    if c.note is not None:
        out.append(
            t._("Note: %(before)s → %(after)s")
            % {"before": esc(o.note or "—"), "after": esc(c.note)}
        )
    line = next((x for x in value.lines if x.id == c.line_id), None)
    if line is not None and c.qty is not None:
        out.append(
            t._("%(sku)s: %(before)d → %(after)d")
            % {"sku": esc(line.sku), "before": line.qty, "after": c.qty}
        )
    if c.product_id is not None and c.qty is not None:
        out.append(
            t._("➕ %(sku)s × %(qty)d (a product added)")
            % {"sku": esc(c.sku or "?"), "qty": c.qty}
        )
    return out


def card(t: Texts, value: RequestCard, *, notice: bool = False) -> Screen:
    """A request (cancellation or change) with the before/after and the decision buttons."""
    o = value.order
    if value.kind == "change":
        title = t._("<b>Change request</b> for order %(number)s from %(customer)s")
        what = change_lines(t, value)
    else:
        title = t._("<b>Cancellation request</b> for order %(number)s from %(customer)s")
        what = [
            t._("Before: %(before)s → after: %(after)s")
            % {
                "before": labels.status(t, o.status),
                "after": t._(labels.ORDER_STATUS[o.status.CANCELLED]),
            }
        ]
    lines = [
        title % {"number": o.number, "customer": esc(value.customer_name)},
        t._("Reason: %(reason)s") % {"reason": esc(value.reason)},
        *what,
        t._("Total: %(amount)s, paid: %(paid)s")
        % {"amount": t.money(o.totals.total), "paid": t.money(value.paid)},
    ]
    if notice:
        lines.insert(
            0,
            t._("🆕 A customer asks to change an approved order.")
            if value.kind == "change"
            else t._("🆕 A customer asks to cancel an approved order."),
        )
    rows = []
    if value.state == "open":
        accept = (
            t._("✅ Accept the change") if value.kind == "change" else t._("✅ Cancel the order")
        )
        rows.append(
            [
                button(accept, pack(actions.Request.APPROVE, value.request_id)),
                button(t._("✖️ Keep it"), pack(actions.Request.DECLINE, value.request_id)),
            ]
        )
    else:
        lines.append(
            t._("Decided: %(state)s")
            % {"state": t._("accepted") if value.state == "approved" else t._("declined")}
        )
    return Screen("\n".join(lines), keyboard(rows))


def confirm_cancel(t: Texts, value: RequestCard) -> Screen:
    """A second confirmation before an approved order is cancelled for good."""
    text = t._("Cancel order %(number)s for good? Its stock returns; this cannot be undone.") % {
        "number": value.order.number
    }
    rows = [
        [button(t._("Yes, cancel it"), pack(actions.Request.CONFIRM, value.request_id))],
        [button(t._("⬅ Back"), pack(actions.Request.VIEW, value.request_id))],
    ]
    return Screen(text, keyboard(rows))


def change_requested(t: Texts, order: Order) -> Screen:
    """The customer's confirmation that the change request was sent."""
    return Screen(
        t._("Your change to order %(number)s is sent to our team. We will tell you here.")
        % {"number": order.number}
    )


def requested(t: Texts, order: Order) -> Screen:
    """The customer's confirmation that the request was sent."""
    return Screen(
        t._("Your request to cancel order %(number)s is sent to our team. We will tell you here.")
        % {"number": order.number}
    )


def to_customer_decided(
    t: Texts, order: Order, approved: bool, refund_due: int, kind: str = "cancel"
) -> Screen:
    """The customer's notice of the decision."""
    if kind == "change":
        text = (
            t._("Your change to order %(number)s is accepted; total now %(total)s.")
            if approved
            else t._("Your change to order %(number)s was declined; the order stays as it was.")
        )
        text %= {"number": order.number, "total": t.money(order.totals.total)}
        return Screen(text + (_refund(t, refund_due) if approved else ""))
    if not approved:
        return Screen(
            t._("Your request to cancel order %(number)s was declined; the order goes ahead.")
            % {"number": order.number}
        )
    text = t._("✖️ Order %(number)s is cancelled, as you asked.") % {"number": order.number}
    return Screen(text + _refund(t, refund_due))


def to_customer_cancelled(t: Texts, order: Order, by: str, reason: str, refund_due: int) -> Screen:
    """The customer's notice: staff cancelled their order, who and why."""
    text = t._("✖️ %(name)s cancelled your order %(number)s: %(reason)s") % {
        "name": esc(by),
        "number": order.number,
        "reason": esc(reason),
    }
    return Screen(text + _refund(t, refund_due))


def _refund(t: Texts, refund_due: int) -> str:
    """The line that says what will be paid back, on its own line ("" when nothing is)."""
    if not refund_due:
        return ""
    return "\n" + t._("We will refund %(amount)s.") % {"amount": t.money(refund_due)}
