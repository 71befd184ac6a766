"""The cart: /cart and its buttons (typed quantities are a conversation of their own)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.domain.models import Cart
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, redraw, routes
from bot.ui import actions, cart_views, catalog_views
from bot.ui.screen import clip


async def cart_command(update: Update, context: BotContext) -> None:
    """/cart: show the cart."""
    await show(
        update,
        context,
        cart_views.cart(context.t, await context.services.cart.view(context.person)),
    )


async def add(update: Update, context: BotContext) -> None:
    """cart:add:<product>:<qty>: put it in the cart and show its card again."""
    cb, cart, person, t = data_of(update), context.services.cart, context.person, context.t
    maximum = context.config.checkout.max_quantity
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


async def show_cart(update: Update, context: BotContext) -> None:
    """cart:show."""
    await _changed(update, context, await context.services.cart.view(context.person))


async def increase(update: Update, context: BotContext) -> None:
    """cart:inc:<product>: one more."""
    product_id = data_of(update).number(0)
    await _changed(update, context, await context.services.cart.add(context.person, product_id, 1))


async def decrease(update: Update, context: BotContext) -> None:
    """cart:dec:<product>: one fewer."""
    product_id = data_of(update).number(0)
    value = await context.services.cart.add(context.person, product_id, -1)
    await _changed(update, context, value)


async def remove(update: Update, context: BotContext) -> None:
    """cart:rm:<product>: the line goes."""
    product_id = data_of(update).number(0)
    await _changed(update, context, await context.services.cart.remove(context.person, product_id))


async def clear(update: Update, context: BotContext) -> None:
    """cart:clear: empty the cart."""
    await _changed(update, context, await context.services.cart.clear(context.person))


async def fit(update: Update, context: BotContext) -> None:
    """cart:fit: cut lines to the stock available."""
    await _changed(update, context, await context.services.cart.fit_to_stock(context.person))


async def _changed(update: Update, context: BotContext, value: Cart) -> None:
    """Show the cart again."""
    await redraw(update, context, cart_views.cart(context.t, value))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Cart command and buttons."""
    return [
        CommandHandler("cart", cart_command),
        *routes(
            {
                actions.Cart.SHOW: show_cart,
                actions.Cart.ADD: add,
                actions.Cart.INC: increase,
                actions.Cart.DEC: decrease,
                actions.Cart.REMOVE: remove,
                actions.Cart.CLEAR: clear,
                actions.Cart.FIT: fit,
            }
        ),
    ]
