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
    order = await context.services.fulfilment.confirm_receipt(
        context.person, data_of(update).number(0)
    )
    await answer(update, t._("Thank you for confirming!"))
    detail = await context.services.orders.detail(context.person, order_id=order.id)
    screen = order_views.order_detail(t, context.config, detail)
    if await context.services.feedback.request(order) is not None:
        screen = feedback_views.with_rating(t, screen, order)  # asked once, right here
    await send_below(update, context, screen)  # the notice keeps its tracking number


async def delivered(update: Update, context: BotContext) -> None:
    """dlv:w:<shipment>: the warehouse marks it delivered."""
    fulfilment, t = context.services.fulfilment, context.t
    order = await fulfilment.mark_delivered(context.person, data_of(update).number(0))
    await answer(update, t._("Marked as delivered."))  # finance and the customer are told
    pick = await fulfilment.pick_list(context.person, order.id)
    await show(update, context, shipping_views.pick_list(t, context.config, pick))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Delivery buttons."""
    return [*routes({actions.Delivery.RECEIVED: received, actions.Delivery.DELIVERED: delivered})]
