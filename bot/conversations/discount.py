"""Adjusting an order's discount before approval: the percentage is typed."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.conversations.common import (
    conversation,
    drop_draft,
    get_draft,
    leave_without_saving,
    message_text,
    typed,
)
from bot.domain.parsing import parse_percent
from bot.handlers.approvals import notify_deciders
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.services.approvals import rep_discount_limit_bp
from bot.ui import approval_views
from bot.ui.callbacks import parse

DRAFT = "discount"


class State(IntEnum):
    """The one step: waiting for a percentage."""

    PERCENT = 1


async def ask(update: Update, context: BotContext) -> State:
    """apv:dc:<order>: the decider may see it; ask the percentage."""
    order_id = parse(update.callback_query.data if update.callback_query else None).number(0)
    await context.services.approvals.card(context.person, order_id)
    context.user_data[DRAFT] = order_id  # type: ignore[index]
    await answer(update)
    limit = rep_discount_limit_bp(context.config)
    await show(update, context, approval_views.ask_discount(context.t, limit), new=True)
    return State.PERCENT


async def got_percent(update: Update, context: BotContext) -> int:
    """A percentage typed: adjust, show the card again."""
    order_id = get_draft(context, DRAFT)
    bp = parse_percent(message_text(update))
    result = await context.services.approvals.adjust(context.person, order_id, discount_bp=bp)
    drop_draft(context, DRAFT)
    if result.escalated:
        await notify_deciders(context, order_id, result.escalated_to)
    await show(update, context, approval_views.card(context.t, context.config, result.card))
    return ConversationHandler.END


keep = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The discount conversation."""
    return conversation(
        "discount",
        entry_points=[CallbackQueryHandler(ask, pattern=r"^apv:dc:")],
        states={State.PERCENT: typed(got_percent)},
        fallbacks=[CommandHandler("cancel", keep)],
    )
