"""Recording a payment: the order, the amount (more than owed pays the customer's other open
orders, oldest first; the rest is paid back), method, date, confirm with where it goes."""

from __future__ import annotations

import re
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
from bot.domain.parsing import parse_date, parse_money
from bot.domain.payments import Method
from bot.domain.roles import Permission
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, finance_views
from bot.ui.callbacks import BadCallback

DRAFT = "payment"


class State(IntEnum):
    """Steps of recording a payment."""

    NUMBER = 1
    AMOUNT = 2
    METHOD = 3
    DATE = 4
    CONFIRM = 5


ORDER_NUMBER = re.compile(r"SO-\d{8}-\d{4}", re.IGNORECASE)


async def _ask_amount(
    update: Update, context: BotContext, number: str | None = None, order_id: int | None = None
) -> State:
    order, owed = await context.services.finance.owed(
        context.person, number=number, order_id=order_id
    )
    # The token makes this payment's confirmation record it once, even pressed again later.
    token = secrets.token_urlsafe(12)
    draft = {"order": order.id, "number": order.number, "owed": owed, "token": token}
    context.user_data[DRAFT] = draft  # type: ignore[index]
    await show(update, context, finance_views.ask_amount(context.t, order, owed))
    return State.AMOUNT


async def start(update: Update, context: BotContext) -> State:
    """/payment [NUMBER]: finance only; ask the order unless given."""
    if context.args:
        return await _ask_amount(update, context, number=context.args[0][:32])
    await context.services.staff.check(context.person, Permission.RECORD_PAYMENTS, "payment")
    await show(update, context, finance_views.ask_number(context.t))
    return State.NUMBER


async def got_number(update: Update, context: BotContext) -> State:
    """An order number, or part of a customer's name, company or phone."""
    text = message_text(update).strip()
    if ORDER_NUMBER.fullmatch(text):
        return await _ask_amount(update, context, number=text)
    found = await context.services.finance.unpaid_of(context.person, text)
    await show(update, context, finance_views.unpaid(context.t, found))
    return State.NUMBER


async def order_chosen(update: Update, context: BotContext) -> State:
    """pay:o:<order>: one of the customer's unpaid orders."""
    order_id = data_of(update).number(0)
    await answer(update)
    return await _ask_amount(update, context, order_id=order_id)


async def _to_method(update: Update, context: BotContext, amount: int) -> State:
    draft = get_draft(context, DRAFT)
    # Refused here (the state stays) if nothing can take it: a cancelled or rejected order.
    await context.services.finance.plan_payment(context.person, draft["order"], amount)
    draft["amount"] = amount
    await show(update, context, finance_views.ask_method(context.t))
    return State.METHOD


async def got_amount(update: Update, context: BotContext) -> State:
    """An amount typed."""
    return await _to_method(
        update, context, parse_money(message_text(update), context.config.business.minor_digits)
    )


async def full_amount(update: Update, context: BotContext) -> State:
    """pay:full: everything still owed."""
    await answer(update)
    return await _to_method(update, context, get_draft(context, DRAFT)["owed"])


async def got_method(update: Update, context: BotContext) -> State:
    """pay:m:<method>."""
    value = data_of(update).text(0)
    if value not in Method._value2member_map_:
        raise BadCallback(value)
    get_draft(context, DRAFT)["method"] = value
    await answer(update)
    await show(update, context, finance_views.ask_date(context.t))
    return State.DATE


async def _to_confirm(update: Update, context: BotContext, day: date) -> State:
    draft = get_draft(context, DRAFT)
    draft["day"] = day.isoformat()
    plan = await context.services.finance.plan_payment(
        context.person, draft["order"], draft["amount"]
    )
    screen = finance_views.confirm(
        context.t,
        draft["number"],
        draft["amount"],
        Method(draft["method"]),
        context.t.date(day),
        plan=plan,
    )
    await show(update, context, screen)
    return State.CONFIRM


async def today(update: Update, context: BotContext) -> State:
    """pay:d:today."""
    await answer(update)
    return await _to_confirm(update, context, context.services.finance.today())


async def got_date(update: Update, context: BotContext) -> State:
    """A date typed: up to a year back, not in the future."""
    day = parse_date(message_text(update), context.services.finance.today(), -365, 0)
    return await _to_confirm(update, context, day)


async def record(update: Update, context: BotContext) -> int:
    """pay:ok: record, send the customer a receipt."""
    draft = get_draft(context, DRAFT)
    result = await context.services.finance.record_payment(
        context.person,
        draft["order"],
        draft["amount"],
        Method(draft["method"]),
        date.fromisoformat(draft["day"]),
        draft.get("token"),
    )
    drop_draft(context, DRAFT)
    await answer(update)
    await show(update, context, finance_views.recorded(context.t, result))  # receipt: outbox
    return ConversationHandler.END


abort = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The payment conversation."""
    return conversation(
        "payment",
        entry_points=[
            CommandHandler("payment", start),
            # "💰 Record payment" under an invoice or a customer's "I've paid".
            on_press(order_chosen, actions.Payment.ORDER),
        ],
        states={
            State.NUMBER: typed(got_number, (actions.Payment.ORDER, order_chosen)),
            State.AMOUNT: typed(got_amount, (actions.Payment.FULL, full_amount)),
            State.METHOD: pressed((actions.Payment.METHOD, got_method)),
            State.DATE: typed(got_date, (actions.Payment.TODAY, today)),
            State.CONFIRM: pressed((actions.Payment.CONFIRM, record)),
        },
        fallbacks=[
            CommandHandler("cancel", abort),
            on_press(abort, actions.Payment.CANCEL),
        ],
    )
