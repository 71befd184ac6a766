"""Fulfilment through the real Application, offline: pick list, partial and full shipments,
delivery confirmed by the customer or the warehouse, and refusals."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_checkout import fill_cart, to_summary


async def submitted_order(team: Team) -> None:
    """Ann orders 5 staplers and 10 packs of staples (CN¥235.00); it waits for her rep."""
    bot = team.bot
    await fill_cart(bot, team.customer, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await fill_cart(bot, team.customer, "staples", "Staples 24/6 (1000 pcs) · CN¥4.50", "+10")
    await to_summary(bot, team.customer)
    await bot.press(team.customer, "✅ Confirm order")


async def approved_order(team: Team) -> int:
    """Ann's order, approved by her rep. Returns the order id."""
    bot = team.bot
    await submitted_order(team)
    await bot.press(team.rep, "✅ Approve")
    return int((await query(bot, "SELECT id FROM orders"))[0][0])


async def ship_rest(team: Team, carrier: str = "SF Express", *, skip: tuple[str, ...] = ()) -> str:
    """The warehouse ships what is left (minus the lines pressed off), no tracking, no date."""
    bot = team.bot
    await bot.press(team.warehouse, "🚚 Ship")
    for line in skip:
        await bot.press(team.warehouse, line)
    await bot.press(team.warehouse, "Next ➡")
    await bot.press(team.warehouse, carrier)
    await bot.press(team.warehouse, "No tracking number")
    await bot.press(team.warehouse, "Not known")
    return await bot.press(team.warehouse, "✅ Record shipment")


async def stock(team: Team, sku: str) -> tuple[int, int]:
    rows = await query(team.bot, "SELECT stock_on_hand, reserved FROM products WHERE sku = ?", sku)
    return int(rows[0][0]), int(rows[0][1])


