"""An order taken by phone: staff type the lines, choose delivery, address and term, confirm."""

from __future__ import annotations

import secrets
from enum import IntEnum

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
from bot.domain.errors import DraftIncomplete, NotInCatalog, OptionNotOffered, UnknownSku
from bot.domain.parsing import parse_address, parse_order_lines
from bot.domain.product_match import MatchKind
from bot.domain.quick_order import QuickOrder, typed_as_sku_lines
from bot.handlers.context import BotContext
from bot.handlers.render import answer, send_below, show
from bot.handlers.routes import data_of, on_press
from bot.services.checkout import CheckoutDraft
from bot.services.customer_admin import CustomerCard
from bot.services.quick_order import QuickView
from bot.ui import actions, customer_views, quick_order_views
from bot.ui.screen import Screen


class OrderForDraft(BaseModel):
    """The customer, the lines (and the typed order while a line is unsure), then delivery,
    address and term; `token` makes placing it happen once."""

    customer: int
    name: str
    quick: QuickOrder | None = None
    items: list[tuple[str, int]] = []
    delivery: str | None = None
    address: str | None = None
    term: str | None = None
    token: str | None = None


DRAFT = Drafts("order_for", OrderForDraft)


class State(IntEnum):
    """Steps of an order taken by phone."""

    ITEMS = 1
    DELIVERY = 2
    ADDRESS = 3
    TERM = 4
    CONFIRM = 5
    PICK = 6


async def start(update: Update, context: BotContext) -> State:
    """ob:go:<customer>: the customer's rep or a manager; ask the lines."""
    customer_id = data_of(update).number(0)
    card = await context.services.customer_admin.card(context.person, customer_id)
    await context.services.checkout.preview_for(context.person, customer_id, [])
    DRAFT.save(context, OrderForDraft(customer=customer_id, name=card.customer.name))
    await answer(update)
    await show(update, context, customer_views.ask_items(context.t, card.customer.name), new=True)
    return State.ITEMS


async def got_items(update: Update, context: BotContext) -> State:
    """Lines typed, as SKU QTY or free text ("3 x A4 paper"): match them; ask where unsure."""
    draft = DRAFT.load(context)
    text = message_text(update)
    sku_lines = typed_as_sku_lines(text)
    if sku_lines:
        parse_order_lines(text, context.config.checkout.max_quantity)  # its own clear errors
    view = await context.services.quick_order.understand_for(context.person, draft.customer, text)
    missing = [line.words for line in view.order.lines if line.kind is MatchKind.NOT_FOUND]
    if missing and sku_lines:
        raise UnknownSku(sku=missing[0].upper())
    if missing:
        raise NotInCatalog(tuple(missing))
    return await _resolve(update, context, view)


async def _resolve(update: Update, context: BotContext, view: QuickView) -> State:
    """Ask the next unsure line; once none is left, price the lines and ask the delivery."""
    if not view.order.resolved:
        DRAFT.update(context, quick=view.order)
        await show(
            update, context, quick_order_views.understood(context.t, view, actions.OrderFor)
        )
        return State.PICK
    draft = DRAFT.update(context, quick=None)
    items = view.sku_items()
    if not items:
        await show(update, context, customer_views.ask_items(context.t, draft.name))
        return State.ITEMS
    cart = await context.services.checkout.preview_for(context.person, draft.customer, items)
    DRAFT.update(context, items=items)
    await show(update, context, customer_views.items_priced(context.t, context.config, cart))
    return State.DELIVERY


async def picked(update: Update, context: BotContext) -> State:
    """ob:pk:<line>:<product> (one of the candidates offered) or ob:no:<line> (none of them)."""
    cb = data_of(update)
    draft = DRAFT.load(context)
    order = draft.quick or QuickOrder.model_validate({"lines": []})
    if cb.action == actions.OrderFor.PICK:
        order = order.choose(cb.number(0), cb.number(1))
    else:
        order = order.skip(cb.number(0))
    view = await context.services.quick_order.view_for(context.person, draft.customer, order)
    await answer(update)
    return await _resolve(update, context, view)


async def _card(context: BotContext) -> CustomerCard:
    return await context.services.customer_admin.card(context.person, DRAFT.load(context).customer)


async def delivery_chosen(update: Update, context: BotContext) -> State:
    """ob:dl:<code>."""
    code = data_of(update).text(0)
    method = context.config.delivery_method(code)
    if method is None:
        raise OptionNotOffered()
    DRAFT.update(context, delivery=code)
    await answer(update)
    card = await _card(context)
    if method.needs_address:
        await show(update, context, customer_views.choose_address(context.t, card))
        return State.ADDRESS
    await show(update, context, customer_views.choose_term(context.t, card))
    return State.TERM


async def _to_term(update: Update, context: BotContext, address: str) -> State:
    DRAFT.update(context, address=address)
    await show(update, context, customer_views.choose_term(context.t, await _card(context)))
    return State.TERM


async def address_chosen(update: Update, context: BotContext) -> State:
    """ob:ad:<id>: one of the customer's saved addresses."""
    wanted = data_of(update).number(0)
    customer = DRAFT.load(context).customer
    address = await context.services.customer_admin.address_of(context.person, customer, wanted)
    await answer(update)
    return await _to_term(update, context, address)


async def address_typed(update: Update, context: BotContext) -> State:
    """A new address typed."""
    return await _to_term(update, context, parse_address(message_text(update)))


async def term_chosen(update: Update, context: BotContext) -> State:
    """ob:pt:<code>: a term allowed to the customer."""
    code = data_of(update).text(0)
    await context.services.customer_admin.term_of(
        context.person, DRAFT.load(context).customer, code
    )
    draft = DRAFT.update(context, term=code, token=secrets.token_urlsafe(12))
    cart = await context.services.checkout.preview_for(context.person, draft.customer, draft.items)
    await answer(update)
    await show(update, context, customer_views.confirm_for(context.t, draft.name, cart))
    return State.CONFIRM


async def place(update: Update, context: BotContext) -> int:
    """ob:ok: place it; the customer, deciders and warehouse are told as for any order."""
    draft = DRAFT.load(context)
    if draft.token is None or draft.delivery is None or draft.term is None:
        raise DraftIncomplete()
    checkout = CheckoutDraft(
        token=draft.token,
        delivery=draft.delivery,
        address=draft.address,
        date_chosen=True,
        term=draft.term,
        note_chosen=True,
    )
    submission = await context.services.checkout.submit_for(
        context.person, draft.customer, draft.items, checkout
    )
    DRAFT.drop(context)
    await answer(update)
    order = submission.order
    text = context.t._("Order %(number)s is placed.") % {"number": order.number}
    await send_below(update, context, Screen(text))  # the order as confirmed stays above
    return ConversationHandler.END  # the customer and the deciders are told by the outbox


abort = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The order-by-phone conversation."""
    return conversation(
        "order_for",
        entry_points=[on_press(start, actions.OrderFor.START)],
        states={
            State.ITEMS: typed(got_items),
            State.PICK: typed(
                got_items, (actions.OrderFor.PICK, picked), (actions.OrderFor.NONE, picked)
            ),
            State.DELIVERY: pressed((actions.OrderFor.DELIVERY, delivery_chosen)),
            State.ADDRESS: typed(address_typed, (actions.OrderFor.ADDRESS, address_chosen)),
            State.TERM: pressed((actions.OrderFor.TERM, term_chosen)),
            State.CONFIRM: pressed((actions.OrderFor.PLACE, place)),
        },
        fallbacks=[
            CommandHandler("cancel", abort),
            on_press(abort, actions.OrderFor.CANCEL),
        ],
    )
