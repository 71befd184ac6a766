"""The customer's choice when a line is short: sht:c:<shortage>:<choice>."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.services.shortages import ShortageChoice
from bot.ui import actions, feedback_views, shortage_views
from bot.ui.callbacks import BadCallback


async def choice_button(update: Update, context: BotContext) -> None:
    """sht:c:<shortage>:<choice>."""
    cb = data_of(update)
    if cb.text(1) not in ShortageChoice._value2member_map_:
        raise BadCallback(cb.text(1))
    outcome = await context.services.shortages.choose(
        context.person, cb.number(0), ShortageChoice(cb.text(1))
    )
    await answer(update)
    screen = shortage_views.chosen(context.t, outcome)  # staff are told
    if outcome.ask_rating:  # nothing more to come: the order is delivered
        screen = feedback_views.with_rating(context.t, screen, outcome.order)
    await show(update, context, screen)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Shortage choice buttons."""
    return [on_press(choice_button, actions.Shortage.CHOICE)]
