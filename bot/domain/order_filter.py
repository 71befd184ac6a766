"""Staff's /orders filter: who (part of a customer's name, company or phone), status, a date
range of submission and "late", typed as words (`/orders acme status:approved from:2026-11-01
to:2026-11-30 late`). Rules only; the SQL is bot/db/orders.py `staff_search`."""

from __future__ import annotations

import unicodedata
from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.models import OrderStatus

# The customer part travels in the page buttons (64 bytes in all): at most this many bytes.
WORDS_MAX_BYTES = 24
LATE = "late"
# An order is late while it is open and past a date it was given: its promised ship date
# before it shipped in full, or the customer's desired date before it was delivered.
LATE_UNSHIPPED = (OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED)
LATE_UNDELIVERED = (
    OrderStatus.SUBMITTED,
    OrderStatus.APPROVED,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
)


class OrderFilter(BaseModel):
    """Which orders staff look for (all of them when nothing is set)."""

    model_config = ConfigDict(frozen=True)

    words: str | None = None
    status: OrderStatus | None = None
    start: date | None = None  # submitted on or after (the business's days)
    end: date | None = None  # submitted on or before
    late: bool = False


def _day(token: str, value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(InputProblem.ORDER_FILTER, token) from None


def parse_order_filter(text: str) -> OrderFilter:
    """The filter typed after /orders; an unknown `key:value`, a bad status or date, an
    inverted range or a customer part too long is refused, naming the word."""
    words: list[str] = []
    status: OrderStatus | None = None
    start: date | None = None
    end: date | None = None
    late = False
    for token in unicodedata.normalize("NFKC", text).split():
        key, colon, value = token.partition(":")
        key = key.lower()
        if not colon and key == LATE:
            late = True
        elif not colon:
            words.append(token)
        elif key == "status" and value.lower() in {s.value for s in OrderStatus}:
            status = OrderStatus(value.lower())
        elif key == "from":
            start = _day(token, value)
        elif key == "to":
            end = _day(token, value)
        else:
            raise InvalidInput(InputProblem.ORDER_FILTER, token[:40])
    if start and end and start > end:
        raise InvalidInput(InputProblem.ORDER_FILTER, f"from:{start} to:{end}")
    joined = " ".join(words)
    if len(joined.encode()) > WORDS_MAX_BYTES:
        raise InvalidInput(InputProblem.ORDER_FILTER_LONG, joined[:40], WORDS_MAX_BYTES)
    return OrderFilter(words=joined or None, status=status, start=start, end=end, late=late)
