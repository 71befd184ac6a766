"""Setting a customer's credit limit: the amount is typed."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    CustomerDraft,
    Drafts,
    conversation,
    leave_without_saving,
    message_text,
    typed,
)
from bot.domain.parsing import parse_money
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, customer_views

DRAFT = Drafts("credit", CustomerDraft)


class State(IntEnum):
    """The one step: waiting for an amount."""

    AMOUNT = 1


async def ask(update: Update, context: BotContext) -> State:
    """cus:cl:<customer>: managers may see it; ask the amount."""
    customer_id = data_of(update).number(0)
    await context.services.customer_admin.card(context.person, customer_id, to_edit=True)
    DRAFT.save(context, CustomerDraft(customer=customer_id))
    await answer(update)
    await show(update, context, customer_views.ask_credit(context.t), new=True)
    return State.AMOUNT


async def got_amount(update: Update, context: BotContext) -> int:
    """An amount typed (0 for no credit)."""
    customer_id = DRAFT.load(context).customer
    text = message_text(update).strip()
    limit = 0 if text == "0" else parse_money(text, context.config.business.minor_digits)
    card = await context.services.customer_admin.update(
        context.person, customer_id, credit_limit=limit
    )
    DRAFT.drop(context)
    await show(update, context, customer_views.card(context.t, card))
    return ConversationHandler.END


keep = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The credit-limit conversation."""
    return conversation(
        "credit",
        entry_points=[on_press(ask, actions.Customer.CREDIT_LIMIT)],
        states={State.AMOUNT: typed(got_amount)},
        fallbacks=[CommandHandler("cancel", keep)],
    )
