"""Adjusting before approval: discount within the rep's limit, term, promised date; the checks
run again; beyond a rep's limit only a manager."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_approvals import order


async def test_rep_adjusts_within_limits(team: Team) -> None:
    bot = team.bot
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+10")  # 350 + 15 = 365.00
    await bot.press(team.rep, "✏️ Adjust")
    assert "Adjust order SO-20261123-0001" in bot.last(team.rep)
    await bot.press(team.rep, "Discount…")
    assert "up to 10%" in bot.last(team.rep)
    assert "at most 10%" in await bot.send(team.rep, "15")
    assert "percentage from 0 to 100" in await bot.send(team.rep, "lots")
    card = await bot.send(team.rep, "5")
    assert "Discount: 5%" in card and "Total: CN¥347.50" in card  # 350 − 17.50 + 15
    await bot.press(team.rep, "✏️ Adjust")
    card = await bot.press(team.rep, "Wed, Nov 25")
    assert "Promised ship date: Nov 25, 2026" in card
    await bot.press(team.rep, "✅ Approve")
    assert "is approved, total CN¥347.50" in bot.last(team.customer)
    rows = await query(bot, "SELECT total, discount, promised_date FROM orders")
    assert rows == [(34750, 1750, "2026-11-25")]
    adjusted = await query(bot, "SELECT before, after FROM audit_log WHERE action = 'adjusted'")
    assert adjusted[0] == (
        "discount 0%, cod, total 36500, ship by -",
        "discount 5%, cod, total 34750, ship by -",
    )


async def test_a_term_that_breaks_credit_goes_to_managers(team: Team) -> None:
    bot = team.bot
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+10")
    await bot.press(team.rep, "✏️ Adjust")
    await bot.press_data(team.rep, "apv:at:1:net30")  # not allowed to this customer
    assert "not available to you" in bot.alerts()[-1]
    await query(
        bot, "INSERT INTO customer_payment_terms (customer_id, term_code) VALUES (1, 'net30')"
    )
    card = await bot.press(team.rep, "Pay within 30 days")
    assert (
        "⛔ over the credit limit by CN¥365.00" in card and "Route: needs a sales manager" in card
    )
    assert "A new order waits for your decision" in bot.last(team.manager)
    await bot.press_data(team.rep, "apv:ok:1")
    assert "only for staff" in bot.alerts()[-1]


async def test_manager_may_give_a_deeper_discount(team: Team) -> None:
    bot = team.bot
    await order(team, "toner", "Toner TN-2420 (black) · CN¥389.00", "+5")  # goes to managers
    await bot.press(team.manager, "✏️ Adjust")
    await bot.press(team.manager, "Discount…")
    card = await bot.send(team.manager, "20")
    assert "Discount: 20%" in card and "⛔ discount 20% is above a rep's limit" in card
    await bot.press(team.manager, "✅ Approve")
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]


async def test_rep_adjusts_a_quantity(team: Team) -> None:
    bot = team.bot
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+10")
    await bot.press(team.rep, "✏️ Adjust")
    await bot.press(team.rep, "🔢 STP-24 (10)")
    assert "Only 120 units are available" in await bot.send(team.rep, "500")
    card = await bot.send(team.rep, "4")
    assert "Stapler No. 24/6 — 4 × CN¥35.00" in card and "Total: CN¥155.00" in card
    assert await query(bot, "SELECT reserved FROM products WHERE sku = 'STP-24'") == [(4,)]
    changed = await query(bot, "SELECT after FROM audit_log WHERE action = 'changed'")
    assert changed == [('{"line_id":1,"qty":4}',)]
