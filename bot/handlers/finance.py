"""Finance: /invoice, /receivables, the Issue invoice and I've paid buttons; /payment is a flow."""

from __future__ import annotations

import logging
from typing import assert_never

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.roles import Permission
from bot.handlers.context import BotContext
from bot.handlers.documents import invoice_file, note_file, reply_file, uploading
from bot.handlers.progress import with_progress
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, redraw, routes
from bot.services.invoices import InvoiceAgain, NewInvoice, NoteAgain
from bot.services.money import Invoice
from bot.ui import actions, finance_views, invoice_views, note_views

log = logging.getLogger(__name__)


async def _issued(update: Update, context: BotContext, invoice: Invoice) -> None:
    """Finance gets the invoice's PDF with a button to record its payment (the customer
    receives theirs through the outbox); the text alone if the PDF cannot be made."""
    screen = finance_views.invoice_issued(context.t, invoice)
    try:
        doc = await context.services.invoices.document(context.person, invoice.number)
        content, name = await invoice_file(context, doc)
    except Exception:
        log.exception("the PDF of invoice %s could not be made", invoice.number)
        await show(update, context, screen)
        return
    markup = screen.keyboard if isinstance(screen.keyboard, InlineKeyboardMarkup) else None
    await reply_file(update, context, content, name, screen.text, markup)


async def invoice_command(update: Update, context: BotContext) -> None:
    """/invoice NUMBER: an issued invoice (INV-… or its order's SO-…) as PDF again, for its
    customer or staff who see receivables; an order without one gets it issued (finance)."""
    if not context.args:
        await context.services.staff.check(context.person, Permission.RECORD_PAYMENTS, "invoice")
        raise InvalidInput(InputProblem.ORDER_NUMBER_MISSING)
    found = await context.services.invoices.reprint_or_issue(context.person, context.args[0][:32])
    match found:
        case NewInvoice(invoice=invoice):
            await _issued(update, context, invoice)
        case NoteAgain(document=note):
            await uploading(update, context)
            content, name = await note_file(context, note)
            caption = note_views.resent_caption(context.t, note)
            await reply_file(update, context, content, name, caption)
        case InvoiceAgain(document=doc, own=own):
            await uploading(update, context)
            content, name = await with_progress(update, context, invoice_file(context, doc))
            caption = invoice_views.resent_caption(context.t, doc, own)
            await reply_file(update, context, content, name, caption)
        case _:
            assert_never(found)


async def said_paid(update: Update, context: BotContext) -> None:
    """fin:paid:<order>: a customer's "I've paid" under a payment reminder (finance told once
    per amount owed; the reminder is kept)."""
    claim = await context.services.finance.said_paid(context.person, data_of(update).number(0))
    await answer(update)
    await say(update, context, finance_views.paid_claim(context.t, claim))


async def issue_invoice(update: Update, context: BotContext) -> None:
    """fin:inv:<order>: issue its invoice."""
    order_id = data_of(update).number(0)
    invoice = await context.services.finance.issue_invoice(context.person, order_id=order_id)
    await answer(update)
    await _issued(update, context, invoice)


async def customer_balance(update: Update, context: BotContext) -> None:
    """fin:c:<customer>: what a customer owes."""
    balance = await context.services.finance.customer_balance(
        context.person, data_of(update).number(0)
    )
    await redraw(update, context, finance_views.customer_balance(context.t, balance))


async def pause_reminders(update: Update, context: BotContext) -> None:
    """fin:rm:<customer>:<1|0>: pause or resume their reminders, from their balance (who
    may not see it is refused before any change)."""
    cb = data_of(update)
    balance = await context.services.finance.pause_reminders(
        context.person, cb.number(0), bool(cb.number(1, high=1))
    )
    await redraw(update, context, finance_views.customer_balance(context.t, balance))


async def receivables_command(update: Update, context: BotContext) -> None:
    """/receivables: outstanding, overdue and ageing."""
    value = await context.services.finance.receivables(context.person)
    await show(update, context, finance_views.receivables(context.t, value))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Finance commands and buttons."""
    return [
        CommandHandler("invoice", invoice_command),
        CommandHandler("receivables", receivables_command),
        *routes(
            {
                actions.Finance.PAID: said_paid,
                actions.Finance.INVOICE: issue_invoice,
                actions.Finance.CUSTOMER: customer_balance,
                actions.Finance.PAUSE_REMINDERS: pause_reminders,
            }
        ),
    ]
