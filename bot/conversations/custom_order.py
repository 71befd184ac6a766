"""A custom order (定制订单): the customer describes it (text, photos, quantity, wanted date),
sees a summary and sends it to their rep; later they answer the rep's questions here too."""

from __future__ import annotations

import secrets
from enum import IntEnum

from pydantic import BaseModel
from telegram import Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.conversations.common import (
    NOT_COMMAND,
    Drafts,
    conversation,
    leave_without_saving,
    message_text,
    pressed,
    typed,
)
from bot.domain.custom_orders import MAX_PHOTOS, parse_description, parse_message
from bot.domain.errors import InputProblem, InvalidInput, NotRegistered
from bot.domain.parsing import parse_quantity
from bot.handlers.context import BotContext
from bot.handlers.render import answer, reply, send_below, show
from bot.handlers.routes import data_of, on_press
from bot.services.custom_orders import CustomDraft
from bot.ui import actions, custom_views


class AnswerDraft(BaseModel):
    """The request whose question the customer is answering."""

    request: int


DRAFT = Drafts("custom_order", CustomDraft)
ANSWERING = Drafts("custom_answer", AnswerDraft)


class State(IntEnum):
    """Steps of a custom request, and answering a question."""

    TEXT = 1
    PHOTOS = 2
    QTY = 3
    DATE = 4
    SUMMARY = 5
    ANSWER = 6


async def start(update: Update, context: BotContext) -> State:
    """/custom or cu:start: a fresh draft for a registered customer; ask what they need."""
    if await context.services.customers.get(context.person) is None:
        raise NotRegistered()
    await answer(update)
    DRAFT.save(context, CustomDraft(token=secrets.token_urlsafe(12)))
    await show(update, context, custom_views.ask_text(context.t), new=True)
    return State.TEXT


async def got_text(update: Update, context: BotContext) -> State:
    """The description (3 to 1000 characters); then photos."""
    DRAFT.update(context, text=parse_description(message_text(update)))
    await show(update, context, custom_views.ask_photos(context.t, 0))
    return State.PHOTOS


async def got_photo(update: Update, context: BotContext) -> State:
    """A photo (its largest size); at the fifth, on to the quantity."""
    message = update.effective_message
    assert message is not None and message.photo
    draft = DRAFT.load(context)
    photos = (*draft.photos, message.photo[-1].file_id)[:MAX_PHOTOS]
    DRAFT.update(context, photos=photos)
    if len(photos) >= MAX_PHOTOS:
        return await _ask_qty(update, context)
    await show(update, context, custom_views.ask_photos(context.t, len(photos)))
    return State.PHOTOS


async def photos_done(update: Update, context: BotContext) -> State:
    """cu:done: no (more) photos."""
    await answer(update)
    return await _ask_qty(update, context)


async def not_a_photo(update: Update, context: BotContext) -> None:
    """Text or a sticker where photos were asked: say so; the state stays."""
    await reply(update, context, custom_views.photo_please(context.t).text)


async def _ask_qty(update: Update, context: BotContext) -> State:
    maximum = context.config.checkout.max_quantity
    await show(update, context, custom_views.ask_qty(context.t, maximum))
    return State.QTY


async def got_qty(update: Update, context: BotContext) -> State:
    """The quantity (1 to checkout.max_quantity); then the wanted date."""
    qty = parse_quantity(message_text(update), context.config.checkout.max_quantity)
    DRAFT.update(context, qty=qty)
    earliest, latest = context.services.checkout.date_range()
    await show(update, context, custom_views.ask_date(context.t, earliest, latest))
    return State.DATE


async def got_date(update: Update, context: BotContext) -> State:
    """A wanted date typed, in checkout's range."""
    try:
        day = context.services.checkout.read_date(message_text(update))
    except InvalidInput as error:
        if error.problem is InputProblem.DATE_RANGE:
            earliest, latest = context.services.checkout.date_range()
            raise InvalidInput(
                InputProblem.DATE_RANGE, context.t.date(earliest), context.t.date(latest)
            ) from None
        raise
    draft = DRAFT.update(context, wanted_date=day, date_chosen=True)
    await show(update, context, custom_views.summary(context.t, draft))
    return State.SUMMARY


async def no_date(update: Update, context: BotContext) -> State:
    """cu:nodate: no particular date."""
    await answer(update)
    draft = DRAFT.update(context, wanted_date=None, date_chosen=True)
    await show(update, context, custom_views.summary(context.t, draft))
    return State.SUMMARY


async def send(update: Update, context: BotContext) -> int:
    """cu:send:<token>: store the request (once) and send it to the rep."""
    draft = DRAFT.load(context)
    if data_of(update).text(0) != draft.token:
        await answer(update)
        await show(update, context, custom_views.summary(context.t, draft))
        return State.SUMMARY
    request = await context.services.custom.submit(context.person, draft)
    await answer(update)
    DRAFT.drop(context)
    await send_below(update, context, custom_views.sent(context.t, request))  # summary kept
    return ConversationHandler.END


async def start_answer(update: Update, context: BotContext) -> State:
    """cu:ans:<id>: the customer is to type an answer to the rep's question."""
    request_id = data_of(update).number(0)
    ANSWERING.save(context, AnswerDraft(request=request_id))
    await answer(update)
    await show(update, context, custom_views.ask_answer(context.t), new=True)
    return State.ANSWER


async def got_answer(update: Update, context: BotContext) -> int:
    """The answer typed: to the rep."""
    request_id = ANSWERING.load(context).request
    text = parse_message(message_text(update))
    await context.services.custom.answer(context.person, request_id, text)
    ANSWERING.drop(context)
    await show(update, context, custom_views.answered(context.t))
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    """/cancel or cu:x: nothing is sent."""
    ANSWERING.drop(context)
    return await leave_without_saving(DRAFT)(update, context)


def build() -> ConversationHandler[BotContext]:
    """The custom order conversation."""
    photo = filters.UpdateType.MESSAGE & filters.PHOTO
    return conversation(
        "custom_order",
        entry_points=[
            CommandHandler("custom", start),
            on_press(start, actions.Custom.START),
            on_press(start_answer, actions.Custom.ANSWER),
        ],
        states={
            State.TEXT: typed(got_text),
            State.PHOTOS: [
                on_press(photos_done, actions.Custom.PHOTOS_DONE),
                MessageHandler(photo, got_photo),
                MessageHandler(NOT_COMMAND, not_a_photo),
            ],
            State.QTY: typed(got_qty),
            State.DATE: typed(got_date, (actions.Custom.NO_DATE, no_date)),
            State.SUMMARY: pressed((actions.Custom.SEND, send)),
            State.ANSWER: typed(got_answer),
        },
        fallbacks=[
            CommandHandler("cancel", stop),
            on_press(stop, actions.Custom.CANCEL),
        ],
    )
