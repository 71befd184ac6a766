"""Statements of account: the buttons of a statement (another period, the PDF, the spreadsheet)
and the monthly job. /statement itself, and what is typed, is bot/conversations/statement.py.

Every button carries whose statement and which days (stm:v:<customer>:<first>:<last>), so
presses are stateless and each is checked again in the service."""

from __future__ import annotations

import logging
from datetime import time, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, JobQueue

from bot.config import Config
from bot.domain.reports import Period
from bot.domain.statement import Presets, preset_period
from bot.handlers.context import BotContext
from bot.handlers.documents import reply_file, statement_file, uploading
from bot.handlers.outbox import sender_of
from bot.handlers.progress import with_progress
from bot.handlers.render import answer
from bot.handlers.routes import data_of, period_of, redraw, routes
from bot.services.statements import StatementView
from bot.ui import actions, statement_views
from bot.ui.callbacks import BadCallback, Callback
from bot.ui.screen import Screen
from bot.ui.statement_views import FileFormat

log = logging.getLogger(__name__)

MONTHLY, MONTHLY_AT_START = "monthly-statements", "monthly-statements-at-start"


def presets(context: BotContext) -> dict[Presets, Period]:
    """The periods offered on buttons, as of today."""
    today = context.services.statements.today()
    return {p: preset_period(p, today) for p in Presets}


def screen(context: BotContext, view: StatementView) -> Screen:
    """A statement in the chat, in the reader's language."""
    return statement_views.statement(context.t, view, presets(context))


def _format(cb: Callback) -> FileFormat:
    value = cb.text(3)
    if value not in FileFormat._value2member_map_:
        raise BadCallback(value)
    return FileFormat(value)


async def view(update: Update, context: BotContext) -> None:
    """stm:v:<customer>:<first>:<last>: a statement in the chat."""
    cb = data_of(update)
    customer_id, period = cb.number(0), period_of(cb, Period)
    value = await context.services.statements.statement(context.person, customer_id, period)
    await redraw(update, context, screen(context, value))


async def send_file(update: Update, context: BotContext) -> None:
    """stm:f:<customer>:<first>:<last>:<pdf|xlsx>: the statement as a file (a progress message
    when it takes a while)."""
    cb = data_of(update)
    customer_id, period, fmt = cb.number(0), period_of(cb, Period), _format(cb)
    value, (content, name) = await with_progress(
        update, context, _made(update, context, customer_id, period, fmt)
    )
    await answer(update)
    await reply_file(
        update, context, content, name, statement_views.file_caption(context.t, value)
    )


async def _made(
    update: Update, context: BotContext, customer_id: int, period: Period, fmt: FileFormat
) -> tuple[StatementView, tuple[bytes, str]]:
    """A statement and its file (made in a worker process)."""
    view = await context.services.statements.statement(context.person, customer_id, period)
    await uploading(update, context)
    return view, await statement_file(context, context.t, view, fmt)


def schedule(job_queue: JobQueue[Any], config: Config) -> None:
    """Every day at the configured hour (business time zone), and once soon after start-up
    (a bot that was down catches up): the monthly statements, if their day has come."""
    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    at = time(config.statements.hour, tzinfo=config.business.zone)
    job_queue.run_daily(send_monthly, time=at, name=MONTHLY, job_kwargs=options)
    job_queue.run_once(send_monthly, timedelta(seconds=30), name=MONTHLY_AT_START)


async def send_monthly(context: BotContext) -> int:
    """Post last month's statements that are due (once per customer and month), then deliver
    what the outbox holds; returns how many statements were posted."""
    posted = await context.services.statements.post_monthly()
    if posted:
        log.info("monthly statements: %d posted", posted)
        await sender_of(context).drain()
    return posted


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """The buttons of statements (typed names and dates: bot/conversations/statement.py)."""
    return [*routes({actions.Statement.VIEW: view, actions.Statement.FILE: send_file})]
