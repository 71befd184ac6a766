"""Records stay where they were (issue 15): shipment notices, order summaries and pick lists are
not overwritten by the confirmations that follow them; shipments are numbered per order."""

from __future__ import annotations

from typing import Any

from tests.conversations.conftest import Team, query
from tests.conversations.test_custom_orders import accept, describe, quote
from tests.conversations.test_fulfilment import approved_order, ship_rest, submitted_order
from tests.conversations.test_order_for import start_for_ann


def _buttons(message: dict[str, Any] | None) -> list[str]:
    assert message is not None
    return [
        b["text"]
        for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        for b in row
    ]


async def test_shipments_are_numbered_within_their_order(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_rest(team, "JD Logistics")
    await approved_order(team)
    await ship_rest(team, "SF Express")
    second = await query(bot, "SELECT MAX(id) FROM orders")
    ids = await query(bot, "SELECT id FROM shipments WHERE order_id = ?", second[0][0])
    assert ids == [(2,)], "the second order's shipment has id 2 across all orders"
    told = bot.last(team.customer)
    assert "Shipment 1: SF Express" in told and "Shipment 2" not in told
    chat = bot.fake.bot_messages(team.warehouse)
    assert any("Shipment 1: SF Express" in (m.get("text") or "") for m in chat)
    assert not any("Shipment 2" in (m.get("text") or "") for m in chat)
    number = await query(bot, "SELECT number FROM orders WHERE id = ?", second[0][0])
    pick = next(m for m in reversed(chat) if f"Pick list {number[0][0]}" in m.get("text", ""))
    assert "📬 Delivered: shipment 1" in [b for row in bot.fake.buttons(pick) for b in row]
    card = await bot.send(team.warehouse, f"/order {number[0][0]}")
    assert "Shipment 1: SF Express" in card and "Shipment 2" not in card
    assert "shipment recorded (1)" in card and "shipment recorded (2)" not in card


async def ship_tracked(team: Team) -> None:
    """The warehouse ships all of Ann's approved order with SF Express, tracking SF12345678."""
    bot = team.bot
    await bot.press(team.warehouse, "🚚 Ship")
    await bot.press(team.warehouse, "Next ➡")
    await bot.press(team.warehouse, "SF Express")
    await bot.send(team.warehouse, "SF 1234 5678")
    await bot.press(team.warehouse, "Not known")
    await bot.press(team.warehouse, "✅ Record shipment")


async def test_received_keeps_the_shipping_notice_and_cards_show_tracking(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_tracked(team)
    notice = bot.last_message(team.customer)
    assert "SF Express, tracking SF12345678" in notice["text"]
    finance_before = len(bot.fake.bot_messages(team.finance))
    card = await bot.press(team.customer, "✅ I received it")
    kept = bot.fake.message(team.customer, notice["message_id"])
    assert kept is not None and kept["text"] == notice["text"], "the notice is not overwritten"
    assert not bot.fake.buttons(kept), "its Received button is gone (pressed once)"
    assert bot.last_message(team.customer)["message_id"] > notice["message_id"]
    assert "Status: 📬 delivered" in card
    assert "Shipment 1: SF Express, tracking SF12345678" in card
    assert "Thank you for confirming!" in bot.alerts()[-1]
    assert await query(bot, "SELECT status FROM orders") == [("delivered",)]
    delivered = await query(bot, "SELECT delivered_at IS NOT NULL FROM shipments")
    assert delivered == [(1,)]
    finance = bot.fake.bot_messages(team.finance)[finance_before:]
    assert any("delivered" in (m.get("text") or "").lower() for m in finance)
    number = (await query(bot, "SELECT number FROM orders"))[0][0]
    tracked = await bot.send(team.customer, f"/track {number}")
    assert "Shipment 1: SF Express, tracking SF12345678" in tracked
    assert "delivered" in tracked


async def test_pick_list_has_the_customers_phone(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    phone = (await query(bot, "SELECT phone FROM customers"))[0][0]
    assert phone == "+8613800138000"
    notice = bot.last(team.warehouse)
    assert "An approved order is ready to pick" in notice
    assert f"Phone: {phone}" in notice, "the courier can call the customer"
    assert "CN¥" not in notice
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]


async def test_confirm_keeps_the_order_summary(team: Team) -> None:
    bot = team.bot
    await submitted_order(team)  # ends pressing Confirm on the summary
    chat = bot.fake.bot_messages(team.customer)
    summary = next(m for m in reversed(chat) if "Please check your order" in m.get("text", ""))
    kept = bot.fake.message(team.customer, summary["message_id"])
    assert kept is not None
    assert "Stapler No. 24/6" in kept["text"] and "Staples 24/6" in kept["text"]
    assert "CN¥235.00" in kept["text"]
    assert _buttons(kept) == [], "the record keeps no Confirm, Edit or Cancel"
    told = bot.last_message(team.customer)
    assert told["message_id"] > summary["message_id"]
    assert "Order SO-20261123-0001 is submitted" in told["text"]
    assert await query(bot, "SELECT number, status FROM orders") == [
        ("SO-20261123-0001", "submitted")
    ]
    assert "SO-20261123-0001" in bot.last(team.rep) and "✅ Approve" in bot.buttons(team.rep)
    warehouse = " ".join(m.get("text") or "" for m in bot.fake.bot_messages(team.warehouse))
    assert "SO-20261123-0001" not in warehouse, "not approved yet: no pick list"


async def test_shipping_keeps_the_pick_list_and_refreshes_it(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    pick = bot.last_message(team.warehouse)
    assert "Pick list SO-20261123-0001" in pick["text"] and "🚚 Ship" in _buttons(pick)
    await bot.press(team.warehouse, "🚚 Ship")
    during = bot.fake.message(team.warehouse, pick["message_id"])
    assert during is not None and "Pick list SO-20261123-0001" in during["text"]
    assert "Which goods leave" in bot.last(team.warehouse), "the question comes below"
    await bot.press(team.warehouse, "STP-REFILL 10/10")  # only the staplers this time
    await bot.press(team.warehouse, "Next ➡")
    await bot.press(team.warehouse, "SF Express")
    await bot.send(team.warehouse, "SF 1234 5678")
    await bot.press(team.warehouse, "Not known")
    done = await bot.press(team.warehouse, "✅ Record shipment")
    assert "Shipment recorded for order SO-20261123-0001" in done
    assert "Shipment 1: SF Express, tracking SF12345678" in done
    after = bot.fake.message(team.warehouse, pick["message_id"])
    assert after is not None
    assert "Pick list SO-20261123-0001" in after["text"]
    assert "STP-24 Stapler No. 24/6 — 5 (shipped 5)" in after["text"]
    assert "STP-REFILL Staples 24/6 (1000 pcs) — 10 (shipped 0)" in after["text"]
    assert "Shipment 1: SF Express, tracking SF12345678" in after["text"]
    assert "Phone: +8613800138000" in after["text"]
    assert "🚚 Ship" in _buttons(after) and "📬 Delivered: shipment 1" in _buttons(after)
    told = bot.last(team.customer)
    assert "Part of your order" in told and "SF Express, tracking SF12345678" in told
    assert await query(bot, "SELECT status FROM orders") == [("partially_shipped",)]
    assert await query(bot, "SELECT carrier, tracking FROM shipments") == [
        ("SF Express", "SF12345678")
    ]


async def test_accepting_a_quote_keeps_the_quote(team: Team) -> None:
    bot = team.bot
    await describe(team)
    await quote(team)
    offer = bot.last_message(team.customer)
    assert "Quote for your custom request #1" in offer["text"]
    await accept(team)  # the address and the payment term chosen below the quote
    kept = bot.fake.message(team.customer, offer["message_id"])
    assert kept is not None and kept["text"] == offer["text"], "the quote is the record"
    assert _buttons(kept) == []
    assert "is submitted" in bot.last(team.customer)
    assert await query(bot, "SELECT state, order_id FROM custom_requests") == [("accepted", 1)]
    assert "SO-20261123-0001" in bot.last(team.manager)


async def test_placing_an_order_for_a_customer_keeps_what_was_confirmed(team: Team) -> None:
    bot = team.bot
    await start_for_ann(team, team.rep)
    await bot.send(team.rep, "stp-24 5")
    await bot.press(team.rep, "Courier · CN¥15.00")
    await bot.press(team.rep, "1 Garden Road, Shanghai")
    confirm = await bot.press(team.rep, "Cash on delivery")
    asked = bot.last_message(team.rep)
    assert "Place this order for Ann Lee" in confirm
    await bot.press(team.rep, "✅ Place the order")
    kept = bot.fake.message(team.rep, asked["message_id"])
    assert kept is not None and kept["text"] == asked["text"]
    assert _buttons(kept) == []
    said = [m.get("text") or "" for m in bot.fake.bot_messages(team.rep)]
    assert "Order SO-20261123-0001 is placed." in said
    assert "Sam placed order SO-20261123-0001 for you" in bot.last(team.customer)
    assert await query(bot, "SELECT number, status FROM orders") == [
        ("SO-20261123-0001", "submitted")
    ]


async def test_a_record_that_cannot_be_edited_still_gets_its_confirmation(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_tracked(team)
    notice = bot.last_message(team.customer)
    bot.fake.inject(
        400,
        method="editMessageReplyMarkup",
        chat_id=team.customer,
        description="Bad Request: message to edit not found",
    )
    card = await bot.press(team.customer, "✅ I received it")
    assert "Status: 📬 delivered" in card and "tracking SF12345678" in card
    assert bot.last_message(team.customer)["message_id"] > notice["message_id"]
    old = bot.fake.message(team.customer, notice["message_id"])
    assert old is not None and old["text"] == notice["text"] and _buttons(old), "edit refused"
    assert await query(bot, "SELECT status FROM orders") == [("delivered",)]
