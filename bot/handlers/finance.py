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


async def finance_button(update: Update, context: BotContext) -> None:
    """fin:inv:<order id> issues an invoice; fin:c:<customer> shows what a customer owes;
    fin:rm:<customer>:<1|0> pauses or resumes their reminders."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    finance, person = context.services.finance, context.person
    if cb.action == "inv":
        invoice = await finance.issue_invoice(person, order_id=cb.number(0))
        await answer(update)
        await _issued(update, context, invoice)
        return
    if cb.action == "rm":
        paused = bool(cb.number(1, high=1))
        await context.services.customer_admin.pause_reminders(person, cb.number(0), paused)
    elif cb.action != "c":
        raise BadCallback(cb.action)
    balance = await finance.customer_balance(person, cb.number(0))
    await answer(update)
    await show(update, context, finance_views.customer_balance(context.t, balance))


async def receivables_command(update: Update, context: BotContext) -> None:
    """/receivables: outstanding, overdue and ageing."""
    value = await context.services.finance.receivables(context.person)
    await show(update, context, finance_views.receivables(context.t, value))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Finance commands and buttons."""
    return [
        CommandHandler("invoice", invoice_command),
        CommandHandler("receivables", receivables_command),
        CallbackQueryHandler(finance_button, pattern=r"^fin:"),
    ]
