"""Delivery: the customer's "I received it" and the warehouse's "Delivered" buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, send_below, show
from bot.handlers.routes import data_of, routes
from bot.ui import actions, feedback_views, order_views, shipping_views


async def received(update: Update, context: BotContext) -> None:
    """dlv:r:<shipment>: the customer confirms receipt."""
    t = context.t
    receipt = await context.services.fulfilment.receive(context.person, data_of(update).number(0))
    await answer(update, t._("Thank you for confirming!"))
    screen = order_views.order_detail(t, context.config, receipt.detail)
    if receipt.ask_rating:  # asked once, right here
        screen = feedback_views.with_rating(t, screen, receipt.detail.order)
    await send_below(update, context, screen)  # the notice keeps its tracking number


async def delivered(update: Update, context: BotContext) -> None:
    """dlv:w:<shipment>: the warehouse marks it delivered."""
    fulfilment, t = context.services.fulfilment, context.t
    pick = await fulfilment.deliver(context.person, data_of(update).number(0))
    await answer(update, t._("Marked as delivered."))  # finance and the customer are told
    await show(update, context, shipping_views.pick_list(t, context.config, pick))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Delivery buttons."""
    return [*routes({actions.Delivery.RECEIVED: received, actions.Delivery.DELIVERED: delivered})]
