"""Screens for the people who decide orders: the card with checks, /pending, notices."""

from __future__ import annotations

from datetime import date, timedelta

from bot.config import Config, PaymentTermConfig
from bot.domain.models import Order
from bot.domain.review import Check, Finding, Route, Verdict
from bot.i18n import N_, Texts
from bot.services.approvals import ApprovalCard, Waiting
from bot.ui import actions, labels
from bot.ui.callbacks import day_arg, pack
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard

CHECK_OK = {
    Check.STOCK: N_("stock reserved"),
    Check.CREDIT: N_("credit within limit"),
    Check.OVERDUE: N_("nothing overdue"),
    Check.DISCOUNT: N_("discount within your limit"),
    Check.AMOUNT: N_("amount below the manager threshold"),
}
ROUTE = {
    Route.AUTO: N_("approved automatically"),
    Route.REP: N_("waits for the customer's sales rep"),
    Route.MANAGER: N_("needs a sales manager"),
}


def finding(t: Texts, f: Finding) -> str:
    """One check as a line: ✅ fine, ⚠️ worth a look, ⛔ only a manager may approve."""
    if f.verdict is Verdict.OK:
        return "✅ " + t._(CHECK_OK[f.check])
    if f.check is Check.STOCK:
        return "⚠️ " + t._("some units wait for stock (pre-order)")
    if f.check is Check.CREDIT:
        return "⛔ " + t._("over the credit limit by %(amount)s") % {
            "amount": t.money(f.detail or 0)
        }
    if f.check is Check.OVERDUE:
        return "⛔ " + t._("%(amount)s is overdue") % {"amount": t.money(f.detail or 0)}
    if f.check is Check.DISCOUNT:
        return "⛔ " + t._("discount %(percent)s%% is above a rep's limit") % {
            "percent": f"{(f.detail or 0) / 100:g}"
        }
    return "⛔ " + t._("amount %(amount)s is above the manager threshold") % {
        "amount": t.money(f.detail or 0)
    }


def customer_name(name: str, company: str | None, width: int = 60) -> str:
    """A customer as staff name them: name (company), escaped."""
    return esc(clip(name, width)) + (f" ({esc(clip(company, width))})" if company else "")


def _account(t: Texts, value: ApprovalCard) -> list[str]:
    """What the decider needs about the customer: how to reach them, what they owe, their
    history."""
    c = value.customer
    lines = [
        t._("Phone: %(value)s") % {"value": esc(c.phone)},
        t._("Open balance: %(open)s · overdue: %(overdue)s · credit limit: %(limit)s")
        % {
            "open": t.money(value.open_balance),
            "overdue": t.money(value.overdue),
            "limit": t.money(c.credit_limit),
        },
    ]
    if value.overdue:
        lines.append("⚠️ " + t._("The customer has overdue payments."))
    history = t.ngettext("%(n)d order in all", "%(n)d orders in all", value.orders_count) % {
        "n": value.orders_count
    }
    if value.recent:
        latest = ", ".join(
            f"{o.number} ({labels.status(t, o.status)}, {t.money(o.totals.total)})"
            for o in value.recent
        )
        history += "; " + t._("latest: %(orders)s") % {"orders": latest}
    lines.append(t._("History: %(value)s") % {"value": history})
    return lines


def _delivery(t: Texts, config: Config, value: ApprovalCard) -> list[str]:
    """Where, when and what else the customer asked."""
    o = value.order
    method = config.delivery_method(o.delivery_method)
    lines = [
        t._("Delivery: %(value)s")
        % {"value": esc(method.name(t.language)) if method else esc(o.delivery_method)}
    ]
    if o.address:
        lines.append(t._("Address: %(value)s") % {"value": esc(o.address)})
    lines.append(
        t._("Desired date: %(value)s")
        % {"value": t.date(o.desired_date) if o.desired_date else t._("no preference")}
    )
    if o.note:
        lines.append(t._("Note: %(value)s") % {"value": esc(clip(o.note, 300))})
    return lines


