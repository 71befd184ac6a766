"""What a message in a seller's business chat asks for, and the quick-order link payload."""

from __future__ import annotations

import pytest

from bot.domain.business import (
    Ask,
    order_number,
    quick_payload,
    read_ask,
    read_quick_payload,
    read_switch,
)


@pytest.mark.parametrize(
    ("text", "ask", "number"),
    [
        ("status", Ask.STATUS, None),
        ("  My orders? ", Ask.STATUS, None),
        ("订单状态", Ask.STATUS, None),
        ("SO-20261123-0042", Ask.ORDER, "SO-20261123-0042"),
        ("so-20261123-0042?", Ask.ORDER, "SO-20261123-0042"),
        ("track 20261123-0042", Ask.ORDER, "SO-20261123-0042"),
        ("订单 SO-20261123-0042", Ask.ORDER, "SO-20261123-0042"),
        ("invoice SO-20261123-0042", Ask.INVOICE, "SO-20261123-0042"),
        ("Invoice: INV-20261123-0001", Ask.INVOICE, "INV-20261123-0001"),
        ("3 x A4 paper, 2 toner", Ask.QUICK, None),
        ("hello, are you open?", Ask.QUICK, None),
        ("track my parcel please", Ask.QUICK, None),
    ],
)
def test_read_ask(text: str, ask: Ask, number: str | None) -> None:
    asked = read_ask(text)
    assert asked is not None and (asked.ask, asked.number) == (ask, number)


def test_empty_or_huge_text_is_not_ours() -> None:
    assert read_ask("   ") is None and read_ask("\u200b") is None
    assert read_ask("status " * 1000) is None


def test_order_number() -> None:
    assert order_number("20261123-42") is None
    assert order_number("SO202611230042") == "SO-20261123-0042"


def test_read_switch() -> None:
    assert read_switch("/orderdesk off") is False and read_switch("/OrderDesk ON ") is True
    assert read_switch("/orderdesk@orderdesk_bot off") is False
    assert read_switch("/orderdesk") is None and read_switch("orderdesk off") is None


def test_quick_payload_round_trip_and_limits() -> None:
    payload = quick_payload([(12, 3), (7, 2)])
    assert payload == "qo_12x3_7x2" and read_quick_payload(payload) == [(12, 3), (7, 2)]
    assert quick_payload([]) is None
    assert quick_payload([(100000 + i, 999) for i in range(10)]) is None, "over 64 characters"
    for forged in ("qo_", "qo_1x", "qo_1x0", "qo_-1x2", "qo_1x2_", "inv_1x2", "qo_" + "1x1_" * 20):
        assert read_quick_payload(forged) is None, forged
