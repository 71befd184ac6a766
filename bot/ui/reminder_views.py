"""Screens of reminders and alerts, each in its reader's language and time zone."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.config import Config
from bot.domain.models import Customer
from bot.domain.reminders import Audience, DeliveryStep, Kind, Nudge
from bot.i18n import N_, Texts, fill
from bot.services.reminders import Outgoing
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.finance_views import digest
from bot.ui.online_payment_views import pay_rows
from bot.ui.screen import Screen, button, esc, keyboard

# The overdue wording by dunning step: the first, the second, the third, then every later one.
OVERDUE_HEADS = (
    N_("🔔 Friendly reminder: your payment for order %(order)s is overdue."),
    N_("⚠️ Second reminder: your payment for order %(order)s is still overdue."),
    N_("❗ Urgent: your payment for order %(order)s is seriously overdue."),
    N_("⛔ Final notice: your payment for order %(order)s is long overdue."),
)


# Who may open a customer's balance (the rep sees the order instead).
MONEY_PEOPLE = (Audience.FINANCE, Audience.MANAGERS)


def render(t: Texts, config: Config, value: Outgoing) -> Screen:
    """The message of one reminder."""
    return _RENDERERS[value.kind](t, config, value)


def _open_order(t: Texts, value: Outgoing) -> list[InlineKeyboardButton]:
    assert value.order is not None
    return [button(t._("📄 Open order"), pack(actions.Staff.ORDER, value.order.id))]


def _payment(t: Texts, config: Config, value: Outgoing) -> Screen:
    """To the customer: before, on and after a due date."""
    order, due = value.order, value.instalment
    assert order is not None and due is not None
    facts = {
        "order": order.number,
        "amount": t.money(due.owed),
        "day": t.date(due.due_on),
        "days": abs(due.days_late),
    }
    if value.level < 0:
        head = t.ngettext(
            "⏰ Payment reminder: %(amount)s for order %(order)s is due in %(days)d day, on "
            "%(day)s.",
            "⏰ Payment reminder: %(amount)s for order %(order)s is due in %(days)d days, on "
            "%(day)s.",
            abs(due.days_late),
        )
    elif value.level == 0:
        head = t._("📅 Payment due today: %(amount)s for order %(order)s.")
    else:
        head = t._(OVERDUE_HEADS[min(value.position, len(OVERDUE_HEADS) - 1)])
        head += "\n" + t.ngettext(
            "%(amount)s was due on %(day)s, %(days)d day ago.",
            "%(amount)s was due on %(day)s, %(days)d days ago.",
            due.days_late,
        )
    lines = [fill(head, facts)]
    if due.count > 1:
        lines.append(t._("Instalment %(n)d of %(count)d.") % {"n": due.seq, "count": due.count})
    if due.invoice:
        lines.append(t._("Invoice: %(invoice)s") % {"invoice": due.invoice})
    how = config.business.how_to_pay(t.language)
    if how:
        lines.append(t._("How to pay: %(how)s") % {"how": esc(how)})
    if value.level > 0:
        lines.append(t._("Already paid? Then please ignore this message, and thank you."))
    rows = [
        *pay_rows(t, config, order.id),
        [button(t._("✅ I've paid"), pack(actions.Finance.PAID, order.id))],
        [button(t._("📄 View order"), pack(actions.Order.VIEW, order.id))],
    ]
    return Screen("\n".join(lines), keyboard(rows))


def _customer_line(t: Texts, customer: Customer | None) -> str:
    if customer is None:
        return ""
    text = esc(customer.name)
    if customer.company:
        text += f" · {esc(customer.company)}"
    return text


def _overdue(t: Texts, config: Config, value: Outgoing) -> Screen:
    """To the rep, finance and (at the higher levels) the managers."""
    order, due = value.order, value.instalment
    assert order is not None and due is not None
    head = t.ngettext(
        "🔴 Overdue %(days)d day: %(customer)s owes %(amount)s on order %(order)s (due %(day)s).",
        "🔴 Overdue %(days)d days: %(customer)s owes %(amount)s on order %(order)s (due %(day)s).",
        due.days_late,
    ) % {
        "days": due.days_late,
        "customer": _customer_line(t, value.customer),
        "amount": t.money(due.owed),
        "order": order.number,
        "day": t.date(due.due_on),
    }
    lines = [head]
    if due.count > 1:
        lines.append(t._("Instalment %(n)d of %(count)d.") % {"n": due.seq, "count": due.count})
    if value.customer is not None and value.customer.reminders_paused:
        lines.append(t._("The customer's reminders are paused."))
    rows = [_open_order(t, value)]
    if value.customer is not None and value.recipient.audience in MONEY_PEOPLE:
        rows.append(
            [button(t._("💰 What they owe"), pack(actions.Finance.CUSTOMER, value.customer.id))]
        )
    return Screen("\n".join(lines), keyboard(rows))


def _approval(t: Texts, config: Config, value: Outgoing) -> Screen:
    """To the deciders, then the managers."""
    order = value.order
    assert order is not None
    head = t.ngettext(
        "⏳ Order %(order)s from %(customer)s (%(amount)s) has waited %(hours)d hour for a "
        "decision.",
        "⏳ Order %(order)s from %(customer)s (%(amount)s) has waited %(hours)d hours for a "
        "decision.",
        value.waited_hours,
    ) % {
        "order": order.number,
        "customer": _customer_line(t, value.customer),
        "amount": t.money(order.totals.total),
        "hours": value.waited_hours,
    }
    if value.level == Nudge.MANAGERS:
        head += "\n" + t._("It is still undecided: please decide or reassign it.")
    rows = [[button(t._("🔎 Review"), pack(actions.Approval.VIEW, order.id))]]
    return Screen(head, keyboard(rows))


def _ship_late(t: Texts, config: Config, value: Outgoing) -> Screen:
    """To the warehouse and the rep."""
    order = value.order
    assert order is not None and value.day is not None
    head = t._(
        "🚚 Order %(order)s (%(customer)s) should have shipped by %(day)s and has not yet."
    ) % {
        "order": order.number,
        "customer": _customer_line(t, value.customer),
        "day": t.date(value.day),
    }
    if value.recipient.audience is Audience.WAREHOUSE:
        rows = [[button(t._("📦 Ship it"), pack(actions.Ship.ORDER, order.id))]]
    else:
        rows = [_open_order(t, value)]
    return Screen(head, keyboard(rows))


def _tracking(t: Texts, value: Outgoing) -> str:
    s = value.shipment
    assert s is not None
    return t._("Carrier: %(carrier)s, tracking number: %(tracking)s") % {
        "carrier": esc(t.carrier(s.carrier)),
        "tracking": esc(s.tracking or "—"),
    }


def _delivery(t: Texts, config: Config, value: Outgoing) -> Screen:
    """Late: the rep and the customer; later: the customer is asked to confirm receipt."""
    order, s = value.order, value.shipment
    assert order is not None and s is not None and value.day is not None
    facts = {
        "order": order.number,
        "day": t.date(value.day),
        "customer": _customer_line(t, value.customer),
    }
    received = [button(t._("✅ I received it"), pack(actions.Delivery.RECEIVED, s.id))]
    if value.recipient.audience is not Audience.CUSTOMER:
        head = t._(
            "📦 The shipment of order %(order)s (%(customer)s) was expected on %(day)s and is "
            "not confirmed as delivered."
        )
        rows = [_open_order(t, value)]
        return Screen("\n".join([fill(head, facts), _tracking(t, value)]), keyboard(rows))
    if value.level == DeliveryStep.LATE:
        head = t._(
            "📦 Your shipment of order %(order)s was expected on %(day)s. We are checking "
            "with the carrier; if it has arrived, please tell us."
        )
    else:
        head = t._("📬 Has your order %(order)s arrived? Please confirm that you received it.")
    return Screen("\n".join([fill(head, facts), _tracking(t, value)]), keyboard([received]))


def _digest(t: Texts, config: Config, value: Outgoing) -> Screen:
    assert value.receivables is not None and value.day is not None
    return digest(t, value.day, value.receivables)


_RENDERERS = {
    Kind.PAYMENT: _payment,
    Kind.OVERDUE: _overdue,
    Kind.APPROVAL: _approval,
    Kind.SHIP_LATE: _ship_late,
    Kind.DELIVERY: _delivery,
    Kind.DIGEST: _digest,
}


def blocked(t: Texts, customer: Customer) -> Screen:
    """To the rep: a customer blocked the bot, so reminders cannot reach them."""
    text = t._(
        "🚫 %(customer)s (%(phone)s) has blocked the bot: reminders and notices cannot reach "
        "them any more. Please contact them directly."
    ) % {"customer": _customer_line(t, customer), "phone": esc(customer.phone)}
    return Screen(
        text,
        keyboard([[button(t._("👤 Customer card"), pack(actions.Customer.VIEW, customer.id))]]),
    )
