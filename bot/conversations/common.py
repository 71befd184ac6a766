"""Pieces every conversation uses: step shapes, drafts, leaving without saving."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.domain.errors import DraftIncomplete
from bot.handlers.context import BotContext
from bot.handlers.render import answer, reply, say
from bot.handlers.routes import on_press
from bot.ui.callbacks import Action

# Anything a person sends that is not a command: text, stickers, photos, contacts, locations.
NOT_COMMAND = filters.UpdateType.MESSAGE & ~filters.COMMAND
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]
Step = list[BaseHandler[Update, BotContext, Any]]


async def text_please(update: Update, context: BotContext) -> None:
    """A sticker or photo where text was asked: say so; the state stays."""
    await reply(update, context, context.t._("Please answer with text, or send /cancel."))


async def buttons_please(update: Update, context: BotContext) -> None:
    """Typing where a button was asked: say so; the state stays."""
    await reply(update, context, context.t._("Please use the buttons above, or send /cancel."))


def typed(on_text: Callback, *buttons: tuple[Action, Callback]) -> Step:
    """A step answered by typing (or by one of these buttons); anything else: "text, please"."""
    return [
        *(on_press(callback, action) for action, callback in buttons),
        MessageHandler(TEXT, on_text),
        MessageHandler(NOT_COMMAND, text_please),
    ]


def pressed(*buttons: tuple[Action, Callback]) -> Step:
    """A step answered by buttons only; typing gets "use the buttons"."""
    return [
        *(on_press(callback, action) for action, callback in buttons),
        MessageHandler(NOT_COMMAND, buttons_please),
    ]


def message_text(update: Update) -> str:
    """The text of the message being handled."""
    return update.effective_message.text or "" if update.effective_message else ""


def get_draft(context: BotContext, key: str) -> Any:
    """What the person has filled in so far, or DraftIncomplete (e.g. a stale button)."""
    draft = (context.user_data or {}).get(key)
    if not draft:
        raise DraftIncomplete()
    return draft


def drop_draft(context: BotContext, key: str) -> None:
    """Forget a draft once it is saved or abandoned."""
    if context.user_data is not None:
        context.user_data.pop(key, None)


def leave_without_saving(key: str) -> Callback:
    """/cancel (or a Cancel button): forget the draft, say nothing was recorded, end."""

    async def leave(update: Update, context: BotContext) -> int:
        """Nothing is recorded."""
        drop_draft(context, key)
        await answer(update)
        await say(update, context, context.t._("Nothing recorded."))
        return ConversationHandler.END

    return leave


def conversation(name: str, **kwargs: Any) -> ConversationHandler[BotContext]:
    """A persistent ConversationHandler that may be re-entered from its entry points."""
    with warnings.catch_warnings():
        # Our flows mix typed and pressed steps on purpose, keyed by chat and user, not message.
        warnings.filterwarnings(
            "ignore", message=r"If 'per_message=False'", category=PTBUserWarning
        )
        return ConversationHandler(name=name, persistent=True, allow_reentry=True, **kwargs)
