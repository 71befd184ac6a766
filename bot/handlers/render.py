"""Putting a Screen on the user's chat: edit the pressed message in place, or send a new one."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut

from bot.handlers.context import BotContext
from bot.runtime.transport import answer_unread
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
    except Exception as error:
        log.warning("could not answer a button press: %s", error)
        return False
    return True


async def show(update: Update, context: BotContext, screen: Screen, *, new: bool = False) -> None:
    """Show a screen: in place of the pressed message where possible, else as a new message
    (the pressed message goes only once the new one is there: nothing shown is lost)."""
    query = update.callback_query
    message = query.message if query else None
    inline = screen.keyboard if isinstance(screen.keyboard, InlineKeyboardMarkup) else None
    editable = inline is not None or screen.keyboard is None
    if not isinstance(message, Message) or new or not editable:
        await send(update, context, screen)
        return
    if screen.photo:
        same = bool(message.photo) and screen.photo == message.photo[-1].file_id
        if same and await _recaption(message, screen):
            return
        if await _photo(update, context, screen):
            await _delete(message)
            return
        screen = replace(screen, photo=None, photo_product_id=None)  # as text instead
    if not message.photo:
        try:
            with answer_unread():
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
        except Exception:
            log.exception("edit failed, sending anew")
        await send(update, context, screen)
        return
    await send(update, context, screen)  # a text screen where a photo card was
    await _delete(message)


async def send_below(
    update: Update, context: BotContext, screen: Screen, *, record: Screen | None = None
) -> None:
    """Keep the pressed message as a record and send the screen as a new message below it.

    The record loses its buttons, or shows `record` instead (refreshed in place). A record
    that cannot be edited (too old, deleted) stays as it was; the screen is sent all the same."""
    query = update.callback_query
    message = query.message if query else None
    if isinstance(message, Message):
        await keep(context, message.chat.id, message.message_id, record)
    await send(update, context, screen)


async def keep(
    context: BotContext, chat_id: int, message_id: int, record: Screen | None = None
) -> None:
    """Leave a message in the chat as a record: without buttons, or refreshed to `record`
    (a text message; its photo, if any, stays). Never raises: the step it follows went through."""
    bot = context.bot
    try:
        with answer_unread():
            await _keep(bot, chat_id, message_id, record)
    except BadRequest as error:
        if "not modified" not in str(error):
            log.info("could not keep message %s as a record: %s", message_id, error)
    except Exception as error:
        log.warning("could not keep message %s as a record: %s", message_id, error)


async def _keep(bot: Bot, chat_id: int, message_id: int, record: Screen | None) -> None:
    if record is None:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        return
    inline = record.keyboard if isinstance(record.keyboard, InlineKeyboardMarkup) else None
    try:
        await bot.edit_message_text(
            record.text, chat_id=chat_id, message_id=message_id, reply_markup=inline
        )
    except BadRequest as error:
        if "not modified" in str(error):
            return
        if "no text" not in str(error):
            raise
        await bot.edit_message_caption(
            chat_id, message_id, caption=record.text, reply_markup=inline
        )


async def _recaption(message: Message, screen: Screen) -> bool:
    """The same photo with a new caption and buttons (a product card after adding to the
    cart): one edit instead of deleting the card and sending it again. False if that failed."""
    inline = screen.keyboard if isinstance(screen.keyboard, InlineKeyboardMarkup) else None
    try:
        with answer_unread():
            await message.edit_caption(screen.text, reply_markup=inline)
    except BadRequest as error:
        if "not modified" in str(error):
            return True
        log.info("caption edit failed, sending anew: %s", error)
        return False
    except Exception as error:
        log.warning("caption edit failed, sending anew: %s", error)
        return False
    return True


async def _delete(message: Message) -> None:
    try:
        await message.delete()
    except Exception as error:
        log.debug("could not delete message: %s", error)


async def send(update: Update, context: BotContext, screen: Screen) -> None:
    """Send a screen as a new message in the current chat. A timeout is taken for sent (it
    mostly is), and a chat that refuses messages (blocked) for one that read it: either way
    the step goes on — its changes saved, others told — rather than stop half-way. So does
    a failure that is not Telegram's (a bug in what was sent): the person is told their step
    went through without its answer, and the conversation moves on with the database."""
    try:
        await _send(update, context, screen)
    except TimedOut as error:
        log.warning("no answer to a message sent (it may have arrived): %s", error)
    except Forbidden as error:
        log.info("could not show a screen: %s", error)
    except TelegramError:
        raise  # Telegram unreachable: the error handler says so (bot/handlers/common.py)
    except Exception:
        log.exception("could not show a screen")
        await _not_shown(update, context)


async def _not_shown(update: Update, context: BotContext) -> None:
    """Tell the person their step's answer could not be shown; never raises."""
    chat = update.effective_chat
    t = getattr(context, "t", None)
    if chat is None or t is None:
        return
    text = t._(
        "⚠️ Sorry, I could not show the answer to your last step. It was not lost: "
        "/help shows what I can do."
    )
    try:
        await context.bot.send_message(chat.id, text)
    except Exception as error:
        log.warning("could not tell the user a screen was not shown: %s", error)


async def _send(update: Update, context: BotContext, screen: Screen) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    if screen.photo and await _photo(update, context, screen):
        return
    with answer_unread():
        await context.bot.send_message(chat.id, screen.text, reply_markup=screen.keyboard)


async def _photo(update: Update, context: BotContext, screen: Screen) -> bool:
    """Send the screen as a photo with its caption; False if that failed, and the screen is
    to be shown as text. A timeout counts as failed too, though the photo may have arrived:
    the person may then see the card twice (photo and text), never not at all. A blocked
    chat counts as shown (nothing can be; the step goes on)."""
    chat = update.effective_chat
    if chat is None or not screen.photo:
        return False
    photo: str | Path = Path(screen.photo) if screen.photo.startswith("/") else screen.photo
    try:
        sent = await context.bot.send_photo(
            chat.id, photo, caption=screen.text, reply_markup=screen.keyboard
        )
    except Forbidden as error:
        log.info("could not show a screen: %s", error)
        return True
    except Exception as error:  # 5xx, timeout, BadRequest, a file unreadable…
        log.warning("photo %s could not be sent, shown as text: %s", screen.photo, error)
        return False
    if isinstance(photo, Path) and sent.photo and screen.photo_product_id:
        try:  # Telegram's file id, so that it is not uploaded again: nice to have
            await context.services.catalog.remember_photo(
                screen.photo_product_id, sent.photo[-1].file_id
            )
        except Exception:
            log.exception("could not remember the file id of photo %s", screen.photo)
    return True


async def reply(update: Update, context: BotContext, text: str) -> None:
    """A short text answer: an alert on a pressed button (if it can still be answered),
    else a message."""
    if update.callback_query is not None and await answer(update, text, alert=True):
        return
    await send(update, context, Screen(text))


async def say(update: Update, context: BotContext, text: str) -> None:
    """A short text as a new message in the current chat."""
    await send(update, context, Screen(text))
