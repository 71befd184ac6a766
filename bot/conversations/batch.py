"""Batch orders: staff send a file of orders; every row is checked; the valid orders are made."""

from __future__ import annotations

import secrets
from enum import IntEnum

from pydantic import BaseModel
from telegram import InputFile, Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.conversations.common import (
    NOT_COMMAND,
    Drafts,
    conversation,
    leave_without_saving,
)
from bot.domain.batch import MAX_BYTES, BatchFileInvalid, FileProblem, file_type
from bot.handlers.context import BotContext
from bot.handlers.progress import with_progress
from bot.handlers.render import answer, reply, show
from bot.handlers.routes import on_press
from bot.services.batch_orders import BatchOrder
from bot.ui import actions, batch_views

DOCUMENT = filters.UpdateType.MESSAGE & filters.Document.ALL


class BatchDraft(BaseModel):
    """The file checked and its valid orders; `token` makes their creation happen once."""

    token: str
    file: str
    orders: list[BatchOrder]


DRAFT = Drafts("batch", BatchDraft, text=True)


class State(IntEnum):
    """Steps of a batch upload."""

    FILE = 1
    REVIEW = 2


async def start(update: Update, context: BotContext) -> State:
    """/batch: reps, managers and admins; ask for the file."""
    await context.services.batch_orders.may_batch(context.person)
    DRAFT.drop(context)
    await show(update, context, batch_views.ask_file(context.t, context.config))
    return State.FILE


async def got_file(update: Update, context: BotContext) -> State:
    """A document: refuse other types and big files before downloading; check every row."""
    document = update.message.document if update.message else None
    if document is None:
        return State.FILE
    name = document.file_name or "file"
    file_type(name)
    if (document.file_size or 0) > MAX_BYTES:
        raise BatchFileInvalid(FileProblem.SIZE, limit=MAX_BYTES)
    telegram_file = await context.bot.get_file(document.file_id)
    content = bytes(await telegram_file.download_as_bytearray())
    check = await with_progress(
        update, context, context.services.batch_orders.check(context.person, name, content)
    )
    draft = BatchDraft(token=secrets.token_urlsafe(12), file=name, orders=list(check.orders))
    DRAFT.save(context, draft)
    await show(update, context, batch_views.report(context.t, check))
    return State.REVIEW


async def create(update: Update, context: BotContext) -> int:
    """bt:ok: the valid orders not made yet, 25 a transaction; each customer and decider is told
    (a stop says what was made: the state stays, pressing again makes the rest)."""
    draft = DRAFT.load(context)
    result = await with_progress(
        update,
        context,
        context.services.batch_orders.create(
            context.person, draft.file, draft.orders, draft.token
        ),
    )
    DRAFT.drop(context)
    await answer(update)
    await show(update, context, batch_views.created(context.t, result))
    return ConversationHandler.END


async def send_template(update: Update, context: BotContext) -> None:
    """bt:tpl: a CSV with the columns and an example order."""
    await answer(update)
    if update.effective_chat is None:
        return
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(batch_views.template(context.config), filename=batch_views.TEMPLATE_NAME),
        caption=context.t._("Fill it in and send it back."),
    )


async def file_please(update: Update, context: BotContext) -> None:
    """Text, a photo or a sticker where the file was asked: say so; the state stays."""
    await reply(
        update,
        context,
        context.t._("Please send the orders as an .xlsx or .csv file (a document), or /cancel."),
    )


abort = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The batch upload conversation."""
    return conversation(
        "batch",
        entry_points=[CommandHandler("batch", start)],
        states={
            State.FILE: [
                MessageHandler(DOCUMENT, got_file),
                on_press(send_template, actions.Batch.TEMPLATE),
                MessageHandler(NOT_COMMAND, file_please),
            ],
            State.REVIEW: [
                on_press(create, actions.Batch.CREATE),
                MessageHandler(DOCUMENT, got_file),
                MessageHandler(NOT_COMMAND, file_please),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", abort),
            on_press(abort, actions.Batch.CANCEL),
        ],
    )
