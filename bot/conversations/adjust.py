"""Adjusting an order before approval by typing: its discount, or a line's quantity."""

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
from bot.domain.parsing import parse_percent, parse_quantity
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, approval_views


class AdjustDraft(BaseModel):
    """The order being adjusted; with a line: its quantity, else the discount."""

    order: int
    line: int | None = None


DRAFT = Drafts("adjust", AdjustDraft)


class State(IntEnum):
    """The one step: waiting for the value."""

    VALUE = 1


async def ask(update: Update, context: BotContext) -> State:
    """apv:dc:<order> (discount) or apv:aq:<order>:<line> (quantity): ask the value."""
    cb = data_of(update)
    order_id = cb.number(0)
    approvals = context.services.approvals
    line = cb.number(1) if cb.action == actions.Approval.QUANTITY else None
    if line is None:
        limit = await approvals.discount_limit(context.person, order_id)
        screen = approval_views.ask_discount(context.t, limit)
    else:
        await approvals.decision_card(context.person, order_id, "adjust")
        screen = approval_views.ask_quantity(context.t)
    DRAFT.save(context, AdjustDraft(order=order_id, line=line))
    await answer(update)
    await show(update, context, screen, new=True)
    return State.VALUE


async def got_value(update: Update, context: BotContext) -> int:
    """A percentage or a quantity typed: adjust, show the card again."""
    draft = DRAFT.load(context)
    order_id, line = draft.order, draft.line
    approvals = context.services.approvals
    if line is None:
        bp = parse_percent(message_text(update))
        card = await approvals.adjust(context.person, order_id, discount_bp=bp)
    else:
        qty = parse_quantity(message_text(update), context.config.checkout.max_quantity)
        card = await approvals.adjust_quantity(context.person, order_id, line, qty)
    DRAFT.drop(context)  # managers, if it now needs one, are told by the outbox
    await show(update, context, approval_views.card(context.t, context.config, card))
    return ConversationHandler.END


keep = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The adjust-by-typing conversation."""
    return conversation(
        "adjust",
        entry_points=[on_press(ask, actions.Approval.DISCOUNT, actions.Approval.QUANTITY)],
        states={State.VALUE: typed(got_value)},
        fallbacks=[CommandHandler("cancel", keep)],
    )