def card(t: Texts, config: Config, value: ApprovalCard) -> Screen:
    """The order with its customer (contact, balance, history), delivery, lines, totals,
    checks and the decision buttons."""
    o, c = value.order, value.customer
    who = customer_name(c.name, c.company)
    term = config.payment_term(o.payment_term)
    head = "\n".join(
        [
            t._("<b>Order %(number)s</b> from %(customer)s")
            % {"number": o.number, "customer": who},
            t._("Status: %(status)s") % {"status": labels.status(t, o.status)},
            t._("Total: %(amount)s · %(term)s")
            % {
                "amount": t.money(o.totals.total),
                "term": labels.payment_term(t, term) if term else o.payment_term,
            },
            *_account(t, value),
            *_delivery(t, config, value),
        ]
    )
    items = [labels.priced_item(t, x.name, x.qty, x.unit, x.unit_price) for x in value.lines]
    if value.discount_bp:
        head += "\n" + t._("Discount: %(percent)s%%") % {"percent": f"{value.discount_bp / 100:g}"}
    if value.promised:
        head += "\n" + t._("Promised ship date: %(day)s") % {"day": t.date(value.promised)}
    tail = [t._("<b>Checks</b>"), *[finding(t, f) for f in value.findings]]
    tail.append(t._("Route: %(route)s") % {"route": t._(ROUTE[value.route])})
    text = fit(head + "\n", items, "\n".join(tail), t._("… and %(n)d more lines"))
    rows = []
    if o.status.value == "submitted":
        rows.append(
            [
                button(t._("✅ Approve"), pack(actions.Approval.APPROVE, o.id)),
                button(t._("⛔ Reject"), pack(actions.Approval.REJECT, o.id)),
            ]
        )
        rows.append([button(t._("✏️ Adjust"), pack(actions.Approval.ADJUST, o.id))])
        if value.may_escalate:
            rows.append(
                [button(t._("⬆ Escalate to a manager"), pack(actions.Approval.ESCALATE, o.id))]
            )
    return Screen(text, keyboard(rows))


def adjust_menu(
    t: Texts, config: Config, value: ApprovalCard, terms: list[PaymentTermConfig], today: date
) -> Screen:
    """What can be adjusted: discount (typed), payment term, promised ship date."""
    o = value.order
    rows = [[button(t._("Discount…"), pack(actions.Approval.DISCOUNT, o.id))]]
    rows += [
        [button(f"🔢 {clip(x.sku, 20)} ({x.qty})", pack(actions.Approval.QUANTITY, o.id, x.id))]
        for x in value.lines
    ][:10]
    for term in terms:
        mark = "✅ " if term.code == o.payment_term else ""
        rows.append(
            [
                button(
                    mark + labels.payment_term(t, term),
                    pack(actions.Approval.TERM, o.id, term.code),
                )
            ]
        )
    days = [today + timedelta(n) for n in range(1, 7)]
    dates = [
        button(t.weekday_date(d), pack(actions.Approval.PROMISE, o.id, day_arg(d))) for d in days
    ]
    rows += [dates[:3], dates[3:]]
    rows.append([button(t._("⬅ Back"), pack(actions.Approval.VIEW, o.id))])
    text = t._("Adjust order %(number)s: discount, payment term or promised ship date.") % {
        "number": o.number
    }
    return Screen(text, keyboard(rows))


def ask_quantity(t: Texts) -> Screen:
    """Ask a line's new quantity."""
    return Screen(t._("The new quantity?") + "\n" + t._("/cancel keeps the order as it is."))


def ask_discount(t: Texts, limit_bp: int) -> Screen:
    """Ask the discount in percent."""
    return Screen(
        t._("Discount in percent? A rep may give up to %(limit)s%%. /cancel keeps it.")
        % {"limit": f"{limit_bp / 100:g}"}
    )


