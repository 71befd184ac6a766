"""Finance: /invoice, /receivables, the Issue invoice button; /payment is a conversation."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.roles import Permission
from bot.handlers.context import BotContext
from bot.handlers.notify import notify
from bot.handlers.render import answer, show
from bot.services.finance import Invoice
from bot.ui import finance_views
from bot.ui.callbacks import BadCallback, parse


async def _issued(update: Update, context: BotContext, invoice: Invoice) -> None:
    await show(update, context, finance_views.invoice_issued(context.t, invoice))
    await notify(
        context, [invoice.customer_user], lambda t: finance_views.to_customer_invoice(t, invoice)
    )


async def invoice_command(update: Update, context: BotContext) -> None:
    """/invoice NUMBER: issue the order's invoice with its due dates."""
    if not context.args:
        await context.services.staff.check(context.person, Permission.RECORD_PAYMENTS, "invoice")
        raise InvalidInput(InputProblem.ORDER_NUMBER_MISSING)
    invoice = await context.services.finance.issue_invoice(
        context.person, number=context.args[0][:32]
    )
    await _issued(update, context, invoice)


async def invoice_button(update: Update, context: BotContext) -> None:
    """fin:inv:<order id>."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    if cb.action != "inv":
        raise BadCallback(cb.action)
    invoice = await context.services.finance.issue_invoice(context.person, order_id=cb.number(0))
    await answer(update)
    await _issued(update, context, invoice)


async def receivables_command(update: Update, context: BotContext) -> None:
    """/receivables: outstanding, overdue and ageing."""
    value = await context.services.finance.receivables(context.person)
    await show(update, context, finance_views.receivables(context.t, value))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Finance commands and buttons."""
    return [
        CommandHandler("invoice", invoice_command),
        CommandHandler("receivables", receivables_command),
        CallbackQueryHandler(invoice_button, pattern=r"^fin:"),
    ]
