"""Telegram Business: a seller's connection, their customers' chats, and what a message in
such a chat asks for. Pure: no database, no Telegram."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.parsing import clean_text
from bot.domain.roles import Role

# Order numbers as checkout makes them (SO-20261123-0042); a prefix typed without it as well.
_ORDER_NUMBER = re.compile(r"(?:SO-?)?(\d{8})-?(\d{4,6})", re.IGNORECASE)
_STATUS = re.compile(
    r"(?:status|order\s+status|my\s+orders?|orders|track|状态|订单状态|我的订单|статус|"
    r"мои\s+заказы)[\s?？!.。]*",
    re.IGNORECASE,
)
_INVOICE = re.compile(r"(?:invoice|发票|счёт|счет)\s*[:：#]?\s*(?P<number>\S+)\s*", re.IGNORECASE)
_TRACK = re.compile(
    r"(?:(?:status|track|order|订单|заказ)\s*[:：#]?\s*)?(?P<number>\S+?)[\s?？!.。]*",
    re.IGNORECASE,
)
_SWITCH = re.compile(r"/orderdesk(?:@\w+)?\s+(?P<state>on|off)\s*", re.IGNORECASE)
MAX_TEXT = 2000  # longer than any quick order (bot/domain/quick_order.py TEXT_MAX): not ours
QUICK_PREFIX = "qo_"
PAYLOAD_MAX = 64  # Telegram's limit on a /start payload
_PAYLOAD_ITEM = re.compile(r"(\d{1,9})x(\d{1,6})")


class Refused(StrEnum):
    """Why a connection is recorded switched off."""

    NOT_STAFF = "not_staff"  # the connecting person is not an OrderDesk admin or manager


class Connection(BaseModel):
    """A seller's Telegram Business account connected to OrderDesk."""

    model_config = ConfigDict(frozen=True)

    id: int
    connection_id: str
    telegram_user_id: int
    user_chat_id: int
    user_id: int | None
    telegram_enabled: bool
    can_reply: bool
    enabled: bool  # the seller's master switch
    refused: Refused | None
    connected_at: datetime

    @property
    def answers(self) -> bool:
        """OrderDesk may answer in its chats: Telegram lets it, and the seller wants it."""
        return self.telegram_enabled and self.can_reply and self.enabled and not self.refused


class BusinessChat(BaseModel):
    """A customer's chat with the seller that OrderDesk answered in or was switched off in."""

    model_config = ConfigDict(frozen=True)

    id: int
    connection: int
    chat_id: int
    title: str
    off_at: datetime | None = None
    off_by: int | None = None

    @property
    def on(self) -> bool:
        """OrderDesk answers in this chat."""
        return self.off_at is None


class Ask(StrEnum):
    """What a customer's message in a business chat asks OrderDesk for."""

    STATUS = "status"  # their orders ("status")
    ORDER = "order"  # one order by number
    INVOICE = "invoice"  # an order's invoice PDF
    QUICK = "quick"  # perhaps lines of a quick order (the catalog decides)


class Asked(BaseModel):
    """A message read: what it asks, and the order number if it names one."""

    model_config = ConfigDict(frozen=True)

    ask: Ask
    number: str | None = None


def order_number(text: str) -> str | None:
    """An order number as stored (SO-20261123-0042) from how a customer may type it."""
    match = _ORDER_NUMBER.fullmatch(text.strip())
    return f"SO-{match.group(1)}-{match.group(2)}" if match else None


def read_ask(text: str) -> Asked | None:
    """What a customer's message asks for: status, one order, an invoice, or perhaps a quick
    order; None for anything too long or empty (the seller answers those)."""
    text = clean_text(text, multiline=True)
    if not text or len(text) > MAX_TEXT:
        return None
    if _STATUS.fullmatch(text):
        return Asked(ask=Ask.STATUS)
    invoice = _INVOICE.fullmatch(text)
    if invoice:
        return Asked(ask=Ask.INVOICE, number=invoice.group("number")[:32])
    track = _TRACK.fullmatch(text)
    number = order_number(track.group("number")) if track else None
    if number:
        return Asked(ask=Ask.ORDER, number=number)
    return Asked(ask=Ask.QUICK)


def read_switch(text: str) -> bool | None:
    """The seller's "/orderdesk off" (False) or "/orderdesk on" (True); None for other text."""
    match = _SWITCH.fullmatch(text.strip())
    return None if match is None else match.group("state").lower() == "on"


def quick_payload(items: list[tuple[int, int]]) -> str | None:
    """A /start payload carrying (product id, quantity) pairs: qo_12x3_7x2; None if it would
    not fit Telegram's 64 characters."""
    if not items:
        return None
    payload = QUICK_PREFIX + "_".join(f"{pid}x{qty}" for pid, qty in items)
    return payload if len(payload) <= PAYLOAD_MAX else None


def read_quick_payload(payload: str) -> list[tuple[int, int]] | None:
    """The pairs of a quick_payload, or None for anything else (forged, cut off)."""
    if not payload.startswith(QUICK_PREFIX) or len(payload) > PAYLOAD_MAX:
        return None
    parts = payload[len(QUICK_PREFIX) :].split("_")
    matches = [_PAYLOAD_ITEM.fullmatch(part) for part in parts]
    if not parts or any(m is None for m in matches):
        return None
    items = [(int(m.group(1)), int(m.group(2))) for m in matches if m is not None]
    if any(qty < 1 for _, qty in items):
        return None
    return items


def may_connect(roles: frozenset[Role]) -> bool:
    """Whether a person may connect OrderDesk to their Telegram Business account."""
    return bool(roles & {Role.ADMIN, Role.SALES_MANAGER})
