"""Units of measure: a product counted in boxes shows "5 boxes" wherever its quantity is shown
(checkout summary, order card, the rep's card, the pick list, quick order, the arrived and
short notices); pieces stay a bare number."""

from __future__ import annotations

from tests.conversations.conftest import ADMIN, Team, query
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.conversations.test_preorders import pre_order

STAPLER = "Stapler No. 24/6 · CN¥35.00"


async def set_unit(team: Team, sku: str, unit: str) -> None:
    """The admin sets a product's unit in the product editor."""
    bot = team.bot
    bot.fake.create_user("Ada", user_id=ADMIN)
    await bot.send(ADMIN, "/products")
    ((pid,),) = await query(bot, "SELECT id FROM products WHERE sku = ?", sku)
    await bot.press_data(ADMIN, f"pe:ed:{pid}:unit")
    assert f"Unit: {unit}" in await bot.press(ADMIN, unit)


async def staplers_by_the_box(team: Team) -> None:
    """The stapler is sold by the box."""
    await set_unit(team, "STP-24", "boxes")


async def test_an_order_of_boxes_reads_in_boxes_from_checkout_to_the_pick_list(
    team: Team,
) -> None:
    bot = team.bot
    await staplers_by_the_box(team)
    await fill_cart(bot, team.customer, "stapler", STAPLER, "+5")
    await fill_cart(bot, team.customer, "staples", "Staples 24/6 (1000 pcs) · CN¥4.50", "+10")
    summary = await to_summary(bot, team.customer)
    assert "5 boxes × CN¥35.00" in summary and "10 × CN¥4.50" in summary
    await bot.press(team.customer, "✅ Confirm order")
    card = bot.last(team.rep)
    assert "Stapler No. 24/6 — 5 boxes × CN¥35.00" in card
    assert "Staples 24/6 (1000 pcs) — 10 × CN¥4.50" in card
    await bot.press(team.rep, "✅ Approve")
    pick = bot.last(team.warehouse)
    assert "STP-24 Stapler No. 24/6 — 5 boxes (shipped 0 boxes)" in pick
    assert "STP-REFILL Staples 24/6 (1000 pcs) — 10 (shipped 0)" in pick
    detail = await bot.send(team.customer, "/track SO-20261123-0001")
    assert "Stapler No. 24/6 — 5 boxes × CN¥35.00" in detail
    assert len(bot.fake.bot_messages(team.finance)) == 1, "finance: only its /help"
    assert await query(bot, "SELECT qty FROM order_lines ORDER BY id") == [(5,), (10,)]


async def test_quick_order_confirms_in_the_unit(team: Team) -> None:
    bot = team.bot
    await staplers_by_the_box(team)
    await bot.send(team.customer, "/quick")
    screen = await bot.send(team.customer, "2 x stapler no. 24/6")
    assert "2 boxes × CN¥35.00 = CN¥70.00" in screen
    await bot.press_data(team.customer, "qo:add")
    assert "2 boxes × CN¥35.00" in bot.last(team.customer)


async def test_arrived_and_short_notices_count_in_the_unit(team: Team) -> None:
    bot = team.bot
    await set_unit(team, "INK-CMY-SET", "sets")
    await pre_order(team, 2)
    await bot.send(team.warehouse, "/receive INK-CMY-SET 2")
    assert "📦 Good news: 2 sets × Ink set" in bot.last(team.customer)
    await bot.press(team.warehouse, "⚠️ Short: INK-CMY-SET")
    await bot.send(team.warehouse, "1")
    await bot.press(team.warehouse, "Not known")
    assert "we have only 1 set of 2 sets × Ink set" in bot.last(team.customer)
