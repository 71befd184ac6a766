"""Files sent as Telegram documents: exports, invoice and credit note PDFs and statements of
account, made in a worker process (bot/runtime/offload.py), off the event loop."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.handlers.context import BotContext
from bot.i18n import Texts
from bot.services.invoices import InvoiceDocument, NoteDocument
from bot.services.statements import StatementView
from bot.ui import invoice_pdf, note_pdf, statement_pdf, statement_xlsx
from bot.ui.statement_views import FileFormat, file_name

log = logging.getLogger(__name__)


async def reply_file(
    update: Update,
    context: BotContext,
    content: bytes,
    name: str,
    caption: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Send a file in the current chat (with buttons under it, if given)."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_document(
            chat.id, content, filename=name, caption=caption, reply_markup=markup
        )


async def uploading(update: Update, context: BotContext) -> None:
    """Show "sending a file…" while it is being made."""
    chat = update.effective_chat
    if chat is not None:
        try:
            await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
        except TelegramError as error:
            log.debug("chat action refused: %s", error)


async def invoice_file(context: BotContext, doc: InvoiceDocument) -> tuple[bytes, str]:
    """The invoice PDF in its customer's language, and its file name."""
    user = doc.customer_user
    t = context.i18n.texts(user.language, user.time_zone)
    pdf = await context.offload.run(invoice_pdf.render, t, doc)
    return pdf, f"{doc.number}.pdf"


async def note_file(context: BotContext, doc: NoteDocument) -> tuple[bytes, str]:
    """A credit or debit note's PDF in its customer's language, and its file name."""
    user = doc.customer_user
    t = context.i18n.texts(user.language, user.time_zone)
    pdf = await context.offload.run(note_pdf.render, t, doc)
    return pdf, f"{doc.number}.pdf"


async def statement_file(
    context: BotContext, t: Texts, view: StatementView, fmt: FileFormat
) -> tuple[bytes, str]:
    """A statement of account as PDF or XLSX in the language of `t`, and its file name."""
    writer = statement_pdf.render if fmt is FileFormat.PDF else statement_xlsx.write
    content = await context.offload.run(writer, t, view)
    return content, file_name(view, fmt)
