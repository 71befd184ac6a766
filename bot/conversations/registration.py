"""Registration on /start: name, phone (contact button or typed), company, first address."""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel
from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    filters,
)

from bot.conversations import quick_order
from bot.conversations.common import (
    Drafts,
    conversation,
    message_text,
    typed,
)
from bot.conversations.phone import ask_phone, phone_step
from bot.domain.business import QUICK_PREFIX
from bot.domain.errors import DraftIncomplete, InputProblem, InvalidInput
from bot.domain.parsing import (
    parse_address,
    parse_company,
    parse_name,
)
from bot.handlers.common import help_screen
from bot.handlers.context import BotContext
from bot.handlers.menus import set_chat_menu
from bot.handlers.render import answer, send
from bot.handlers.staff import redeem_invite
from bot.services.staff import INVITE_PREFIX, REP_PREFIX
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, esc, keyboard


class RegistrationDraft(BaseModel):
    """What a new customer has told so far, and the rep link they came with."""

    rep_link: str | None = None
    name: str | None = None
    phone: str | None = None
    company: str | None = None


DRAFT = Drafts("registration", RegistrationDraft)


class State(IntEnum):
    """Steps of registration."""

    NAME = 1
    PHONE = 2
    COMPANY = 3
    ADDRESS = 4


def _draft(context: BotContext) -> RegistrationDraft:
    try:
        return DRAFT.load(context)
    except DraftIncomplete:
        return RegistrationDraft()


def _keep(context: BotContext, **changes: str | None) -> None:
    DRAFT.save(context, _draft(context).model_copy(update=changes))


async def _say(update: Update, context: BotContext, screen: Screen) -> None:
    await send(update, context, screen)


async def start(update: Update, context: BotContext) -> int:
    """/start [payload]: take an invite, greet a returning person, or begin registration."""
    t = context.t
    payload = context.args[0] if context.args else ""
    if payload.startswith(INVITE_PREFIX):
        await redeem_invite(update, context, payload)
        return ConversationHandler.END
    standing = await context.services.customers.standing(context.person)
    customer, roles = standing.customer, standing.roles
    quick = customer is not None and payload.startswith(QUICK_PREFIX)
    if quick and await quick_order.from_link(update, context, payload):  # a business chat's
        return ConversationHandler.END
    edit = context.config.catalog.managers_edit
    if roles and update.effective_chat is not None:  # staff seeded outside the bot too
        await set_chat_menu(context.bot, update.effective_chat.id, t, roles, managers_edit=edit)
    if customer is not None or roles:
        menu = help_screen(t, roles, managers_edit=edit)
        name = customer.name if customer else context.person.first_name
        text = t._("Welcome back, %(name)s!") % {"name": esc(name)}
        await _say(update, context, Screen(f"{text}\n\n{menu.text}", menu.keyboard))
        return ConversationHandler.END
    rep_link = payload if payload.startswith(REP_PREFIX) else None
    DRAFT.save(context, RegistrationDraft(rep_link=rep_link))
    await _say(
        update,
        context,
        Screen(
            t._(
                "👋 Welcome to <b>OrderDesk</b>! Let's get you registered — it takes a minute.\n"
                "(Another language? /language)\n\nWhat is your name?"
            ),
            ReplyKeyboardRemove(),
        ),
    )
    return State.NAME


async def got_name(update: Update, context: BotContext) -> int:
    """Name typed: ask for the phone."""
    _keep(context, name=parse_name(message_text(update)))
    t = context.t
    await ask_phone(
        update, context, t._("Thanks! Your phone number? Press the button below, or type it.")
    )
    return State.PHONE


async def _ask_company(update: Update, context: BotContext) -> int:
    t = context.t
    await _say(update, context, Screen(t._("Got it."), ReplyKeyboardRemove()))
    rows = [[button(t._("Skip — I buy for myself"), pack(actions.Registration.SKIP_COMPANY))]]
    await _say(
        update, context, Screen(t._("Your company name, if you buy for one?"), keyboard(rows))
    )
    return State.COMPANY


async def got_phone(update: Update, context: BotContext, phone: str) -> int:
    """A valid phone: no other customer may have it; on to the company."""
    phone = await context.services.customers.check_phone(context.person, phone)
    _keep(context, phone=phone)
    return await _ask_company(update, context)


async def _ask_address(update: Update, context: BotContext) -> int:
    await _say(update, context, Screen(context.t._("Last step: your delivery address?")))
    return State.ADDRESS


async def got_company(update: Update, context: BotContext) -> int:
    """Company typed."""
    _keep(context, company=parse_company(message_text(update)))
    return await _ask_address(update, context)


async def skip_company(update: Update, context: BotContext) -> int:
    """No company."""
    await answer(update)
    _keep(context, company=None)
    return await _ask_address(update, context)


async def got_address(update: Update, context: BotContext) -> int:
    """Address typed: register the customer."""
    address = parse_address(message_text(update))
    draft = _draft(context)
    if not draft.name or not draft.phone:
        raise InvalidInput(InputProblem.NOT_TEXT)
    customer = await context.services.customers.register(
        context.person,
        name=draft.name,
        phone=draft.phone,
        company=draft.company,
        address=address,
        rep_link=draft.rep_link,
    )
    DRAFT.drop(context)
    t = context.t
    menu = help_screen(t)
    text = t._("✅ You are registered, %(name)s.") % {"name": esc(customer.name)}
    await _say(update, context, Screen(f"{text}\n\n{menu.text}", menu.keyboard))
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel: stop registering."""
    DRAFT.drop(context)
    await _say(
        update,
        context,
        Screen(
            context.t._("Registration stopped. Send /start when you are ready."),
            ReplyKeyboardRemove(),
        ),
    )
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The registration conversation."""
    return conversation(
        "registration",
        # Registration asks for a phone number: only ever in a private chat.
        entry_points=[CommandHandler("start", start, filters=filters.ChatType.PRIVATE)],
        states={
            State.NAME: typed(got_name),
            State.PHONE: phone_step(got_phone),
            State.COMPANY: typed(got_company, (actions.Registration.SKIP_COMPANY, skip_company)),
            State.ADDRESS: typed(got_address),
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            CommandHandler("start", start, filters=filters.ChatType.PRIVATE),
        ],
    )
