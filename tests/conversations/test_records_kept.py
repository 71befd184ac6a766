"""Records stay where they were (issue 15): shipment notices, order summaries and pick lists are
not overwritten by the confirmations that follow them; shipments are numbered per order."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_fulfilment import approved_order, ship_rest


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
