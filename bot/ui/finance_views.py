"""Screens of finance: invoices, the payment steps, receipts, receivables with ageing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton

from bot.config import Config
from bot.domain.models import Customer, Order
from bot.domain.payments import Ledger, Method
from bot.i18n import N_, Texts
from bot.services.finance import (
    CustomerBalance,
    PaidClaim,
    PaymentPlan,
    PaymentResult,
    Receivables,
    RefundResult,
)
from bot.services.money import CreditNote, Invoice, awaits_payment
from bot.ui import actions, labels
from bot.ui.callbacks import pack
from bot.ui.customer_views import pause_button, reminders_state
from bot.ui.screen import CAPTION_LIMIT, Screen, button, clip, esc, fit, keyboard

METHODS = {
    Method.BANK_TRANSFER: N_("Bank transfer"),
    Method.CASH: N_("Cash"),
    Method.CARD: N_("Card"),
    Method.OTHER: N_("Other"),
}
BUCKETS = (N_("0–30 days"), N_("31–60 days"), N_("61–90 days"), N_("over 90 days"))


def money_lines(t: Texts, order: Order, money: Ledger, config: Config) -> list[str]:
    """An order's money on one card: total, paid, refunded, owed or to pay back, status; and
    that a prepaid order waits for its payment before it ships."""
    parts = [t._("Total: %(amount)s") % {"amount": t.money(money.charge)}]
    if money.paid:
        parts.append(t._("paid: %(amount)s") % {"amount": t.money(money.paid)})
    if money.refunded:
        parts.append(t._("refunded: %(amount)s") % {"amount": t.money(money.refunded)})
    if money.owed:
        parts.append(t._("to pay: %(amount)s") % {"amount": t.money(money.owed)})
    lines = [
        " · ".join(parts),
        t._("Payment: %(status)s") % {"status": t._(labels.PAYMENT_STATUS[money.status])},
    ]
    if money.refund_due:
        lines.append(t._("To pay back: %(amount)s") % {"amount": t.money(money.refund_due)})
    if awaits_payment(config, order):
        lines.append(t._("⏳ Waiting for payment: it ships once paid in full."))
    return lines


def due_lines(t: Texts, dues: Sequence[tuple[date, int]], deposit: int = 0) -> list[str]:
    """An invoice's due dates, one a line; the deposit (its first date, due at once) named."""
    lines = []
    for index, (day, amount) in enumerate(dues):
        values = {"day": t.date(day), "amount": t.money(amount)}
        if deposit and index == 0:
            text = t._("• deposit for the pre-ordered items, due %(day)s: %(amount)s")
            lines.append(text % values)
        else:
            lines.append(t._("• due %(day)s: %(amount)s") % values)
    return lines


def _dues(t: Texts, value: Invoice) -> list[str]:
    return due_lines(t, value.dues, value.deposit)


def record_payment_row(t: Texts, order_id: int) -> list[InlineKeyboardButton]:
    """The button that opens the payment-recording flow for one order."""
    return [button(t._("💰 Record payment"), pack(actions.Payment.ORDER, order_id))]


def invoice_issued(t: Texts, value: Invoice) -> Screen:
    """Finance's view of an invoice issued, with the button to record its payment."""
    head = t._("🧾 Invoice <b>%(invoice)s</b> for order %(order)s: %(amount)s") % {
        "invoice": value.number,
        "order": value.order.number,
        "amount": t.money(value.amount),
    }
    lines = [head, *_dues(t, value)]
    if value.on_delivery:
        lines.insert(
            0,
            t._("📬 Order %(order)s is delivered; its invoice was issued by itself.")
            % {"order": value.order.number},
        )
    text = "\n".join(lines)
    return Screen(clip(text, CAPTION_LIMIT), keyboard([record_payment_row(t, value.order.id)]))


def to_finance_said_paid(t: Texts, order: Order, customer: Customer, amount: int) -> Screen:
    """Finance's notice: a customer says they paid; check the bank and record it."""
    text = t._(
        "💬 %(customer)s says they paid %(amount)s for order %(order)s. "
        "Please check the account and record the payment."
    ) % {"customer": esc(customer.name), "amount": t.money(amount), "order": order.number}
    return Screen(text, keyboard([record_payment_row(t, order.id)]))


