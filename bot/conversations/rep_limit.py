"""A rep's own discount limit, from their /staff card: the percentage is typed."""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel, ConfigDict
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    Drafts,
    conversation,
    leave_without_saving,
    message_text,
    typed,
)
from bot.domain.parsing import parse_percent
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, staff_views


class LimitDraft(BaseModel):
    """Whose limit is being set."""

    model_config = ConfigDict(frozen=True)

    user: int


DRAFT = Drafts("rep_limit", LimitDraft)


class State(IntEnum):
    """The one step: waiting for a percentage."""

    PERCENT = 1


async def ask(update: Update, context: BotContext) -> State:
    """stf:dl:<user>: administrators only, and only for a rep; ask the percentage."""
    user_id = data_of(update).number(0)
    value = await context.services.staff.discount_limit_of(context.person, user_id)
    DRAFT.save(context, LimitDraft(user=user_id))
    await answer(update)
    await show(update, context, staff_views.ask_discount_limit(context.t, value), new=True)
    return State.PERCENT


async def got_percent(update: Update, context: BotContext) -> int:
    """A percentage typed: the rep's own limit from now on; their card again."""
    user_id = DRAFT.load(context).user
    bp = parse_percent(message_text(update))
    value = await context.services.staff.set_discount_limit(context.person, user_id, bp)
    DRAFT.drop(context)
    await show(update, context, staff_views.member(context.t, value))
    return ConversationHandler.END


keep = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The rep's discount-limit conversation."""
    return conversation(
        "rep_limit",
        entry_points=[on_press(ask, actions.Staff.DISCOUNT_LIMIT)],
        states={State.PERCENT: typed(got_percent)},
        fallbacks=[CommandHandler("cancel", keep)],
    )
