"""The cart: /cart and its buttons (typed quantities are a conversation of their own)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.ui import cart_views, catalog_views
from bot.ui.callbacks import BadCallback, parse
from bot.ui.screen import clip


async def cart_command(update: Update, context: BotContext) -> None:
    """/cart: show the cart."""
    await show(
        update,
        context,
        cart_views.cart(context.t, await context.services.cart.view(context.person)),
    )


async def cart_button(update: Update, context: BotContext) -> None:
    """cart:<action>: change the cart and show it again."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    cart, person, t = context.services.cart, context.person, context.t
    maximum = context.config.checkout.max_quantity
    if cb.action == "add":
        product_id, qty = cb.number(0), cb.number(1, low=1, high=maximum)
        new = await cart.add(person, product_id, qty)
        line = next(x for x in new.lines if x.product_id == product_id)
        await answer(
            update,
            t._("Added: %(name)s × %(qty)d (in cart: %(total)d)")
            % {"name": clip(line.name, 60), "qty": qty, "total": line.qty},
        )
        product = await context.services.catalog.product(
            product_id, person.language, for_user=person.id
        )
        level = context.services.catalog.stock_level(product)
        await show(update, context, catalog_views.product_card(t, product, level, line.qty, 0))
        return
    if cb.action == "show":
        value = await cart.view(person)
    elif cb.action == "inc":
        value = await cart.add(person, cb.number(0), 1)
    elif cb.action == "dec":
        value = await cart.add(person, cb.number(0), -1)
    elif cb.action == "rm":
        value = await cart.remove(person, cb.number(0))
    elif cb.action == "clear":
        await cart.clear(person)
        value = await cart.view(person)
    elif cb.action == "fit":
        value = await cart.fit_to_stock(person)
    else:
        raise BadCallback(cb.action)
    await answer(update)
    await show(update, context, cart_views.cart(t, value))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Cart command and buttons."""
    return [
        CommandHandler("cart", cart_command),
        CallbackQueryHandler(cart_button, pattern=r"^cart:(show|add|inc|dec|rm|clear|fit)\b"),
    ]
