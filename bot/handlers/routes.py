"""Buttons to handlers: one handler per action (codes: bot/ui/actions.py), the pressed data."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from datetime import date
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.domain.errors import InvalidInput
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.ui.callbacks import Action, BadCallback, Callback, parse, pattern
from bot.ui.screen import Screen

Press = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]
Buttons = CallbackQueryHandler[BotContext, Any]
P = TypeVar("P")


def on_press(callback: Press, *actions: Action) -> Buttons:
    """`callback` answers a press of any of these buttons (one area)."""
    return CallbackQueryHandler(callback, pattern=pattern(*actions))


def routes(table: Mapping[Action, Press]) -> list[Buttons]:
    """One handler per action, in the table's order."""
    return [on_press(callback, action) for action, callback in table.items()]


def data_of(update: Update) -> Callback:
    """The parsed data of the pressed button (BadCallback if it is not ours)."""
    return parse(update.callback_query.data if update.callback_query else None)


def period_of(cb: Callback, make: Callable[[date, date], P]) -> P:
    """The period a button carries as its 2nd and 3rd arguments (first and last day), made by
    `make` (Period, ExportPeriod.of); BadCallback if it is none."""
    start, end = cb.day(1), cb.day(2)
    if start is None or end is None:
        raise BadCallback("a period is needed")
    try:
        return make(start, end)
    except InvalidInput:
        raise BadCallback("not a period") from None


async def redraw(update: Update, context: BotContext, screen: Screen) -> None:
    """Answer the press, then show the screen in place of the pressed message."""
    await answer(update)
    await show(update, context, screen)
