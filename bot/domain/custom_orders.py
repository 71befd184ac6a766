"""Custom orders (定制订单): a customer's request, the rep's quote, and what may happen next."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.parsing import clean_text, parse_money

TEXT_MIN, TEXT_MAX = 3, 1000
MESSAGE_MAX = 1000
MAX_PHOTOS = 5
LEAD_DAYS_MAX = 365


class CustomState(StrEnum):
    """Where a custom request is: open → quoted → accepted | declined | withdrawn."""

    OPEN = "open"
    QUOTED = "quoted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class CustomRequest(BaseModel):
    """A custom request as stored, with its quote once given."""

    model_config = ConfigDict(frozen=True)

    id: int
    customer_id: int
    text: str
    qty: int
    wanted_date: date | None
    photos: tuple[str, ...]
    state: CustomState
    unit_price: int | None = None
    lead_days: int | None = None
    valid_until: date | None = None
    rep_note: str | None = None
    order_id: int | None = None

    @property
    def total(self) -> int:
        """The quoted total (unit price × quantity), 0 before a quote."""
        return (self.unit_price or 0) * self.qty

    def open_to_accept(self, today: date) -> bool:
        """Quoted and still valid today."""
        return (
            self.state is CustomState.QUOTED
            and self.valid_until is not None
            and today <= self.valid_until
        )


class CustomMessage(BaseModel):
    """A question of the rep's or an answer of the customer's."""

    model_config = ConfigDict(frozen=True)

    kind: str
    text: str


def parse_description(text: str) -> str:
    """What the customer needs: 3 to 1000 characters."""
    value = clean_text(text, multiline=True)
    if not TEXT_MIN <= len(value) <= TEXT_MAX:
        raise InvalidInput(InputProblem.DESCRIPTION_LENGTH, TEXT_MIN, TEXT_MAX)
    return value


def parse_message(text: str) -> str:
    """A question or an answer: 1 to 1000 characters."""
    value = clean_text(text, multiline=True)
    if not 1 <= len(value) <= MESSAGE_MAX:
        raise InvalidInput(InputProblem.DESCRIPTION_LENGTH, 1, MESSAGE_MAX)
    return value


def parse_lead_days(text: str) -> int:
    """A lead time in whole days, 1 to 365."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not re.fullmatch(r"\d{1,4}", value) or not 1 <= int(value) <= LEAD_DAYS_MAX:
        raise InvalidInput(InputProblem.LEAD_DAYS, 1, LEAD_DAYS_MAX)
    return int(value)


def parse_unit_price(text: str, digits: int) -> int:
    """A unit price above zero, at most 10^9 in major units (parse_money)."""
    return parse_money(text, digits)
