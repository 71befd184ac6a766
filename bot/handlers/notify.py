"""Telling other people, each in their own chat and language; one unreachable stops nobody."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from telegram.error import Forbidden, TelegramError

from bot.domain.models import User
from bot.domain.roles import Role
from bot.handlers.context import BotContext
from bot.i18n import Texts
from bot.services.reminders import Blocked, Recipient
from bot.ui import reminder_views
from bot.ui.screen import Screen

log = logging.getLogger(__name__)


async def notify_role(
    context: BotContext,
    role: Role,
    people: Iterable[User],
    render: Callable[[Texts], Screen],
) -> None:
    """Tell a role: in its group chat (and topic) when one is configured, else each person."""
    group = getattr(context.config.notifications, role.value, None)
    if group is None:
        await notify(context, people, render)
        return
    # The group is told once, in the business's language.
    screen = render(context.i18n.texts(context.config.business.default_language))
    try:
        await context.bot.send_message(
            group.chat_id,
            screen.text,
            reply_markup=screen.keyboard,
            message_thread_id=group.topic_id,
        )
    except TelegramError as error:
        log.warning("could not notify the %s group: %s", role.value, error)


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
        except Forbidden:
            log.info("user %s has blocked the bot", person.id)
            blocked = await context.services.reminders.unreachable(person.id)
            if blocked is not None:
                await tell_blocked(context, blocked)
        except TelegramError as error:
            log.warning("could not notify user %s: %s", person.id, error)


async def send_to(context: BotContext, to: Recipient, screen: Screen) -> None:
    """Send a screen to a reminder's recipient: a private chat, or a group (and topic)."""
    await context.bot.send_message(
        to.chat_id,
        screen.text,
        reply_markup=screen.keyboard,
        message_thread_id=to.topic_id or None,
    )


async def tell_blocked(context: BotContext, blocked: Blocked) -> None:
    """Tell a customer's rep (or the managers) that the customer blocked the bot."""
    for to in blocked.tell:
        t = context.i18n.texts(to.language, to.time_zone)
        try:
            await send_to(context, to, reminder_views.blocked(t, blocked.customer))
        except TelegramError as error:
            log.warning("could not tell chat %s of a blocked customer: %s", to.chat_id, error)
