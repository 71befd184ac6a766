"""A customer changes an order: address, note, a line's quantity or a product added; a reason
after approval."""

from __future__ import annotations

from enum import IntEnum
from typing import Literal

from pydantic import BaseModel
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    Drafts,
    conversation,
    leave_without_saving,
    message_text,
    pressed,
    typed,
)
from bot.domain.errors import DraftIncomplete, OrderNotFound
from bot.domain.models import OrderChange
from bot.domain.parsing import parse_quantity
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, order_views, request_views


class ChangeDraft(BaseModel):
    """The order, what is changed (a line's quantity, a product added, the address or the
    note), and the change once typed (a reason may still be asked after approval)."""

    order: int
    field: Literal["qty", "add", "address", "note"] | None = None
    line: int | None = None
    product: int | None = None
    change: OrderChange | None = None


DRAFT = Drafts("change", ChangeDraft)


class State(IntEnum):
    """Steps of changing an order."""

    MENU = 1
    VALUE = 2
    REASON = 3
    PRODUCT = 4


async def start(update: Update, context: BotContext) -> State:
    """ord:ch:<order>: the customer's own order, submitted or approved."""
    order_id = data_of(update).number(0)
    detail = await context.services.changes.changeable(context.person, order_id)
    DRAFT.save(context, ChangeDraft(order=order_id))
    await answer(update)
    await show(update, context, order_views.change_menu(context.t, detail))
    return State.MENU


async def add_product(update: Update, context: BotContext) -> State:
    """chg:p: ask which product to add."""
    DRAFT.load(context)
    await answer(update)
    await show(update, context, order_views.ask_product_to_add(context.t), new=True)
    return State.PRODUCT


async def new_address(update: Update, context: BotContext) -> State:
    """chg:a: ask the new delivery address."""
    DRAFT.update(context, field="address")
    return await _ask_value(update, context, context.t._("The new delivery address?"))


async def new_note(update: Update, context: BotContext) -> State:
    """chg:n: ask the new note."""
    DRAFT.update(context, field="note")
    return await _ask_value(update, context, context.t._("The new note?"))


async def new_quantity(update: Update, context: BotContext) -> State:
    """chg:l:<line>: ask the line's new quantity."""
    DRAFT.update(context, field="qty", line=data_of(update).number(0))
    return await _ask_value(update, context, context.t._("The new quantity?"))


async def _ask_value(update: Update, context: BotContext, prompt: str) -> State:
    t = context.t
    await answer(update)
    await say(update, context, prompt + "\n" + t._("/cancel keeps the order as it is."))
    return State.VALUE


async def got_words(update: Update, context: BotContext) -> State:
    """Words typed: the products found, each a button to add it."""
    words = message_text(update)
    page = await context.services.catalog.search(
        words, 0, context.person.language, for_user=context.person.id
    )
    await show(update, context, order_views.products_to_add(context.t, words, page))
    return State.PRODUCT


async def product_picked(update: Update, context: BotContext) -> State:
    """chg:pp:<product>: a product sold today; ask how many to add."""
    product_id = data_of(update).number(0)
    DRAFT.load(context)
    product = await context.services.catalog.product(
        product_id, context.person.language, for_user=context.person.id
    )
    DRAFT.update(context, field="add", product=product.id)
    await answer(update)
    await show(update, context, order_views.ask_quantity_to_add(context.t, product))
    return State.VALUE


async def got_value(update: Update, context: BotContext) -> int:
    """The new value typed: apply now, or ask the reason for the request."""
    draft = DRAFT.load(context)
    text = message_text(update)
    if draft.field == "qty":
        qty = parse_quantity(text, context.config.checkout.max_quantity)
        change = OrderChange(line_id=draft.line, qty=qty)
    elif draft.field == "add":
        qty = parse_quantity(text, context.config.checkout.max_quantity)
        change = OrderChange(product_id=draft.product, qty=qty)
    elif draft.field == "address":
        change = OrderChange(address=text)
    elif draft.field == "note":
        change = OrderChange(note=text)
    else:
        raise OrderNotFound()
    checked = await context.services.changes.check(context.person, draft.order, change)
    DRAFT.update(context, change=checked.change)
    if checked.reason_needed:
        await say(update, context, context.t._("Why? Our team will read it."))
        return State.REASON
    return await _submit(update, context, None)


async def got_reason(update: Update, context: BotContext) -> int:
    """The reason typed (after approval)."""
    return await _submit(update, context, message_text(update))


async def _submit(update: Update, context: BotContext, reason: str | None) -> int:
    draft = DRAFT.load(context)
    if draft.change is None:
        raise DraftIncomplete()
    outcome = await context.services.changes.change(
        context.person, draft.order, draft.change, reason
    )
    DRAFT.drop(context)
    if outcome.detail is None:  # a request: staff decide
        await show(update, context, request_views.change_requested(context.t, outcome.order))
        return ConversationHandler.END
    await say(update, context, context.t._("Changed."))
    screen = order_views.order_detail(context.t, context.config, outcome.detail)
    await show(update, context, screen)
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The change-order conversation."""
    leave = leave_without_saving(DRAFT)
    return conversation(
        "change_order",
        entry_points=[on_press(start, actions.Order.CHANGE)],
        states={
            State.MENU: pressed(
                (actions.ChangeOrder.ADDRESS, new_address),
                (actions.ChangeOrder.NOTE, new_note),
                (actions.ChangeOrder.LINE, new_quantity),
                (actions.ChangeOrder.ADD_PRODUCT, add_product),
            ),
            State.VALUE: typed(got_value),
            State.REASON: typed(got_reason),
            State.PRODUCT: typed(got_words, (actions.ChangeOrder.PRODUCT_PICKED, product_picked)),
        },
        fallbacks=[
            CommandHandler("cancel", leave),
            on_press(leave, actions.Order.VIEW),
        ],
    )
