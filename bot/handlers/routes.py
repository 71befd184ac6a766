"""Buttons to handlers: one handler per action (codes: bot/ui/actions.py), the pressed data."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.ui.callbacks import Action, Callback, parse, pattern
from bot.ui.screen import Screen

Press = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]
Buttons = CallbackQueryHandler[BotContext, Any]


def on_press(callback: Press, *actions: Action) -> Buttons:
    """`callback` answers a press of any of these buttons (one area)."""
    return CallbackQueryHandler(callback, pattern=pattern(*actions))


def routes(table: Mapping[Action, Press]) -> list[Buttons]:
    """One handler per action, in the table's order."""
    return [on_press(callback, action) for action, callback in table.items()]


def data_of(update: Update) -> Callback:
    """The parsed data of the pressed button (BadCallback if it is not ours)."""
    return parse(update.callback_query.data if update.callback_query else None)


async def redraw(update: Update, context: BotContext, screen: Screen) -> None:
    """Answer the press, then show the screen in place of the pressed message."""
    await answer(update)
    await show(update, context, screen)
