"""Cancelling a submitted order: ask a reason (preset or typed), then cancel and free the stock."""

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
from bot.ui import actions, order_views, request_views

DRAFT = Drafts("cancel_order", OrderDraft)


class State(IntEnum):
    """The one step: waiting for a reason."""

    REASON = 1


async def ask(update: Update, context: BotContext) -> State:
    """ord:cx:<id>: ask why."""
    order_id = data_of(update).number(0)
    order = await context.services.orders.cancellable(context.person, order_id)
    DRAFT.save(context, OrderDraft(order=order_id))
    await answer(update)
    await show(update, context, order_views.ask_cancel_reason(context.t, order.number))
    return State.REASON


async def _cancel(update: Update, context: BotContext, reason: str) -> int:
    order_id = DRAFT.load(context).order
    outcome = await context.services.orders.cancel(context.person, order_id, reason)
    DRAFT.drop(context)
    if outcome.detail is None:  # a request: staff decide
        await answer(update)
        await show(update, context, request_views.requested(context.t, outcome.order))
        return ConversationHandler.END
    await answer(update, context.t._("The order is cancelled."))
    screen = order_views.order_detail(context.t, context.config, outcome.detail)
    await show(update, context, screen)
    return ConversationHandler.END


async def preset_reason(update: Update, context: BotContext) -> int:
    """ord:cr:<n>: one of the offered reasons."""
    index = data_of(update).number(0, high=len(order_views.CANCEL_REASONS) - 1)
    return await _cancel(update, context, context.t._(order_views.CANCEL_REASONS[index]))


async def typed_reason(update: Update, context: BotContext) -> int:
    """A reason typed."""
    return await _cancel(update, context, message_text(update))


async def keep(update: Update, context: BotContext) -> int:
    """ord:keep or /cancel: the order stays."""
    DRAFT.drop(context)
    await answer(update)
    await say(update, context, context.t._("The order stays as it is."))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The cancel-order conversation."""
    return conversation(
        "cancel_order",
        entry_points=[on_press(ask, actions.Order.CANCEL)],
        states={
            State.REASON: typed(typed_reason, (actions.Order.CANCEL_REASON, preset_reason)),
        },
        fallbacks=[
            CommandHandler("cancel", keep),
            on_press(keep, actions.Order.KEEP),
        ],
    )
