"""Telegram Business through the real Application: a seller connects OrderDesk to their own
Telegram account and it answers their customers there (status, an order, an invoice, a quick
order), always with the business_connection_id; the seller switches it off per chat or for
the whole connection; everything else in those chats is left to the seller."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.app import ALLOWED_UPDATES
from bot.clock import FixedClock
from bot.db import Database
from tests.conftest import make_config
from tests.conversations.conftest import ADMIN, Team, query
from tests.conversations.test_finance import delivered_order
from tests.conversations.test_orders_flow import place
from tests.harness import Harness

BOT_LINK = "https://t.me/orderdesk_bot"


def urls(message: dict[str, Any]) -> list[str]:
    """The URL buttons of a message."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["url"] for row in rows for b in row if "url" in b]


async def connections(bot: Harness) -> list[tuple[object, ...]]:
    return await query(
        bot,
        "SELECT telegram_user_id, telegram_enabled, can_reply, enabled, refused"
        " FROM business_connections ORDER BY id",
    )


async def chats(bot: Harness) -> list[tuple[object, ...]]:
    return await query(
        bot,
        "SELECT c.chat_id, c.title, u.telegram_id FROM business_chats c"
        " LEFT JOIN users u ON u.id = c.off_by ORDER BY c.id",
    )


async def test_a_manager_connects_and_is_told(team: Team) -> None:
    bot = team.bot
    cid = await bot.connect_business(team.manager)
    assert await connections(bot) == [(team.manager, 1, 1, 1, None)]
    assert "OrderDesk is connected to your Telegram Business account" in bot.last(team.manager)
    (user_id,) = (await query(bot, "SELECT user_id FROM business_connections"))[0]
    assert await query(bot, "SELECT telegram_id FROM users WHERE id = ?", user_id) == [
        (team.manager,)
    ]
    assert bot.fake.business.replies(cid, team.customer) == []
    assert await chats(bot) == []


async def test_a_customer_or_rep_connecting_is_recorded_off_and_told_why(team: Team) -> None:
    bot = team.bot
    for uid in (team.customer, team.rep):
        cid = await bot.connect_business(uid)
        assert "only an OrderDesk admin or sales manager may connect it" in bot.last(uid)
        other = bot.user("Zoe")
        await bot.register(other, name="Zoe Xu")
        assert await bot.business_text(cid, other, "status") == []
    assert await connections(bot) == [
        (team.customer, 1, 1, 0, "not_staff"),
        (team.rep, 1, 1, 0, "not_staff"),
    ]
    assert await chats(bot) == []


async def test_status_and_an_order_answered_in_the_business_chat(team: Team) -> None:
    bot, ann = team.bot, team.customer
    number = await place(bot, ann)
    cid = await bot.connect_business(team.manager)
    own_chat = len(bot.fake.bot_messages(ann))

    (reply,) = await bot.business_text(cid, ann, "status")
    assert "📦 Your orders (1)" in reply["text"] and number in reply["text"]
    assert reply["business_connection_id"] == cid and reply["from"]["id"] == team.manager
    assert urls(reply) == [BOT_LINK], "a link into the bot, no callback buttons"
    sent = bot.fake.method_calls("sendMessage")[-1]
    assert sent["business_connection_id"] == cid and int(sent["chat_id"]) == ann

    (reply,) = await bot.business_text(cid, ann, f"{number.lower()}?")
    assert f"Order {number}" in reply["text"]
    assert "Status: 🕓 submitted, awaiting review" in reply["text"]
    (reply,) = await bot.business_text(cid, ann, "track SO-19990101-0001")
    assert "No such order" in reply["text"]

    assert len(bot.fake.bot_messages(ann)) == own_chat, "nothing in the bot's own chat"
    assert await chats(bot) == [(ann, "Ann", None)]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(1,)]


