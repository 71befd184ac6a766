"""/profile: a customer changes their name, phone, company and saved addresses (the default
one offered first at checkout). Each change is saved, and audited, as it is made."""

from __future__ import annotations

from enum import IntEnum

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
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
from bot.handlers.routes import data_of, redraw, routes
from bot.services.customers import Detail
from bot.ui import actions, profile_views
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


async def done(update: Update, context: BotContext) -> int:
    """prf:done: close the profile."""
    await context.services.customers.profile(context.person)  # registered customers only
    await answer(update)
    await show(update, context, profile_views.closed(context.t))
    return ConversationHandler.END


async def ask_name(update: Update, context: BotContext) -> State:
    """prf:name: ask the new name."""
    return await _ask(update, context, State.NAME, profile_views.ask_name(context.t))


async def ask_company(update: Update, context: BotContext) -> State:
    """prf:company: ask the company."""
    return await _ask(update, context, State.COMPANY, profile_views.ask_company(context.t))


async def ask_new_address(update: Update, context: BotContext) -> State:
    """prf:add: ask another address."""
    return await _ask(update, context, State.ADDRESS, profile_views.ask_address(context.t))


async def _ask(update: Update, context: BotContext, state: State, question: Screen) -> State:
    await context.services.customers.profile(context.person)
    await answer(update)
    await show(update, context, question, new=True)
    return state


async def ask_new_phone(update: Update, context: BotContext) -> State:
    """prf:phone: ask the phone (its own keyboard)."""
    await context.services.customers.profile(context.person)
    await answer(update)
    await ask_phone(update, context, profile_views.ask_phone(context.t))
    return State.PHONE


async def home(update: Update, context: BotContext) -> State:
    """prf:home: the profile again."""
    value = await context.services.customers.profile(context.person)
    return await _shown(update, context, profile_views.profile(context.t, value))


async def addresses(update: Update, context: BotContext) -> State:
    """prf:addr: the saved addresses."""
    value = await context.services.customers.profile(context.person)
    return await _shown(update, context, profile_views.addresses(context.t, value))


async def default_address(update: Update, context: BotContext) -> State:
    """prf:def:<address>: offered first at checkout."""
    address_id = data_of(update).number(0)
    value = await context.services.customers.set_default_address(context.person, address_id)
    return await _shown(update, context, profile_views.addresses(context.t, value))


async def remove_address(update: Update, context: BotContext) -> State:
    """prf:rm:<address>."""
    address_id = data_of(update).number(0)
    value = await context.services.customers.remove_address(context.person, address_id)
    return await _shown(update, context, profile_views.addresses(context.t, value))


async def no_company(update: Update, context: BotContext) -> State:
    """prf:nocomp: they buy for themselves."""
    value = await context.services.customers.change(context.person, Detail.COMPANY, None)
    return await _shown(update, context, profile_views.profile(context.t, value))


async def _shown(update: Update, context: BotContext, screen: Screen) -> State:
    await redraw(update, context, screen)
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
    # Every button of the profile or of its address list, old messages' ones too.
    buttons = routes(
        {
            actions.Profile.DONE: done,
            actions.Profile.NAME: ask_name,
            actions.Profile.COMPANY: ask_company,
            actions.Profile.ADD_ADDRESS: ask_new_address,
            actions.Profile.PHONE: ask_new_phone,
            actions.Profile.HOME: home,
            actions.Profile.ADDRESSES: addresses,
            actions.Profile.DEFAULT_ADDRESS: default_address,
            actions.Profile.REMOVE_ADDRESS: remove_address,
            actions.Profile.NO_COMPANY: no_company,
        }
    )
    return conversation(
        "profile",
        entry_points=[
            CommandHandler("profile", open_profile, filters=filters.ChatType.PRIVATE),
            *buttons,  # a button of an earlier profile message
        ],
        states={
            State.MENU: [*buttons],
            State.NAME: typed(got_name),
            State.COMPANY: typed(got_company, (actions.Profile.NO_COMPANY, no_company)),
            State.PHONE: phone_step(got_phone),
            State.ADDRESS: typed(got_address),
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            CommandHandler("profile", open_profile, filters=filters.ChatType.PRIVATE),
            *buttons,
        ],
    )
