"""Rating a delivered order: a star button, then a comment typed (or Skip)."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import Drafts, OrderDraft, conversation, message_text, typed
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, feedback_views

DRAFT = Drafts("feedback", OrderDraft)


class State(IntEnum):
    """The one step after the rating: waiting for a comment."""

    COMMENT = 1


async def rated(update: Update, context: BotContext) -> State:
    """fb:r:<order>:<stars>: the order's own customer rates it, once; ask for a comment."""
    cb = data_of(update)
    order_id, stars = cb.number(0), cb.number(1, low=1, high=5)
    order = await context.services.feedback.rate(context.person, order_id, stars)
    DRAFT.save(context, OrderDraft(order=order.id))
    await answer(update)
    await show(update, context, feedback_views.ask_comment(context.t, order, stars))
    return State.COMMENT


async def got_comment(update: Update, context: BotContext) -> int:
    """A comment typed (1 to 1000 characters): kept with the rating."""
    order_id = DRAFT.load(context).order
    await context.services.feedback.comment(context.person, order_id, message_text(update))
    DRAFT.drop(context)
    await show(update, context, feedback_views.thanks(context.t))
    return ConversationHandler.END


async def skip(update: Update, context: BotContext) -> int:
    """fb:skip: no comment."""
    DRAFT.drop(context)
    await answer(update)
    await show(update, context, feedback_views.thanks(context.t))
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    """/cancel: the rating stays, without a comment."""
    DRAFT.drop(context)
    await say(update, context, context.t._("Your rating is kept, without a comment. Thank you!"))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The feedback conversation."""
    return conversation(
        "feedback",
        entry_points=[on_press(rated, actions.Feedback.RATE)],
        states={State.COMMENT: typed(got_comment, (actions.Feedback.SKIP, skip))},
        fallbacks=[CommandHandler("cancel", stop)],
    )
