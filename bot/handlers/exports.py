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
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.errors import InvalidInput
from bot.domain.exports import Dataset, ExportPeriod, Preset
from bot.domain.roles import Permission
from bot.handlers.context import BotContext
from bot.handlers.documents import reply_file, uploading
from bot.handlers.render import answer, keep, reply, show
from bot.ui import export_files, export_views
from bot.ui.callbacks import BadCallback, Callback, parse
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


def _period(cb: Callback) -> ExportPeriod:
    """The period a button carries: its first and last day."""
    start, end = cb.day(1), cb.day(2)
    if start is None or end is None:
        raise BadCallback("an export needs its period")
    try:
        return ExportPeriod.of(start, end)
    except InvalidInput:
        raise BadCallback("not a period") from None


def _format(cb: Callback) -> export_files.Format:
    value = cb.text(3)
    if value not in export_files.Format._value2member_map_:
        raise BadCallback(value)
    return export_files.Format(value)


# An export still being written after this many seconds is shown as it goes: a message with
# the rows so far, refreshed every PROGRESS_EVERY seconds, then edited to say it is done.
PROGRESS_AFTER, PROGRESS_EVERY = 2.0, 5.0


async def _send(
    update: Update, context: BotContext, dataset: Dataset, period: ExportPeriod, cb: Callback
) -> None:
    """Write the file on a worker thread as its rows stream from the database, then send it;
    an empty period is said, not sent (so is one with more rows than a chat export takes)."""
    fmt = _format(cb)
    t = context.t
    handle, name = tempfile.mkstemp(prefix="orderdesk-export-", suffix=f".{fmt.value}")
    os.close(handle)
    path = Path(name)
    try:
        progress = export_files.Progress()
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
        with contextlib.suppress(OSError):
            path.unlink()


async def _progress(
    update: Update,
    context: BotContext,
    job: asyncio.Future[export_files.Written],
    progress: export_files.Progress,
) -> Message | None:
    """Wait for a quick export; a longer one gets a message with its rows so far (the
    press is answered then, so its spinner stops), refreshed while it is written."""
    done, _ = await asyncio.wait({job}, timeout=PROGRESS_AFTER)
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


async def export_button(update: Update, context: BotContext) -> None:
    """exp:h (data sets), exp:d:<data> (periods), exp:p:<data>:<first>:<last> (formats),
    exp:f:<data>:<first>:<last>:<xlsx|csv> (the file)."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    services, t, person = context.services, context.t, context.person
    if cb.action == "h":
        await services.staff.check(person, Permission.EXPORT, "export")
        screen = export_views.datasets(t)
    elif cb.action == "d":
        dataset = dataset_of(cb)
        await services.staff.check(person, Permission.EXPORT, "export")
        today = services.exports.today()
        presets = {p: ExportPeriod.preset(p, today) for p in Preset}
        screen = export_views.periods(t, dataset, presets)
    elif cb.action == "p":
        dataset, period = dataset_of(cb), _period(cb)
        await services.staff.check(person, Permission.EXPORT, "export")
        screen = export_views.formats(t, dataset, period)
    elif cb.action == "f":
        await _send(update, context, dataset_of(cb), _period(cb), cb)
        return
    else:
        raise BadCallback(cb.action)
    await answer(update)
    await show(update, context, screen)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """/export and its buttons (typed dates: bot/conversations/export.py)."""
    return [
        CommandHandler("export", export_command),
        CallbackQueryHandler(export_button, pattern=r"^exp:(h|d|p|f)(:|$)"),
    ]
