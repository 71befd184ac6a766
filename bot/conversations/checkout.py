"""Checkout: delivery, address, date, payment term, note, then a summary to confirm or edit."""

from __future__ import annotations

import secrets
from enum import IntEnum

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from bot.conversations.common import (
    Drafts,
    conversation,
    message_text,
    pressed,
    typed,
)
from bot.domain.errors import (
    InputProblem,
    InvalidInput,
    LinesUnavailable,
    OptionNotOffered,
)
from bot.domain.parsing import parse_address, parse_note
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, send_below, show
from bot.handlers.routes import data_of, on_press
from bot.services.checkout import CheckoutDraft
from bot.ui import actions, order_views
from bot.ui.callbacks import BadCallback, pattern_of
from bot.ui.errors import describe

DRAFT = Drafts("checkout", CheckoutDraft)


class State(IntEnum):
    """Steps of checkout."""

    DELIVERY = 1
    ADDRESS = 2
    DATE = 3
    TERM = 4
    NOTE = 5
    SUMMARY = 6


# Which draft fields "Edit" clears, so that the flow asks that step again.
EDITS: dict[str, dict[str, object]] = {
    "dl": {"delivery": None},
    "ad": {"address": None},
    "dt": {"desired_date": None, "date_chosen": False},
    "pt": {"term": None},
    "nt": {"note": None, "note_chosen": False},
    "back": {},
}


def _range_error(context: BotContext) -> InvalidInput:
    earliest, latest = context.services.checkout.date_range()
    return InvalidInput(InputProblem.DATE_RANGE, context.t.date(earliest), context.t.date(latest))


async def _next(update: Update, context: BotContext, draft: CheckoutDraft) -> State:
    """Show the first unanswered step, or the summary when all are answered."""
    t, config, services = context.t, context.config, context.services
    method = config.delivery_method(draft.delivery or "")
    if method is None:
        await show(update, context, order_views.delivery_step(t, config))
        return State.DELIVERY
    if method.needs_address and not draft.address:
        addresses = await services.customers.addresses(context.person)
        await show(update, context, order_views.address_step(t, addresses))
        return State.ADDRESS
    if not draft.date_chosen:
        _, latest = services.checkout.date_range()
        days = services.checkout.offered_dates()
        await show(update, context, order_views.date_step(t, days, latest))
        return State.DATE
    if not draft.term:
        terms = await services.customers.payment_terms(context.person)
        await show(update, context, order_views.term_step(t, terms))
        return State.TERM
    if not draft.note_chosen:
        await show(update, context, order_views.note_step(t))
        return State.NOTE
    quote = await services.checkout.quote(context.person, draft)
    term = config.payment_term(draft.term)
    await show(update, context, order_views.summary(t, config, quote, draft, term))
    return State.SUMMARY


async def start(update: Update, context: BotContext) -> State:
    """Check out (button or /checkout): a fresh draft for a registered customer with a cart."""
    await context.services.checkout.begin(context.person)
    await answer(update)
    draft = DRAFT.save(context, CheckoutDraft(token=secrets.token_urlsafe(12)))
    return await _next(update, context, draft)


async def delivery_chosen(update: Update, context: BotContext) -> State:
    """co:dl:<code>: a delivery method."""
    code = data_of(update).text(0)
    if context.config.delivery_method(code) is None:
        raise OptionNotOffered()
    await answer(update)
    return await _next(update, context, DRAFT.update(context, delivery=code))


async def saved_address(update: Update, context: BotContext) -> str:
    """co:ad:<id>: the text of one of the customer's saved addresses (else refused)."""
    text = await context.services.customers.saved_address(
        context.person, data_of(update).number(0)
    )
    await answer(update)
    return text


async def offered_term(update: Update, context: BotContext) -> str:
    """co:pt:<code>: a payment term open to this customer (else refused)."""
    code = await context.services.customers.payment_term(context.person, data_of(update).text(0))
    await answer(update)
    return code


async def address_chosen(update: Update, context: BotContext) -> State:
    """co:ad:<id>: one of the customer's saved addresses."""
    address = await saved_address(update, context)
    return await _next(update, context, DRAFT.update(context, address=address))


async def address_typed(update: Update, context: BotContext) -> State:
    """A new address typed."""
    address = parse_address(message_text(update))
    return await _next(update, context, DRAFT.update(context, address=address))


async def date_chosen(update: Update, context: BotContext) -> State:
    """co:dt:<yyyymmdd|none>: a desired date, or none."""
    day = data_of(update).day(0)
    if day is None:
        draft = DRAFT.update(context, desired_date=None, date_chosen=True)
    else:
        try:
            context.services.checkout.check_date(day)
        except InvalidInput as error:
            if error.problem is InputProblem.DATE_RANGE:
                raise _range_error(context) from None
            raise
        draft = DRAFT.update(context, desired_date=day, date_chosen=True)
    await answer(update)
    return await _next(update, context, draft)


async def date_typed(update: Update, context: BotContext) -> State:
    """A desired date typed."""
    try:
        day = context.services.checkout.read_delivery_date(message_text(update))
    except InvalidInput as error:
        if error.problem is InputProblem.DATE_RANGE:
            raise _range_error(context) from None
        raise
    return await _next(update, context, DRAFT.update(context, desired_date=day, date_chosen=True))


async def term_chosen(update: Update, context: BotContext) -> State:
    """co:pt:<code>: a payment term open to this customer."""
    code = await offered_term(update, context)
    return await _next(update, context, DRAFT.update(context, term=code))


async def note_typed(update: Update, context: BotContext) -> State:
    """A note typed."""
    note = parse_note(message_text(update))
    return await _next(update, context, DRAFT.update(context, note=note, note_chosen=True))


