"""/export for finance, sales managers and admins: data, period, format, then the file.

Every button carries what was chosen so far (exp:p:<data>:<first>:<last>), so presses are
stateless and each one is checked again in the service; only typed dates need a conversation
(bot/conversations/export.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from functools import partial
from pathlib import Path

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.domain.exports import Dataset, ExportPeriod, Preset
from bot.domain.roles import Permission
from bot.handlers import progress as long_work
from bot.handlers.context import BotContext
from bot.handlers.documents import reply_file, uploading
from bot.handlers.render import answer, keep, reply, show
from bot.handlers.routes import data_of, period_of, redraw, routes
from bot.ui import actions, export_files, export_views
from bot.ui.callbacks import BadCallback, Callback
from bot.ui.screen import Screen


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


# An export still being written after long_work.PROGRESS_AFTER seconds (the same rule as any
# other long work) is shown as it goes: a message with the rows so far, refreshed every
# PROGRESS_EVERY seconds, then edited to say it is done.
PROGRESS_EVERY = 5.0


async def _send(
    update: Update, context: BotContext, dataset: Dataset, period: ExportPeriod, cb: Callback
) -> None:
    """Write the file in a worker process as its rows stream from the database, then send it;
    an empty period is said, not sent (so is one with more rows than a chat export takes)."""
    fmt = _format(cb)
    t = context.t
    handle, name = tempfile.mkstemp(prefix="orderdesk-export-", suffix=f".{fmt.value}")
    os.close(handle)
    path = Path(name)
    counted = path.with_name(path.name + ".rows")  # the worker's progress
    try:
        progress = export_files.Progress(counted)
        write = partial(
            export_files.write_stream,
            t,
            fmt=fmt,
            out=path,
            limit=export_views.MAX_ROWS,
            progress=progress,
        )
        job = asyncio.ensure_future(
            context.services.exports.export_to(context.person, dataset, period, write)
        )
        shown = await _progress(update, context, job, progress)
        written = await job
        if not written.found or written.found > export_views.MAX_ROWS:
            text = (
                export_views.empty(t, written.table)
                if not written.found
                else export_views.too_large(t, written.found)
            )
            await (_done(context, shown, text) if shown else reply(update, context, text))
            return
        caption = export_views.caption(t, written.table, written.rows)
        await answer(update)
        await uploading(update, context)
        content = await asyncio.to_thread(path.read_bytes)
        name = export_files.file_name(written.table, fmt)
        await reply_file(update, context, content, name, caption)
        if shown:
            await _done(context, shown, caption)
    finally:
        for written_file in (path, counted, counted.with_name(counted.name + ".new")):
            with contextlib.suppress(OSError):
                written_file.unlink()


async def _progress(
    update: Update,
    context: BotContext,
    job: asyncio.Future[export_files.Written],
    progress: export_files.Progress,
) -> Message | None:
    """Wait for a quick export; a longer one gets a message with its rows so far (the
    press is answered then, so its spinner stops), refreshed while it is written."""
    done, _ = await asyncio.wait({job}, timeout=long_work.PROGRESS_AFTER)
    chat = update.effective_chat
    if done or chat is None:
        return None
    await answer(update)
    shown = await context.bot.send_message(chat.id, _preparing(context, progress.rows))
    while not (await asyncio.wait({job}, timeout=PROGRESS_EVERY))[0]:
        await keep(context, chat.id, shown.message_id, Screen(_preparing(context, progress.rows)))
    return shown


def _preparing(context: BotContext, rows: int) -> str:
    return context.t.ngettext(
        "⏳ Preparing your export… %(n)s row", "⏳ Preparing your export… %(n)s rows", rows
    ) % {"n": context.t.number(rows)}


async def _done(context: BotContext, shown: Message, text: str) -> None:
    """The progress message, edited to say how the export ended."""
    await keep(context, shown.chat.id, shown.message_id, Screen(text))


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
