"""Screens of a quick order: the prompt, what was understood (and picks), what went to the cart."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.domain.errors import InputProblem
from bot.domain.product_match import MatchKind
from bot.domain.quick_order import QuickLine, RejectedLine
from bot.i18n import Texts
from bot.services.quick_order import AddedToCart, NotAdded, QuickView
from bot.ui import actions, cart_views
from bot.ui.callbacks import pack
from bot.ui.screen import TEXT_LIMIT, Screen, button, clip, esc, fit, keyboard
from bot.ui.units import quantity

Flow = type[actions.QuickOrder] | type[actions.OrderFor]


def ask_items(t: Texts) -> Screen:
    """What would you like? One product per line or separated by commas."""
    return Screen(
        t._(
            "⚡ <b>Quick order</b>: type what you need, one product per line or separated by "
            "commas, e.g.\n3 x A4 paper\n2 toner TN-2420\n1 stapler\n\n"
            "A SKU works too, and so does Chinese: A4纸 3箱, 两盒订书钉. /cancel stops."
        )
    )


def _line(t: Texts, number: int, line: QuickLine, view: QuickView) -> str:
    typed = esc(clip(line.words, 60))
    if line.kind is MatchKind.NOT_FOUND:
        return t._("%(i)d. ❌ Not found: “%(typed)s”") % {"i": number, "typed": typed}
    if line.skipped:
        return t._("%(i)d. ➖ “%(typed)s”: left out") % {"i": number, "typed": typed}
    if line.chosen is None:
        return t._("%(i)d. ❓ “%(typed)s” × %(qty)d: which one?") % {
            "i": number,
            "typed": typed,
            "qty": line.qty,  # no product yet, so no unit
        }
    product = view.products.get(line.chosen)
    priced = next((c for c in view.cart.lines if c.product_id == line.chosen), None)
    if product is None or priced is None:
        return t._("%(i)d. ❌ Not found: “%(typed)s”") % {"i": number, "typed": typed}
    text = t._("%(i)d. ✅ <b>%(name)s</b> (%(sku)s)\n    %(qty)s × %(price)s = %(total)s") % {
        "i": number,
        "name": esc(clip(product.name, 60)),
        "sku": esc(product.sku),
        "qty": quantity(t, line.qty, product.unit),
        "price": t.money(priced.unit_price),
        "total": t.money(priced.unit_price * line.qty),
    }
    if line.kind is MatchKind.UNSURE or product.name.casefold() != line.words.casefold():
        text += "\n    " + t._("you typed “%(typed)s”") % {"typed": typed}
    if priced.short:
        if not priced.active:
            text += "\n    " + t._("⚠️ no longer sold")
        else:
            text += "\n    " + t.ngettext(
                "⚠️ only %(qty)s available", "⚠️ only %(qty)s available", priced.available
            ) % {"qty": quantity(t, max(priced.available, 0), priced.unit)}
    return text


def _rejected(t: Texts, line: RejectedLine) -> str:
    """An item that could not be read, with why, so it can be sent again."""
    values = {"typed": esc(line.typed), "high": line.high or 0}
    if line.problem is InputProblem.QUICK_QUANTITY:
        return (
            t._("⚠️ Left out “%(typed)s”: the quantity must be a whole number from 1 to %(high)d.")
            % values
        )
    if line.problem is InputProblem.QUICK_NAME_LONG:
        return (
            t._("⚠️ Left out “%(typed)s”: name a product in at most %(high)d characters.") % values
        )
    return t._("⚠️ Left out “%(typed)s”: a quantity but no product.") % values


def _picks(t: Texts, view: QuickView, area: Flow) -> list[list[InlineKeyboardButton]]:
    """Buttons for the first line still waiting: its candidates, and "none of these"."""
    for index, line in enumerate(view.order.lines):
        if line.open:
            rows = [
                [
                    button(
                        f"{index + 1}. {clip(view.products[pid].name, 50)}",
                        pack(area.PICK, index, pid),
                    )
                ]
                for pid in line.candidates
                if pid in view.products
            ]
            rows.append(
                [button(t._("%(i)d. None of these") % {"i": index + 1}, pack(area.NONE, index))]
            )
            return rows
    return []


def lines(t: Texts, view: QuickView) -> list[str]:
    """Every line as understood, numbered from 1."""
    return [_line(t, i, line, view) for i, line in enumerate(view.order.lines, 1)]


def understood(t: Texts, view: QuickView, area: Flow = actions.QuickOrder) -> Screen:
    """Every line as understood; the unsure ones are asked one at a time, never guessed
    (`area`: quick order, or a rep's order for a customer)."""
    order = view.order
    items = lines(t, view)
    waiting = [i for i, line in enumerate(order.lines, 1) if line.open]
    tail = []
    if order.rejected:
        tail.append("\n".join(_rejected(t, line) for line in order.rejected))
    if order.units_ignored:
        tail.append(
            t._(
                "ℹ️ Quantities count the units of our catalog (a pack, a box … as each product "
                "says), so “%(units)s” was read that way."
            )
            % {"units": esc(", ".join(order.units_ignored))}
        )
    if view.cart.lines:
        tail.append(t._("Subtotal: <b>%(amount)s</b>") % {"amount": t.money(view.cart.subtotal)})
    if waiting:
        tail.append(
            t._("Item %(i)d: which product did you mean? Press one below.") % {"i": waiting[0]}
        )
    elif not view.cart.lines:
        tail.append(t._("Nothing to add. Send the list again, or /cancel."))
    text = fit(t._("I understood:"), items, "\n\n".join(tail), t._("… and %(n)d more lines"))
    rows = _picks(t, view, area)
    if not waiting and view.cart.lines and area is actions.QuickOrder:
        rows.append([button(t._("🛒 Add to cart"), pack(actions.QuickOrder.ADD))])
    if area is actions.QuickOrder:
        rows.append(
            [
                button(t._("✏️ Type again"), pack(actions.QuickOrder.RETYPE)),
                button(t._("✖️ Cancel"), pack(actions.QuickOrder.CANCEL)),
            ]
        )
    else:
        rows.append([button(t._("✖️ Cancel"), pack(area.CANCEL))])
    return Screen(text, keyboard(rows))


def added(t: Texts, result: AddedToCart) -> Screen:
    """What went into the cart, what did not and why, then the cart with its checkout button."""
    lines = []
    if result.added:
        lines.append(
            t.ngettext(
                "🛒 Added %(n)d product to your cart.",
                "🛒 Added %(n)d products to your cart.",
                len(result.added),
            )
            % {"n": len(result.added)}
        )
    for refused in result.refused:
        name = esc(clip(refused.name, 60))
        if refused.reason is NotAdded.STOCK and refused.available <= 0:
            lines.append(
                t._("⚠️ Not added: %(qty)s × %(name)s, out of stock.")
                % {"qty": t.number(refused.qty), "name": name}
            )
        elif refused.reason is NotAdded.STOCK:
            lines.append(
                t._("⚠️ Not added: %(qty)d × %(name)s, only %(n)d available.")
                % {"qty": refused.qty, "name": name, "n": refused.available}
            )
        elif refused.reason is NotAdded.LIMIT:
            lines.append(
                t._("⚠️ Not added: %(qty)d × %(name)s, more than one cart line may hold.")
                % {"qty": refused.qty, "name": name}
            )
        else:
            lines.append(t._("⚠️ Not added: %(name)s is no longer sold.") % {"name": name})
    summary = fit("", lines, "", t._("… and %(n)d more lines"), limit=1500)
    cart = cart_views.cart(t, result.cart)
    if len(summary) + len(cart.text) + 2 <= TEXT_LIMIT:
        return Screen(summary + "\n\n" + cart.text, cart.keyboard)
    rows = [
        [button(t._("🛒 Cart"), pack(actions.Cart.SHOW))],
        [button(t._("✅ Check out"), pack(actions.Checkout.START))],
    ]
    return Screen(summary, keyboard(rows))
