"""Custom orders' rules: what may be typed, and when a quote may be accepted."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.custom_orders import (
    CustomRequest,
    CustomState,
    parse_description,
    parse_lead_days,
    parse_unit_price,
)
from bot.domain.errors import InputProblem, InvalidInput


def test_description_is_cleaned_and_bounded() -> None:
    assert parse_description("  500 mugs\n\n  with a logo ") == "500 mugs\nwith a logo"
    for bad in ("ab", "x" * 1001, "\u200b\u200b\u200b"):
        with pytest.raises(InvalidInput) as caught:
            parse_description(bad)
        assert caught.value.problem is InputProblem.DESCRIPTION_LENGTH


@pytest.mark.parametrize("text", ["0", "366", "-3", "two", "1.5", ""])
def test_lead_days_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_lead_days(text)


def test_lead_days_and_prices() -> None:
    assert parse_lead_days("１４") == 14
    assert parse_unit_price("12.50", 2) == 1250
    for bad in ("0", "1000000000000", "-5"):
        with pytest.raises(InvalidInput):
            parse_unit_price(bad, 2)


def test_a_quote_is_open_until_its_last_day() -> None:
    request = CustomRequest(
        id=1,
        customer_id=1,
        text="mugs",
        qty=3,
        wanted_date=None,
        photos=(),
        state=CustomState.QUOTED,
        unit_price=250,
        lead_days=5,
        valid_until=date(2026, 11, 30),
    )
    assert request.total == 750
    assert request.open_to_accept(date(2026, 11, 30))
    assert not request.open_to_accept(date(2026, 12, 1))
    assert not request.model_copy(update={"state": CustomState.ACCEPTED}).open_to_accept(
        date(2026, 11, 24)
    )
