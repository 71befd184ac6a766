"""Help, language, stray input and the error handler that turns domain errors into replies."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain.errors import DomainError
from bot.domain.models import Language
from bot.domain.parsing import parse_time_zone
from bot.domain.roles import Role
from bot.handlers.context import BotContext, identify
from bot.handlers.menus import commands, set_chat_menu
from bot.handlers.render import answer, reply, show
from bot.handlers.routes import data_of, on_press
from bot.i18n import LANGUAGE_NAMES, Texts
from bot.ui import actions
from bot.ui.callbacks import BadCallback, pack
from bot.ui.errors import describe
from bot.ui.screen import Screen, button, keyboard

log = logging.getLogger(__name__)


def help_screen(
    t: Texts, roles: frozenset[Role] = frozenset(), *, managers_edit: bool = False
) -> Screen:
    """What this person can do."""
    lines = [t._("<b>OrderDesk</b> — here is what I can do:")]
    found = commands(roles, managers_edit=managers_edit)
    lines += [f"/{name} — {t._(description)}" for name, description in found]
    rows = [
        [
            button(t._("📖 Catalog"), pack(actions.Catalog.HOME)),
            button(t._("🛒 Cart"), pack(actions.Cart.SHOW)),
        ],
        [button(t._("🛠 Custom order"), pack(actions.Custom.START))],
    ]
    return Screen("\n".join(lines), keyboard(rows))


async def help_command(update: Update, context: BotContext) -> None:
    """/help: list the commands."""
    roles = await context.services.staff.roles(context.person)
    edit = context.config.catalog.managers_edit
    await show(update, context, help_screen(context.t, roles, managers_edit=edit))


async def language_command(update: Update, context: BotContext) -> None:
    """/language: offer the languages."""
    rows = [
        [button(name, pack(actions.Language.SET, code.value))]
        for code, name in LANGUAGE_NAMES.items()
    ]
    await show(update, context, Screen(context.t._("Choose your language:"), keyboard(rows)))


async def timezone_command(update: Update, context: BotContext) -> None:
    """/timezone [ZONE]: the zone times are shown in (and quiet hours kept in); change it."""
    users, person = context.services.users, context.person
    if context.args:
        text = " ".join(context.args)
        if text.strip().lower() == "reset":
            person = await users.set_time_zone(person, None)
        else:
            person = await users.set_time_zone(person, parse_time_zone(text))
        context.person = person
        context.t = context.i18n.texts(person.language, person.time_zone)
    t = context.t
    zone = person.time_zone or context.config.business.timezone
    now = t.datetime(context.services.users.clock.now())
    text = t._("Your time zone: %(zone)s (now %(now)s).") % {"zone": zone, "now": now}
    text += "\n" + t._(
        "Reminders never reach you at night in this zone. To change it, send e.g. "
        "/timezone Europe/Berlin or /timezone Shanghai; /timezone reset goes back to ours."
    )
    await show(update, context, Screen(text))


async def language_chosen(update: Update, context: BotContext) -> None:
    """lang:set:<code>: switch the person's language and command menu."""
    code = data_of(update).text(0)
    if code not in Language._value2member_map_:
        raise BadCallback(code)
    context.person = await context.services.users.set_language(context.person, Language(code))
    t = context.i18n.texts(context.person.language, context.person.time_zone)
    context.t = t
    await answer(update)
    roles = await context.services.staff.roles(context.person)
    edit = context.config.catalog.managers_edit
    if update.effective_chat:
        await set_chat_menu(context.bot, update.effective_chat.id, t, roles, managers_edit=edit)
    menu = help_screen(t, roles, managers_edit=edit)
    await show(
        update, context, Screen(t._("Language set: English.") + "\n\n" + menu.text, menu.keyboard)
    )


async def cancel_outside(update: Update, context: BotContext) -> None:
    """/cancel when nothing is in progress."""
    await reply(update, context, context.t._("Nothing to cancel. /help shows what I can do."))


async def stray_message(update: Update, context: BotContext) -> None:
    """Text, stickers and the like that no flow is waiting for."""
    await reply(
        update, context, context.t._("I did not understand that. /help shows what I can do.")
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """A button no handler knows: old or forged."""
    await answer(update, context.t._("This button has expired. Please start again."), alert=True)


async def on_error(update: object, context: BotContext) -> None:
    """Every exception: domain errors become clear replies, anything else is logged and
    apologised for in the person's language. Nothing escapes (PTB would log it as an uncaught
    error), and no further handler runs for the update (ApplicationHandlerStop)."""
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        return
    if isinstance(error, Forbidden):
        log.info("user blocked the bot: %s", error)
        raise ApplicationHandlerStop
    if update.business_message or update.edited_business_message:
        log.error("error in a business chat (not told there)", exc_info=error)
        raise ApplicationHandlerStop  # the seller's chat is not the bot's to apologise in
    try:
        await _explain(update, context, error)
    except TelegramError as reply_error:
        log.warning("could not tell the user about an error: %s", reply_error)
    except Exception:
        log.exception("could not tell the user about an error")
    raise ApplicationHandlerStop  # e.g. identify failed: the handlers would fail again


async def _explain(update: Update, context: BotContext, error: Exception | None) -> None:
    """Tell the person what went wrong, in their language."""
    t = await _texts(update, context)
    if isinstance(error, DomainError):
        await _tell(update, context, describe(error, t))
    elif _unreachable(error):
        # Telegram failed even when asked again (bot/runtime/transport.py): whatever the step
        # saved stays saved, but the person may not have seen its answer.
        log.warning("Telegram failed while handling an update: %s", error)
        await _tell(
            update,
            context,
            t._(
                "⚠️ Telegram did not answer just now. Your last step may already be "
                "saved: please check before you repeat it."
            ),
        )
    elif isinstance(error, BadCallback):
        log.warning(
            "bad callback data from %s: %s",
            update.effective_user and update.effective_user.id,
            error,
        )
        await answer(update, t._("This button has expired. Please start again."), alert=True)
    else:
        log.error("unexpected error while handling an update", exc_info=error)
        await _tell(update, context, t._("Sorry, something went wrong. Please try again."))


async def _texts(update: Update, context: BotContext) -> Texts:
    """The person's texts; if they cannot be looked up (the database failing), those of the
    language their Telegram speaks."""
    if hasattr(context, "t"):
        return context.t
    try:
        await identify(update, context)
        return context.t
    except Exception:
        log.exception("could not identify the user to tell them about an error")
    user = update.effective_user
    code = user.language_code if user is not None else None
    default = context.config.business.default_language
    return context.i18n.texts(Language.from_telegram(code, default))


async def _tell(update: Update, context: BotContext, text: str) -> None:
    """A short text: an alert on a pressed button (if it can still be answered), else a
    message."""
    if update.callback_query is not None and await answer(update, text, alert=True):
        return
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


def _unreachable(error: object) -> bool:
    """Telegram itself failed (5xx, network, timeout, flood control), not our request."""
    if isinstance(error, RetryAfter):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Help and language."""
    return [
        CommandHandler("help", help_command),
        CommandHandler("language", language_command),
        CommandHandler("timezone", timezone_command),
        on_press(language_chosen, actions.Language.SET),
    ]


def fallbacks() -> list[BaseHandler[Update, BotContext, None]]:
    """Last in line: /cancel with nothing to cancel, stray input, unknown buttons."""
    return [
        CommandHandler("cancel", cancel_outside),
        CallbackQueryHandler(stale_button),
        MessageHandler(filters.ChatType.PRIVATE, stray_message),  # never chatter in groups
    ]
