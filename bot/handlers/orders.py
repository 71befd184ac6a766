"""A customer's orders: /orders, /track and the order buttons (cancelling is a conversation);
staff's /orders finds orders by customer, status, dates and lateness, paged."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.order_filter import parse_order_filter
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.ui import cart_views, order_views, staff_order_views
from bot.ui.callbacks import BadCallback, parse
from bot.ui.screen import Screen, esc


async def orders_command(update: Update, context: BotContext) -> None:
    """/orders: the customer's orders, newest first; for staff, the orders a filter finds
    (`/orders acme status:approved from:2026-11-01 to:2026-11-30 late`)."""
    if await context.services.staff.roles(context.person):
        if [a.lower() for a in context.args or []] == ["help"]:
            await show(update, context, staff_order_views.filter_help(context.t))
            return
        found = parse_order_filter(" ".join(context.args or [])[:500])
        value = await context.services.staff_orders.search(context.person, found, 0)
        await show(update, context, staff_order_views.order_list(context.t, value))
        return
    page = await context.services.orders.page(context.person, 0)
    await show(update, context, order_views.order_list(context.t, page))


async def staff_orders_button(update: Update, context: BotContext) -> None:
    """sol:p:<page>:<filter>: another page of the orders staff looked for."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    found, page = staff_order_views.filter_of(cb)
    value = await context.services.staff_orders.search(context.person, found, page)
    await answer(update)
    await show(update, context, staff_order_views.order_list(context.t, value))


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
        CallbackQueryHandler(staff_orders_button, pattern=r"^sol:p:"),
    ]