def paid_claim(t: Texts, claim: PaidClaim) -> str:
    """The customer's answer to "I've paid": thanks, finance will confirm (or already knows)."""
    values = {"amount": t.money(claim.amount), "order": claim.order.number}
    if claim.told:
        text = t._(
            "🙏 Thank you! We told our finance team about your payment of %(amount)s "
            "for order %(order)s; you will get a receipt once they confirm it."
        )
    elif claim.amount:
        text = t._(
            "Thank you, our finance team already knows about your payment of %(amount)s "
            "for order %(order)s and will confirm it."
        )
    else:
        text = t._("Order %(order)s has nothing left to pay. Thank you!")
    return text % values


def to_customer_invoice(t: Texts, value: Invoice) -> Screen:
    """The customer's invoice notice with the due dates."""
    head = t._("🧾 Invoice <b>%(invoice)s</b> for your order %(order)s: %(amount)s") % {
        "invoice": value.number,
        "order": value.order.number,
        "amount": t.money(value.amount),
    }
    lines = [head, *_dues(t, value)]
    if value.deposit:
        pay_now = t._("Please pay the deposit of %(amount)s now; the rest is due as listed.")
        lines.append(pay_now % {"amount": t.money(value.deposit)})
    return Screen("\n".join(lines))


def to_finance_delivered(t: Texts, order: Order) -> Screen:
    """Finance's notice that an order was delivered, so it can be invoiced."""
    text = t._("📬 Order %(number)s (%(amount)s) is delivered.") % {
        "number": order.number,
        "amount": t.money(order.totals.total),
    }
    return Screen(
        text,
        keyboard([[button(t._("🧾 Issue invoice"), pack(actions.Finance.INVOICE, order.id))]]),
    )


def ask_number(t: Texts) -> Screen:
    """Which order the payment is for."""
    return Screen(
        t._(
            "Payment for which order? Send its number, e.g. SO-20261123-0042, "
            "or part of the customer's name, company or phone."
        )
    )


def unpaid(t: Texts, found: list[tuple[Order, str, int]]) -> Screen:
    """Unpaid orders of the customers found, a button each."""
    if not found:
        return Screen(t._("No unpaid order found. Try an order number or another name."))
    rows = [
        [
            button(
                f"{o.number} · {clip(name, 24)} · {t.money(owed)}",
                pack(actions.Payment.ORDER, o.id),
            )
        ]
        for o, name, owed in found
    ]
    return Screen(t._("Unpaid orders found:"), keyboard(rows))


def ask_amount(t: Texts, order: Order, owed: int) -> Screen:
    """How much was paid (the full balance is a button)."""
    text = t._("Order %(number)s: total %(total)s, still owed %(owed)s. Amount received?") % {
        "number": order.number,
        "total": t.money(order.totals.total),
        "owed": t.money(owed),
    }
    label = t._("All of it: %(amount)s") % {"amount": t.money(owed)}
    rows = [[button(label, pack(actions.Payment.FULL))] if owed else []]
    return Screen(text, keyboard(rows))


def ask_method(t: Texts) -> Screen:
    """How it was paid."""
    rows = [
        [button(t._(label), pack(actions.Payment.METHOD, m.value))] for m, label in METHODS.items()
    ]
    return Screen(t._("How was it paid?"), keyboard(rows))


def ask_date(t: Texts) -> Screen:
    """When it was paid."""
    rows = [[button(t._("Today"), pack(actions.Payment.TODAY, "today"))]]
    return Screen(t._("Paid on which day? Press Today or send a date."), keyboard(rows))


def confirm(
    t: Texts,
    number: str,
    amount: int,
    method: Method,
    day: str,
    *,
    plan: PaymentPlan | None = None,
) -> Screen:
    """The payment to record, and where it goes when it is more than its order owes (the
    customer's open orders oldest first, what is left over to pay back), asking once more."""
    text = t._("Record %(amount)s paid by %(method)s on %(day)s for order %(number)s?") % {
        "amount": t.money(amount),
        "method": t._(METHODS[method]),
        "day": day,
        "number": number,
    }
    if plan is not None and not _to_itself(plan):
        text += "\n\n" + "\n".join(_plan(t, plan))
    rows = [
        [button(t._("✅ Record payment"), pack(actions.Payment.CONFIRM))],
        [button(t._("✖️ Cancel"), pack(actions.Payment.CANCEL))],
    ]
    return Screen(text, keyboard(rows))