def new_order(t: Texts, config: Config, value: ApprovalCard) -> Screen:
    """A notice of a new order waiting for this person."""
    screen = card(t, config, value)
    return Screen(
        t._("🆕 A new order waits for your decision.") + "\n\n" + screen.text, screen.keyboard
    )


def for_the_rep(t: Texts, config: Config, value: ApprovalCard) -> Screen:
    """To a customer's rep who does not decide their new order: its card, for information
    (no buttons: the managers decide it, or it approved itself)."""
    if value.route is Route.AUTO:
        head = t._("🆕 A new order from your customer. It was approved automatically.")
    else:
        head = t._("🆕 A new order from your customer. A sales manager decides it.")
    return Screen(head + "\n\n" + card(t, config, value).text)


def decided(t: Texts, config: Config, value: ApprovalCard, by: str | None) -> Screen:
    """An approval card sent earlier, as the order now stands: decided (no buttons left), or
    changed and still waiting; and who did it."""
    screen = card(t, config, value)
    status = labels.status(t, value.order.status)
    if value.order.status.value == "submitted":
        head = t._("✏️ Changed by %(name)s; it still waits for a decision.") % {
            "name": esc(by or "-")
        }
    elif by:
        head = t._("Decided: %(status)s by %(name)s.") % {"status": status, "name": esc(by)}
    else:
        head = t._("Decided: %(status)s.") % {"status": status}
    return Screen(head + "\n\n" + screen.text, screen.keyboard)


def pending(t: Texts, orders: list[Waiting]) -> Screen:
    """What waits for this person, oldest first, each with its customer."""
    if not orders:
        return Screen(t._("Nothing waits for your decision."))
    rows = [
        [
            button(
                f"{w.order.number} · {clip(w.customer.name, 24)}"
                f" · {t.money(w.order.totals.total)}",
                pack(actions.Approval.VIEW, w.order.id),
            )
        ]
        for w in orders
    ]
    text = t.ngettext(
        "%(n)d order waits for your decision, oldest first:",
        "%(n)d orders wait for your decision, oldest first:",
        len(orders),
    ) % {"n": len(orders)}
    entries = [
        f"• {w.order.number} — {customer_name(w.customer.name, w.customer.company, 40)}"
        f" · {t.money(w.order.totals.total)} · {t.datetime(w.order.submitted_at)}"
        for w in orders
    ]
    return Screen("\n".join([text, *entries]), keyboard(rows))


def ask_reject_reason(t: Texts, number: str) -> Screen:
    """Ask why an order is rejected (the customer is told)."""
    return Screen(
        t._("Why is order %(number)s rejected? The customer will read it. /cancel keeps it.")
        % {"number": number}
    )


def to_customer_approved(t: Texts, config: Config, order: Order) -> Screen:
    """The customer's notice of approval, with the total, discount and payment term as
    approved (staff may have adjusted them: the customer reads what was agreed)."""
    text = t._(
        "✅ Your order <b>%(number)s</b> is approved, total %(total)s. "
        "We will let you know when it ships."
    ) % {"number": order.number, "total": t.money(order.totals.total)}
    if order.totals.discount:
        text += "\n" + t._("Discount: −%(amount)s") % {"amount": t.money(order.totals.discount)}
    term = config.payment_term(order.payment_term)
    label = labels.payment_term(t, term) if term else order.payment_term
    text += "\n" + t._("Payment term: %(term)s") % {"term": label}
    rows = [[button(t._("📦 Track this order"), pack(actions.Order.VIEW, order.id))]]
    return Screen(text, keyboard(rows))


def to_customer_rejected(t: Texts, order: Order, reason: str) -> Screen:
    """The customer's notice of rejection, with the reason."""
    text = t._("⛔ Sorry, your order <b>%(number)s</b> was not accepted: %(reason)s")
    rows = [[button(t._("🔁 Order again"), pack(actions.Order.REPEAT, order.id))]]
    return Screen(text % {"number": order.number, "reason": esc(reason)}, keyboard(rows))
