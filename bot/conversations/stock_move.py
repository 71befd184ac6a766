"""Receiving goods or adjusting stock step by step, from the /stock report's buttons: the
product (SKU or words of its name), the quantity, and for an adjustment the reason."""

from __future__ import annotations

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
from bot.domain.errors import DraftIncomplete
from bot.domain.roles import Permission
from bot.domain.stock import (
    AdjustReason,
    StockProblem,
    StockRefused,
    parse_note,
    parse_quantity,
)
from bot.handlers.context import BotContext
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, on_press
from bot.ui import actions, stock_views
from bot.ui.callbacks import BadCallback

MAX_WORDS = 60


class StockMoveDraft(BaseModel):
    """A receipt (or an adjustment): the product's SKU and, for an adjustment, the quantity."""

    receive: bool
    sku: str | None = None
    qty: int | None = None


DRAFT = Drafts("stock_move", StockMoveDraft)


class State(IntEnum):
    """Steps of a receipt or adjustment."""

    PRODUCT = 1
    QUANTITY = 2
    REASON = 3
    NOTE = 4


async def start(update: Update, context: BotContext) -> State:
    """stk:r (receive) or stk:a (adjust): only for who may move stock; ask the product."""
    receive = data_of(update).action == actions.Stock.RECEIVE
    action = "receipt" if receive else "adjustment"
    await context.services.stock.check(context.person, Permission.RECEIVE_STOCK, action)
    DRAFT.save(context, StockMoveDraft(receive=receive))
    await answer(update)
    await show(update, context, stock_views.ask_product(context.t, receive), new=True)
    return State.PRODUCT


async def _chosen(update: Update, context: BotContext, product_id: int) -> State:
    draft = DRAFT.load(context)
    row = await context.services.stock.product(context.person, product_id)
    DRAFT.update(context, sku=row.sku)
    await show(update, context, stock_views.ask_quantity(context.t, row, draft.receive))
    return State.QUANTITY


async def got_words(update: Update, context: BotContext) -> State:
    """A SKU or words typed: one product goes on, several are offered as buttons."""
    DRAFT.load(context)
    words = " ".join(message_text(update).split())[:MAX_WORDS]
    rows = await context.services.stock.find(context.person, words) if words else []
    if not rows:
        await say(update, context, stock_views.not_found(context.t, words))
        return State.PRODUCT
    if len(rows) == 1:
        return await _chosen(update, context, rows[0].product_id)
    await show(update, context, stock_views.choose(context.t, rows))
    return State.PRODUCT


async def picked(update: Update, context: BotContext) -> State:
    """stk:pick:<product>: one of the matches."""
    product_id = data_of(update).number(0)
    await answer(update)
    return await _chosen(update, context, product_id)


async def got_quantity(update: Update, context: BotContext) -> int:
    """A receipt is recorded at once; an adjustment asks why."""
    draft = DRAFT.load(context)
    try:
        qty = parse_quantity(message_text(update), signed=not draft.receive)
    except StockRefused as error:
        await say(update, context, stock_views.refused(context.t, error))
        return State.QUANTITY
    if draft.receive:
        return await _record(update, context, qty, None, None)
    DRAFT.update(context, qty=qty)
    await show(update, context, stock_views.ask_reason(context.t))
    return State.REASON


async def got_reason(update: Update, context: BotContext) -> int:
    """stk:why:<count|damage|other>: other asks for words."""
    draft = DRAFT.load(context)
    raw = data_of(update).text(0)
    try:
        reason = AdjustReason(raw)
    except ValueError:
        raise BadCallback(raw) from None
    await answer(update)
    if reason is AdjustReason.OTHER:
        await show(update, context, stock_views.ask_note(context.t))
        return State.NOTE
    return await _record(update, context, _qty(draft), reason, None)


async def got_note(update: Update, context: BotContext) -> int:
    """The reason in words."""
    draft = DRAFT.load(context)
    try:
        note = parse_note([message_text(update)])
        if note is None:
            raise StockRefused(StockProblem.REASON)
    except StockRefused as error:
        await say(update, context, stock_views.refused(context.t, error))
        return State.NOTE
    return await _record(update, context, _qty(draft), AdjustReason.OTHER, note)


def _qty(draft: StockMoveDraft) -> int:
    if draft.qty is None:
        raise DraftIncomplete()
    return draft.qty


async def _record(
    update: Update,
    context: BotContext,
    qty: int,
    reason: AdjustReason | None,
    note: str | None,
) -> int:
    sku = DRAFT.load(context).sku
    if sku is None:
        raise DraftIncomplete()
    stock = context.services.stock
    try:
        if reason is None:
            moved = await stock.receive(context.person, sku, qty, note)
        else:
            moved = await stock.adjust(context.person, sku, qty, reason, note)
    except StockRefused as error:
        DRAFT.drop(context)
        await say(update, context, stock_views.refused(context.t, error))
        return ConversationHandler.END
    DRAFT.drop(context)
    await show(update, context, stock_views.moved(context.t, moved))
    return ConversationHandler.END


keep = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The receive / adjust conversation."""
    return conversation(
        "stock_move",
        entry_points=[on_press(start, actions.Stock.RECEIVE, actions.Stock.ADJUST)],
        states={
            State.PRODUCT: typed(got_words, (actions.Stock.PICK, picked)),
            State.QUANTITY: typed(got_quantity),
            State.REASON: pressed((actions.Stock.REASON, got_reason)),
            State.NOTE: typed(got_note),
        },
        fallbacks=[CommandHandler("cancel", keep)],
    )
