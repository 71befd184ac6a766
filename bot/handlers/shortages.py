"""The customer's choice when a line is short: sht:c:<shortage>:<choice>."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.services.shortages import ShortageChoice
from bot.ui import shortage_views
from bot.ui.callbacks import BadCallback, parse


async def choice_button(update: Update, context: BotContext) -> None:
    """sht:c:<shortage>:<choice>."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    if cb.action != "c" or cb.text(1) not in ShortageChoice._value2member_map_:
        raise BadCallback(cb.action)
    outcome = await context.services.shortages.choose(
        context.person, cb.number(0), ShortageChoice(cb.text(1))
    )
    await answer(update)
    await show(update, context, shortage_views.chosen(context.t, outcome))  # staff are told


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Shortage choice buttons."""
    return [CallbackQueryHandler(choice_button, pattern=r"^sht:c:")]
