"""Screens of orders: the list, one order with its timeline, checkout steps and summary."""

from __future__ import annotations

from datetime import date

from bot.config import Config, PaymentTermConfig
from bot.domain.models import Address, Order, OrderDetail, OrderStatus, Page, Product, Totals
from bot.domain.order_status import CHANGEABLE, customer_may_ask_to_cancel, customer_may_cancel
from bot.domain.payments import ledger
from bot.i18n import N_, Texts, fill
from bot.services.checkout import CheckoutDraft, Quote
from bot.services.money import awaits_payment
from bot.ui import actions, labels
from bot.ui.callbacks import day_arg, pack
from bot.ui.cart_views import cart_line
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard, nav_row
from bot.ui.shipping_views import shipment_line

DATE_BUTTONS = 6

CANCEL_REASONS = (
    N_("Ordered by mistake"),
    N_("Found a better price"),
    N_("No longer needed"),
    N_("Delivery date too late"),
)


def totals_block(t: Texts, x: Totals, method_name: str) -> list[str]:
    """Subtotal, discount, delivery, tax and total lines."""
    lines = [t._("Subtotal: %(amount)s") % {"amount": t.money(x.subtotal)}]
    if x.discount:
        lines.append(t._("Discount: −%(amount)s") % {"amount": t.money(x.discount)})
    lines.append(
        t._("Delivery (%(method)s): %(amount)s")
        % {"method": esc(method_name), "amount": t.money(x.delivery_fee)}
    )
    if x.tax:
        tax = t.money(x.tax)
        lines.append(
            t._("Tax included: %(amount)s") % {"amount": tax}
            if x.tax_included
            else t._("Tax: %(amount)s") % {"amount": tax}
        )
    lines.append(t._("<b>Total: %(amount)s</b>") % {"amount": t.money(x.total)})
    return lines


def delivery_step(t: Texts, config: Config) -> Screen:
    """Choose a delivery method."""
    rows = [
        [
            button(
                f"{d.name(t.language)} · {t.money(config.fee_minor(d))}",
                pack(actions.Checkout.DELIVERY, d.code),
            )
        ]
        for d in config.delivery
    ]
    rows.append([button(t._("✖️ Cancel checkout"), pack(actions.Checkout.CANCEL))])
    return Screen(t._("🚚 <b>Checkout</b> — how should we deliver?"), keyboard(rows))


def address_step(t: Texts, addresses: list[Address]) -> Screen:
    """Choose a saved address or type a new one."""
    rows = [
        [button(clip(a.text.replace("\n", ", "), 60), pack(actions.Checkout.ADDRESS, a.id))]
        for a in addresses
    ]
    rows.append([button(t._("✖️ Cancel checkout"), pack(actions.Checkout.CANCEL))])
    text = t._("📍 Where to? Choose a saved address or send a new one.")
    return Screen(text, keyboard(rows))


def date_step(t: Texts, days: list[date], latest: date) -> Screen:
    """Choose a desired delivery date among the working days offered."""
    shown = days[:DATE_BUTTONS]
    buttons = [button(t.weekday_date(d), pack(actions.Checkout.DATE, day_arg(d))) for d in shown]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([button(t._("No preference"), pack(actions.Checkout.DATE, day_arg(None)))])
    rows.append([button(t._("✖️ Cancel checkout"), pack(actions.Checkout.CANCEL))])
    text = fill(
        t._("📅 When would you like it? Press a day or send a date up to %(latest)s."),
        {"latest": t.date(latest)},
    )
    return Screen(text, keyboard(rows))


def term_step(t: Texts, terms: list[PaymentTermConfig]) -> Screen:
    """Choose a payment term."""
    rows = [
        [button(labels.payment_term(t, term), pack(actions.Checkout.TERM, term.code))]
        for term in terms
    ]
    rows.append([button(t._("✖️ Cancel checkout"), pack(actions.Checkout.CANCEL))])
    return Screen(t._("💳 How would you like to pay?"), keyboard(rows))


def note_step(t: Texts) -> Screen:
    """Add a note or skip."""
    rows = [
        [button(t._("Skip"), pack(actions.Checkout.NOTE, "skip"))],
        [button(t._("✖️ Cancel checkout"), pack(actions.Checkout.CANCEL))],
    ]
    return Screen(
        t._("📝 Any note for us (door code, preferred time)? Send it or press Skip."),
        keyboard(rows),
    )


