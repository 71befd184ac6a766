"""Rejecting an order: ask the reason the customer will read, then reject and tell them."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    Drafts,
    OrderDraft,
    conversation,
    message_text,
    typed,
)
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, approval_views

DRAFT = Drafts("reject", OrderDraft)


class State(IntEnum):
    """The one step: waiting for a reason."""

    REASON = 1


async def ask(update: Update, context: BotContext) -> State:
    """apv:rj:<id>: the decider may see the order; ask why."""
    order_id = data_of(update).number(0)
    card = await context.services.approvals.decision_card(context.person, order_id, "rejected")
    DRAFT.save(context, OrderDraft(order=order_id))
    await answer(update)
    await show(
        update, context, approval_views.ask_reject_reason(context.t, card.order.number), new=True
    )
    return State.REASON


async def got_reason(update: Update, context: BotContext) -> int:
    """The reason typed: reject, tell the customer, show the card."""
    order_id = DRAFT.load(context).order
    reason = message_text(update)
    card = await context.services.approvals.reject(context.person, order_id, reason)  # told
    DRAFT.drop(context)
    await show(update, context, approval_views.card(context.t, context.config, card))
    return ConversationHandler.END


async def keep(update: Update, context: BotContext) -> int:
    """/cancel: the order stays undecided."""
    DRAFT.drop(context)
    await say(update, context, context.t._("The order stays undecided."))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The reject conversation."""
    return conversation(
        "reject",
        entry_points=[on_press(ask, actions.Approval.REJECT)],
        states={
            State.REASON: typed(got_reason),
        },
        fallbacks=[CommandHandler("cancel", keep)],
    )