def _to_itself(plan: PaymentPlan) -> bool:
    """All of the payment goes to its own order (nothing to show of a plan)."""
    return [(o.id, part) for o, _, part in plan.parts] == [(plan.order.id, plan.amount)]


def _plan(t: Texts, plan: PaymentPlan) -> list[str]:
    """Where a payment would go, oldest order first, and what would be left over."""
    lines = [t._("It pays, oldest first:")]
    lines += [
        t._("• %(number)s: %(part)s of %(owed)s owed")
        % {"number": order.number, "part": t.money(part), "owed": t.money(owed)}
        for order, owed, part in plan.parts
    ]
    if plan.left_over:
        lines.append(
            t._("Left over, to pay back to the customer: %(amount)s")
            % {"amount": t.money(plan.left_over)}
        )
    return lines


def recorded(t: Texts, value: PaymentResult) -> Screen:
    """Finance's confirmation (or that this payment had been recorded already)."""
    if value.created:
        text = t._("Recorded %(amount)s for %(number)s. Paid %(paid)s, still owed %(owed)s.")
    else:
        text = t._(
            "This payment of %(amount)s for %(number)s was recorded already. "
            "Paid %(paid)s, still owed %(owed)s."
        )
    text = text % {
        "amount": t.money(value.amount),
        "number": value.order.number,
        "paid": t.money(value.paid),
        "owed": t.money(value.owed),
    }
    return Screen("\n".join([text, *_spread(t, value)]))


def receipt(t: Texts, value: PaymentResult) -> Screen:
    """The customer's receipt."""
    text = t._("🧾 Payment received: %(amount)s for order %(number)s. Thank you!") % {
        "amount": t.money(value.amount),
        "number": value.order.number,
    }
    text += "".join("\n" + line for line in _spread(t, value))
    if value.owed:
        text += "\n" + t._("Still to pay: %(owed)s.") % {"owed": t.money(value.owed)}
    else:
        text += "\n" + t._("The order is paid in full.")
    return Screen(text)


def _spread(t: Texts, value: PaymentResult) -> list[str]:
    """Where a payment larger than its order's balance went."""
    lines = [
        t._("Of it, %(amount)s paid order %(number)s.")
        % {"amount": t.money(amount), "number": number}
        for number, amount in value.spread
    ]
    if value.refund_due:
        lines.append(t._("We will pay back %(amount)s.") % {"amount": t.money(value.refund_due)})
    return lines


def to_customer_credit_note(t: Texts, order: Order, note: CreditNote) -> Screen:
    """The customer's notice that an invoiced total changed, and what the invoice asks now."""
    lines = [credit_note_text(t, order, note)]
    if order.refund_due:
        lines.append(t._("We will pay back %(amount)s.") % {"amount": t.money(order.refund_due)})
    return Screen("\n".join(lines))


def credit_note_text(t: Texts, order: Order, note: CreditNote) -> str:
    """A credit or debit note in two lines: which invoice, by how much, the order's total now
    (as finance's copy says it, the customer's notice below the PDF too)."""
    if note.amount > 0:
        head = t._("🧾 Credit note <b>%(note)s</b> to invoice %(invoice)s: %(amount)s less.")
    else:
        head = t._("🧾 Debit note <b>%(note)s</b> to invoice %(invoice)s: %(amount)s more.")
    return "\n".join(
        [
            head
            % {"note": note.number, "invoice": note.invoice, "amount": t.money(abs(note.amount))},
            t._("Order %(number)s now comes to %(total)s.")
            % {"number": order.number, "total": t.money(note.total)},
        ]
    )


def to_finance_refund_due(t: Texts, order: Order) -> Screen:
    """Finance's notice of money to pay back, with the button that records it."""
    text = t._("↩️ Order %(number)s: %(amount)s to pay back to the customer (%(status)s).") % {
        "number": order.number,
        "amount": t.money(order.refund_due),
        "status": labels.status(t, order.status),
    }
    rows = [[button(t._("↩️ Record refund"), pack(actions.Refund.ORDER, order.id))]]
    return Screen(text, keyboard(rows))


