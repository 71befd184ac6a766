"""Staff cancelling an approved order for its customer (who phoned, say): the reason the
customer will read is typed, then confirmed once more."""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    Drafts,
    conversation,
    message_text,
    pressed,
    typed,
)
from bot.domain.errors import DraftIncomplete
from bot.domain.parsing import parse_reason
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, staff_order_views
from bot.ui.callbacks import BadCallback


class CancelDraft(BaseModel):
    """The order being cancelled and, once typed, why."""

    order: int
    reason: str | None = None


DRAFT = Drafts("cancel_for", CancelDraft)


class State(IntEnum):
    """The reason, then yes or no."""

    REASON = 1
    CONFIRM = 2


async def ask(update: Update, context: BotContext) -> State:
    """stf:cx:<order>: the customer's rep, a manager or an admin, an approved order; why?"""
    order = await context.services.requests.cancellable_for(
        context.person, data_of(update).number(0)
    )
    DRAFT.save(context, CancelDraft(order=order.id))
    await answer(update)
    await show(update, context, staff_order_views.ask_cancel_reason(context.t, order), new=True)
    return State.REASON


async def got_reason(update: Update, context: BotContext) -> State:
    """The reason typed (2 to 300 characters): asked once more."""
    draft = DRAFT.load(context)
    reason = parse_reason(message_text(update))
    order = await context.services.requests.cancellable_for(context.person, draft.order)
    DRAFT.update(context, reason=reason)
    await show(update, context, staff_order_views.confirm_cancel(context.t, order, reason))
    return State.CONFIRM


def _this_one(update: Update, draft: CancelDraft) -> None:
    """A Yes or No of another cancellation than the one being confirmed: expired (this one
    waits for its own)."""
    pressed = data_of(update).number(0)
    if pressed != draft.order:
        raise BadCallback(str(pressed))


async def confirmed(update: Update, context: BotContext) -> int:
    """stf:cxok:<order>: cancelled; the customer, the warehouse and finance are told."""
    draft = DRAFT.load(context)
    _this_one(update, draft)
    if draft.reason is None:
        raise DraftIncomplete()
    order = await context.services.requests.cancel_for(context.person, draft.order, draft.reason)
    DRAFT.drop(context)
    await answer(update)
    await show(update, context, staff_order_views.cancelled_for(context.t, order))
    return ConversationHandler.END


async def keep(update: Update, context: BotContext) -> int:
    """stf:cxno, or /cancel: the order stays as it is."""
    if update.callback_query is not None:
        _this_one(update, DRAFT.load(context))
    DRAFT.drop(context)
    await answer(update)
    await say(update, context, context.t._("The order stays as it is."))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The staff-cancels-for-the-customer conversation."""
    return conversation(
        "cancel_for",
        entry_points=[on_press(ask, actions.Staff.CANCEL)],
        states={
            State.REASON: typed(got_reason),
            State.CONFIRM: pressed(
                (actions.Staff.CANCEL_CONFIRMED, confirmed), (actions.Staff.CANCEL_KEPT, keep)
            ),
        },
        fallbacks=[CommandHandler("cancel", keep)],
    )
