"""A customer's prices: the standing discount and special prices per product, typed by managers."""

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
from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.parsing import parse_money, parse_percent
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, customer_views

DRAFT = Drafts("customer_prices", CustomerDraft)


class State(IntEnum):
    """Waiting for a percent, or for a SKU and a price."""

    DISCOUNT = 1
    SPECIAL = 2


async def _start(update: Update, context: BotContext) -> int:
    customer_id = data_of(update).number(0)
    await context.services.customer_admin.price_list(context.person, customer_id)
    DRAFT.save(context, CustomerDraft(customer=customer_id))
    await answer(update)
    return customer_id


async def ask_discount(update: Update, context: BotContext) -> State:
    """cus:dc:<customer>: managers may; ask the percent."""
    await _start(update, context)
    await show(update, context, customer_views.ask_discount(context.t), new=True)
    return State.DISCOUNT


async def got_discount(update: Update, context: BotContext) -> int:
    """A percent typed: the standing discount set, the card shown."""
    customer_id = DRAFT.load(context).customer
    bp = parse_percent(message_text(update))
    card = await context.services.customer_admin.set_discount(context.person, customer_id, bp)
    DRAFT.drop(context)
    await show(update, context, customer_views.card(context.t, card))
    return ConversationHandler.END


async def ask_special(update: Update, context: BotContext) -> State:
    """cus:sa:<customer>: managers may; ask SKU and price."""
    await _start(update, context)
    await show(update, context, customer_views.ask_special_price(context.t), new=True)
    return State.SPECIAL


async def got_special(update: Update, context: BotContext) -> int:
    """A SKU and a price typed: the special price set, the price list shown."""
    customer_id = DRAFT.load(context).customer
    sku, _, amount = message_text(update).strip().partition(" ")
    if not sku or not amount.strip():
        raise InvalidInput(InputProblem.AMOUNT_INVALID)
    price = parse_money(amount, context.config.business.minor_digits)
    prices = await context.services.customer_admin.set_special_price(
        context.person, customer_id, sku, price
    )
    DRAFT.drop(context)
    await show(update, context, customer_views.price_list(context.t, prices))
    return ConversationHandler.END


keep = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The customer-prices conversation (discount, or one special price)."""
    return conversation(
        "customer_prices",
        entry_points=[
            on_press(ask_discount, actions.Customer.DISCOUNT),
            on_press(ask_special, actions.Customer.ADD_PRICE),
        ],
        states={State.DISCOUNT: typed(got_discount), State.SPECIAL: typed(got_special)},
        fallbacks=[CommandHandler("cancel", keep)],
    )