def summary(
    t: Texts, config: Config, quote: Quote, draft: CheckoutDraft, term: PaymentTermConfig | None
) -> Screen:
    """The order as it would be submitted, with Confirm and Edit."""
    method = config.delivery_method(draft.delivery or "")
    method_name = method.name(t.language) if method else "—"
    items = [cart_line(t, i, line) for i, line in enumerate(quote.cart.lines, 1)]
    details = [
        t._("Delivery: %(value)s") % {"value": esc(method_name)},
    ]
    if method and method.needs_address:
        details.append(t._("Address: %(value)s") % {"value": esc(draft.address)})
    details.append(
        t._("Desired date: %(value)s")
        % {"value": t.date(draft.desired_date) if draft.desired_date else t._("no preference")}
    )
    details.append(
        t._("Payment terms: %(value)s") % {"value": labels.payment_term(t, term) if term else "—"}
    )
    if draft.note:
        details.append(t._("Note: %(value)s") % {"value": esc(clip(draft.note, 500))})
    tail = "\n".join([*totals_block(t, quote.totals, method_name), "", *details])
    text = fit(
        t._("🧾 <b>Please check your order</b>"), items, tail, t._("… and %(n)d more lines")
    )
    if quote.short_product_ids:
        text += "\n\n" + t._(
            "⚠️ Some products are no longer available in that quantity. "
            "Change your cart before confirming."
        )
        rows = [
            [button(t._("Fit to available stock"), pack(actions.Checkout.FIT))],
            [button(t._("🛒 Open cart"), pack(actions.Cart.SHOW))],
        ]
    else:
        rows = [[button(t._("✅ Confirm order"), pack(actions.Checkout.CONFIRM, draft.token))]]
    rows.append(
        [
            button(t._("✏️ Edit"), pack(actions.Checkout.EDIT)),
            button(t._("✖️ Cancel"), pack(actions.Checkout.CANCEL)),
        ]
    )
    return Screen(text, keyboard(rows))


def edit_menu(t: Texts) -> Screen:
    """Which part of the checkout to change."""
    rows = [
        [
            button(t._("Delivery"), pack(actions.Checkout.EDIT, "dl")),
            button(t._("Address"), pack(actions.Checkout.EDIT, "ad")),
        ],
        [
            button(t._("Date"), pack(actions.Checkout.EDIT, "dt")),
            button(t._("Payment"), pack(actions.Checkout.EDIT, "pt")),
        ],
        [
            button(t._("Note"), pack(actions.Checkout.EDIT, "nt")),
            button(t._("🛒 Cart"), pack(actions.Cart.SHOW)),
        ],
        [button(t._("⬅ Back to summary"), pack(actions.Checkout.EDIT, "back"))],
    ]
    return Screen(t._("What would you like to change?"), keyboard(rows))


def submitted(t: Texts, order: Order, created: bool) -> Screen:
    """The confirmation of a submitted order."""
    if created and order.status is OrderStatus.APPROVED:
        text = t._(
            "✅ Thank you! Order <b>%(number)s</b> is approved, total %(total)s.\n"
            "We will let you know here when it ships."
        )
    elif created:
        text = t._(
            "✅ Thank you! Order <b>%(number)s</b> is submitted, total %(total)s.\n"
            "We will review it shortly and let you know here."
        )
    else:
        text = t._("Order <b>%(number)s</b> was already submitted (total %(total)s).")
    rows = [[button(t._("📦 Track this order"), pack(actions.Order.VIEW, order.id))]]
    return Screen(
        text % {"number": order.number, "total": t.money(order.totals.total)}, keyboard(rows)
    )


def order_list(t: Texts, page: Page[Order]) -> Screen:
    """A page of the customer's orders."""
    if not page.total:
        return Screen(
            t._("You have no orders yet. Browse the /catalog to place one."),
            keyboard([[button(t._("📖 Catalog"), pack(actions.Catalog.HOME))]]),
        )
    rows = [
        [
            button(
                f"{labels.STATUS_ICON[o.status]} {o.number} · {t.money(o.totals.total)}",
                pack(actions.Order.VIEW, o.id),
            )
        ]
        for o in page.items
    ]
    rows.append(nav_row(page.page, page.pages, lambda n: pack(actions.Order.LIST, n)))
    text = t.ngettext(
        "📦 <b>Your orders</b> (%(n)d)", "📦 <b>Your orders</b> (%(n)d)", page.total
    ) % {"n": page.total}
    return Screen(text, keyboard(rows))


def paid_lines(t: Texts, config: Config, detail: OrderDetail) -> list[str]:
    """What the customer paid, got back, still owes or is to get back (one rule: ledger)."""
    o = detail.order
    money = ledger(o.totals.total, o.status, detail.paid, detail.refunded)
    lines = []
    if money.paid:
        lines.append(t._("Paid: %(amount)s") % {"amount": t.money(money.paid)})
    if money.refunded:
        lines.append(t._("Paid back: %(amount)s") % {"amount": t.money(money.refunded)})
    if money.owed and money.paid:
        lines.append(t._("Still to pay: %(owed)s.") % {"owed": t.money(money.owed)})
    if money.refund_due:
        lines.append(t._("We will pay back %(amount)s.") % {"amount": t.money(money.refund_due)})
    if awaits_payment(config, o):
        lines.append(t._("⏳ Waiting for payment: it ships once paid in full."))
    return lines


