"""Role notices in group chats: the managers' forum topic, the warehouse's and finance's groups;
people decide by pressing the buttons there, their roles still checked."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Update

from bot.clock import FixedClock
from bot.db import Database
from tests.conftest import make_config
from tests.conversations.conftest import _grant, query
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.harness import Harness

MANAGERS, WAREHOUSE, FINANCE = -1001000000001, -1001000000002, -1001000000003


@pytest.fixture
async def grouped(db: Database, clock: FixedClock) -> AsyncIterator[Harness]:
    await db.close()
    config = make_config(
        db.path,
        review={"manager_threshold": "100.00"},
        notifications={
            "sales_manager": {"chat_id": MANAGERS, "topic_id": 7},
            "warehouse": {"chat_id": WAREHOUSE},
            "finance": {"chat_id": FINANCE},
        },
    )
    bot = await Harness(config, clock).start()
    yield bot
    await bot.stop()


async def press_in(bot: Harness, uid: int, chat: int, text: str) -> None:
    message = bot.fake.last_bot_message(chat)
    assert message is not None
    data = next(
        b["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == text
    )
    update = bot.fake.press_button(uid, message["message_id"], data, chat_id=chat)
    assert bot.app is not None
    await bot.app.process_update(Update.de_json(update, bot.app.bot))


async def test_notices_go_to_the_groups(grouped: Harness) -> None:
    bot = grouped
    mia, wu, customer = bot.user("Mia"), bot.user("Wu"), bot.user("Ann")
    await _grant(bot, mia, "sales_manager")
    await _grant(bot, wu, "warehouse")
    bot.fake.create_group("Managers", [mia, customer], chat_id=MANAGERS, forum=True)
    bot.fake.create_group("Warehouse", [wu], chat_id=WAREHOUSE)
    bot.fake.create_group("Finance", [], chat_id=FINANCE)
    await bot.register(customer)
    await fill_cart(bot, customer, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await to_summary(bot, customer)
    await bot.press(customer, "✅ Confirm order")
    notice = bot.fake.last_bot_message(MANAGERS)
    assert notice is not None and notice["message_thread_id"] == 7
    assert "A new order waits for your decision" in notice["text"]
    assert "A new order" not in bot.last(mia), "not sent privately as well"
    await press_in(bot, customer, MANAGERS, "✅ Approve")  # a customer in the group: refused
    assert "only for staff" in bot.alerts()[-1]
    await press_in(bot, mia, MANAGERS, "✅ Approve")
    assert "Status: ✅ approved" in bot.fake.last_bot_message(MANAGERS)["text"]  # type: ignore[index]
    pick = bot.fake.last_bot_message(WAREHOUSE)
    assert pick is not None and "ready to pick" in pick["text"] and "CN¥" not in pick["text"]
    await bot.send(wu, "/ship")  # the work itself goes on in Wu's own chat
    await bot.press(wu, bot.buttons(wu)[0])
    await bot.press(wu, "Next ➡")
    await bot.send(wu, "Our van")
    await bot.press(wu, "No tracking number")
    await bot.press(wu, "Not known")
    await bot.press(wu, "✅ Record shipment")
    await bot.press(customer, "✅ I received it")
    told = bot.fake.last_bot_message(FINANCE)
    assert told is not None and "is delivered" in told["text"]
    assert await query(bot, "SELECT status FROM orders") == [("delivered",)]


async def test_a_shortage_choice_goes_to_the_warehouse_group(grouped: Harness) -> None:
    bot = grouped
    mia, wu, customer = bot.user("Mia"), bot.user("Wu"), bot.user("Ann")
    await _grant(bot, mia, "sales_manager")
    await _grant(bot, wu, "warehouse")
    bot.fake.create_group("Managers", [mia], chat_id=MANAGERS, forum=True)
    bot.fake.create_group("Warehouse", [wu], chat_id=WAREHOUSE)
    await bot.register(customer)
    await fill_cart(bot, customer, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await to_summary(bot, customer)
    await bot.press(customer, "✅ Confirm order")
    await press_in(bot, mia, MANAGERS, "✅ Approve")
    pick = bot.fake.last_bot_message(WAREHOUSE)
    assert pick is not None
    short = next(
        b["callback_data"]
        for row in pick["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "⚠️ Short: STP-24"
    )
    await bot.press_data(wu, short)  # the pick list's button, the work in Wu's own chat
    await bot.send(wu, "2")
    await bot.press(wu, "Not known")
    private = len(bot.fake.bot_messages(wu))
    await bot.press(customer, "Ship what is there")
    told = bot.fake.last_bot_message(WAREHOUSE)
    assert told is not None and "STP-24: ship what is there" in told["text"]
    assert len(bot.fake.bot_messages(wu)) == private, "the group's, not Wu's private chat"


async def test_the_bot_does_not_chatter_in_groups(grouped: Harness) -> None:
    bot = grouped
    mia = bot.user("Mia")
    group = bot.fake.create_group("Managers", [mia], chat_id=MANAGERS, forum=True)
    update = bot.fake.send_text(mia, "good morning team")
    update["message"]["chat"] = {"id": group, "type": "supergroup", "title": "Managers"}
    await bot.feed(update)
    assert bot.fake.bot_messages(group) == []
    assert not [
        m for m in bot.fake.bot_messages(mia) if "did not understand" in (m.get("text") or "")
    ]


async def test_registration_never_starts_in_a_group(grouped: Harness) -> None:
    bot = grouped
    ann = bot.user("Ann")
    group = bot.fake.create_group("Managers", [ann], chat_id=MANAGERS, forum=True)
    update = bot.fake.send_text(ann, "/start")
    update["message"]["chat"] = {"id": group, "type": "supergroup", "title": "Managers"}
    await bot.feed(update)
    assert bot.fake.bot_messages(group) == []
    assert "What is your name?" in await bot.send(ann, "/start")  # in private it does
