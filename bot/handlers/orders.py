"""A customer's orders: /orders, /track and the order buttons (cancelling is a conversation);
staff's /orders finds orders by customer, status, dates and lateness, paged."""

from __future__ import annotations

from typing import assert_never

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, redraw, routes
from bot.services.orders import FilterHelp, OwnOrders, StaffFound
from bot.ui import actions, cart_views, order_views, staff_order_views
from bot.ui.screen import Screen, esc


async def orders_command(update: Update, context: BotContext) -> None:
    """/orders: the customer's orders, newest first; for staff, the orders a filter finds
    (`/orders acme status:approved from:2026-11-01 to:2026-11-30 late`)."""
    listing = await context.services.orders.listing(context.person, " ".join(context.args or []))
    match listing:
        case FilterHelp():
            await show(update, context, staff_order_views.filter_help(context.t))
        case StaffFound(found=found):
            await show(update, context, staff_order_views.order_list(context.t, found))
        case OwnOrders(page=page):
            await show(update, context, order_views.order_list(context.t, page))
        case _:
            assert_never(listing)


async def staff_orders_button(update: Update, context: BotContext) -> None:
    """sol:p:<page>:<filter>: another page of the orders staff looked for."""
    cb = data_of(update)
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


async def order_page(update: Update, context: BotContext) -> None:
    """ord:l:<page>: a page of the customer's orders."""
    page = data_of(update).number(0, high=100_000)
    screen = order_views.order_list(
        context.t, await context.services.orders.page(context.person, page)
    )
    await redraw(update, context, screen)


async def order_view(update: Update, context: BotContext) -> None:
    """ord:v:<order>: one order with its timeline."""
    detail = await context.services.orders.detail(
        context.person, order_id=data_of(update).number(0)
    )
    await redraw(update, context, order_views.order_detail(context.t, context.config, detail))


async def repeat(update: Update, context: BotContext) -> None:
    """ord:rp:<order>: its products into the cart again, at today's prices."""
    t = context.t
    result = await context.services.orders.repeat(context.person, data_of(update).number(0))
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


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Order commands and buttons."""
    return [
        CommandHandler("orders", orders_command),
        CommandHandler("track", track_command),
        *routes(
            {
                actions.Order.LIST: order_page,
                actions.Order.VIEW: order_view,
                actions.Order.REPEAT: repeat,
                actions.StaffOrders.PAGE: staff_orders_button,
            }
        ),
    ]