async def test_quick_order_lines_get_the_summary_and_a_link_to_confirm(team: Team) -> None:
    bot, ann = team.bot, team.customer
    cid = await bot.connect_business(team.manager)
    (reply,) = await bot.business_text(cid, ann, "3 x A4 paper, 2 toner tn2420")
    assert "I understood:" in reply["text"]
    assert "1. ✅ A4 copy paper 80 g (500 sheets) (PAP-A4-80)" in reply["text"]
    assert "2. ✅ Toner TN-2420 (black) (TN-2420)" in reply["text"]
    assert "Subtotal:" in reply["text"] and "confirm it in OrderDesk" in reply["text"]
    (link,) = urls(reply)
    assert link.startswith(f"{BOT_LINK}?start=qo_") and reply["business_connection_id"] == cid
    assert await query(bot, "SELECT COUNT(*) FROM cart_lines") == [(0,)], "nothing ordered"

    assert await bot.business_text(cid, ann, "Hello! Are you open on Sunday?") == []
    assert await bot.business_text(cid, ann, "2 coffee") == [], "nothing we sell: left alone"

    review = await bot.send(ann, f"/start {link.split('start=')[1]}")  # the link followed
    assert "PAP-A4-80" in review and "TN-2420" in review
    await bot.press(ann, "🛒 Add to cart")
    rows = await query(
        bot,
        "SELECT p.sku, c.qty FROM cart_lines c JOIN products p ON p.id = c.product_id"
        " ORDER BY p.sku",
    )
    assert rows == [("PAP-A4-80", 3), ("TN-2420", 2)]


async def test_forged_quick_links_are_only_a_welcome(team: Team) -> None:
    bot, ann = team.bot, team.customer
    for payload in ("qo_999999x1", "qo_1x999999", "qo_1x0", "qo_x", "qo_1x2_"):
        assert "Welcome back" in await bot.send(ann, f"/start {payload}"), payload
    assert await query(bot, "SELECT COUNT(*) FROM cart_lines") == [(0,)]


