"""An export over other dates: the first and the last day are typed, then the formats follow."""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import Drafts, conversation, message_text, typed
from bot.domain.exports import Dataset, parse_period
from bot.domain.roles import Permission
from bot.handlers.context import BotContext
from bot.handlers.exports import dataset_of
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, export_views


class ExportDraft(BaseModel):
    """What is to be exported, once the dates are typed."""

    dataset: Dataset


DRAFT = Drafts("export", ExportDraft)


class State(IntEnum):
    """The one step: waiting for the dates."""

    DATES = 1


async def ask(update: Update, context: BotContext) -> State:
    """exp:c:<data>: finance, sales managers and admins may export; ask for the dates."""
    dataset = dataset_of(data_of(update))
    await context.services.staff.check(context.person, Permission.EXPORT, "export")
    DRAFT.save(context, ExportDraft(dataset=dataset))
    await answer(update)
    await show(update, context, export_views.ask_dates(context.t), new=True)
    return State.DATES


async def got_dates(update: Update, context: BotContext) -> int:
    """Two days typed: the formats of that period."""
    dataset = DRAFT.load(context).dataset
    period = parse_period(message_text(update))
    await context.services.staff.check(context.person, Permission.EXPORT, "export")
    DRAFT.drop(context)
    await show(update, context, export_views.formats(context.t, dataset, period))
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    """/cancel: no export."""
    DRAFT.drop(context)
    await say(update, context, context.t._("No export then. /export starts again."))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The other-dates conversation of /export."""
    return conversation(
        "export",
        entry_points=[on_press(ask, actions.Export.OTHER_DATES)],
        states={State.DATES: typed(got_dates)},
        fallbacks=[CommandHandler("cancel", stop)],
    )
