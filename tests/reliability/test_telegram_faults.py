"""Telegram misbehaving: flood control (429 with retry_after), server errors (5xx), timeouts, a
blocked chat (403), and the 400s "message is not modified" and "message to edit not found",
injected into the replies of button presses and messages of the real Application (offline,
with PTB's rate limiter on as in production). After each fault the step's change is in the
database exactly once, the person sees where they are or is told, others are still told, and
the flow goes on to an order."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram.error import TimedOut

from bot.app import build_application
from bot.clock import FixedClock
from bot.db import Database
from bot.runtime import transport
from sandbox import FakeTelegram, OfflineRequest
from tests.conftest import make_config
from tests.conversations.conftest import _grant, query
from tests.harness import Harness

STAPLER = "Stapler No. 24/6 · CN¥35.00"
TOLD = "Telegram did not answer just now"
FAILURE = "Sorry, something went wrong"


class FlakyRequest(OfflineRequest):
    """OfflineRequest whose next calls of chosen methods time out: `lost` ones before Telegram
    saw them, `late` ones after it carried them out (the answer never came back)."""

    def __init__(self, fake: FakeTelegram) -> None:
        super().__init__(fake, long_poll=False)
        self.lost: dict[str, int] = {}
        self.late: dict[str, int] = {}

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Time out as told, else answer from the fake."""
        name = url.rsplit("/", 1)[-1]
        if self.lost.get(name):
            self.lost[name] -= 1
            raise TimedOut("Timed out")
        answer = await super().do_request(url, method, *args, **kwargs)
        if self.late.get(name):
            self.late[name] -= 1
            raise TimedOut("Timed out")
        return answer


class Shop(Harness):
    """The offline Application with the rate limiter on and a FlakyRequest under it."""

    flaky: FlakyRequest
    rep: int
    customer: int

    async def start(self) -> Shop:
        """Build and start, as `run` would."""
        self.flaky = FlakyRequest(self.fake)
        self.app = build_application(self.config, clock=self.clock, request=self.flaky)
        await self.app.initialize()
        if self.app.post_init:
            await self.app.post_init(self.app)
        return self


@pytest.fixture
async def shop(
    db: Database, clock: FixedClock, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Shop]:
    """A shop with a sales rep and a registered customer, Ann (the shop's `customer`)."""
    monkeypatch.setattr(transport, "PAUSES", (0.01, 0.01))  # tried again at once
    await db.close()
    config = make_config(db_path, telegram={"token": "123456:TEST-TOKEN", "rate_limit": True})
    bot = await Shop(config, clock).start()
    bot.rep = bot.user("Sam")
    await _grant(bot, bot.rep, "sales_rep")
    bot.customer = bot.user("Ann")
    await bot.register(bot.customer)
    yield bot
    await bot.stop()


async def to_courier(bot: Shop) -> None:
    """Ann puts 5 staplers in her cart and starts checking out."""
    ann = bot.customer
    await bot.send(ann, "/search stapler")
    await bot.press(ann, STAPLER)
    await bot.press(ann, "+5")
    assert "how should we deliver" in await bot.send(ann, "/checkout")


async def to_confirm(bot: Shop) -> None:
    """Ann checks out by courier, prepaid, no note: her summary waits for Confirm."""
    ann = bot.customer
    await to_courier(bot)
    for label in ("Courier · CN¥15.00", "1 Garden Road, Shanghai", "Tue, Nov 24"):
        await bot.press(ann, label)
    await bot.press(ann, "Prepaid (we ship after payment)")
    await bot.press(ann, "Skip")


async def finish(bot: Shop) -> str:
    """Ann goes on from wherever checkout stands to a submitted order; returns its text."""
    ann = bot.customer
    steps = [
        ("Courier · CN¥15.00", "Where to?"),
        ("1 Garden Road, Shanghai", "When would you like it?"),
        ("Tue, Nov 24", "How would you like to pay?"),
        ("Prepaid (we ship after payment)", "Any note"),
        ("Skip", "Please check your order"),
        ("✅ Confirm order", "is submitted"),
    ]
    for label, shows in steps:
        if label in bot.buttons(ann):
            assert shows in await bot.press(ann, label)
    return bot.last(ann)


