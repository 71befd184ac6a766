"""The customer declining a custom quote (cu:no), or withdrawing it (cu:wd); accepting it
(cu:ok) is a conversation: bot/conversations/custom_accept.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, send_below
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, custom_views


async def decline(update: Update, context: BotContext) -> None:
    """cu:no:<id>: decline the quote; the rep is told."""
    request_id = data_of(update).number(0)
    request = await context.services.custom.decline(context.person, request_id)
    await answer(update)
    await send_below(update, context, custom_views.declined(context.t, request))


async def withdraw(update: Update, context: BotContext) -> None:
    """cu:wd:<id>: withdraw a request not yet accepted or declined; the rep is told."""
    request_id = data_of(update).number(0)
    request = await context.services.custom.withdraw(context.person, request_id)
    await answer(update)
    await send_below(update, context, custom_views.withdrawn(context.t, request))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Quote buttons."""
    return [
        on_press(decline, actions.Custom.DECLINE),
        on_press(withdraw, actions.Custom.WITHDRAW),
    ]
