"""Reporting a line found short: units there, when the rest comes; the customer then chooses."""

from __future__ import annotations

from datetime import date
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
from bot.domain.errors import DraftIncomplete
from bot.domain.parsing import parse_date, parse_quantity
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, shortage_views


class ShortageDraft(BaseModel):
    """The line found short, the units it still needs, and the units there."""

    line: int
    remaining: int
    available: int | None = None


DRAFT = Drafts("shortage", ShortageDraft)


class State(IntEnum):
    """Steps of reporting a shortage."""

    AVAILABLE = 1
    EXPECTED = 2


async def start(update: Update, context: BotContext) -> State:
    """sht:r:<line>: the warehouse; ask how many units are there."""
    line_id = data_of(update).number(0)
    # The warehouse's, on an order still to ship: anyone else, or an order cancelled or
    # shipped meanwhile, is refused here, before anything is asked.
    line = await context.services.shortages.reportable(context.person, line_id)
    DRAFT.save(context, ShortageDraft(line=line_id, remaining=line.remaining))
    await answer(update)
    await show(update, context, shortage_views.ask_available(context.t, line), new=True)
    return State.AVAILABLE


async def got_available(update: Update, context: BotContext) -> State:
    """Units there: 0 up to one less than needed."""
    draft = DRAFT.load(context)
    text = message_text(update).strip()
    available = 0 if text == "0" else parse_quantity(text, max(1, draft.remaining - 1))
    DRAFT.update(context, available=available)
    await show(
        update, context, shortage_views.ask_expected(context.t, context.services.checkout.today())
    )
    return State.EXPECTED


async def _report(update: Update, context: BotContext, expected: date | None) -> int:
    draft = DRAFT.load(context)
    if draft.available is None:
        raise DraftIncomplete()
    await context.services.shortages.report(  # the customer is asked through the outbox
        context.person, draft.line, draft.available, expected
    )
    DRAFT.drop(context)
    await show(update, context, shortage_views.reported(context.t))
    return ConversationHandler.END


async def expected_chosen(update: Update, context: BotContext) -> int:
    """sht:d:<yyyymmdd|none>."""
    expected = data_of(update).day(0)
    await answer(update)
    return await _report(update, context, expected)


async def expected_typed(update: Update, context: BotContext) -> int:
    """A date typed."""
    expected = parse_date(message_text(update), context.services.checkout.today(), 0, 365)
    return await _report(update, context, expected)


def build() -> ConversationHandler[BotContext]:
    """The shortage conversation."""
    leave = leave_without_saving(DRAFT)
    return conversation(
        "shortage",
        entry_points=[on_press(start, actions.Shortage.REPORT)],
        states={
            State.AVAILABLE: typed(got_available),
            State.EXPECTED: typed(expected_typed, (actions.Shortage.EXPECTED, expected_chosen)),
        },
        fallbacks=[CommandHandler("cancel", leave)],
    )
