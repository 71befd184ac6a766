"""Deciding customers' requests: req:ok / req:no buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.ui import request_views
from bot.ui.callbacks import BadCallback, parse


async def request_button(update: Update, context: BotContext) -> None:
    """req:ok|yes|no|v:<request id>; cancelling an order asks once more (it cannot be undone)."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    if cb.action not in ("ok", "yes", "no", "v"):
        raise BadCallback(cb.action)
    request_id = cb.number(0)
    requests = context.services.requests
    # A decision button is checked as pressed: decided meanwhile is refused at once.
    if cb.action == "v":
        card = await requests.card(context.person, request_id)
    else:
        approve = cb.action in ("ok", "yes")
        card = await requests.open_card(context.person, request_id, approve=approve)
    if cb.action == "v" or (cb.action == "ok" and card.kind == "cancel"):
        await answer(update)
        screen = request_views.card(context.t, card)
        if cb.action == "ok" and card.state == "open":
            screen = request_views.confirm_cancel(context.t, card)
        await show(update, context, screen)
        return
    await context.services.requests.decide(  # the customer (and new deciders) are told
        context.person, request_id, approve=cb.action in ("ok", "yes")
    )
    await answer(update)
    value = await context.services.requests.card(context.person, request_id)
    await show(update, context, request_views.card(context.t, value))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Request buttons."""
    return [CallbackQueryHandler(request_button, pattern=r"^req:")]
