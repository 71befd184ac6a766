"""Recording a shipment: the order, units per line, carrier, tracking, expected date, confirm."""

from __future__ import annotations

import secrets
from datetime import date
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
from bot.domain.errors import DraftIncomplete, NothingToShip
from bot.domain.models import OrderLine
from bot.domain.parsing import parse_carrier, parse_date, parse_tracking
from bot.handlers.context import BotContext
from bot.handlers.render import answer, keep, send_below, show
from bot.handlers.routes import data_of, on_press
from bot.services.fulfilment import PickList
from bot.ui import actions, shipping_views
from bot.ui.callbacks import BadCallback
from bot.ui.screen import Screen


class ShipmentDraft(BaseModel):
    """The order, units chosen per line, carrier, tracking and expected date; `pick`: the pick
    list message it was started from; `token` makes recording it happen once."""

    order: int
    qty: dict[int, int]
    token: str
    pick: int | None = None
    carrier: str | None = None
    tracking: str | None = None
    expected: date | None = None


DRAFT = Drafts("shipment", ShipmentDraft)


class State(IntEnum):
    """Steps of recording a shipment."""

    LINES = 1
    CARRIER = 2
    TRACKING = 3
    EXPECTED = 4
    CONFIRM = 5


async def _lines(context: BotContext) -> list[OrderLine]:
    pick = await context.services.fulfilment.pick_list(context.person, DRAFT.load(context).order)
    return list(pick.lines)


async def ship_command(update: Update, context: BotContext) -> int:
    """/ship: the queue of approved orders."""
    orders = await context.services.fulfilment.queue(context.person)
    await show(update, context, shipping_views.queue(context.t, orders))
    return ConversationHandler.END


async def start(update: Update, context: BotContext) -> State:
    """shp:o:<order>[:p]: begin with everything still to ship; p: pressed on its pick list."""
    cb = data_of(update)
    order_id = cb.number(0)
    pick = await context.services.fulfilment.pick_list(context.person, order_id)
    qty = {x.id: x.remaining for x in pick.lines if x.remaining}
    if not qty:
        raise NothingToShip()
    # The token makes this shipment's confirmation record it once, even pressed again later.
    draft = DRAFT.save(
        context, ShipmentDraft(order=order_id, qty=qty, token=secrets.token_urlsafe(12))
    )
    await answer(update)
    screen = shipping_views.choose_quantities(context.t, list(pick.lines), draft.qty)
    query = update.callback_query
    if cb.args[1:2] == ("p",) and query is not None and query.message is not None:
        # The pick list stays a pick list (refreshed once the shipment is recorded); the
        # questions come below it.
        DRAFT.update(context, pick=query.message.message_id)
        await send_below(update, context, screen, record=_pick(context, pick))
    else:  # the queue or a reminder stays as it was
        await show(update, context, screen, new=True)
    return State.LINES


def _pick(context: BotContext, pick: PickList) -> Screen:
    return shipping_views.pick_list(context.t, context.config, pick)


async def change_quantity(update: Update, context: BotContext) -> State:
    """shp:q:<line>:up|dn|all."""
    cb = data_of(update)
    draft = DRAFT.load(context)
    lines = {x.id: x for x in await _lines(context)}
    line = lines.get(cb.number(0))
    if line is None:
        raise BadCallback("line")
    current = draft.qty.get(line.id, 0)
    step = {"up": current + 1, "dn": current - 1, "all": line.remaining if current == 0 else 0}
    if cb.text(1) not in step:
        raise BadCallback(cb.text(1))
    draft.qty[line.id] = max(0, min(line.remaining, step[cb.text(1)]))
    DRAFT.save(context, draft)
    await answer(update)
    await show(
        update,
        context,
        shipping_views.choose_quantities(context.t, list(lines.values()), draft.qty),
    )
    return State.LINES


async def lines_done(update: Update, context: BotContext) -> State:
    """shp:next: at least one unit, then the carrier."""
    if not any(DRAFT.load(context).qty.values()):
        raise NothingToShip()
    await answer(update)
    await show(
        update, context, shipping_views.carrier_step(context.t, context.config.shipping.carriers)
    )
    return State.CARRIER


