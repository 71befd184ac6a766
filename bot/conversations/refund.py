"""Recording a refund: the order, the amount (never more than is due), method, date, confirm."""

from __future__ import annotations

import secrets

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    Drafts,
    conversation,
    message_text,
    typed,
)
from bot.conversations.money_steps import MoneyDraft, MoneySteps, State
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.services.finance import FinanceService
from bot.ui import actions, refund_views
from bot.ui.screen import Screen

DRAFT = Drafts("refund", MoneyDraft)


async def _ask_amount(
    update: Update,
    context: BotContext,
    *,
    number: str | None = None,
    order_id: int | None = None,
    new: bool = False,
) -> State:
    order = await context.services.finance.refund_due(
        context.person, number=number, order_id=order_id
    )
    token = secrets.token_urlsafe(12)
    draft = MoneyDraft(order=order.id, number=order.number, full=order.refund_due, token=token)
    DRAFT.save(context, draft)
    await show(update, context, refund_views.ask_amount(context.t, order), new=new)
    return State.AMOUNT


async def start(update: Update, context: BotContext) -> int:
    """/refund [NUMBER]: finance only; without a number, the orders with money to pay back."""
    if context.args:
        return await _ask_amount(update, context, number=context.args[0][:32])
    due = await context.services.finance.refunds_due(context.person)
    await show(update, context, refund_views.due_list(context.t, due))
    return State.NUMBER if due else ConversationHandler.END


async def got_number(update: Update, context: BotContext) -> State:
    """An order number typed."""
    return await _ask_amount(update, context, number=message_text(update).strip()[:32])


async def order_chosen(update: Update, context: BotContext) -> State:
    """rfd:o:<order>: from finance's refund-due notice or the /refund list (re-authorised)."""
    order_id = data_of(update).number(0)
    # A new message: the notice (maybe in finance's group) stays as it was. Answered after:
    # a refusal (not finance, nothing due) is the press's alert.
    state = await _ask_amount(update, context, order_id=order_id, new=True)
    await answer(update)
    return state


async def _confirm(context: BotContext, draft: MoneyDraft) -> Screen:
    """The refund and what would still be due after it."""
    amount, method, day = draft.entered()
    return refund_views.confirm(
        context.t, draft.number, amount, draft.full, method, context.t.date(day)
    )


# An amount is refused (the step stays) if it is more than is due now.
STEPS = MoneySteps(
    buttons=actions.Refund,
    drafts=DRAFT,
    check=FinanceService.check_refund,
    record_with=FinanceService.record_refund,
    ask_method=refund_views.ask_method,
    ask_date=refund_views.ask_date,
    confirm=_confirm,
    recorded=refund_views.recorded,
)


def build() -> ConversationHandler[BotContext]:
    """The refund conversation."""
    return conversation(
        "refund",
        entry_points=[
            CommandHandler("refund", start),
            on_press(order_chosen, actions.Refund.ORDER),
        ],
        states={State.NUMBER: typed(got_number), **STEPS.states()},
        fallbacks=STEPS.fallbacks(),
    )
