"""A report over other dates: the first and the last day are typed, then the views follow."""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import Drafts, conversation, message_text, typed
from bot.domain.reports import parse_period
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, show
from bot.handlers.routes import on_press
from bot.ui import actions, report_views


class ReportDraft(BaseModel):
    """A report over other dates was asked for (its dates are still to come)."""

    asked: bool = True


DRAFT = Drafts("report", ReportDraft)


class State(IntEnum):
    """The one step: waiting for the dates."""

    DATES = 1


async def ask(update: Update, context: BotContext) -> State:
    """rpt:c: managers and admins may read reports; ask for the dates."""
    await context.services.reports.check(context.person)
    DRAFT.save(context, ReportDraft())
    await answer(update)
    await show(update, context, report_views.ask_dates(context.t), new=True)
    return State.DATES


async def got_dates(update: Update, context: BotContext) -> int:
    """Two days typed (or one): the views of that period."""
    DRAFT.load(context)
    period = parse_period(message_text(update), context.services.reports.today())
    await context.services.reports.check(context.person)
    DRAFT.drop(context)
    await show(update, context, report_views.menu(context.t, period))
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    """/cancel: no report."""
    DRAFT.drop(context)
    await say(update, context, context.t._("No report then. /report starts again."))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The other-dates conversation of /report."""
    return conversation(
        "report",
        entry_points=[on_press(ask, actions.Report.OTHER_DATES)],
        states={State.DATES: typed(got_dates)},
        fallbacks=[CommandHandler("cancel", stop)],
    )
