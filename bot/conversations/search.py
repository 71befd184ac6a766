"""Finding products: /search WORDS at once, /search (or 🔎 Search) asks for the words first;
free text typed outside any flow is read as a quick order if it is one, else searched."""

from __future__ import annotations

import re
from enum import IntEnum

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.conversations import quick_order
from bot.conversations.common import TEXT, conversation, message_text, typed
from bot.handlers.catalog import show_search
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, show
from bot.handlers.routes import on_press
from bot.ui import actions, catalog_views


class State(IntEnum):
    """The one step: waiting for the words to look for."""

    WORDS = 1


async def start(update: Update, context: BotContext) -> int:
    """/search [words] or cat:find: search at once, or ask what to look for."""
    await answer(update)
    words = re.sub(r"^/\S*", "", message_text(update), count=1).strip() if update.message else ""
    if words:
        await show_search(update, context, words)
        return ConversationHandler.END
    await show(update, context, catalog_views.ask_search(context.t), new=True)
    return State.WORDS


async def got_words(update: Update, context: BotContext) -> int:
    """The words typed: the products found."""
    await show_search(update, context, message_text(update))
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel: no search."""
    await say(update, context, context.t._("OK, no search."))
    return ConversationHandler.END


async def free_text(update: Update, context: BotContext) -> None:
    """Text outside any flow: a quick order offered if it reads as one, else a search."""
    if not await quick_order.offer(update, context):
        await show_search(update, context, message_text(update))


def build() -> ConversationHandler[BotContext]:
    """The search conversation."""
    return conversation(
        "search",
        entry_points=[
            CommandHandler("search", start),
            on_press(start, actions.Catalog.FIND),
        ],
        states={State.WORDS: typed(got_words)},
        fallbacks=[CommandHandler("cancel", cancel)],
    )


def free_text_handler() -> BaseHandler[Update, BotContext, None]:
    """Last but the fallbacks: plain text in a private chat that no flow is waiting for."""
    return MessageHandler(TEXT & filters.ChatType.PRIVATE, free_text)
