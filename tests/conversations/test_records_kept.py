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
    pick = bot.fake.bot_messages(team.warehouse)
    assert any("Shipment 1: SF Express" in (m.get("text") or "") for m in pick)
    assert not any("Shipment 2" in (m.get("text") or "") for m in pick)
    assert "📬 Delivered: shipment 1" in [b for row in bot.fake.buttons(pick[-1]) for b in row]
    number = await query(bot, "SELECT number FROM orders WHERE id = ?", second[0][0])
    card = await bot.send(team.warehouse, f"/order {number[0][0]}")
    assert "Shipment 1: SF Express" in card and "Shipment 2" not in card
