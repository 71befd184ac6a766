"""A typed quantity: "Other quantity…" on a product card, or a quantity pressed in the cart."""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    Drafts,
    conversation,
    message_text,
    typed,
)
from bot.domain.parsing import parse_quantity
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, send, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, cart_views


class QuantityDraft(BaseModel):
    """The product whose quantity is typed; `set`: it replaces the cart's, else it is added."""

    product_id: int
    set: bool


DRAFT = Drafts("quantity", QuantityDraft)


class State(IntEnum):
    """The one step: waiting for a number."""

    QTY = 1


async def ask(update: Update, context: BotContext) -> State:
    """cart:ask:<id> (add) or cart:set:<id> (replace): ask for a number."""
    cb = data_of(update)
    product = await context.services.catalog.product(cb.number(0), context.person.language)
    cart = await context.services.cart.view(context.person)
    current = next((x.qty for x in cart.lines if x.product_id == product.id), 0)
    replace = cb.action == actions.Cart.SET
    DRAFT.save(context, QuantityDraft(product_id=product.id, set=replace))
    await answer(update)
    maximum = context.config.checkout.max_quantity
    await send(
        update,
        context,
        cart_views.ask_quantity(context.t, product.name, current, maximum, replace),
    )
    return State.QTY


async def got_quantity(update: Update, context: BotContext) -> int:
    """A number typed: change the cart and show it."""
    draft = DRAFT.load(context)
    qty = parse_quantity(message_text(update), context.config.checkout.max_quantity)
    cart = context.services.cart
    if draft.set:
        value = await cart.set_quantity(context.person, draft.product_id, qty)
    else:
        value = await cart.add(context.person, draft.product_id, qty)
    DRAFT.drop(context)
    await show(update, context, cart_views.cart(context.t, value))
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel: leave the cart as it was."""
    DRAFT.drop(context)
    await say(update, context, context.t._("OK, the cart stays as it was."))
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """The typed-quantity conversation."""
    return conversation(
        "quantity",
        entry_points=[on_press(ask, actions.Cart.ASK, actions.Cart.SET)],
        states={
            State.QTY: typed(got_quantity),
        },
        fallbacks=[CommandHandler("cancel", cancel)],
    )
