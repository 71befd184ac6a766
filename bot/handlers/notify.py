"""Telling other people, each in their own chat and language; one unreachable stops nobody."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from telegram.error import TelegramError

from bot.domain.models import User
from bot.handlers.context import BotContext
from bot.i18n import Texts
from bot.ui.screen import Screen

log = logging.getLogger(__name__)


async def notify(
    context: BotContext,
    people: Iterable[User],
    render: Callable[[Texts], Screen] | Callable[[Texts], Awaitable[Screen]],
) -> None:
    """Send each person the screen rendered in their language."""
    for person in people:
        t = context.i18n.texts(person.language, person.time_zone)
        screen = render(t)
        if not isinstance(screen, Screen):
            screen = await screen
        try:
            await context.bot.send_message(
                person.telegram_id, screen.text, reply_markup=screen.keyboard
            )
        except TelegramError as error:
            log.warning("could not notify user %s: %s", person.id, error)
