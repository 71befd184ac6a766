"""Deciding customers' requests: req:ok / req:no buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, routes
from bot.ui import actions, request_views


async def view(update: Update, context: BotContext) -> None:
    """req:v:<request>: the request's card."""
    card = await context.services.requests.card(context.person, data_of(update).number(0))
    await answer(update)
    await show(update, context, request_views.card(context.t, card))


async def approve(update: Update, context: BotContext) -> None:
    """req:ok:<request>; cancelling an order asks once more (it cannot be undone)."""
    request_id = data_of(update).number(0)
    card = await context.services.requests.open_card(context.person, request_id, approve=True)
    if card.kind == "cancel":
        await answer(update)
        screen = request_views.card(context.t, card)
        if card.state == "open":
            screen = request_views.confirm_cancel(context.t, card)
        await show(update, context, screen)
        return
    await _decide(update, context, request_id, approve=True)


async def confirm(update: Update, context: BotContext) -> None:
    """req:yes:<request>: cancelling confirmed."""
    request_id = data_of(update).number(0)
    await context.services.requests.open_card(context.person, request_id, approve=True)
    await _decide(update, context, request_id, approve=True)


async def decline(update: Update, context: BotContext) -> None:
    """req:no:<request>."""
    request_id = data_of(update).number(0)
    await context.services.requests.open_card(context.person, request_id, approve=False)
    await _decide(update, context, request_id, approve=False)


async def _decide(update: Update, context: BotContext, request_id: int, *, approve: bool) -> None:
    """A decision button is checked as pressed (open_card): decided meanwhile is refused at
    once; the customer (and new deciders) are told."""
    requests = context.services.requests
    await requests.decide(context.person, request_id, approve=approve)
    await answer(update)
    await show(
        update,
        context,
        request_views.card(context.t, await requests.card(context.person, request_id)),
    )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Request buttons."""
    return [
        *routes(
            {
                actions.Request.APPROVE: approve,
                actions.Request.CONFIRM: confirm,
                actions.Request.DECLINE: decline,
                actions.Request.VIEW: view,
            }
        )
    ]
