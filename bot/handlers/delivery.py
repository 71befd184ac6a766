"""Delivery: the customer's "I received it" and the warehouse's "Delivered" buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, send_below, show
from bot.ui import feedback_views, order_views, shipping_views
from bot.ui.callbacks import BadCallback, parse


async def delivery_button(update: Update, context: BotContext) -> None:
    """dlv:r:<shipment> (customer) or dlv:w:<shipment> (warehouse)."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    fulfilment, t = context.services.fulfilment, context.t
    if cb.action == "r":
        order = await fulfilment.confirm_receipt(context.person, cb.number(0))
        await answer(update, t._("Thank you for confirming!"))
        detail = await context.services.orders.detail(context.person, order_id=order.id)
        screen = order_views.order_detail(t, context.config, detail)
        if await context.services.feedback.request(order) is not None:
            screen = feedback_views.with_rating(t, screen, order)  # asked once, right here
        await send_below(update, context, screen)  # the notice keeps its tracking number
    elif cb.action == "w":
        order = await fulfilment.mark_delivered(context.person, cb.number(0))
        await answer(update, t._("Marked as delivered."))  # finance and the customer are told
        pick = await fulfilment.pick_list(context.person, order.id)
        await show(update, context, shipping_views.pick_list(t, context.config, pick))
    else:
        raise BadCallback(cb.action)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Delivery buttons."""
    return [CallbackQueryHandler(delivery_button, pattern=r"^dlv:")]
