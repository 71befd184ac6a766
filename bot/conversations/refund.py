"""Recording a refund: the order, the amount (never more than is due), method, date, confirm."""

from __future__ import annotations

import secrets
from datetime import date
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
from bot.domain.errors import RefundOverDue
from bot.domain.parsing import parse_date, parse_money
from bot.domain.payments import Method
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, refund_views
from bot.ui.callbacks import BadCallback

DRAFT = "refund"


class State(IntEnum):
    """Steps of recording a refund."""

    NUMBER = 1
    AMOUNT = 2
    METHOD = 3
    DATE = 4
    CONFIRM = 5


async def _ask_amount(
    update: Update,
    context: BotContext,
    *,
    number: str | None = None,
    order_id: int | None = None,
    new: bool = False,
) -> State:
    order = await context.services.finance.refund_due(
        context.person, number=number, order_id=order_id
    )
    # The token makes this refund's confirmation record it once, even pressed again later.
    token = secrets.token_urlsafe(12)
    draft = {"order": order.id, "number": order.number, "due": order.refund_due, "token": token}
    context.user_data[DRAFT] = draft  # type: ignore[index]
    await show(update, context, refund_views.ask_amount(context.t, order), new=new)
    return State.AMOUNT


async def start(update: Update, context: BotContext) -> int:
    """/refund [NUMBER]: finance only; without a number, the orders with money to pay back."""
    if context.args:
        return await _ask_amount(update, context, number=context.args[0][:32])
    due = await context.services.finance.refunds_due(context.person)
    await show(update, context, refund_views.due_list(context.t, due))
    return State.NUMBER if due else ConversationHandler.END


async def got_number(update: Update, context: BotContext) -> State:
    """An order number typed."""
    return await _ask_amount(update, context, number=message_text(update).strip()[:32])


async def order_chosen(update: Update, context: BotContext) -> State:
    """rfd:o:<order>: from finance's refund-due notice or the /refund list (re-authorised)."""
    order_id = data_of(update).number(0)
    # A new message: the notice (maybe in finance's group) stays as it was. Answered after:
    # a refusal (not finance, nothing due) is the press's alert.
    state = await _ask_amount(update, context, order_id=order_id, new=True)
    await answer(update)
    return state


async def _to_method(update: Update, context: BotContext, amount: int) -> State:
    draft = get_draft(context, DRAFT)
    if amount > draft["due"]:
        raise RefundOverDue(due=draft["due"])
    draft["amount"] = amount
    await show(update, context, refund_views.ask_method(context.t))
    return State.METHOD


async def got_amount(update: Update, context: BotContext) -> State:
    """An amount typed."""
    return await _to_method(
        update, context, parse_money(message_text(update), context.config.business.minor_digits)
    )


async def full_amount(update: Update, context: BotContext) -> State:
    """rfd:full: everything that is due."""
    await answer(update)
    return await _to_method(update, context, get_draft(context, DRAFT)["due"])


async def got_method(update: Update, context: BotContext) -> State:
    """rfd:m:<method>."""
    value = data_of(update).text(0)
    if value not in Method._value2member_map_:
        raise BadCallback(value)
    get_draft(context, DRAFT)["method"] = value
    await answer(update)
    await show(update, context, refund_views.ask_date(context.t))
    return State.DATE


async def _to_confirm(update: Update, context: BotContext, day: date) -> State:
    draft = get_draft(context, DRAFT)
    draft["day"] = day.isoformat()
    screen = refund_views.confirm(
        context.t,
        draft["number"],
        draft["amount"],
        draft["due"],
        Method(draft["method"]),
        context.t.date(day),
    )
    await show(update, context, screen)
    return State.CONFIRM


async def today(update: Update, context: BotContext) -> State:
    """rfd:d:today."""
    await answer(update)
    return await _to_confirm(update, context, context.services.finance.today())


async def got_date(update: Update, context: BotContext) -> State:
    """A date typed: up to a year back, not in the future."""
    day = parse_date(message_text(update), context.services.finance.today(), -365, 0)
    return await _to_confirm(update, context, day)


async def record(update: Update, context: BotContext) -> int:
    """rfd:ok: record; the customer's receipt goes through the outbox."""
    draft = get_draft(context, DRAFT)
    result = await context.services.finance.record_refund(
        context.person,
        draft["order"],
        draft["amount"],
        Method(draft["method"]),
        date.fromisoformat(draft["day"]),
        draft.get("token"),
    )
    drop_draft(context, DRAFT)
    await answer(update)
    await show(update, context, refund_views.recorded(context.t, result))
    return ConversationHandler.END


abort = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The refund conversation."""
    return conversation(
        "refund",
        entry_points=[
            CommandHandler("refund", start),
            on_press(order_chosen, actions.Refund.ORDER),
        ],
        states={
            State.NUMBER: typed(got_number),
            State.AMOUNT: typed(got_amount, (actions.Refund.FULL, full_amount)),
            State.METHOD: pressed((actions.Refund.METHOD, got_method)),
            State.DATE: typed(got_date, (actions.Refund.TODAY, today)),
            State.CONFIRM: pressed((actions.Refund.CONFIRM, record)),
        },
        fallbacks=[
            CommandHandler("cancel", abort),
            on_press(abort, actions.Refund.CANCEL),
        ],
    )
