"""Adjusting before approval: discount within the rep's limit, term, promised date; the checks
run again; beyond a rep's limit only a manager."""

from __future__ import annotations

from tests.conversations.conftest import ADMIN, Team, query
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
    told = bot.last(team.customer)
    assert "is approved, total CN¥347.50" in told
    assert "Discount: −CN¥17.50" in told, "the customer reads the terms as approved"
    assert "Payment term: Cash on delivery" in told
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


async def test_an_admin_sets_a_reps_own_limit_and_orders_are_checked_against_it(
    team: Team,
) -> None:
    bot = team.bot
    admin = bot.fake.create_user("Ada", user_id=ADMIN)  # named in the config
    await bot.send(admin, "/help")
    ((sam,),) = await query(bot, "SELECT id FROM users WHERE telegram_id = ?", team.rep)
    ((wu,),) = await query(bot, "SELECT id FROM users WHERE telegram_id = ?", team.warehouse)
    await bot.send(admin, "/staff")
    card = await bot.press(admin, "Sam")
    assert "Discount limit: 10% (the default)" in card
    assert "↩ Default limit" not in bot.buttons(admin)
    asked = await bot.press(admin, "🏷 Discount limit…")
    assert "The deepest discount Sam may give without a manager" in asked
    for bad in ("-3", "150", "lots"):
        assert "percentage from 0 to 100" in await bot.send(admin, bad)
    assert await query(bot, "SELECT COUNT(*) FROM rep_limits") == [(0,)]
    card = await bot.send(admin, "4")
    assert "Discount limit: 4% (their own)" in card and "↩ Default limit" in bot.buttons(admin)
    assert await query(bot, "SELECT rep_id, discount_bp FROM rep_limits") == [(sam, 400)]
    audit = "SELECT before, after FROM audit_log WHERE action = 'discount_limit'"
    assert await query(bot, audit) == [("", "400")]
    # Ann's 5 % discount is within the default but not within Sam's own 4 %: the managers'
    await query(bot, "UPDATE customers SET discount_bp = 500")
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+1")
    card = bot.last(team.manager)
    assert "⛔ discount 5% is above a rep's limit" in card and "needs a sales manager" in card
    assert "A sales manager decides it." in bot.last(team.rep)
    # and Sam may not give more than his own limit on the next one
    await query(bot, "UPDATE customers SET discount_bp = 0")
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+1")
    await bot.press(team.rep, "✏️ Adjust")
    assert "up to 4%" in await bot.press(team.rep, "Discount…")
    assert "at most 4%" in await bot.send(team.rep, "5")
    assert "Discount: 4%" in await bot.send(team.rep, "4")
    # only an admin sets it, only for a rep; the default back
    await bot.press_data(team.rep, f"stf:dl:{sam}")
    assert "only for staff" in bot.alerts()[-1]
    await bot.press_data(team.manager, f"stf:dld:{sam}")
    assert "only for staff" in bot.alerts()[-1]
    await bot.press_data(admin, f"stf:dl:{wu}")
    assert "Only a sales rep has a discount limit." in bot.alerts()[-1]
    await bot.press_data(admin, "stf:dl:99999")
    assert "No such person." in bot.alerts()[-1]
    await bot.send(admin, "/staff")
    await bot.press(admin, "Sam")
    card = await bot.press(admin, "↩ Default limit")
    assert "Discount limit: 10% (the default)" in card
    assert await query(bot, "SELECT COUNT(*) FROM rep_limits") == [(0,)]
    assert await query(bot, audit) == [("", "400"), ("400", "")]


async def test_a_reps_own_limit_may_be_above_the_default(team: Team) -> None:
    bot = team.bot
    ((sam,),) = await query(bot, "SELECT id FROM users WHERE telegram_id = ?", team.rep)
    await query(
        bot,
        "INSERT INTO rep_limits (rep_id, discount_bp, set_by, set_at) VALUES (?, 1500, ?, 'now')",
        sam,
        sam,
    )
    await query(bot, "UPDATE customers SET discount_bp = 1200")  # 12 %: above the default 10
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+1")
    card = bot.last(team.rep)
    assert "A new order waits for your decision" in card
    assert "✅ discount within your limit" in card and "the customer's sales rep" in card
    await bot.press(team.rep, "✏️ Adjust")
    assert "up to 15%" in await bot.press(team.rep, "Discount…")
    assert "Discount: 14%" in await bot.send(team.rep, "14")