async def test_partial_then_full_shipment_and_receipt(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    notice = bot.last(team.warehouse)
    assert "An approved order is ready to pick" in notice
    assert "STP-24 Stapler No. 24/6 — 5 (shipped 0)" in notice
    assert "Address: 1 Garden Road, Shanghai" in notice
    assert "CN¥" not in notice, "the warehouse never sees money"
    assert "📦 To ship" in await bot.send(team.warehouse, "/ship")
    await bot.press(team.warehouse, bot.buttons(team.warehouse)[0])
    assert bot.buttons(team.warehouse)[:6] == [
        "−",
        "STP-24 5/5",
        "+",
        "−",
        "STP-REFILL 10/10",
        "+",
    ]
    await bot.press(team.warehouse, "STP-REFILL 10/10")  # none of the staples this time
    await bot.press(team.warehouse, "−")  # 4 staplers
    await bot.press(team.warehouse, "Next ➡")
    assert "Carrier?" in bot.last(team.warehouse)
    await bot.press(team.warehouse, "SF Express")
    assert "Tracking number?" in bot.last(team.warehouse)
    assert "letters, digits" in await bot.send(team.warehouse, "#?!")
    await bot.send(team.warehouse, "sf 1234 5678")
    await bot.press(team.warehouse, "Wed, Nov 25")
    summary = bot.last(team.warehouse)
    assert "It cannot be undone" in summary and "STP-24 Stapler No. 24/6 — 4" in summary
    assert "Tracking: SF12345678" in summary
    await bot.press(team.warehouse, "✅ Record shipment")
    told = bot.last(team.customer)
    assert "Part of your order" in told and "SF Express, tracking SF12345678" in told
    assert "expected Nov 25, 2026" in told
    assert await query(bot, "SELECT status FROM orders") == [("partially_shipped",)]
    assert await stock(team, "STP-24") == (116, 1)
    await bot.send(team.warehouse, "/ship")
    await bot.press(team.warehouse, bot.buttons(team.warehouse)[0])
    assert bot.buttons(team.warehouse)[:6] == [
        "−",
        "STP-24 1/1",
        "+",
        "−",
        "STP-REFILL 10/10",
        "+",
    ]
    await bot.press(team.warehouse, "Next ➡")
    await bot.send(team.warehouse, "Our own van")
    await bot.press(team.warehouse, "No tracking number")
    await bot.press(team.warehouse, "Not known")
    await bot.press(team.warehouse, "✅ Record shipment")
    assert "is on its way" in bot.last(team.customer)
    assert await query(bot, "SELECT status FROM orders") == [("shipped",)]
    assert await stock(team, "STP-24") == (115, 0)
    assert await stock(team, "STP-REFILL") == (790, 0)
    first, second = bot.fake.bot_messages(team.customer)[-2:]
    await bot.press_data(
        team.customer,
        first["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        first["message_id"],
    )
    assert await query(bot, "SELECT status FROM orders") == [("shipped",)]
    detail = await bot.press_data(
        team.customer,
        second["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        second["message_id"],
    )
    assert "Status: 📬 delivered" in detail
    assert "Thank you for confirming!" in bot.alerts()[-1]


async def test_warehouse_marks_delivery(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    pick = await ship_rest(team, "JD Logistics")
    assert "Shipment 1: JD Logistics, tracking —" in pick
    finance = len(bot.fake.bot_messages(team.finance))
    pick = await bot.press(team.warehouse, "📬 Delivered: shipment 1")
    assert "Status: 📬 delivered" in pick and "delivered Nov 23, 2026" in pick
    told = bot.last(team.customer)
    assert "📬 Your order SO-20261123-0001 is delivered." in told
    assert "• Stapler No. 24/6 — 5" in told and "• Staples 24/6 (1000 pcs) — 10" in told
    assert "Shipment 1: JD Logistics, tracking — — delivered Nov 23, 2026" in told
    assert "How was your order SO-20261123-0001?" in told
    assert bot.buttons(team.customer) == ["1⭐", "2⭐", "3⭐", "4⭐", "5⭐"]
    assert "📬 Order SO-20261123-0001 (CN¥235.00) is delivered." in bot.last(team.finance)
    assert len(bot.fake.bot_messages(team.finance)) == finance + 1
    assert await query(bot, "SELECT status FROM orders") == [("delivered",)]
    # her old "I received it" button, pressed after: her order is shown, nobody is told again
    customer = len(bot.fake.bot_messages(team.customer))
    shown = await bot.press_data(team.customer, "dlv:r:1")
    assert "SO-20261123-0001" in shown
    assert len(bot.fake.bot_messages(team.finance)) == finance + 1
    assert len(bot.fake.bot_messages(team.customer)) == customer + 1  # her screen, no notice
    rows = await query(bot, "SELECT kind FROM outbox WHERE kind IN ('delivered', 'handed_over')")
    assert sorted(rows) == [("delivered",), ("handed_over",)]


async def test_a_shipment_of_part_is_told_as_part_and_the_rating_asked_at_the_end(
    team: Team,
) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_rest(team, skip=("STP-REFILL 10/10",))  # the staplers only
    await bot.press(team.warehouse, "📬 Delivered: shipment 1")
    told = bot.last(team.customer)
    assert "📬 Part of your order SO-20261123-0001 is delivered." in told
    assert "• Stapler No. 24/6 — 5" in told and "Staples" not in told
    assert "How was your order" not in told and bot.buttons(team.customer) == []
    finance = len(bot.fake.bot_messages(team.finance))
    await ship_rest(team)
    await bot.press(team.warehouse, "📬 Delivered: shipment 2")
    told = bot.last(team.customer)
    assert "📬 Your order SO-20261123-0001 is delivered." in told
    assert "• Staples 24/6 (1000 pcs) — 10" in told and "Shipment 2:" in told
    assert "How was your order SO-20261123-0001?" in told
    assert "is delivered" in bot.last(team.finance)
    assert len(bot.fake.bot_messages(team.finance)) == finance + 1
    assert await query(bot, "SELECT status FROM orders") == [("delivered",)]


async def test_only_the_warehouse_ships_and_only_the_owner_confirms(team: Team) -> None:
    bot = team.bot
    order_id = await approved_order(team)
    for uid in (team.customer, team.rep):
        assert "only for staff" in await bot.send(uid, "/ship")
        await bot.press_data(uid, f"shp:o:{order_id}")
        assert "only for staff" in bot.alerts()[-1]
        await bot.press_data(uid, "dlv:w:1")
        assert "only for staff" in bot.alerts()[-1]
    await ship_rest(team, "JD Logistics")
    stranger = bot.user("Eve")
    await bot.register(stranger)
    await bot.press_data(stranger, "dlv:r:1")
    assert "No such order among yours" in bot.alerts()[-1]
    assert await query(bot, "SELECT delivered_at FROM shipments") == [(None,)]
    denied = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
    assert denied == [(6,)]


async def test_nothing_to_ship_and_cancel(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await bot.press(team.warehouse, "🚚 Ship")
    await bot.press(team.warehouse, "STP-24 5/5")
    await bot.press(team.warehouse, "STP-REFILL 10/10")
    await bot.press(team.warehouse, "Next ➡")
    assert "at least one unit" in bot.alerts()[-1]
    assert "Nothing recorded." in await bot.send(team.warehouse, "/cancel")
    assert await query(bot, "SELECT COUNT(*) FROM shipments") == [(0,)]
