"""A photo, a forwarded file or a voice note with an order in it: refused before the download
if too large, downloaded through the bot's file API, read by the intake service into the quick
order's review (bot/conversations/quick_order.py shows it)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.ext import filters

from bot.domain.intake import IntakeRefused, Medium
from bot.handlers.context import BotContext
from bot.handlers.render import show
from bot.services.quick_order import QuickView
from bot.ui import intake_views

MEDIA = filters.UpdateType.MESSAGE & (
    filters.PHOTO | filters.Document.ALL | filters.VOICE | filters.AUDIO
)


async def _download(context: BotContext, file_id: str) -> bytes:
    telegram_file = await context.bot.get_file(file_id)
    return bytes(await telegram_file.download_as_bytearray())


def _largest(message: Message) -> tuple[str, int | None]:
    largest = message.photo[-1]
    return largest.file_id, largest.file_size


async def read(update: Update, context: BotContext) -> QuickView | None:
    """The order in the photo, file or voice note, understood; None when it could not be read
    (the person was told why, with the button to type the order)."""
    message = update.effective_message
    if message is None:
        return None
    intake = context.services.intake
    try:
        document = message.document
        image = document if document and (document.mime_type or "").startswith("image/") else None
        if message.photo or image:
            # A photo, or a picture sent as a file (uncompressed: the best to read).
            file_id, size = (image.file_id, image.file_size) if image else _largest(message)
            await intake.admit(context.person, Medium.PHOTO, size)
            await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
            return await intake.photo(context.person, await _download(context, file_id))
        audio = message.voice or message.audio
        if audio is not None:
            await intake.admit(context.person, Medium.VOICE, audio.file_size)
            await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
            return await intake.voice(context.person, await _download(context, audio.file_id))
        if document is None:
            return None
        name, mime = document.file_name, document.mime_type
        await intake.admit(context.person, Medium.FILE, document.file_size, name, mime)
        content = await _download(context, document.file_id)
        return await intake.file(context.person, name, mime, content)
    except IntakeRefused as error:
        await show(update, context, intake_views.refused(context.t, error), new=True)
        return None
