"""A customer changes an order: address, note, a line's quantity or a product added; a reason
after approval."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    conversation,
    drop_draft,
    get_draft,
    leave_without_saving,
    message_text,
    pressed,
    typed,
)
from bot.domain.errors import OrderNotFound, TransitionRefused
from bot.domain.models import OrderChange, OrderStatus
from bot.domain.order_status import CHANGEABLE
from bot.domain.parsing import parse_quantity
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, order_views, request_views

DRAFT = "change"


class State(IntEnum):
    """Steps of changing an order."""

    MENU = 1
    VALUE = 2
    REASON = 3
    PRODUCT = 4


async def start(update: Update, context: BotContext) -> State:
    """ord:ch:<order>: the customer's own order, submitted or approved."""
    order_id = data_of(update).number(0)
    detail = await context.services.orders.detail(context.person, order_id=order_id)
    if detail.order.status not in CHANGEABLE:
        raise TransitionRefused(current=detail.order.status, wanted=detail.order.status)
    context.user_data[DRAFT] = {"order": order_id}  # type: ignore[index]
    await answer(update)
    await show(update, context, order_views.change_menu(context.t, detail))
    return State.MENU


async def add_product(update: Update, context: BotContext) -> State:
    """chg:p: ask which product to add."""
    get_draft(context, DRAFT)
    await answer(update)
    await show(update, context, order_views.ask_product_to_add(context.t), new=True)
    return State.PRODUCT


async def new_address(update: Update, context: BotContext) -> State:
    """chg:a: ask the new delivery address."""
    get_draft(context, DRAFT)["field"] = "address"
    return await _ask_value(update, context, context.t._("The new delivery address?"))


async def new_note(update: Update, context: BotContext) -> State:
    """chg:n: ask the new note."""
    get_draft(context, DRAFT)["field"] = "note"
    return await _ask_value(update, context, context.t._("The new note?"))


async def new_quantity(update: Update, context: BotContext) -> State:
    """chg:l:<line>: ask the line's new quantity."""
    draft = get_draft(context, DRAFT)
    draft["field"], draft["line"] = "qty", data_of(update).number(0)
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
    draft = get_draft(context, DRAFT)
    product = await context.services.catalog.product(
        product_id, context.person.language, for_user=context.person.id
    )
    draft["field"], draft["product"] = "add", product.id
    await answer(update)
    await show(update, context, order_views.ask_quantity_to_add(context.t, product))
    return State.VALUE


async def got_value(update: Update, context: BotContext) -> int:
    """The new value typed: apply now, or ask the reason for the request."""
    draft = get_draft(context, DRAFT)
    text = message_text(update)
    if draft.get("field") == "qty":
        qty = parse_quantity(text, context.config.checkout.max_quantity)
        change = OrderChange(line_id=draft["line"], qty=qty)
    elif draft.get("field") == "add":
        qty = parse_quantity(text, context.config.checkout.max_quantity)
        change = OrderChange(product_id=draft["product"], qty=qty)
    elif draft.get("field") == "address":
        change = OrderChange(address=text)
    elif draft.get("field") == "note":
        change = OrderChange(note=text)
    else:
        raise OrderNotFound()
    change = context.services.changes.validate(change)
    draft["change"] = change.model_dump(exclude_none=True)
    detail = await context.services.orders.detail(context.person, order_id=draft["order"])
    if detail.order.status is OrderStatus.APPROVED:
        await say(update, context, context.t._("Why? Our team will read it."))
        return State.REASON
    return await _submit(update, context, None)


async def got_reason(update: Update, context: BotContext) -> int:
    """The reason typed (after approval)."""
    return await _submit(update, context, message_text(update))


async def _submit(update: Update, context: BotContext, reason: str | None) -> int:
    draft = get_draft(context, DRAFT)
    change = OrderChange.model_validate(draft["change"])
    outcome = await context.services.changes.change(context.person, draft["order"], change, reason)
    drop_draft(context, DRAFT)
    if outcome.request_id is not None:
        await show(update, context, request_views.change_requested(context.t, outcome.order))
        return ConversationHandler.END
    detail = await context.services.orders.detail(context.person, order_id=outcome.order.id)
    await say(update, context, context.t._("Changed."))
    await show(update, context, order_views.order_detail(context.t, context.config, detail))
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
