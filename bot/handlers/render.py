"""Putting a Screen on the user's chat: edit the pressed message in place, or send a new one."""

from __future__ import annotations

import logging
from pathlib import Path

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

from bot.handlers.context import BotContext
from bot.ui.screen import Screen

log = logging.getLogger(__name__)


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> bool:
    """Answer the pressed button (Telegram shows a spinner until it is answered).

    False when Telegram refused: answered already, or too old."""
    query = update.callback_query
    if query is None:
        return False
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:
        log.debug("callback answer refused: %s", error)
        return False
    return True


async def show(update: Update, context: BotContext, screen: Screen, *, new: bool = False) -> None:
    """Show a screen: in place of the pressed message where possible, else as a new message."""
    query = update.callback_query
    message = query.message if query else None
    if isinstance(message, Message) and not new:
        inline = screen.keyboard if isinstance(screen.keyboard, InlineKeyboardMarkup) else None
        editable = inline is not None or screen.keyboard is None
        if editable and screen.photo is None and not message.photo:
            try:
                await message.edit_text(screen.text, reply_markup=inline)
                return
            except BadRequest as error:
                if "not modified" in str(error):
                    return
                log.info("edit failed, sending anew: %s", error)
        elif editable:
            try:
                await message.delete()
            except TelegramError as error:
                log.debug("could not delete message: %s", error)
    await send(update, context, screen)


async def send(update: Update, context: BotContext, screen: Screen) -> None:
    """Send a screen as a new message in the current chat."""
    chat = update.effective_chat
    if chat is None:
        return
    if screen.photo:
        photo: str | Path = screen.photo
        if screen.photo.startswith("/"):
            photo = Path(screen.photo)
        try:
            sent = await context.bot.send_photo(
                chat.id, photo, caption=screen.text, reply_markup=screen.keyboard
            )
        except (BadRequest, OSError) as error:
            log.warning("photo %s could not be sent: %s", screen.photo, error)
        else:
            if isinstance(photo, Path) and sent.photo and screen.photo_product_id:
                await context.services.catalog.remember_photo(
                    screen.photo_product_id, sent.photo[-1].file_id
                )
            return
    await context.bot.send_message(chat.id, screen.text, reply_markup=screen.keyboard)


async def reply(update: Update, context: BotContext, text: str) -> None:
    """A short text answer: an alert on a pressed button (if it can still be answered),
    else a message."""
    if update.callback_query is not None and await answer(update, text, alert=True):
        return
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


async def say(update: Update, context: BotContext, text: str) -> None:
    """A short text as a new message in the current chat."""
    await send(update, context, Screen(text))
