"""The rep's side of a custom order: a quote (unit price, lead time, valid until) or a
question, started from the request's card."""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    Drafts,
    conversation,
    leave_without_saving,
    message_text,
    typed,
)
from bot.domain.custom_orders import parse_lead_days, parse_message, parse_unit_price
from bot.domain.errors import DraftIncomplete, InputProblem, InvalidInput
from bot.domain.parsing import parse_date
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, custom_views


class QuoteDraft(BaseModel):
    """The request quoted (or asked about), its unit price and lead time once typed."""

    id: int
    price: int | None = None
    lead: int | None = None


DRAFT = Drafts("custom_quote", QuoteDraft)


class State(IntEnum):
    """Steps of a quote, and the one step of a question."""

    PRICE = 1
    LEAD = 2
    VALID = 3
    QUESTION = 4


def _request_id(update: Update) -> int:
    return data_of(update).number(0)


async def start_quote(update: Update, context: BotContext) -> State:
    """cq:q:<id>: the request's rep (or a manager) quotes it; others are refused."""
    card = await context.services.custom.check_staff(context.person, _request_id(update))
    DRAFT.save(context, QuoteDraft(id=card.request.id))
    await answer(update)
    await show(update, context, custom_views.ask_price(context.t, card), new=True)
    return State.PRICE


async def got_price(update: Update, context: BotContext) -> State:
    """The unit price (above 0, at most 10^9)."""
    digits = context.config.business.minor_digits
    price = parse_unit_price(message_text(update), digits)
    DRAFT.update(context, price=price)
    await show(update, context, custom_views.ask_lead(context.t))
    return State.LEAD


async def got_lead(update: Update, context: BotContext) -> State:
    """The lead time in days."""
    days = parse_lead_days(message_text(update))
    DRAFT.update(context, lead=days)
    earliest, latest = context.services.custom.quote_range()
    await show(update, context, custom_views.ask_valid(context.t, earliest, latest))
    return State.VALID


async def got_valid(update: Update, context: BotContext) -> int:
    """Valid until: the quote is recorded and sent to the customer."""
    service = context.services.custom
    earliest, latest = service.quote_range()
    today = service.today()
    try:
        day = parse_date(
            message_text(update), today, (earliest - today).days, (latest - today).days
        )
    except InvalidInput as error:
        if error.problem is InputProblem.DATE_RANGE:
            raise InvalidInput(
                InputProblem.DATE_RANGE, context.t.date(earliest), context.t.date(latest)
            ) from None
        raise
    draft = DRAFT.load(context)
    if draft.price is None or draft.lead is None:
        raise DraftIncomplete()
    request = await service.quote(context.person, draft.id, draft.price, draft.lead, day)
    DRAFT.drop(context)
    await show(update, context, custom_views.quoted(context.t, request))
    return ConversationHandler.END


async def start_question(update: Update, context: BotContext) -> State:
    """cq:a:<id>: the request's rep (or a manager) asks the customer something."""
    card = await context.services.custom.check_staff(context.person, _request_id(update))
    DRAFT.save(context, QuoteDraft(id=card.request.id))
    await answer(update)
    await show(update, context, custom_views.ask_question(context.t), new=True)
    return State.QUESTION


async def got_question(update: Update, context: BotContext) -> int:
    """The question typed: to the customer."""
    text = parse_message(message_text(update))
    await context.services.custom.ask(context.person, DRAFT.load(context).id, text)
    DRAFT.drop(context)
    await show(update, context, custom_views.asked(context.t))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The rep's quote-or-question conversation."""
    leave = leave_without_saving(DRAFT)
    return conversation(
        "custom_quote",
        entry_points=[
            on_press(start_quote, actions.CustomQuote.QUOTE),
            on_press(start_question, actions.CustomQuote.ASK),
        ],
        states={
            State.PRICE: typed(got_price),
            State.LEAD: typed(got_lead),
            State.VALID: typed(got_valid),
            State.QUESTION: typed(got_question),
        },
        fallbacks=[
            CommandHandler("cancel", leave),
            on_press(leave, actions.CustomQuote.CANCEL),
        ],
    )
