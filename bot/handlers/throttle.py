"""Flood control before anything else (group -2): a person sending faster than their token
bucket allows has the excess dropped, before it costs a database read or a Bot API call;
everyone else is served as usual."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.clock import Clock
from bot.config import Config
from bot.domain.throttle import Throttle, Verdict
from bot.handlers.context import BotContext, identify

log = logging.getLogger(__name__)
GROUP = -2


class FloodGuard:
    """The group -2 callback: counts each person's messages and button presses."""

    def __init__(self, config: Config, clock: Clock) -> None:
        self.throttle = Throttle(config.telegram.flood_burst, config.telegram.flood_per_second)
        self.clock = clock
        self.dropped = 0

    async def __call__(self, update: object, context: BotContext) -> None:
        """Let the update through, or drop it (ApplicationHandlerStop) and maybe say why."""
        if not isinstance(update, Update) or update.effective_user is None:
            return
        business = update.business_message
        if update.message is None and update.callback_query is None and business is None:
            return  # blocking the bot and the like are Telegram's news, never a flood
        if update.message is not None and update.message.successful_payment is not None:
            return  # money Telegram has taken: always recorded
        user = update.effective_user.id
        verdict = self.throttle.check(user, self.clock.now().timestamp())
        if verdict is Verdict.PASS:
            return
        self.dropped += 1
        if verdict is Verdict.DROP_AND_NOTICE and business is None:  # a seller's chat: quiet
            log.warning("user %s sends too fast: their updates are dropped for a while", user)
            await _slow_down(update, context)
        raise ApplicationHandlerStop


async def _slow_down(update: Update, context: BotContext) -> None:
    """Tell the person once, in their language, that some of what they sent was skipped."""
    if update.effective_chat is None or update.effective_chat.type != "private":
        return
    try:
        await identify(update, context)
        text = context.t._(
            "⏳ Slow down, please: you are sending faster than I can answer, so I skipped some "
            "of it. Wait a few seconds, then carry on."
        )
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as error:
        user = update.effective_user.id if update.effective_user else None
        log.info("could not ask user %s to slow down: %s", user, error)


def handler(config: Config, clock: Clock) -> TypeHandler[Update, Any, Any]:
    """The flood guard as a handler of every update."""
    return TypeHandler(Update, FloodGuard(config, clock))