def refund_receipt(t: Texts, value: RefundResult) -> Screen:
    """The customer's receipt for money paid back."""
    text = t._("↩️ We paid back %(amount)s for order %(number)s (%(method)s, %(day)s).") % {
        "amount": t.money(value.amount),
        "number": value.order.number,
        "method": t._(METHODS[value.method]),
        "day": t.date(value.paid_on),
    }
    if value.refund_due:
        text += "\n" + t._("Still to pay back: %(amount)s.") % {
            "amount": t.money(value.refund_due)
        }
    return Screen(text)


def _ageing(t: Texts, value: Receivables) -> list[str]:
    lines = [
        t._("Outstanding: %(amount)s") % {"amount": t.money(value.total)},
        t._("Overdue: %(amount)s") % {"amount": t.money(value.overdue)},
        "",
        t._("<b>Overdue by age</b>"),
    ]
    return lines + [
        f"{t._(label)}: {t.money(amount)}"
        for label, amount in zip(BUCKETS, value.buckets, strict=True)
    ]


def digest(t: Texts, day: date, value: Receivables) -> Screen:
    """Finance's morning digest: totals, ageing, the ten customers most overdue (a button
    each to open what they owe)."""
    lines = [t._("📊 <b>Receivables on %(day)s</b>") % {"day": t.date(day)}, *_ageing(t, value)]
    if not value.worst_customers:
        lines += ["", t._("Nothing is overdue.")]
        return Screen("\n".join(lines))
    lines += ["", t._("<b>Most overdue customers</b>")]
    rows = []
    for n, c in enumerate(value.worst_customers, 1):
        lines.append(
            t.ngettext(
                "%(n)d. %(customer)s: %(amount)s, up to %(days)d day late",
                "%(n)d. %(customer)s: %(amount)s, up to %(days)d days late",
                c.days_overdue,
            )
            % {
                "n": n,
                "customer": esc(c.name),
                "amount": t.money(c.overdue),
                "days": c.days_overdue,
            }
        )
        rows.append(
            [button(f"{n}. {clip(c.name, 40)}", pack(actions.Finance.CUSTOMER, c.customer_id))]
        )
    return Screen("\n".join(lines), keyboard(rows))


def customer_balance(t: Texts, value: CustomerBalance) -> Screen:
    """What one customer owes, order by order, with their reminders' state and switch."""
    c = value.customer
    lines = [
        f"<b>{esc(c.name)}</b>" + (f" · {esc(c.company)}" if c.company else ""),
        t._("Phone: %(value)s") % {"value": esc(c.phone)},
        t._("Outstanding: %(amount)s") % {"amount": t.money(value.outstanding)},
        t._("Overdue: %(amount)s") % {"amount": t.money(value.overdue)},
        reminders_state(t, c),
        "",
    ]
    items = []
    for d in value.orders:
        item = t._("• %(number)s: owes %(amount)s") % {
            "number": d.number,
            "amount": t.money(d.outstanding),
        }
        if d.overdue:
            item += ", " + t.ngettext(
                "%(amount)s overdue by %(days)d day",
                "%(amount)s overdue by %(days)d days",
                d.days_overdue,
            ) % {"amount": t.money(d.overdue), "days": d.days_overdue}
        items.append(item)
    if not items:
        items.append(t._("Nothing is owed."))
    text = fit("\n".join(lines), items, "", t._("… and %(n)d more orders"))
    rows = [[button(d.number, pack(actions.Staff.ORDER, d.order_id))] for d in value.orders[:8]]
    rows.append([pause_button(t, c, actions.Finance.PAUSE_REMINDERS)])
    return Screen(text, keyboard(rows))


def receivables(t: Texts, value: Receivables) -> Screen:
    """Total, overdue, ageing and the largest overdue balances."""
    lines = [t._("<b>Receivables</b>"), *_ageing(t, value)]
    if value.worst:
        lines += ["", t._("<b>Largest overdue</b>")]
        lines += [
            t.ngettext(
                "• %(number)s %(customer)s: %(amount)s, %(days)d day late",
                "• %(number)s %(customer)s: %(amount)s, %(days)d days late",
                d.days_overdue,
            )
            % {
                "number": d.number,
                "customer": esc(d.customer),
                "amount": t.money(d.overdue),
                "days": d.days_overdue,
            }
            for d in value.worst
        ]
    return Screen("\n".join(lines))