async def _to_tracking(update: Update, context: BotContext, carrier: str) -> State:
    DRAFT.update(context, carrier=carrier)
    await show(update, context, shipping_views.tracking_step(context.t))
    return State.TRACKING


async def carrier_chosen(update: Update, context: BotContext) -> State:
    """shp:c:<index>."""
    carriers = context.config.shipping.carriers
    index = data_of(update).number(0, high=len(carriers) - 1)
    await answer(update)
    return await _to_tracking(update, context, carriers[index])


async def carrier_typed(update: Update, context: BotContext) -> State:
    """A carrier typed."""
    return await _to_tracking(update, context, parse_carrier(message_text(update)))


async def _to_expected(update: Update, context: BotContext, tracking: str | None) -> State:
    DRAFT.update(context, tracking=tracking)
    await show(
        update, context, shipping_views.expected_step(context.t, context.services.checkout.today())
    )
    return State.EXPECTED


async def tracking_typed(update: Update, context: BotContext) -> State:
    """A tracking number typed."""
    return await _to_expected(update, context, parse_tracking(message_text(update)))


async def no_tracking(update: Update, context: BotContext) -> State:
    """shp:nt."""
    await answer(update)
    return await _to_expected(update, context, None)


async def _to_confirm(update: Update, context: BotContext, expected: date | None) -> State:
    draft = DRAFT.update(context, expected=expected)
    if draft.carrier is None:
        raise DraftIncomplete()
    screen = shipping_views.confirm(
        context.t, await _lines(context), draft.qty, draft.carrier, draft.tracking, expected
    )
    await show(update, context, screen)
    return State.CONFIRM


async def expected_chosen(update: Update, context: BotContext) -> State:
    """shp:d:<yyyymmdd|none>."""
    expected = data_of(update).day(0)
    await answer(update)
    return await _to_confirm(update, context, expected)


async def expected_typed(update: Update, context: BotContext) -> State:
    """A date typed: today up to a year ahead."""
    expected = parse_date(message_text(update), context.services.checkout.today(), 0, 365)
    return await _to_confirm(update, context, expected)


async def record(update: Update, context: BotContext) -> int:
    """shp:ok: record it, tell the customer, show the pick list."""
    draft = DRAFT.load(context)
    if draft.carrier is None:
        raise DraftIncomplete()
    result = await context.services.fulfilment.ship(
        context.person,
        draft.order,
        draft.qty,
        draft.carrier,
        draft.tracking,
        draft.expected,
        draft.token,
    )
    DRAFT.drop(context)
    if not result.created:
        await answer(update, context.t._("This shipment was recorded already."), alert=True)
    else:
        await answer(update, context.t._("Shipment recorded."))  # the customer is told
    chat = update.effective_chat
    if draft.pick and chat is not None:  # refreshed in place with what is shipped
        await keep(context, chat.id, draft.pick, _pick(context, result.pick))
        screen = shipping_views.recorded(context.t, result.order, result.shipment)
        await show(update, context, screen)
    else:
        await show(update, context, _pick(context, result.pick))
    return ConversationHandler.END


abort = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The shipment conversation."""
    return conversation(
        "ship",
        entry_points=[
            on_press(start, actions.Ship.ORDER),
            CommandHandler("ship", ship_command),
        ],
        states={
            State.LINES: pressed(
                (actions.Ship.QUANTITY, change_quantity),
                (actions.Ship.NEXT, lines_done),
            ),
            State.CARRIER: typed(carrier_typed, (actions.Ship.CARRIER, carrier_chosen)),
            State.TRACKING: typed(tracking_typed, (actions.Ship.NO_TRACKING, no_tracking)),
            State.EXPECTED: typed(expected_typed, (actions.Ship.EXPECTED, expected_chosen)),
            State.CONFIRM: pressed((actions.Ship.CONFIRM, record)),
        },
        fallbacks=[
            CommandHandler("cancel", abort),
            on_press(abort, actions.Ship.CANCEL),
        ],
    )
