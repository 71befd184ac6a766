"""Callback data: built within 64 bytes, parsed in one place, forged data refused."""

from __future__ import annotations

import pytest

from bot.ui.actions import Catalog, Checkout
from bot.ui.callbacks import BadCallback, pack, parse


def test_round_trip() -> None:
    cb = parse(pack(Catalog.PRODUCT, 42, 3))
    assert (cb.area, cb.action, cb.args) == ("cat", "p", ("42", "3"))
    assert cb.number(0) == 42 and cb.number(1, high=10) == 3


def test_pack_refuses_over_64_bytes() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        pack(Checkout.CONFIRM, "x" * 70)


@pytest.mark.parametrize("data", [None, "", "x", ":a", "a" * 65, "cat:p:" + "é" * 30])
def test_parse_refuses_garbage(data: str | None) -> None:
    with pytest.raises(BadCallback):
        parse(data)


@pytest.mark.parametrize("arg", ["-1", "abc", "1e9", "", "99999999999999999999"])
def test_numbers_are_checked(arg: str) -> None:
    with pytest.raises(BadCallback):
        parse(f"cat:p:{arg}").number(0)
    with pytest.raises(BadCallback):
        parse("cat:p").number(0)


def test_days_round_trip_and_refuse_garbage() -> None:
    from datetime import date

    from bot.ui.callbacks import day_arg

    assert parse(pack(Checkout.DATE, day_arg(date(2026, 11, 24)))).day(0) == date(2026, 11, 24)
    assert parse(pack(Checkout.DATE, day_arg(None))).day(0) is None
    for bad in ("2026-99", "20261332", "tomorrow", ""):
        with pytest.raises(BadCallback):
            parse(f"co:dt:{bad}").day(0)
