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
        receipt = await fulfilment.receive(context.person, cb.number(0))
        await answer(update, t._("Thank you for confirming!"))
        screen = order_views.order_detail(t, context.config, receipt.detail)
        if receipt.ask_rating:  # asked once, right here
            screen = feedback_views.with_rating(t, screen, receipt.detail.order)
        await send_below(update, context, screen)  # the notice keeps its tracking number
    elif cb.action == "w":
        pick = await fulfilment.deliver(context.person, cb.number(0))
        await answer(update, t._("Marked as delivered."))  # finance and the customer are told
        await show(update, context, shipping_views.pick_list(t, context.config, pick))
    else:
        raise BadCallback(cb.action)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Delivery buttons."""
    return [CallbackQueryHandler(delivery_button, pattern=r"^dlv:")]
