"""The phone step registration and /profile share: Telegram's contact button (the person's own
number only) or a typed number, one set of rules; whatever is refused is explained and the
share button offered again (Telegram hides it once it has been used)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.ext import MessageHandler, filters

from bot.conversations.common import NOT_COMMAND, TEXT, Step, message_text
from bot.domain.errors import InvalidInput
from bot.domain.parsing import contact_phone, parse_phone
from bot.handlers.context import BotContext
from bot.handlers.render import send
from bot.i18n import Texts
from bot.ui.errors import describe
from bot.ui.screen import Screen

# Given the phone in E.164 form; the next state. It may refuse the number (InvalidInput, e.g.
# another customer has it): the step then stays.
OnPhone = Callable[[Update, BotContext, str], Awaitable[int]]


def share_phone(t: Texts) -> ReplyKeyboardMarkup:
    """The keyboard whose button shares the person's own phone number."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t._("📱 Share my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def ask_phone(update: Update, context: BotContext, text: str) -> None:
    """Ask for the phone (or say why one was refused), the share button below."""
    await send(update, context, Screen(text, share_phone(context.t)))


def phone_step(on_phone: OnPhone) -> Step:
    """The handlers of a step waiting for the person's phone number."""

    async def got_contact(update: Update, context: BotContext) -> int | None:
        """Phone shared with the contact button: it must be the person's own."""
        contact = update.effective_message.contact if update.effective_message else None
        if contact is None or contact.user_id != context.person.telegram_id:
            text = context.t._("Please share your own number with the button, or type it.")
            await ask_phone(update, context, text)
            return None
        number = contact.phone_number
        return await _take(update, context, lambda: contact_phone(number), on_phone)

    async def got_text(update: Update, context: BotContext) -> int | None:
        """Phone typed: valid for the business's region."""
        region, text = context.config.business.phone_region, message_text(update)
        return await _take(update, context, lambda: parse_phone(text, region), on_phone)

    async def got_other(update: Update, context: BotContext) -> None:
        """A sticker, photo or location: say so, the share button again."""
        await ask_phone(update, context, context.t._("Please answer with text, or send /cancel."))

    return [
        MessageHandler(filters.CONTACT, got_contact),
        MessageHandler(TEXT, got_text),
        MessageHandler(NOT_COMMAND, got_other),
    ]


async def _take(
    update: Update, context: BotContext, parsed: Callable[[], str], on_phone: OnPhone
) -> int | None:
    """The number parsed and taken, or the reason it was not (the step stays)."""
    try:
        return await on_phone(update, context, parsed())
    except InvalidInput as error:
        await ask_phone(update, context, describe(error, context.t))
        return None