def order_detail(t: Texts, config: Config, detail: OrderDetail) -> Screen:
    """One order: status, lines, totals, details and its timeline."""
    o = detail.order
    method = config.delivery_method(o.delivery_method)
    method_name = method.name(t.language) if method else o.delivery_method
    term = config.payment_term(o.payment_term)
    head = "\n".join(
        [
            t._("<b>Order %(number)s</b>") % {"number": o.number},
            t._("Status: %(status)s") % {"status": labels.status(t, o.status)},
            t._("Payment: %(status)s") % {"status": t._(labels.PAYMENT_STATUS[o.payment_status])},
            t._("Placed: %(when)s") % {"when": t.datetime(o.submitted_at)},
        ]
    )
    items = [labels.priced_item(t, x.name, x.qty, x.unit, x.unit_price) for x in detail.lines]
    tail = list(totals_block(t, o.totals, method_name))
    tail.append(
        t._("Payment terms: %(value)s")
        % {"value": labels.payment_term(t, term) if term else o.payment_term}
    )
    if o.address:
        tail.append(t._("Address: %(value)s") % {"value": esc(o.address)})
    if o.note:
        tail.append(t._("Note: %(value)s") % {"value": esc(o.note)})
    if o.desired_date:
        tail.append(t._("Desired date: %(value)s") % {"value": t.date(o.desired_date)})
    tail += paid_lines(t, config, detail)
    tail += [shipment_line(t, s) for s in detail.shipments]  # carrier and tracking number
    tail.append("")
    tail.append(t._("<b>History</b>"))
    for change in detail.timeline[-10:]:
        entry = f"{t.datetime(change.at)} — {labels.status(t, change.to_status)}"
        if change.reason:
            entry += f" ({esc(clip(change.reason, 100))})"
        tail.append(entry)
    text = fit(head + "\n", items, "\n".join(tail), t._("… and %(n)d more lines"))
    rows = []
    if o.status in CHANGEABLE:
        rows.append([button(t._("✏️ Change order"), pack(actions.Order.CHANGE, o.id))])
    if customer_may_cancel(o.status):
        rows.append([button(t._("✖️ Cancel order"), pack(actions.Order.CANCEL, o.id))])
    elif customer_may_ask_to_cancel(o.status):
        rows.append([button(t._("✖️ Ask to cancel"), pack(actions.Order.CANCEL, o.id))])
    rows.append(
        [
            button(t._("🔁 Order again"), pack(actions.Order.REPEAT, o.id)),
            button(t._("⬅ My orders"), pack(actions.Order.LIST, 0)),
        ]
    )
    return Screen(text, keyboard(rows))


def ask_cancel_reason(t: Texts, number: str) -> Screen:
    """Ask why the order is cancelled."""
    rows = [
        [button(t._(reason), pack(actions.Order.CANCEL_REASON, i))]
        for i, reason in enumerate(CANCEL_REASONS)
    ]
    rows.append([button(t._("Keep the order"), pack(actions.Order.KEEP))])
    text = t._("Why do you want to cancel order %(number)s? Choose or type a reason.") % {
        "number": number
    }
    return Screen(text, keyboard(rows))


def change_menu(t: Texts, detail: OrderDetail) -> Screen:
    """What the customer may change: address, note, a line's quantity."""
    o = detail.order
    rows = []
    if o.address:
        rows.append([button(t._("📍 Address"), pack(actions.ChangeOrder.ADDRESS))])
    rows.append([button(t._("📝 Note"), pack(actions.ChangeOrder.NOTE))])
    rows += [
        [button(f"🔢 {clip(x.name, 40)} ({x.qty})", pack(actions.ChangeOrder.LINE, x.id))]
        for x in detail.lines
        if not x.shipped_qty and not x.cancelled_qty
    ][:10]
    rows.append([button(t._("➕ Add a product"), pack(actions.ChangeOrder.ADD_PRODUCT))])
    rows.append([button(t._("⬅ Back"), pack(actions.Order.VIEW, o.id))])
    text = t._("What would you like to change in order %(number)s?") % {"number": o.number}
    if o.status is OrderStatus.APPROVED:
        text += "\n" + t._("It is approved already, so our team will confirm the change.")
    return Screen(text, keyboard(rows))


def ask_product_to_add(t: Texts) -> Screen:
    """Which product to add to an order: typed words, then a pick."""
    return Screen(
        t._(
            "➕ Which product should be added? Send a few words of its name or its SKU, "
            "e.g. stapler. /cancel keeps the order as it is."
        )
    )


def products_to_add(t: Texts, words: str, page: Page[Product]) -> Screen:
    """Products found for the words, each a button to add it; or nothing found."""
    if not page.total:
        return Screen(
            t._("Nothing found for “%(words)s”. Try other words, or /cancel.")
            % {"words": esc(words)}
        )
    rows = [
        [
            button(
                f"➕ {clip(p.name, 40)} · {t.money(p.price)}",
                pack(actions.ChangeOrder.PRODUCT_PICKED, p.id),
            )
        ]
        for p in page.items
    ]
    text = t._("Which one should be added? Or send other words.")
    return Screen(text, keyboard(rows))


def ask_quantity_to_add(t: Texts, product: Product) -> Screen:
    """How many units of the product to add to the order."""
    return Screen(
        t._("How many units of <b>%(name)s</b> should be added? /cancel keeps the order.")
        % {"name": esc(clip(product.name, 80))}
    )
