"""Putting a Screen on the user's chat: edit the pressed message in place, or send a new one."""

from __future__ import annotations

import logging
from pathlib import Path

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut

from bot.handlers.context import BotContext
from bot.ui.screen import Screen

log = logging.getLogger(__name__)


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> bool:
    """Answer the pressed button (Telegram shows a spinner until it is answered).

    False when that failed: answered already, too old, or Telegram unreachable. Never raises:
    the spinner stops by itself, and what the press did must not be undone by it."""
    query = update.callback_query
    if query is None:
        return False
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:
        log.debug("callback answer refused: %s", error)
        return False
    except TelegramError as error:
        log.warning("could not answer a button press: %s", error)
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
            except NetworkError as error:  # Telegram failed even when asked again
                log.warning("edit failed, sending anew: %s", error)
            except Forbidden as error:  # blocked: nothing can be shown, the step goes on
                log.info("could not show a screen: %s", error)
                return
        elif editable and screen.photo and message.photo:
            if screen.photo == message.photo[-1].file_id and await _recaption(message, screen):
                return
            await _delete(message)
        elif editable:
            await _delete(message)
    await send(update, context, screen)


async def _recaption(message: Message, screen: Screen) -> bool:
    """The same photo with a new caption and buttons (a product card after adding to the
    cart): one edit instead of deleting the card and sending it again. False if that failed."""
    inline = screen.keyboard if isinstance(screen.keyboard, InlineKeyboardMarkup) else None
    try:
        await message.edit_caption(screen.text, reply_markup=inline)
    except BadRequest as error:
        if "not modified" in str(error):
            return True
        log.info("caption edit failed, sending anew: %s", error)
        return False
    except TelegramError as error:
        log.warning("caption edit failed, sending anew: %s", error)
        return False
    return True


async def _delete(message: Message) -> None:
    try:
        await message.delete()
    except TelegramError as error:
        log.debug("could not delete message: %s", error)


async def send(update: Update, context: BotContext, screen: Screen) -> None:
    """Send a screen as a new message in the current chat. A timeout is taken for sent (it
    mostly is), and a chat that refuses messages (blocked) for one that read it: either way
    the step goes on — its changes saved, others told — rather than stop half-way."""
    try:
        await _send(update, context, screen)
    except TimedOut as error:
        log.warning("no answer to a message sent (it may have arrived): %s", error)
    except Forbidden as error:
        log.info("could not show a screen: %s", error)


async def _send(update: Update, context: BotContext, screen: Screen) -> None:
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
