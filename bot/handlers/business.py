"""Telegram Business: connections of sellers' accounts, their customers' messages answered on
the seller's behalf (every reply carries the business_connection_id), and /business.

These handlers come first: every business update ends here, so no other handler answers a
customer of the seller in the bot's own chat. Anything that goes wrong in a business chat is
logged and never told there: the seller's chats are not the place for the bot's troubles."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    BusinessConnectionHandler,
    BusinessMessagesDeletedHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.handlers.context import BotContext
from bot.handlers.documents import invoice_file
from bot.handlers.render import show
from bot.handlers.routes import data_of, redraw, routes
from bot.services.business import BusinessAnswer, Said
from bot.ui import business_views, invoice_views, order_views
from bot.ui.actions import Business
from bot.ui.screen import Screen

log = logging.getLogger(__name__)


def is_business(update: object) -> bool:
    """An update of a business chat (a customer and a seller), not of the bot's own chats."""
    return isinstance(update, Update) and (
        update.business_message is not None
        or update.edited_business_message is not None
        or update.deleted_business_messages is not None
    )


async def connection_changed(update: Update, context: BotContext) -> None:
    """A seller connected OrderDesk to their Business account (or changed or ended that)."""
    bc = update.business_connection
    if bc is None:
        return
    can_reply = bool(bc.rights and bc.rights.can_reply)
    connection = await context.services.business.connected(
        bc.id, bc.user.id, bc.user_chat_id, bc.is_enabled, can_reply
    )
    screen = business_views.connected(context.t, connection)
    try:
        await context.bot.send_message(bc.user_chat_id, screen.text)
    except TelegramError as error:  # they may never have started the bot
        log.info("could not tell %s about their business connection: %s", bc.user.id, error)


async def business_message(update: Update, context: BotContext) -> None:
    """A message in a seller's chat with a customer: answered if OrderDesk knows the answer."""
    message = update.business_message
    if message is None or message.business_connection_id is None or message.from_user is None:
        return
    text = message.text or message.caption
    if not text:
        return  # stickers, photos, voice: the seller's to answer
    writer = message.from_user
    title = message.chat.full_name or message.chat.title or writer.full_name
    try:
        found = await context.services.business.answer(
            message.business_connection_id,
            message.chat.id,
            title or "",
            writer.id,
            writer.language_code,
            text,
        )
        if found is not None:
            await _reply(context, found)
    except Exception:
        log.exception("could not answer in business chat %s", message.chat.id)


async def _reply(context: BotContext, found: BusinessAnswer) -> None:
    """Send the answer into the business chat, on behalf of the seller's account."""
    t = context.i18n.texts(found.language, found.time_zone)
    username = context.bot.username
    if found.said is Said.INVOICE and found.invoice is not None:
        content, name = await invoice_file(context, found.invoice)
        await context.bot.send_document(
            found.chat_id,
            content,
            filename=name,
            caption=invoice_views.resent_caption(t, found.invoice, True),
            business_connection_id=found.connection_id,
        )
        return
    screen: Screen | None = None
    if found.said is Said.REGISTER:
        screen = business_views.register(t, username)
    elif found.said is Said.ORDERS and found.orders is not None:
        screen = business_views.orders(t, found.orders, username)
    elif found.said is Said.ORDER and found.detail is not None:
        detail = order_views.order_detail(t, context.config, found.detail)
        screen = business_views.as_answer(t, detail, username)
    elif found.said is Said.NOT_INVOICED:
        screen = business_views.not_invoiced(t, username)
    elif found.said is Said.QUICK and found.quick is not None:
        screen = business_views.quick(t, found.quick, username)
    elif found.said is Said.PROBLEM and found.problem is not None:
        screen = business_views.problem(t, found.problem, username)
    if screen is not None:
        await context.bot.send_message(
            found.chat_id,
            screen.text,
            reply_markup=screen.keyboard,
            business_connection_id=found.connection_id,
        )


async def left_alone(update: Update, context: BotContext) -> None:
    """Edited or deleted business messages: nothing for OrderDesk to do."""


async def business_command(update: Update, context: BotContext) -> None:
    """/business: the seller's connections and chats, with their switches."""
    value = await context.services.business.overview(context.person)
    await show(update, context, business_views.overview(context.t, value))


async def master_switch(update: Update, context: BotContext) -> None:
    """biz:m:<connection>:<0|1>: the connection's master switch."""
    cb = data_of(update)
    value = await context.services.business.switch(
        context.person, cb.number(0), bool(cb.number(1, high=1))
    )
    await redraw(update, context, business_views.overview(context.t, value))


async def chat_switch(update: Update, context: BotContext) -> None:
    """biz:c:<chat>:<0|1>: one customer chat's switch."""
    cb = data_of(update)
    value = await context.services.business.switch_chat(
        context.person, cb.number(0), bool(cb.number(1, high=1))
    )
    await redraw(update, context, business_views.overview(context.t, value))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Business updates (first of all), /business and its buttons."""
    return [
        BusinessConnectionHandler(connection_changed),
        MessageHandler(filters.UpdateType.BUSINESS_MESSAGE, business_message),
        MessageHandler(filters.UpdateType.EDITED_BUSINESS_MESSAGE, left_alone),
        BusinessMessagesDeletedHandler(left_alone),
        CommandHandler(
            "business",
            business_command,
            filters.ChatType.PRIVATE & ~filters.UpdateType.BUSINESS_MESSAGES,
        ),
        *routes({Business.MASTER: master_switch, Business.CHAT: chat_switch}),
    ]
