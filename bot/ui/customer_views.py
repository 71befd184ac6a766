"""Screens of customer management: search results and the customer card."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.config import Config
from bot.domain.models import Cart, Customer, Order, User
from bot.i18n import Texts
from bot.services.customer_admin import CustomerCard, PriceList
from bot.ui import actions, labels
from bot.ui.callbacks import pack
from bot.ui.cart_views import cart_line
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard


def results(t: Texts, found: list[Customer]) -> Screen:
    """Customers found, a button each."""
    if not found:
        return Screen(t._("No customer found. Try part of a name, company or phone number."))
    rows = [
        [button(clip(f"{c.name} · {c.company or c.phone}", 60), pack(actions.Customer.VIEW, c.id))]
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
        t._("Standing discount: %(percent)s%%") % {"percent": f"{c.discount_bp / 100:g}"},
        t._("Trusted: %(value)s") % {"value": yes if c.trusted else no},
        t._("Open balance: %(amount)s") % {"amount": t.money(value.open_balance)},
        t._("Payment terms: %(value)s")
        % {"value": ", ".join(labels.payment_term(t, term) for term, ok in value.terms if ok)},
        reminders_state(t, c),
    ]
    order_row = [button(t._("📞 Place an order for them"), pack(actions.OrderFor.START, c.id))]
    pause_row = [pause_button(t, c, actions.Customer.PAUSE_REMINDERS)]
    if not value.editable:
        return Screen("\n".join(lines), keyboard([order_row, pause_row]))
    rows = [
        order_row,
        pause_row,
        [button(t._("💳 Credit limit…"), pack(actions.Customer.CREDIT_LIMIT, c.id))],
        [
            button(t._("Discount…"), pack(actions.Customer.DISCOUNT, c.id)),
            button(t._("Special prices…"), pack(actions.Customer.PRICES, c.id)),
        ],
        [
            button(
                t._("Trusted: %(value)s") % {"value": yes if c.trusted else no},
                pack(actions.Customer.TRUSTED, c.id, int(not c.trusted)),
            )
        ],
    ]
    for term, ok in value.terms:
        mark = "✅ " if ok else "➕ "
        rows.append(
            [
                button(
                    mark + labels.payment_term(t, term),
                    pack(actions.Customer.TERM, c.id, term.code, int(not ok)),
                )
            ]
        )
    rows.append([button(t._("👤 Change sales rep"), pack(actions.Customer.CHOOSE_REP, c.id))])
    return Screen("\n".join(lines), keyboard(rows))


def reminders_state(t: Texts, customer: Customer) -> str:
    """Whether a customer's reminders run or are paused."""
    if customer.reminders_paused:
        return t._("Reminders: ⏸ paused")
    return t._("Reminders: on")


def pause_button(
    t: Texts, customer: Customer, action: actions.Customer | actions.Finance
) -> InlineKeyboardButton:
    """Pause or resume a customer's reminders (`action`: of the screen that shows it again)."""
    if customer.reminders_paused:
        return button(t._("▶️ Resume reminders"), pack(action, customer.id, 0))
    return button(t._("⏸ Pause reminders"), pack(action, customer.id, 1))


def choose_rep(t: Texts, customer_id: int, reps: list[User]) -> Screen:
    """The reps to give the customer to."""
    rows = [
        [button(r.first_name or "?", pack(actions.Customer.ASSIGN_REP, customer_id, r.id))]
        for r in reps
    ]
    rows.append([button(t._("⬅ Back"), pack(actions.Customer.VIEW, customer_id))])
    return Screen(t._("Give this customer to which sales rep?"), keyboard(rows))


def price_list(t: Texts, value: PriceList) -> Screen:
    """A customer's special prices, each with a button to remove it."""
    c = value.customer
    lines = [t._("<b>Special prices for %(name)s</b>") % {"name": esc(c.name)}]
    rows = []
    for p in value.prices:
        lines.append(
            t._("%(sku)s %(name)s: %(price)s (list %(list)s)")
            % {
                "sku": esc(p.sku),
                "name": esc(p.name),
                "price": t.money(p.unit_price),
                "list": t.money(p.list_price),
            }
        )
        rows.append(
            [
                button(
                    t._("✖️ Remove %(sku)s") % {"sku": p.sku},
                    pack(actions.Customer.REMOVE_PRICE, c.id, p.product_id),
                )
            ]
        )
    if not value.prices:
        lines.append(t._("No special prices: this customer pays list and tier prices."))
    rows.append([button(t._("➕ Add a special price…"), pack(actions.Customer.ADD_PRICE, c.id))])
    rows.append([button(t._("⬅ Back"), pack(actions.Customer.VIEW, c.id))])
    return Screen("\n".join(lines), keyboard(rows))


