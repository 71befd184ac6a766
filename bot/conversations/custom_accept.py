"""Accepting a custom quote (cu:ok): the customer chooses the delivery address (a saved one or
a new one) and, where more than one is open to them, the payment term, with checkout's own
steps; then the order of type custom goes to review like any other."""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.checkout import offered_term, saved_address
from bot.conversations.common import (
    Drafts,
    conversation,
    leave_without_saving,
    message_text,
    pressed,
    typed,
)
from bot.domain.parsing import parse_address
from bot.handlers.context import BotContext
from bot.handlers.render import answer, keep, show
from bot.handlers.routes import data_of, on_press
from bot.services.checkout import CheckoutDraft
from bot.ui import actions, order_views


class AcceptDraft(BaseModel):
    """The quote accepted (its message: chat and message id), its request and unit price, and
    the checkout choices made so far."""

    quote: tuple[int, int] | None
    request: int
    price: int
    choices: CheckoutDraft


DRAFT = Drafts("custom_accept", AcceptDraft)


class State(IntEnum):
    """What is still to choose."""

    ADDRESS = 1
    TERM = 2


def _choose(context: BotContext, **changes: object) -> None:
    choices = DRAFT.load(context).choices.model_copy(update=changes)
    DRAFT.update(context, choices=choices)


async def start(update: Update, context: BotContext) -> State | int:
    """cu:ok:<id>:<unit price>: the quote shown, accepted while valid; what is to choose."""
    cb = data_of(update)
    request_id, unit_price = cb.number(0), cb.number(1)
    choices = await context.services.custom.start_accept(context.person, request_id, unit_price)
    message = update.callback_query.message if update.callback_query else None
    quote = (message.chat.id, message.message_id) if message else None
    DRAFT.save(
        context, AcceptDraft(quote=quote, request=request_id, price=unit_price, choices=choices)
    )
    await answer(update)
    return await _next(update, context)


async def address_chosen(update: Update, context: BotContext) -> State | int:
    """co:ad:<id>: a saved address."""
    _choose(context, address=await saved_address(update, context))
    return await _next(update, context)


async def address_typed(update: Update, context: BotContext) -> State | int:
    """A new address typed."""
    _choose(context, address=parse_address(message_text(update)))
    return await _next(update, context)


async def term_chosen(update: Update, context: BotContext) -> State | int:
    """co:pt:<code>: a payment term open to this customer."""
    _choose(context, term=await offered_term(update, context))
    return await _next(update, context)


async def _next(update: Update, context: BotContext) -> State | int:
    """Ask what is still to choose; once all is chosen, the order is submitted."""
    t, draft = context.t, DRAFT.load(context)
    choices = draft.choices
    method = context.config.delivery_method(choices.delivery or "")
    if method is not None and method.needs_address and not choices.address:
        addresses = await context.services.customers.addresses(context.person)
        await show(update, context, order_views.address_step(t, addresses), new=True)
        return State.ADDRESS
    if not choices.term:
        terms = await context.services.customers.payment_terms(context.person)
        await show(update, context, order_views.term_step(t, terms), new=True)
        return State.TERM
    submission = await context.services.custom.accept(
        context.person, draft.request, draft.price, choices
    )
    DRAFT.drop(context)
    if draft.quote:  # the quote stays as the record of what was accepted, without buttons
        await keep(context, *draft.quote)
    await show(update, context, order_views.submitted(t, submission.order, True), new=True)
    return ConversationHandler.END


def build() -> ConversationHandler[BotContext]:
    """Accepting a custom quote."""
    leave = leave_without_saving(DRAFT)
    return conversation(
        "custom_accept",
        entry_points=[on_press(start, actions.Custom.ACCEPT)],
        states={
            State.ADDRESS: typed(address_typed, (actions.Checkout.ADDRESS, address_chosen)),
            State.TERM: pressed((actions.Checkout.TERM, term_chosen)),
        },
        fallbacks=[
            CommandHandler("cancel", leave),
            on_press(leave, actions.Checkout.CANCEL),
        ],
    )
