"""/export for finance, sales managers and admins: data, period, format, then the file.

Every button carries what was chosen so far (exp:p:<data>:<first>:<last>), so presses are
stateless and each one is checked again in the service; only typed dates need a conversation
(bot/conversations/export.py)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.domain.exports import Dataset, ExportPeriod, Preset
from bot.domain.roles import Permission
from bot.handlers.context import BotContext
from bot.handlers.documents import reply_file, uploading
from bot.handlers.render import answer, reply, show
from bot.handlers.routes import data_of, period_of, redraw, routes
from bot.ui import actions, export_files, export_views
from bot.ui.callbacks import BadCallback, Callback


async def export_command(update: Update, context: BotContext) -> None:
    """/export: which data (finance, sales managers, admins)."""
    await context.services.staff.check(context.person, Permission.EXPORT, "export")
    await show(update, context, export_views.datasets(context.t))


def dataset_of(cb: Callback) -> Dataset:
    """The data set a button names."""
    value = cb.text(0)
    if value not in Dataset._value2member_map_:
        raise BadCallback(value)
    return Dataset(value)


def _format(cb: Callback) -> export_files.Format:
    value = cb.text(3)
    if value not in export_files.Format._value2member_map_:
        raise BadCallback(value)
    return export_files.Format(value)


async def _send(
    update: Update, context: BotContext, dataset: Dataset, period: ExportPeriod, cb: Callback
) -> None:
    """Make the file and send it; an empty period is said, not sent."""
    fmt = _format(cb)
    table = await context.services.exports.export(context.person, dataset, period)
    t = context.t
    if not table.rows:
        await reply(update, context, export_views.empty(t, table))
        return
    if len(table.rows) > export_views.MAX_ROWS:
        await reply(update, context, export_views.too_large(t, table))
        return
    await answer(update)
    await uploading(update, context)
    content = await asyncio.to_thread(export_files.write, t, table, fmt)
    name = export_files.file_name(table, fmt)
    await reply_file(update, context, content, name, export_views.caption(t, table))


async def home(update: Update, context: BotContext) -> None:
    """exp:h: which data."""
    await context.services.staff.check(context.person, Permission.EXPORT, "export")
    await redraw(update, context, export_views.datasets(context.t))


async def dataset(update: Update, context: BotContext) -> None:
    """exp:d:<data>: which period."""
    services, chosen = context.services, dataset_of(data_of(update))
    await services.staff.check(context.person, Permission.EXPORT, "export")
    today = services.exports.today()
    presets = {p: ExportPeriod.preset(p, today) for p in Preset}
    await redraw(update, context, export_views.periods(context.t, chosen, presets))


async def period(update: Update, context: BotContext) -> None:
    """exp:p:<data>:<first>:<last>: which format."""
    cb = data_of(update)
    chosen, days = dataset_of(cb), period_of(cb, ExportPeriod.of)
    await context.services.staff.check(context.person, Permission.EXPORT, "export")
    await redraw(update, context, export_views.formats(context.t, chosen, days))


async def export_file(update: Update, context: BotContext) -> None:
    """exp:f:<data>:<first>:<last>:<xlsx|csv>: the file."""
    cb = data_of(update)
    await _send(update, context, dataset_of(cb), period_of(cb, ExportPeriod.of), cb)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """/export and its buttons (typed dates: bot/conversations/export.py)."""
    return [
        CommandHandler("export", export_command),
        *routes(
            {
                actions.Export.HOME: home,
                actions.Export.DATASET: dataset,
                actions.Export.PERIOD: period,
                actions.Export.FILE: export_file,
            }
        ),
    ]