def ask_discount(t: Texts) -> Screen:
    """Ask the new standing discount."""
    return Screen(t._("New standing discount in percent (0 to 100, e.g. 7.5)? /cancel keeps it."))


def ask_special_price(t: Texts) -> Screen:
    """Ask a SKU and the special price."""
    return Screen(
        t._(
            "Send the SKU and the customer's unit price, e.g. <code>PEN-01 12.50</code>."
            " /cancel keeps the list as it is."
        )
    )


def ask_credit(t: Texts) -> Screen:
    """Ask the new credit limit."""
    return Screen(t._("New credit limit? Send an amount, or 0 for none. /cancel keeps it."))


def ask_items(t: Texts, name: str) -> Screen:
    """Ask what the customer ordered by phone."""
    return Screen(
        t._(
            "Order for <b>%(name)s</b>: send one line per product, SKU and quantity, e.g.\n"
            "STP-24 5\nPAP-A4-80 x 10\nProduct names work too: 3 x A4 paper, A4纸 3箱.\n"
            "/cancel stops."
        )
        % {"name": esc(name)}
    )


def items_priced(t: Texts, config: Config, cart: Cart) -> Screen:
    """The lines understood, priced, and the delivery methods to choose from."""
    items = [cart_line(t, i, line) for i, line in enumerate(cart.lines, 1)]
    tail = t._("Subtotal: <b>%(amount)s</b>") % {"amount": t.money(cart.subtotal)}
    text = fit(
        t._("Understood:"), items, tail + "\n\n" + t._("Delivery?"), t._("… and %(n)d more lines")
    )
    rows = [
        [
            button(
                f"{d.name(t.language)} · {t.money(config.fee_minor(d))}",
                pack(actions.OrderFor.DELIVERY, d.code),
            )
        ]
        for d in config.delivery
    ]
    return Screen(text, keyboard(rows))


def choose_address(t: Texts, card: CustomerCard) -> Screen:
    """The customer's saved addresses (a new one can be typed)."""
    rows = [
        [button(clip(a.text.replace("\n", ", "), 60), pack(actions.OrderFor.ADDRESS, a.id))]
        for a in card.addresses
    ]
    return Screen(t._("📍 Which address? Press one or type a new one."), keyboard(rows))


def choose_term(t: Texts, card: CustomerCard) -> Screen:
    """The payment terms allowed to this customer."""
    rows = [
        [button(labels.payment_term(t, term), pack(actions.OrderFor.TERM, term.code))]
        for term, ok in card.terms
        if ok
    ]
    return Screen(t._("💳 Payment term?"), keyboard(rows))


def confirm_for(t: Texts, name: str, cart: Cart) -> Screen:
    """The order to place, asking once more."""
    text = t.ngettext(
        "Place this order for <b>%(name)s</b> (%(count)d line, %(amount)s before delivery)?",
        "Place this order for <b>%(name)s</b> (%(count)d lines, %(amount)s before delivery)?",
        len(cart.lines),
    ) % {"name": esc(name), "count": len(cart.lines), "amount": t.money(cart.subtotal)}
    rows = [
        [button(t._("✅ Place the order"), pack(actions.OrderFor.PLACE))],
        [button(t._("✖️ Cancel"), pack(actions.OrderFor.CANCEL))],
    ]
    return Screen(text, keyboard(rows))


def placed_for(t: Texts, order: Order, by: str) -> Screen:
    """The customer's notice of an order placed for them, and where it stands (approved at
    once, when it approved itself: nobody else tells them)."""
    text = t._("📞 %(name)s placed order <b>%(number)s</b> for you, total %(total)s.") % {
        "name": esc(by),
        "number": order.number,
        "total": t.money(order.totals.total),
    }
    text += "\n" + t._("Status: %(status)s") % {"status": labels.status(t, order.status)}
    rows = [[button(t._("📦 Track this order"), pack(actions.Order.VIEW, order.id))]]
    return Screen(text, keyboard(rows))
