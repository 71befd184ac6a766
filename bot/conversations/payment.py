"""Recording a payment: the order, the amount (more than owed pays the customer's other open
orders, oldest first; the rest is paid back), method, date, confirm with where it goes."""

from __future__ import annotations

import re
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
from bot.domain.roles import Permission
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.services.finance import FinanceService
from bot.ui import actions, finance_views
from bot.ui.screen import Screen

DRAFT = Drafts("payment", MoneyDraft)
ORDER_NUMBER = re.compile(r"SO-\d{8}-\d{4}", re.IGNORECASE)


async def _ask_amount(
    update: Update, context: BotContext, number: str | None = None, order_id: int | None = None
) -> State:
    order, owed = await context.services.finance.owed(
        context.person, number=number, order_id=order_id
    )
    token = secrets.token_urlsafe(12)
    DRAFT.save(context, MoneyDraft(order=order.id, number=order.number, full=owed, token=token))
    await show(update, context, finance_views.ask_amount(context.t, order, owed))
    return State.AMOUNT


async def start(update: Update, context: BotContext) -> State:
    """/payment [NUMBER]: finance only; ask the order unless given."""
    if context.args:
        return await _ask_amount(update, context, number=context.args[0][:32])
    await context.services.staff.check(context.person, Permission.RECORD_PAYMENTS, "payment")
    await show(update, context, finance_views.ask_number(context.t))
    return State.NUMBER


async def got_number(update: Update, context: BotContext) -> State:
    """An order number, or part of a customer's name, company or phone."""
    text = message_text(update).strip()
    if ORDER_NUMBER.fullmatch(text):
        return await _ask_amount(update, context, number=text)
    found = await context.services.finance.unpaid_of(context.person, text)
    await show(update, context, finance_views.unpaid(context.t, found))
    return State.NUMBER


async def order_chosen(update: Update, context: BotContext) -> State:
    """pay:o:<order>: one of the customer's unpaid orders."""
    order_id = data_of(update).number(0)
    await answer(update)
    return await _ask_amount(update, context, order_id=order_id)


async def _confirm(context: BotContext, draft: MoneyDraft) -> Screen:
    """The payment and where it would go."""
    amount, method, day = draft.entered()
    plan = await context.services.finance.plan_payment(context.person, draft.order, amount)
    t = context.t
    return finance_views.confirm(t, draft.number, amount, method, t.date(day), plan=plan)


# An amount is refused (the step stays) if nothing can take it: a cancelled or rejected order.
STEPS = MoneySteps(
    buttons=actions.Payment,
    drafts=DRAFT,
    check=FinanceService.plan_payment,
    record_with=FinanceService.record_payment,
    ask_method=finance_views.ask_method,
    ask_date=finance_views.ask_date,
    confirm=_confirm,
    recorded=finance_views.recorded,
)


def build() -> ConversationHandler[BotContext]:
    """The payment conversation."""
    return conversation(
        "payment",
        entry_points=[
            CommandHandler("payment", start),
            # "💰 Record payment" under an invoice or a customer's "I've paid".
            on_press(order_chosen, actions.Payment.ORDER),
        ],
        states={
            State.NUMBER: typed(got_number, (actions.Payment.ORDER, order_chosen)),
            **STEPS.states(),
        },
        fallbacks=STEPS.fallbacks(),
    )
