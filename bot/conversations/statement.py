"""/statement: a customer's own statement of account at once; staff name the customer (typed,
then picked from a list); "Other dates…" asks for the first and the last day."""

from __future__ import annotations

from enum import IntEnum
from typing import Literal, assert_never

from pydantic import BaseModel
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import Drafts, conversation, message_text, typed
from bot.domain.errors import DraftIncomplete
from bot.domain.reports import parse_period
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, on_press
from bot.handlers.statements import screen
from bot.services.statements import AskWhose, Choose, Lookup, NobodyFound, Shown
from bot.ui import actions, statement_views


class StatementDraft(BaseModel):
    """Waiting for a customer's name, or for the dates of this customer's statement."""

    step: Literal["name", "dates"]
    customer: int | None = None


DRAFT = Drafts("statement", StatementDraft)


class State(IntEnum):
    """Waiting for a customer's name, or for the dates."""

    NAME = 1
    DATES = 2


async def _answer(update: Update, context: BotContext, found: Lookup) -> int:
    """One customer: their statement; several: a list; none: another name; nobody named:
    whose?"""
    t = context.t
    match found:
        case Shown(view=view):
            DRAFT.drop(context)
            await show(update, context, screen(context, view))
        case Choose(customers=customers, period=period):
            DRAFT.drop(context)
            await show(update, context, statement_views.found(t, customers, period))
        case NobodyFound():
            await show(update, context, statement_views.nobody_found(t))
            DRAFT.save(context, StatementDraft(step="name"))
            return State.NAME
        case AskWhose():
            DRAFT.save(context, StatementDraft(step="name"))
            await show(update, context, statement_views.ask_customer(t))
            return State.NAME
        case _:
            assert_never(found)
    return ConversationHandler.END


async def start(update: Update, context: BotContext) -> int:
    """/statement [NAME]: the customer's own; staff name whose (or are asked)."""
    words = " ".join(context.args or [])
    found = await context.services.statements.lookup(context.person, words)
    return await _answer(update, context, found)


async def got_name(update: Update, context: BotContext) -> int:
    """A name typed: the customers it finds (staff only, checked again)."""
    DRAFT.load(context)
    found = await context.services.statements.lookup(context.person, message_text(update))
    return await _answer(update, context, found)


async def ask_dates(update: Update, context: BotContext) -> State:
    """stm:c:<customer>: whoever may see the customer's statement types the period."""
    cb = data_of(update)
    await context.services.statements.check(context.person, cb.number(0))
    DRAFT.save(context, StatementDraft(step="dates", customer=cb.number(0)))
    await answer(update)
    await show(update, context, statement_views.ask_dates(context.t), new=True)
    return State.DATES


async def got_dates(update: Update, context: BotContext) -> int:
    """Two days typed (or one): the statement of that period."""
    customer = DRAFT.load(context).customer
    if customer is None:
        raise DraftIncomplete()
    services = context.services.statements
    period = parse_period(message_text(update), services.today())
    view = await services.statement(context.person, customer, period)
    DRAFT.drop(context)
    await show(update, context, screen(context, view))
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    """/cancel: no statement."""
    DRAFT.drop(context)
    await say(update, context, context.t._("No statement then. /statement starts again."))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The /statement conversation."""
    return conversation(
        "statement",
        entry_points=[
            CommandHandler("statement", start),
            on_press(ask_dates, actions.Statement.OTHER_DATES),
        ],
        states={State.NAME: typed(got_name), State.DATES: typed(got_dates)},
        fallbacks=[CommandHandler("cancel", stop)],
    )
