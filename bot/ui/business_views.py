"""Screens of Telegram Business: answers in a seller's customer chats (plain text and links
into the bot: their buttons open OrderDesk) and the seller's /business switches."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.business import BusinessChat, Connection, quick_payload
from bot.domain.errors import DomainError
from bot.domain.models import Order, Page
from bot.i18n import Texts
from bot.services.business import Overview
from bot.services.quick_order import QuickView
from bot.ui import actions, labels, order_views, quick_order_views
from bot.ui.callbacks import pack
from bot.ui.errors import describe
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard
from bot.ui.staff_views import deep_link


def bot_link(bot_username: str, payload: str | None = None) -> str:
    """The bot's t.me link, with a /start payload if given."""
    return deep_link(bot_username, payload) if payload else f"https://t.me/{bot_username}"


def _open(t: Texts, link: str, text: str | None = None) -> InlineKeyboardMarkup:
    """One URL button into the bot (callback buttons are not for business chats)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text or t._("🤖 Open OrderDesk"), url=link)]]
    )


def register(t: Texts, bot_username: str) -> Screen:
    """A writer who is not a customer yet: where to register."""
    return Screen(
        t._(
            "To see your orders and invoices here, please register with OrderDesk first: "
            "open the bot with the button below and press Start."
        ),
        _open(t, bot_link(bot_username)),
    )


def as_answer(t: Texts, screen: Screen, bot_username: str) -> Screen:
    """A screen of the bot's own chat as a business answer: its text, one link into the bot."""
    return Screen(screen.text, _open(t, bot_link(bot_username)))


def orders(t: Texts, page: Page[Order], bot_username: str) -> Screen:
    """The customer's newest orders as /orders lists them, in text (no buttons here)."""
    head = order_views.order_list(t, page).text
    items = [
        f"{labels.status(t, o.status)} · <b>{o.number}</b> · {t.money(o.totals.total)}"
        for o in page.items
    ]
    tail = t._("Send an order number to see that order.") if items else ""
    return Screen(
        fit(head, items, tail, t._("… and %(n)d more lines")), _open(t, bot_link(bot_username))
    )


def problem(t: Texts, error: DomainError, bot_username: str) -> Screen:
    """A question that could not be answered (no such order …), said plainly."""
    return Screen(describe(error, t), _open(t, bot_link(bot_username)))


def not_invoiced(t: Texts, bot_username: str) -> Screen:
    """The order asked about has no invoice yet."""
    return Screen(
        t._("This order has no invoice yet; you will get it as soon as it is issued."),
        _open(t, bot_link(bot_username)),
    )


def quick(t: Texts, view: QuickView, bot_username: str) -> Screen:
    """A quick order understood: its lines and subtotal, and a link into the bot that opens
    the order there to confirm (nothing is ordered from the business chat)."""
    tail = []
    if view.cart.lines:
        tail.append(t._("Subtotal: <b>%(amount)s</b>") % {"amount": t.money(view.cart.subtotal)})
    payload = quick_payload(view.order.items())
    if payload and view.order.resolved:
        tail.append(t._("Press the button to confirm it in OrderDesk."))
        label = t._("✅ Confirm in OrderDesk")
    else:
        tail.append(
            t._("Open OrderDesk and send the list there with /quick to pick and confirm it.")
        )
        payload, label = None, None
    text = fit(
        t._("I understood:"),
        quick_order_views.lines(t, view),
        "\n\n".join(tail),
        t._("… and %(n)d more lines"),
    )
    return Screen(text, _open(t, bot_link(bot_username, payload), label))


def _connection(t: Texts, connection: Connection) -> str:
    """One connection in a line: since when, and whether OrderDesk answers in it."""
    since = t.datetime(connection.connected_at)
    if connection.refused is not None:
        state = t._("⛔ refused: only an admin or sales manager may connect OrderDesk")
    elif not connection.telegram_enabled:
        state = t._("⏸ disconnected in Telegram")
    elif not connection.can_reply:
        state = t._("⏸ Telegram does not let OrderDesk reply (allow it in Business → Chatbots)")
    elif not connection.enabled:
        state = t._("⏸ switched off")
    else:
        state = t._("✅ answering")
    return t._("🔗 Connection %(n)d (since %(since)s): %(state)s") % {
        "n": connection.id,
        "since": since,
        "state": state,
    }


def _chat(t: Texts, chat: BusinessChat) -> str:
    name = esc(clip(chat.title, 40)) or str(chat.chat_id)
    return ("✅ " if chat.on else "⏸ ") + name


def overview(t: Texts, value: Overview) -> Screen:
    """/business: each connection with its master switch, each chat with its own."""
    if not value.connections:
        return Screen(
            t._(
                "No Telegram Business account is connected. To let OrderDesk answer your "
                "customers in your own chats: Telegram Settings → Business → Chatbots, add "
                "this bot and allow it to reply."
            )
        )
    parts: list[str] = []
    rows: list[list[InlineKeyboardButton]] = []
    for connection, chats in value.connections:
        parts.append(_connection(t, connection))
        parts += [f"  {_chat(t, chat)}" for chat in chats]
        if connection.refused is None:
            rows.append(
                [
                    button(
                        t._("⏸ Switch off connection %(n)d") % {"n": connection.id}
                        if connection.enabled
                        else t._("▶️ Switch on connection %(n)d") % {"n": connection.id},
                        pack(
                            actions.Business.MASTER, connection.id, 0 if connection.enabled else 1
                        ),
                    )
                ]
            )
            rows += [
                [
                    button(
                        (t._("⏸ Off: %(name)s") if chat.on else t._("▶️ On: %(name)s"))
                        % {"name": clip(chat.title, 40) or str(chat.chat_id)},
                        pack(actions.Business.CHAT, chat.id, 0 if chat.on else 1),
                    )
                ]
                for chat in chats
            ]
    head = t._("💼 <b>Telegram Business</b>")
    tail = t._(
        "In a customer's chat, send /orderdesk off to switch OrderDesk off there "
        "(/orderdesk on to switch it back on)."
    )
    return Screen(fit(head, parts, tail, t._("… and %(n)d more lines")), keyboard(rows))


def connected(t: Texts, connection: Connection) -> Screen:
    """Told to the person who connected: it works, or why it does not."""
    if connection.refused is not None:
        return Screen(
            t._(
                "⛔ OrderDesk will not answer in your Telegram Business chats: only an OrderDesk "
                "admin or sales manager may connect it. Ask an admin for the role, then connect "
                "the bot again."
            )
        )
    if not connection.telegram_enabled:
        return Screen(t._("OrderDesk is disconnected from your Telegram Business account."))
    if not connection.can_reply:
        return Screen(
            t._(
                "OrderDesk is connected but may not reply. Allow it to reply in Telegram "
                "Settings → Business → Chatbots."
            )
        )
    return Screen(
        t._(
            "✅ OrderDesk is connected to your Telegram Business account: it answers your "
            "customers' order status, invoice and quick order messages. /business switches "
            "it off, in one chat or everywhere."
        )
    )