async def state(bot: Shop) -> object:
    """Ann's checkout step as stored (None: not in checkout)."""
    rows = await query(bot, "SELECT state FROM ptb_conversations WHERE name = 'checkout'")
    return json.loads(rows[0][0]) if rows else None


def calls(bot: Shop, method: str) -> int:
    """How many times the bot called a Bot API method."""
    return len(bot.fake.method_calls(method))


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def one_order(bot: Shop) -> None:
    """Exactly one order, its 5 staplers reserved once, and the rep told of it."""
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(1,)]
    assert await query(bot, "SELECT reserved FROM products WHERE sku = 'STP-24'") == [(5,)]
    told = [m for m in bot.fake.bot_messages(bot.rep) if "waits for your decision" in m["text"]]
    assert len(told) == 1
    said = [str(m.get("text") or m.get("caption")) for m in bot.fake.bot_messages(bot.customer)]
    assert not [m for m in said if FAILURE in m]


async def test_flood_control_is_waited_out(shop: Shop, caplog: pytest.LogCaptureFixture) -> None:
    bot, ann = shop, shop.customer
    await to_courier(bot)
    bot.fake.inject(429, method="editMessageText", chat_id=ann, retry_after=1)
    assert "Where to?" in await bot.press(ann, "Courier · CN¥15.00")
    assert await state(bot) == 2 and calls(bot, "editMessageText") == 2
    bot.fake.inject(429, method="sendMessage", chat_id=bot.rep, retry_after=1)
    assert "is submitted" in await finish(bot)
    await one_order(bot)


@pytest.mark.parametrize(
    ("code", "method", "when"),
    [
        (500, "editMessageCaption", "+5"),  # the card shown again with the cart
        (502, "answerCallbackQuery", "+5"),
        (502, "editMessageText", "Courier"),
        (503, "answerCallbackQuery", "Confirm"),
        (500, "editMessageReplyMarkup", "Confirm"),  # the summary kept without buttons
        (502, "sendMessage", "Confirm"),  # the rep's notice
    ],
)
async def test_a_server_error_is_tried_again(
    shop: Shop, caplog: pytest.LogCaptureFixture, code: int, method: str, when: str
) -> None:
    bot, ann = shop, shop.customer
    if when == "+5":
        await bot.send(ann, "/search stapler")
        await bot.press(ann, STAPLER)
        bot.fake.inject(code, method=method)
        assert "In your cart: 5" in await bot.press(ann, "+5")
        assert await query(bot, "SELECT qty FROM cart_lines") == [(5,)]
        assert "how should we deliver" in await bot.send(ann, "/checkout")
    else:
        await to_courier(bot)
    if when == "Courier":
        bot.fake.inject(code, method=method)
    else:
        await bot.press(ann, "Courier · CN¥15.00")
        for label in ("1 Garden Road, Shanghai", "Tue, Nov 24", "Prepaid (we ship after payment)"):
            await bot.press(ann, label)
        await bot.press(ann, "Skip")
        bot.fake.inject(code, method=method)
    assert "is submitted" in await finish(bot)
    await one_order(bot)
    assert f"Telegram answered {code} to {method}; trying again in 0.01 s" in warnings(caplog)


