"""A customer's orders: /orders, /track and the order buttons (cancelling is a conversation)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.ui import cart_views, order_views
from bot.ui.callbacks import BadCallback, parse
from bot.ui.screen import Screen, esc


async def orders_command(update: Update, context: BotContext) -> None:
    """/orders: the newest orders first."""
    page = await context.services.orders.page(context.person, 0)
    await show(update, context, order_views.order_list(context.t, page))


async def track_command(update: Update, context: BotContext) -> None:
    """/track NUMBER: one order with its timeline; without a number, the list."""
    if not context.args:
        await orders_command(update, context)
        return
    detail = await context.services.orders.detail(context.person, number=context.args[0][:32])
    await show(update, context, order_views.order_detail(context.t, context.config, detail))


async def order_button(update: Update, context: BotContext) -> None:
    """ord:<action>: list pages, one order, repeat."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    orders, t = context.services.orders, context.t
    if cb.action == "l":
        screen = order_views.order_list(
            t, await orders.page(context.person, cb.number(0, high=100_000))
        )
    elif cb.action == "v":
        detail = await orders.detail(context.person, order_id=cb.number(0))
        screen = order_views.order_detail(t, context.config, detail)
    elif cb.action == "rp":
        result = await orders.repeat(context.person, cb.number(0))
        cart = cart_views.cart(t, result.cart)
        notes = []
        if result.reduced:
            notes.append(
                t._("Fewer units than before (stock): %(names)s")
                % {"names": esc(", ".join(result.reduced))}
            )
        if result.skipped:
            notes.append(
                t._("Not available now: %(names)s") % {"names": esc(", ".join(result.skipped))}
            )
        screen = Screen("\n".join([*notes, cart.text]) if notes else cart.text, cart.keyboard)
        await answer(update, t._("Added to your cart at today's prices."))
        await show(update, context, screen, new=True)
        return
    else:
        raise BadCallback(cb.action)
    await answer(update)
    await show(update, context, screen)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Order commands and buttons."""
    return [
        CommandHandler("orders", orders_command),
        CommandHandler("track", track_command),
        CallbackQueryHandler(order_button, pattern=r"^ord:(l|v|rp):"),
    ]
