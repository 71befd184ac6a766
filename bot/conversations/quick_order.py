"""Quick order: type the products (or send a photo, file or voice note of them), confirm what
was understood (pick if unsure), fill the cart."""

from __future__ import annotations

import re
from enum import IntEnum

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.conversations.common import (
    Callback,
    Drafts,
    conversation,
    leave_without_saving,
    message_text,
    typed,
)
from bot.domain.business import read_quick_payload
from bot.domain.errors import DraftIncomplete
from bot.domain.quick_order import QuickOrder
from bot.handlers import intake
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.services.quick_order import QuickView
from bot.ui import actions, quick_order_views
from bot.ui.callbacks import Action, BadCallback

DRAFT = Drafts("quick_order", QuickOrder)  # the order as understood so far


class State(IntEnum):
    """Steps of a quick order."""

    ITEMS = 1
    REVIEW = 2


def _load(context: BotContext) -> QuickOrder:
    try:
        return DRAFT.load(context)
    except DraftIncomplete:
        raise BadCallback("quick order ended") from None  # a button of an order added or left


async def _review(update: Update, context: BotContext, view: QuickView) -> State:
    """Keep the order as understood so far and show it."""
    DRAFT.save(context, view.order)
    await show(update, context, quick_order_views.understood(context.t, view))
    return State.REVIEW


async def start(update: Update, context: BotContext) -> State:
    """/quick [items] or qo:start: ask for the items, or read them from the command at once."""
    await answer(update)
    text = re.sub(r"^/\S*", "", message_text(update), count=1) if update.message else ""
    if text.strip():
        view = await context.services.quick_order.understand(context.person, text)
        return await _review(update, context, view)
    DRAFT.drop(context)
    await show(update, context, quick_order_views.ask_items(context.t), new=True)
    return State.ITEMS


async def got_items(update: Update, context: BotContext) -> State:
    """The items typed: match them and show what was understood."""
    view = await context.services.quick_order.understand(context.person, message_text(update))
    return await _review(update, context, view)


async def got_media(update: Update, context: BotContext) -> State | None:
    """A photo, file or voice note instead of typed items: read, then reviewed the same way;
    if it cannot be read the person is told why and the step stays."""
    view = await intake.read(update, context)
    return None if view is None else await _review(update, context, view)


async def offer_media(update: Update, context: BotContext) -> None:
    """A photo, file or voice note outside any flow: the order in it offered for review (the
    review's buttons enter this flow), or why it could not be read."""
    view = await intake.read(update, context)
    if view is not None:
        await _review(update, context, view)


async def picked(update: Update, context: BotContext) -> State:
    """qo:pk:<line>:<product>: one of the candidates offered for an unsure line."""
    cb = data_of(update)
    order = _load(context).choose(cb.number(0), cb.number(1))
    await answer(update)
    return await _review(
        update, context, await context.services.quick_order.view(context.person, order)
    )


async def skipped(update: Update, context: BotContext) -> State:
    """qo:no:<line>: none of the candidates; the line is left out."""
    cb = data_of(update)
    order = _load(context).skip(cb.number(0))
    await answer(update)
    return await _review(
        update, context, await context.services.quick_order.view(context.person, order)
    )


async def again(update: Update, context: BotContext) -> State:
    """qo:re: type the list again."""
    DRAFT.drop(context)
    await answer(update)
    await show(update, context, quick_order_views.ask_items(context.t))
    return State.ITEMS


async def add(update: Update, context: BotContext) -> int:
    """qo:add: everything resolved goes into the cart; show it with its checkout button."""
    order = _load(context)
    if not order.resolved:
        await answer(update, context.t._("Please pick the product you meant first."), alert=True)
        return State.REVIEW
    result = await context.services.quick_order.add_to_cart(context.person, order)
    DRAFT.drop(context)
    await answer(update)
    await show(update, context, quick_order_views.added(context.t, result))
    return ConversationHandler.END


abort = leave_without_saving(DRAFT)


async def offer(update: Update, context: BotContext) -> bool:
    """Free text outside any flow: if it reads as a quick order, show what was understood with
    its buttons (they enter this flow) and say True; else False (the caller searches)."""
    view = await context.services.quick_order.offer(context.person, message_text(update))
    if view is None:
        return False
    await _review(update, context, view)
    return True


async def from_link(update: Update, context: BotContext, payload: str) -> bool:
    """/start qo_…: a quick order carried by a link (from an answer in a seller's business
    chat) shown for review with its buttons; False for a link that carries none."""
    items = read_quick_payload(payload)
    view = await context.services.quick_order.from_link(context.person, items) if items else None
    if view is None:
        return False
    await _review(update, context, view)
    return True


# The review's buttons also enter the flow: an order offered for free text (see offer) has them.
REVIEW_BUTTONS: tuple[tuple[Action, Callback], ...] = (
    (actions.QuickOrder.PICK, picked),
    (actions.QuickOrder.NONE, skipped),
    (actions.QuickOrder.ADD, add),
    (actions.QuickOrder.RETYPE, again),
)


def build() -> ConversationHandler[BotContext]:
    """The quick-order conversation."""
    return conversation(
        "quick_order",
        entry_points=[
            CommandHandler("quick", start),
            on_press(start, actions.QuickOrder.START),
            *(on_press(callback, action) for action, callback in REVIEW_BUTTONS),
            on_press(abort, actions.QuickOrder.CANCEL),
        ],
        states={
            State.ITEMS: [MessageHandler(intake.MEDIA, got_media), *typed(got_items)],
            State.REVIEW: [
                MessageHandler(intake.MEDIA, got_media),
                *typed(got_items, *REVIEW_BUTTONS),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", abort),
            on_press(abort, actions.QuickOrder.CANCEL),
        ],
    )


def media_handler() -> BaseHandler[Update, BotContext, None]:
    """Next to the free text handler: a photo, file or voice note in a private chat that no
    flow is waiting for."""
    return MessageHandler(intake.MEDIA & filters.ChatType.PRIVATE, offer_media)
