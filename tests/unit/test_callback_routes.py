"""Every callback code has a handler, every callback handler a code; codes are unique and fit.

The codes are the Action enums of bot/ui/actions.py; the handlers are those the real
Application registers, top level or inside a ConversationHandler."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from bot.app import build_application
from bot.clock import FixedClock
from bot.domain.models import OrderStatus
from bot.domain.order_filter import WORDS_MAX_BYTES, OrderFilter
from bot.ui import actions
from bot.ui.actions import AREAS
from bot.ui.callbacks import MAX_BYTES, Action, day_arg, pack, parse, pattern, pattern_of
from bot.ui.staff_order_views import page_data
from tests.conftest import make_config

MEMBERS = [member for area in AREAS for member in area]
ID = 2**53  # the largest number Callback.number accepts
DAY = day_arg(date(2026, 12, 31))
TOKEN = "x" * 16  # secrets.token_urlsafe(12)
TERM = "t" * 16  # a payment term's code: at most 16 characters (config)


def _patterns(handlers: list[BaseHandler[Any, Any, Any]]) -> list[re.Pattern[str]]:
    """The patterns of these callback handlers, those inside conversations too."""
    found: list[re.Pattern[str]] = []
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            inner = [*handler.entry_points, *handler.fallbacks]
            for step in handler.states.values():
                inner += step
            found += _patterns(inner)
        elif isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            assert isinstance(handler.pattern, re.Pattern), handler.callback
            found.append(handler.pattern)
    return found


@pytest.fixture
def registered(tmp_path: Path, clock: FixedClock) -> list[re.Pattern[str]]:
    """The callback patterns of the real Application (built offline, not started)."""
    app = build_application(make_config(tmp_path / "od.sqlite3"), clock=clock)
    return _patterns([h for group in app.handlers.values() for h in group])


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: f"{m.area}:{m.value}")
def test_every_code_has_a_handler(member: Action, registered: list[re.Pattern[str]]) -> None:
    for sample in (pack(member), pack(member, 1), pack(member, 1, "x")):
        assert any(p.match(sample) for p in registered), f"no handler for {sample}"


def test_every_callback_handler_has_a_code(registered: list[re.Pattern[str]]) -> None:
    samples = [pack(member, 1) for member in MEMBERS]
    dead = [p.pattern for p in registered if not any(p.match(s) for s in samples)]
    assert dead == []


def test_unknown_codes_match_no_handler(registered: list[re.Pattern[str]]) -> None:
    for data in ("apv:zz:1", "zz:v:1", "cart:showx", "apvx:v:1"):
        assert not any(p.match(data) for p in registered), data


def test_codes_are_unique_per_area_and_areas_unique() -> None:
    for area in AREAS:
        assert len(area.__members__) == len(list(area)), f"{area.__name__}: an alias"
        for member in area:
            assert re.fullmatch(r"[a-z]{1,8}", member.value), member
    codes = [area.area for area in AREAS]
    assert len(codes) == len(set(codes)) and all(re.fullmatch(r"[a-z]{1,4}", c) for c in codes)


def test_wire_codes_stay_as_sent() -> None:
    """Buttons already in people's chats keep working: a few codes, spelled out."""
    assert pack(actions.Approval.TERM, 5, "net30") == "apv:at:5:net30"
    assert pack(actions.Cart.REMOVE, 7) == "cart:rm:7"
    assert pack(actions.Checkout.NOTE, "skip") == "co:nt:skip"
    assert pack(actions.StaffOrders.PAGE, 2) == "sol:p:2"
    assert parse(pack(actions.Profile.NO_COMPANY)).action == actions.Profile.NO_COMPANY


def test_pattern_matches_its_actions_only() -> None:
    one = re.compile(pattern(actions.Ship.NEXT, actions.Ship.CONFIRM))
    assert one.match("shp:next") and one.match("shp:ok") and one.match("shp:ok:1")
    assert not one.match("shp:nextx") and not one.match("shp:o:1")
    assert re.compile(pattern_of(actions.Ship)).match("shp:o:1")
    with pytest.raises(ValueError, match="one area"):
        pattern(actions.Ship.NEXT, actions.Cart.SHOW)


LARGEST: list[tuple[Action, tuple[object, ...]]] = [
    (actions.Statement.FILE, (ID, DAY, DAY, "xlsx")),
    (actions.Export.FILE, ("receivables", DAY, DAY, "xlsx")),
    (actions.Report.VIEW, ("s", DAY, DAY)),
    (actions.Customer.TERM, (ID, TERM, 1)),
    (actions.Customer.ASSIGN_REP, (ID, ID)),
    (actions.Customer.REMOVE_PRICE, (ID, ID)),
    (actions.Approval.TERM, (ID, TERM)),
    (actions.Approval.PROMISE, (ID, DAY)),
    (actions.Approval.QUANTITY, (ID, ID)),
    (actions.Staff.REVOKE_CONFIRMED, (ID, "sales_manager")),
    (actions.Shortage.CHOICE, (ID, "ship_available")),
    (actions.ProductEditor.EDIT, (ID, "description_en")),
    (actions.Catalog.PRODUCT, (ID, 10_000)),
    (actions.Cart.ADD, (ID, 10**6)),
    (actions.QuickOrder.PICK, (99, ID)),
    (actions.OrderFor.PICK, (99, ID)),
    (actions.Ship.QUANTITY, (ID, "all")),
    (actions.Checkout.CONFIRM, (TOKEN,)),
    (actions.Custom.SEND, (TOKEN,)),
    (actions.Custom.ACCEPT, (ID, ID)),
]


@pytest.mark.parametrize("member, args", LARGEST, ids=lambda x: str(x)[:20])
def test_largest_data_fits_64_bytes(member: Action, args: tuple[object, ...]) -> None:
    assert len(pack(member, *args).encode()) <= MAX_BYTES


def test_every_code_fits_with_two_large_numbers() -> None:
    for member in MEMBERS:
        assert len(pack(member, ID, ID).encode()) <= MAX_BYTES


def test_staff_order_page_fits_with_the_longest_filter() -> None:
    found = OrderFilter(
        words="é" * (WORDS_MAX_BYTES // 2),
        status=OrderStatus.PARTIALLY_SHIPPED,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        late=True,
    )
    assert len(page_data(found, 100_000).encode()) <= MAX_BYTES


def test_an_area_needs_its_code() -> None:
    with pytest.raises(TypeError):

        class Nameless(Action):  # no area=
            X = "x"

    with pytest.raises(TypeError, match="area code"):

        class Colon(Action, area="a:b"):
            X = "x"
