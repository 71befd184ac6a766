"""/profile: a customer changes their name, phone, company and saved addresses (the default
one offered first at checkout). Each change is saved, and audited, as it is made."""

from __future__ import annotations

from enum import IntEnum

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    filters,
)

from bot.conversations.common import conversation, message_text, typed
from bot.conversations.phone import ask_phone, phone_step
from bot.domain.parsing import (
    parse_address,
    parse_company,
    parse_name,
)
from bot.handlers.context import BotContext
from bot.handlers.render import answer, send, show
from bot.handlers.routes import data_of
from bot.services.customers import Detail
from bot.ui import actions, profile_views
from bot.ui.callbacks import BadCallback
from bot.ui.screen import Screen


class State(IntEnum):
    """The profile shown, or one value being typed."""

    MENU = 1
    NAME = 2
    PHONE = 3
    COMPANY = 4
    ADDRESS = 5


async def open_profile(update: Update, context: BotContext) -> State:
    """/profile: the customer's details and what they may change."""
    value = await context.services.customers.profile(context.person)
    await show(update, context, profile_views.profile(context.t, value))
    return State.MENU


async def pressed(update: Update, context: BotContext) -> int:
    """prf:<action>: a button of the profile or of its address list (old ones too)."""
    cb = data_of(update)
    customers, t = context.services.customers, context.t
    if cb.action == "done":
        await customers.profile(context.person)  # registered customers only
        await answer(update)
        await show(update, context, profile_views.closed(t))
        return ConversationHandler.END
    asks = {
        "name": (State.NAME, profile_views.ask_name),
        "company": (State.COMPANY, profile_views.ask_company),
        "add": (State.ADDRESS, profile_views.ask_address),
    }
    if cb.action in asks:
        await customers.profile(context.person)
        await answer(update)
        state, ask = asks[cb.action]
        await show(update, context, ask(t), new=True)
        return state
    if cb.action == "phone":
        await customers.profile(context.person)
        await answer(update)
        await ask_phone(update, context, profile_views.ask_phone(t))
        return State.PHONE
    if cb.action == "home":
        screen = profile_views.profile(t, await customers.profile(context.person))
    elif cb.action == "addr":
        screen = profile_views.addresses(t, await customers.profile(context.person))
    elif cb.action == "def":
        value = await customers.set_default_address(context.person, cb.number(0))
        screen = profile_views.addresses(t, value)
    elif cb.action == "rm":
        value = await customers.remove_address(context.person, cb.number(0))
        screen = profile_views.addresses(t, value)
    elif cb.action == "nocomp":
        value = await customers.change(context.person, Detail.COMPANY, None)
        screen = profile_views.profile(t, value)
    else:
        raise BadCallback(cb.action)
    await answer(update)
    await show(update, context, screen)
    return State.MENU


async def got_name(update: Update, context: BotContext) -> State:
    """A name typed: 2 to 100 characters, two letters at least."""
    name = parse_name(message_text(update))
    value = await context.services.customers.change(context.person, Detail.NAME, name)
    await show(update, context, profile_views.profile(context.t, value))
    return State.MENU


async def got_company(update: Update, context: BotContext) -> State:
    """A company typed."""
    company = parse_company(message_text(update))
    value = await context.services.customers.change(context.person, Detail.COMPANY, company)
    await show(update, context, profile_views.profile(context.t, value))
    return State.MENU


async def got_address(update: Update, context: BotContext) -> State:
    """Another address typed: saved, the address list shown."""
    address = parse_address(message_text(update))
    value = await context.services.customers.add_address(context.person, address)
    await show(update, context, profile_views.addresses(context.t, value))
    return State.MENU


async def got_phone(update: Update, context: BotContext, phone: str) -> State:
    """A valid phone, no other customer's: changed, the profile shown."""
    value = await context.services.customers.change(context.person, Detail.PHONE, phone)
    await send(update, context, Screen(context.t._("Got it."), ReplyKeyboardRemove()))
    await send(update, context, profile_views.profile(context.t, value))
    return State.MENU


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel: what was typed last is not saved; earlier changes stay."""
    text = context.t._("Profile closed; the changes you made before stay saved.")
    await send(update, context, Screen(text, ReplyKeyboardRemove()))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The profile conversation."""
    button = CallbackQueryHandler(pressed, pattern=r"^prf:")
    return conversation(
        "profile",
        entry_points=[
            CommandHandler("profile", open_profile, filters=filters.ChatType.PRIVATE),
            button,  # a button of an earlier profile message
        ],
        states={
            State.MENU: [button],
            State.NAME: typed(got_name),
            State.COMPANY: typed(got_company, (actions.Profile.NO_COMPANY, pressed)),
            State.PHONE: phone_step(got_phone),
            State.ADDRESS: typed(got_address),
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            CommandHandler("profile", open_profile, filters=filters.ChatType.PRIVATE),
            button,
        ],
    )