async def test_invoice_sent_as_pdf_in_the_business_chat(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await delivered_order(team)
    cid = await bot.connect_business(team.manager)
    (reply,) = await bot.business_text(cid, ann, "invoice SO-20261123-0001")
    assert "no invoice yet" in reply["text"]
    await bot.press(team.finance, "🧾 Issue invoice")
    (reply,) = await bot.business_text(cid, ann, "Invoice so-20261123-0001")
    assert reply["document"]["file_name"] == "INV-20261123-0001.pdf"
    assert "Invoice <b>INV-20261123-0001</b>" not in reply["caption"]
    assert "Invoice INV-20261123-0001 for your order SO-20261123-0001" in reply["caption"]
    assert reply["business_connection_id"] == cid
    assert bot.fake.file_content(reply["document"]["file_id"]).startswith(b"%PDF")
    (reply,) = await bot.business_text(cid, ann, "invoice INV-20991231-0009")
    assert "No such invoice" in reply["text"]
    assert await query(bot, "SELECT COUNT(*) FROM invoices") == [(1,)]


async def test_a_stranger_is_told_how_to_register_and_nothing_is_recorded(team: Team) -> None:
    bot = team.bot
    cid = await bot.connect_business(team.manager)
    stranger = bot.user("Zed")
    (reply,) = await bot.business_text(cid, stranger, "status")
    assert "register with OrderDesk first" in reply["text"] and urls(reply) == [BOT_LINK]
    assert await bot.business_text(cid, stranger, "hi, 3 x paper please") == []
    assert await query(bot, "SELECT COUNT(*) FROM users WHERE telegram_id = ?", stranger) == [(0,)]
    assert bot.fake.bot_messages(stranger) == []


async def test_seller_messages_are_ignored_and_orderdesk_off_switches_a_chat(team: Team) -> None:
    bot, ann, seller = team.bot, team.customer, team.manager
    cid = await bot.connect_business(seller)
    assert len(await bot.business_text(cid, ann, "status")) == 1
    assert await bot.business_text(cid, seller, "status", chat=ann) == [], "the seller's own"
    assert await bot.business_text(cid, seller, "/orderdesk off", chat=ann) == []
    assert await chats(bot) == [(ann, "Ann", seller)]
    assert await bot.business_text(cid, ann, "status") == []
    assert await bot.business_text(cid, ann, "/orderdesk on") == [], "only the seller's"
    assert await chats(bot) == [(ann, "Ann", seller)]
    assert await bot.business_text(cid, seller, "/orderdesk on", chat=ann) == []
    assert await chats(bot) == [(ann, "Ann", None)]
    assert len(await bot.business_text(cid, ann, "status")) == 1
    assert [m["text"] for m in bot.fake.business.messages(cid, ann)][2:4] == [
        "status",
        "/orderdesk off",
    ], "nothing deleted"


async def test_a_disabled_connection_or_one_that_may_not_reply_stays_silent(team: Team) -> None:
    bot, ann = team.bot, team.customer
    cid = await bot.connect_business(team.manager)
    await bot.feed(bot.fake.business.disconnect(cid))
    assert await connections(bot) == [(team.manager, 0, 1, 1, None)]
    assert "disconnected" in bot.last(team.manager)
    assert await bot.business_text(cid, ann, "status") == []
    muted = await bot.connect_business(team.manager, can_reply=False)
    assert "may not reply" in bot.last(team.manager)
    assert await bot.business_text(muted, ann, "status") == []
    assert await connections(bot) == [(team.manager, 0, 1, 1, None), (team.manager, 1, 0, 1, None)]
    assert await chats(bot) == []


async def test_business_command_switches_chats_and_the_connection(team: Team) -> None:
    bot, ann, seller = team.bot, team.customer, team.manager
    assert "No Telegram Business account is connected" in await bot.send(seller, "/business")
    cid = await bot.connect_business(seller)
    await bot.business_text(cid, ann, "status")
    screen = await bot.send(seller, "/business")
    assert "Telegram Business" in screen and "✅ answering" in screen and "✅ Ann" in screen
    assert bot.buttons(seller) == ["⏸ Switch off connection 1", "⏸ Off: Ann"]

    assert "⏸ Ann" in await bot.press(seller, "⏸ Off: Ann")
    assert await chats(bot) == [(ann, "Ann", seller)]
    assert await bot.business_text(cid, ann, "status") == []
    await bot.press(seller, "▶️ On: Ann")
    assert await chats(bot) == [(ann, "Ann", None)]

    assert "⏸ switched off" in await bot.press(seller, "⏸ Switch off connection 1")
    assert await connections(bot) == [(seller, 1, 1, 0, None)]
    assert await bot.business_text(cid, ann, "status") == []
    await bot.press(seller, "▶️ Switch on connection 1")
    assert len(await bot.business_text(cid, ann, "status")) == 1


async def test_forged_and_stale_business_buttons_change_nothing(team: Team) -> None:
    bot, ann, seller = team.bot, team.customer, team.manager
    cid = await bot.connect_business(seller)
    await bot.business_text(cid, ann, "status")
    before = (await connections(bot), await chats(bot))
    other = team.manager2
    await bot.send(other, "/business")
    for data in ("biz:c:1:0", "biz:m:1:0"):
        await bot.press_data(other, data)
        assert "only for staff with the right role" in bot.alerts()[-1], data
    for data in ("biz:c:999:0", "biz:m:999:0"):
        await bot.press_data(seller, data)
        assert "only for staff" in bot.alerts()[-1], data
    await bot.send(seller, "/business")
    for data in ("biz:c:1:7", "biz:x:1:0", "biz:c"):
        await bot.press_data(seller, data)
        assert "This button has expired" in bot.alerts()[-1], data
    assert "only for staff" in await bot.send(ann, "/business")
    await bot.press_data(ann, "biz:c:1:0")
    assert "only for staff" in bot.alerts()[-1]
    assert (await connections(bot), await chats(bot)) == before
    denied = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
    assert denied[0][0] >= 5


async def test_a_customer_flooding_the_sellers_chat_gets_a_burst_then_silence(
    db: Database, clock: FixedClock
) -> None:
    await db.close()
    config = make_config(
        db.path, business={"admins": [ADMIN]}, telegram={"flood_burst": 20, "flood_per_second": 5}
    )
    bot = await Harness(config, clock).start()
    try:
        seller = bot.fake.create_user("Sue", user_id=ADMIN)
        cid = await bot.connect_business(seller)
        ann = bot.user("Ann")
        await bot.register(ann)
        clock.advance(timedelta(minutes=1))  # her tokens back after registering
        replies = [len(await bot.business_text(cid, ann, "status")) for _ in range(100)]
        assert sum(replies) == 20 and replies[:20] == [1] * 20
        assert not any("Slow down" in str(m.get("text")) for m in bot.fake.bot_messages(ann))
        assert all(
            "Slow down" not in str(m.get("text")) for m in bot.fake.business.messages(cid, ann)
        )
    finally:
        await bot.stop()


async def test_a_failure_in_a_business_chat_is_never_told_anywhere(team: Team) -> None:
    bot, ann = team.bot, team.customer
    cid = await bot.connect_business(team.manager)
    own_chat = len(bot.fake.bot_messages(ann))
    bot.fake.inject(400, method="sendMessage", description="Bad Request: something odd")
    assert await bot.business_text(cid, ann, "status") == []
    assert len(bot.fake.bot_messages(ann)) == own_chat, "no apology in the bot's own chat"
    assert len(await bot.business_text(cid, ann, "status")) == 1, "the next one is answered"


def test_polling_asks_for_business_updates() -> None:
    assert {"business_connection", "business_message"} <= set(ALLOWED_UPDATES)
