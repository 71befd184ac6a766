"""Pay in chat (Telegram Payments): what a Telegram invoice carries, what it asks for, and why a
payment is refused before the customer is charged."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.errors import DomainError
from bot.domain.payments import outstanding

# Telegram gives the bot back the payload of the invoice it sent (1 to 128 bytes): the order, the
# amount asked and a nonce, so that every invoice is told apart. It is checked again against the
# book before the customer is charged, never trusted.
_PAYLOAD = re.compile(r"od1:(\d{1,12}):(\d{1,15}):([A-Za-z0-9_-]{6,24})", re.ASCII)
TOKEN_PREFIX = "tg:"  # payments.token of a payment made in chat: tg:<telegram charge id>
MAX_CHARGE_ID = 200


@dataclass(frozen=True)
class Payload:
    """What a Telegram invoice of OrderDesk asks: this amount (minor units) for this order."""

    order_id: int
    amount: int
    nonce: str

    def text(self) -> str:
        """The invoice payload as sent to Telegram."""
        return f"od1:{self.order_id}:{self.amount}:{self.nonce}"

    @classmethod
    def new(cls, order_id: int, amount: int) -> Payload:
        """The payload of a new invoice."""
        return cls(order_id, amount, secrets.token_urlsafe(9))


class PayInChatOff(DomainError):
    """Paying in chat is not set up (no payment provider token)."""


class PaymentInvalid(DomainError):
    """A payment that OrderDesk did not ask for: forged, or from another bot's invoice."""


@dataclass
class PaymentChanged(DomainError):
    """The order owes less than the invoice asks (paid, discounted or changed meanwhile)."""

    owed: int


def parse_payload(text: str | None) -> Payload:
    """An invoice payload read back, or PaymentInvalid."""
    match = _PAYLOAD.fullmatch(text or "")
    if match is None:
        raise PaymentInvalid()
    order_id, amount = int(match[1]), int(match[2])
    if order_id <= 0 or amount <= 0:
        raise PaymentInvalid()
    return Payload(order_id, amount, match[3])


def charge_token(charge_id: str | None) -> str:
    """The payments.token of a payment Telegram charged (one row per charge, however often
    Telegram tells of it), or PaymentInvalid."""
    if not charge_id or len(charge_id) > MAX_CHARGE_ID or not charge_id.isprintable():
        raise PaymentInvalid()
    return TOKEN_PREFIX + charge_id


def due_now(dues: Sequence[tuple[date, int]], paid: int, owed: int, today: date) -> int:
    """What a Pay now button asks: what has fallen due by today, or when nothing has yet, the
    next due date's amount (one instalment at a time); without due dates, everything owed.
    Never more than is owed."""
    left = outstanding(dues, paid)
    if not left:
        return owed
    amount = sum(a for day, a in left if day <= today) or left[0][1]
    return min(amount, owed)