async def note_skipped(update: Update, context: BotContext) -> State:
    """co:nt:skip: no note."""
    await answer(update)
    return await _next(update, context, DRAFT.update(context, note=None, note_chosen=True))


async def edit_menu(update: Update, context: BotContext) -> State:
    """co:ed: which step to change."""
    await answer(update)
    await show(update, context, order_views.edit_menu(context.t))
    return State.SUMMARY


async def edit_step(update: Update, context: BotContext) -> State:
    """co:ed:<step>: answer that step again, then back to the summary."""
    step = data_of(update).text(0)
    if step not in EDITS:
        raise BadCallback(step)
    await answer(update)
    return await _next(update, context, DRAFT.update(context, **EDITS[step]))


async def edit(update: Update, context: BotContext) -> State:
    """co:ed (which step) or co:ed:<step> (that step again)."""
    if data_of(update).args:
        return await edit_step(update, context)
    return await edit_menu(update, context)


async def fit_to_stock(update: Update, context: BotContext) -> State:
    """co:fit: cut short lines to what is available and show the summary again."""
    await context.services.checkout.fit_to_stock(context.person)
    await answer(update)
    return await _next(update, context, DRAFT.load(context))


async def confirm(update: Update, context: BotContext) -> int:
    """co:ok:<token>: submit the order (once, whatever happens to the button)."""
    token = data_of(update).text(0)
    draft = DRAFT.load(context)
    if token != draft.token:
        await answer(update, context.t._("This summary is out of date; here is the current one."))
        return await _next(update, context, draft)
    try:
        submission = await context.services.checkout.submit(context.person, draft)
    except LinesUnavailable as error:
        await answer(update, describe(error, context.t), alert=True)
        return await _next(update, context, draft)
    await answer(update)
    DRAFT.drop(context)
    # The summary stays as the record of what was ordered; the confirmation comes below it.
    screen = order_views.submitted(context.t, submission.order, submission.created)
    await send_below(update, context, screen)
    return ConversationHandler.END  # the deciders (or the warehouse) are told by the outbox


def _step_name(context: BotContext, state: State) -> str:
    t = context.t
    return {
        State.DELIVERY: t._("delivery"),
        State.ADDRESS: t._("address"),
        State.DATE: t._("delivery date"),
        State.TERM: t._("payment term"),
        State.NOTE: t._("note"),
        State.SUMMARY: t._("summary"),
    }[state]


async def earlier_button(update: Update, context: BotContext) -> State:
    """A button of another step of this running checkout (an older message): its choice is
    taken if still offered, and the flow goes on from the first open step; else the person
    is told which step the checkout is at, and that step is shown."""
    cb = data_of(update)
    steps = {
        actions.Checkout.DELIVERY: delivery_chosen,
        actions.Checkout.ADDRESS: address_chosen,
        actions.Checkout.DATE: date_chosen,
        actions.Checkout.TERM: term_chosen,
        actions.Checkout.NOTE: note_skipped,
        actions.Checkout.EDIT: edit,
    }
    try:
        return await steps[actions.Checkout(cb.action)](update, context)
    except (OptionNotOffered, InvalidInput, BadCallback):
        state = await _next(update, context, DRAFT.load(context))
        await answer(
            update,
            context.t._("That choice is no longer offered. The checkout is at: %(step)s.")
            % {"step": _step_name(context, state)},
            alert=True,
        )
        return state


async def abort(update: Update, context: BotContext) -> int:
    """co:x or /cancel: leave checkout; the cart stays."""
    await answer(update)
    DRAFT.drop(context)
    await say(update, context, context.t._("Checkout cancelled. Your cart is kept: /cart"))
    return ConversationHandler.END


async def after_checkout(update: Update, context: BotContext) -> None:
    """co: buttons outside a checkout: a repeated Confirm finds its order, others have expired."""
    cb = data_of(update)
    if cb.action == actions.Checkout.CONFIRM:
        order = await context.services.checkout.submitted_by_token(context.person, cb.text(0))
        if order is not None:
            await answer(update)
            screen = order_views.submitted(context.t, order, created=False)
            await send_below(update, context, screen)
            return
    await answer(
        update, context.t._("This checkout has ended. Open your /cart to start again."), alert=True
    )


def build() -> ConversationHandler[BotContext]:
    """The checkout conversation."""
    return conversation(
        "checkout",
        entry_points=[
            on_press(start, actions.Checkout.START),
            CommandHandler("checkout", start),
        ],
        states={
            State.DELIVERY: pressed((actions.Checkout.DELIVERY, delivery_chosen)),
            State.ADDRESS: typed(address_typed, (actions.Checkout.ADDRESS, address_chosen)),
            State.DATE: typed(date_typed, (actions.Checkout.DATE, date_chosen)),
            State.TERM: pressed((actions.Checkout.TERM, term_chosen)),
            State.NOTE: typed(note_typed, (actions.Checkout.NOTE, note_skipped)),
            State.SUMMARY: pressed(
                (actions.Checkout.CONFIRM, confirm),
                (actions.Checkout.EDIT, edit),
                (actions.Checkout.FIT, fit_to_stock),
            ),
        },
        fallbacks=[
            CommandHandler("cancel", abort),
            on_press(abort, actions.Checkout.CANCEL),
            on_press(
                earlier_button,
                actions.Checkout.DELIVERY,
                actions.Checkout.ADDRESS,
                actions.Checkout.DATE,
                actions.Checkout.TERM,
                actions.Checkout.NOTE,
                actions.Checkout.EDIT,
            ),
        ],
    )


def stray_buttons() -> BaseHandler[Update, BotContext, None]:
    """Checkout buttons pressed when no checkout is in progress."""
    return CallbackQueryHandler(after_checkout, pattern=pattern_of(actions.Checkout))
