"""Screens of the cart."""

from __future__ import annotations

from bot.domain.models import Cart, CartLine
from bot.i18n import Texts
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard
from bot.ui.units import quantity

MAX_LINE_BUTTONS = 12


def cart_line(t: Texts, index: int, line: CartLine) -> str:
    """One line of a cart or order: name, quantity, unit price, total."""
    text = t._("%(i)d. %(name)s\n    %(qty)s × %(price)s = <b>%(total)s</b>") % {
        "i": index,
        "name": esc(clip(line.name, 60)),
        "qty": quantity(t, line.qty, line.unit),
        "price": t.money(line.unit_price),
        "total": t.money(line.total),
    }
    if line.short:
        if not line.active:
            text += "\n    " + t._("⚠️ no longer sold")
        elif line.available <= 0:
            text += "\n    " + t._("⚠️ out of stock")
        else:
            text += "\n    " + t.ngettext(
                "⚠️ only %(qty)s available", "⚠️ only %(qty)s available", line.available
            ) % {"qty": quantity(t, max(line.available, 0), line.unit)}
    return text


def cart(t: Texts, value: Cart) -> Screen:
    """The cart with a row of buttons per line and the checkout button."""
    if not value.lines:
        return Screen(
            t._("🛒 Your cart is empty."),
            keyboard(
                [
                    [button(t._("📖 Catalog"), pack(actions.Catalog.HOME))],
                    [button(t._("⚡ Quick order"), pack(actions.QuickOrder.START))],
                ]
            ),
        )
    head = t.ngettext(
        "🛒 <b>Your cart</b> (%(n)d unit)", "🛒 <b>Your cart</b> (%(n)d units)", value.units
    ) % {"n": value.units}
    items = [cart_line(t, i, line) for i, line in enumerate(value.lines, 1)]
    tail = t._("Subtotal: <b>%(amount)s</b>") % {"amount": t.money(value.subtotal)}
    text = fit(head, items, tail, t._("… and %(n)d more lines"))
    rows = []
    for i, line in enumerate(value.lines[:MAX_LINE_BUTTONS], 1):
        rows.append(
            [
                button(f"{i}. −", pack(actions.Cart.DEC, line.product_id)),
                button(f"{line.qty}", pack(actions.Cart.SET, line.product_id)),
                button("+", pack(actions.Cart.INC, line.product_id)),
                button("🗑", pack(actions.Cart.REMOVE, line.product_id)),
            ]
        )
    if any(line.short for line in value.lines):
        rows.append([button(t._("Fit to available stock"), pack(actions.Cart.FIT))])
    rows.append(
        [
            button(t._("🗑 Clear"), pack(actions.Cart.CLEAR)),
            button(t._("📖 Catalog"), pack(actions.Catalog.HOME)),
            button(t._("⚡ Quick order"), pack(actions.QuickOrder.START)),
        ]
    )
    rows.append([button(t._("✅ Check out"), pack(actions.Checkout.START))])
    return Screen(text, keyboard(rows))


def ask_quantity(t: Texts, name: str, current: int, maximum: int, replace: bool) -> Screen:
    """The prompt for a typed quantity: how many to add (card) or the new quantity (cart)."""
    values = {"name": esc(clip(name, 80)), "max": maximum, "n": current}
    if replace:
        text = (
            t._(
                "New quantity for <b>%(name)s</b> (now %(n)d)? "
                "Send a number from 1 to %(max)d; it replaces the quantity in your cart."
            )
            % values
        )
    elif current:
        text = (
            t._(
                "How many units of <b>%(name)s</b> to add? (%(n)d already in your cart) "
                "Send a number from 1 to %(max)d."
            )
            % values
        )
    else:
        text = t._(
            "How many units of <b>%(name)s</b> to add? Send a number from 1 to %(max)d."
        ) % (values)
    return Screen(text + "\n" + t._("/cancel to go back."))