async def test_telegram_failing_for_longer_keeps_the_step_and_says_so(
    shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    bot, ann = shop, shop.customer
    await to_confirm(bot)
    bot.fake.inject(502, method="editMessageText", times=3)  # every attempt at the edit
    assert "is submitted" in await bot.press(ann, "✅ Confirm order")  # sent anew instead
    await one_order(bot)
    # Telegram down for every call to Ann: the cart line is added once, and kept.
    await bot.send(ann, "/search toner")
    await bot.press(ann, "Toner TN-2420 (black) · CN¥389.00")
    bot.fake.inject(502, chat_id=ann, times=None)
    bot.fake.inject(502, method="answerCallbackQuery", times=None)
    await bot.feed(bot.fake.press(ann, "+1"))
    assert "could not tell the user about an error: Bad Gateway" in warnings(caplog)
    bot.fake.clear_faults()
    assert await query(bot, "SELECT COUNT(*) FROM cart_lines WHERE qty = 1") == [(1,)]
    assert "Toner TN-2420" in await bot.send(ann, "/cart")  # and Ann goes on
    # A message Telegram failed to take: the step stays where it was, and Ann is told.
    bot.fake.inject(502, method="sendMessage", chat_id=ann, times=3)
    await bot.send(ann, "/checkout")
    assert TOLD in bot.last(ann)
    assert "how should we deliver" in await bot.send(ann, "/checkout")


async def test_a_timeout_is_tried_again_only_where_that_cannot_double(
    shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    bot, ann = shop, shop.customer
    await to_courier(bot)
    bot.flaky.lost["editMessageText"] = 1  # lost on the way: edited on the second try
    assert "Where to?" in await bot.press(ann, "Courier · CN¥15.00")
    assert await state(bot) == 2
    bot.flaky.late["editMessageText"] = 1  # carried out, the answer lost: editing again is fine
    assert "When would you like it?" in await bot.press(ann, "1 Garden Road, Shanghai")
    assert "editMessageText timed out (Timed out); trying again in 0.01 s" in warnings(caplog)
    # A message whose answer never came back is not sent again (no double), and the step
    # goes on as if it arrived: it did.
    newcomer = bot.user("Bo")
    await bot.send(newcomer, "/start")
    bot.flaky.late["sendMessage"] = 1
    phone = await bot.send(newcomer, "Bo Chen")
    assert "phone number" in phone
    asked = [m for m in bot.fake.bot_messages(newcomer) if "phone number" in (m["text"] or "")]
    assert len(asked) == 1
    await bot.feed(bot.fake.send_contact(newcomer, "+8613900000000"))
    assert "company" in bot.last(newcomer)
    assert "no answer to a message sent (it may have arrived): Timed out" in warnings(caplog)
    assert "is submitted" in await finish(bot)
    await one_order(bot)


async def test_a_blocked_chat_stops_nothing_else(
    shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    bot, ann = shop, shop.customer
    await to_confirm(bot)
    blocked = "Forbidden: bot was blocked by the user"
    bot.fake.inject(403, chat_id=ann, times=None, description=blocked)
    await bot.feed(bot.fake.press(ann, "✅ Confirm order"))
    bot.fake.clear_faults()
    await one_order(bot)  # the order stands, and the rep is told
    assert await state(bot) is None
    assert not [w for w in warnings(caplog) if "unexpected" in w]


@pytest.mark.parametrize(
    "description",
    ["Bad Request: message is not modified", "Bad Request: message to edit not found"],
)
async def test_an_edit_refused_with_400(
    shop: Shop, caplog: pytest.LogCaptureFixture, description: str
) -> None:
    bot, ann = shop, shop.customer
    await to_courier(bot)
    sent = calls(bot, "sendMessage")
    bot.fake.inject(400, method="editMessageText", description=description)
    await bot.feed(bot.fake.press(ann, "Courier · CN¥15.00"))
    assert await state(bot) == 2  # the step is taken either way
    if "not found" in description:
        assert "Where to?" in bot.last(ann)  # shown as a new message instead
        assert calls(bot, "sendMessage") == sent + 1
    else:  # Telegram says the message already shows this: nothing more to do
        assert calls(bot, "sendMessage") == sent
        await bot.send(ann, "/checkout")  # Ann asks for the step again
    assert "is submitted" in await finish(bot)
    await one_order(bot)
    assert not warnings(caplog)
