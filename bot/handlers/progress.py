"""Work that may take a while (a report for a year, a statement, a batch of 2,000 rows): when it
has not finished after PROGRESS_AFTER seconds, a progress message goes to the chat, and it is
edited once the work is done (or has failed). Quicker work shows nothing extra."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TypeVar

from telegram import Message, Update

from bot.handlers.context import BotContext
from bot.handlers.render import answer

log = logging.getLogger(__name__)
T = TypeVar("T")

PROGRESS_AFTER = 2.0  # seconds; the tests set 0 to make any work "slow"


async def with_progress(update: Update, context: BotContext, work: Awaitable[T]) -> T:
    """The result of `work`; a progress message meanwhile if it takes over PROGRESS_AFTER
    seconds, edited when done. The work's errors are raised as they are (the error handler
    answers them), after the message says the work stopped."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.wait({task}, timeout=PROGRESS_AFTER)
        if task.done():
            return task.result()
        await answer(update)  # the button's spinner stops; the message says the rest
        message = await _post(update, context)
        try:
            result = await asyncio.shield(task)
        except Exception:
            await _edit(message, context.t._("✖️ Stopped: see below."))
            raise
        await _edit(message, context.t._("✅ Done."))
        return result
    except asyncio.CancelledError:
        task.cancel()
        raise


async def _post(update: Update, context: BotContext) -> Message | None:
    """The progress message (None if it could not be sent: the work goes on all the same)."""
    chat = update.effective_chat
    if chat is None:
        return None
    text = context.t._("⏳ Working on it: this takes a little while…")
    try:
        return await context.bot.send_message(chat.id, text)
    except Exception as error:
        log.warning("could not post a progress message: %s", error)
        return None


async def _edit(message: Message | None, text: str) -> None:
    """The progress message says how the work ended; never raises."""
    if message is None:
        return
    try:
        await message.edit_text(text)
    except Exception as error:
        log.warning("could not edit a progress message: %s", error)
