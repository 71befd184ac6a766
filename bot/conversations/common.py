"""Pieces every conversation uses."""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler, filters
from telegram.warnings import PTBUserWarning

from bot.handlers.context import BotContext
from bot.handlers.render import reply

# Anything a person sends that is not a command: text, stickers, photos, contacts, locations.
NOT_COMMAND = filters.UpdateType.MESSAGE & ~filters.COMMAND
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


async def text_please(update: Update, context: BotContext) -> None:
    """A sticker or photo where text was asked: say so; the state stays."""
    await reply(update, context, context.t._("Please answer with text, or send /cancel."))


async def buttons_please(update: Update, context: BotContext) -> None:
    """Typing where a button was asked: say so; the state stays."""
    await reply(update, context, context.t._("Please use the buttons above, or send /cancel."))


def message_text(update: Update) -> str:
    """The text of the message being handled."""
    return update.effective_message.text or "" if update.effective_message else ""


def conversation(name: str, **kwargs: Any) -> ConversationHandler[BotContext]:
    """A persistent ConversationHandler that may be re-entered from its entry points."""
    with warnings.catch_warnings():
        # Our flows mix typed and pressed steps on purpose, keyed by chat and user, not message.
        warnings.filterwarnings(
            "ignore", message=r"If 'per_message=False'", category=PTBUserWarning
        )
        return ConversationHandler(name=name, persistent=True, allow_reentry=True, **kwargs)
