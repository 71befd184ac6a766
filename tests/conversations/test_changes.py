"""Changing an order: at once before approval (stock and totals follow, checks again), as a
request after it (before → after to the rep), refused once shipped."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_approvals import order
from tests.conversations.test_fulfilment import approved_order, ship_rest, stock


async def open_change(team: Team) -> str:
    await team.bot.send(team.customer, "/track SO-20261123-0001")
    return await team.bot.press(team.customer, "✏️ Change order")


async def test_before_approval_changes_apply_at_once(team: Team) -> None:
    bot = team.bot
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")  # 190.00, to the rep
    card = bot.last_message(team.rep)
    assert "A new order waits for your decision" in card["text"]
    assert "What would you like to change" in await open_change(team)
    await bot.press(team.customer, "🔢 Stapler No. 24/6 (5)")
    assert "from 1 to 10,000" in await bot.send(team.customer, "0")
    assert "Only 120 units are available" in await bot.send(team.customer, "121")
    detail = await bot.send(team.customer, "30")
    # the rep's card, edited in place: changed by Ann, as the order now stands
    edited = bot.fake.message(team.rep, card["message_id"])
    assert edited is not None
    assert edited["text"].startswith("✏️ Changed by Ann; it still waits for a decision.")
    assert "Stapler No. 24/6 — 30 × CN¥35.00" in edited["text"]
    assert "Stapler No. 24/6 — 30 × CN¥35.00" in detail and "Total: CN¥1,065.00" in detail
    assert await stock(team, "STP-24") == (120, 30)
    card = bot.last(team.manager)  # 1,065.00 is above the manager threshold of 1,000.00
    assert (
        "A new order waits for your decision" in card and "is above the manager threshold" in card
    )
    await open_change(team)
    await bot.press(team.customer, "📍 Address")
    assert "5 to 300 characters" in await bot.send(team.customer, "x")
    assert "Address: 9 New Lane, Shanghai" in await bot.send(team.customer, "9 New Lane, Shanghai")
    await open_change(team)
    await bot.press(team.customer, "🔢 Stapler No. 24/6 (30)")
    await bot.send(team.customer, "2")
    assert await stock(team, "STP-24") == (120, 2)
    rows = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'changed'")
    assert rows == [(3,)]


async def test_after_approval_a_change_is_a_request(team: Team) -> None:
    bot = team.bot
    await approved_order(team)  # 5 staplers + 10 packs of staples, 235.00
    assert "our team will confirm" in await open_change(team)
    await bot.press(team.customer, "🔢 Stapler No. 24/6 (5)")
    await bot.send(team.customer, "3")
    assert "Why?" in bot.last(team.customer)
    assert "is sent to our team" in await bot.send(team.customer, "Budget cut")
    card = bot.last(team.rep)
    assert "Change request" in card and "STP-24: 5 → 3" in card and "Reason: Budget cut" in card
    assert await stock(team, "STP-24") == (120, 5), "nothing changes before the rep accepts"
    await bot.press(team.rep, "✅ Accept the change")
    assert "is accepted; total now CN¥165.00" in bot.last(team.customer)
    assert await stock(team, "STP-24") == (120, 3)


async def test_no_changes_once_shipped_and_only_the_owner(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_rest(team)
    await bot.send(team.customer, "/track SO-20261123-0001")
    assert "✏️ Change order" not in bot.buttons(team.customer)
    await bot.press_data(team.customer, "ord:ch:1")
    assert "shipped, so that is no longer possible" in bot.alerts()[-1]
    eve = bot.user("Eve")
    await bot.register(eve)
    await bot.press_data(eve, "ord:ch:1")
    assert "No such order among yours" in bot.alerts()[-1]


async def test_a_smaller_quantity_after_payment_records_a_refund_due(team: Team) -> None:
    bot = team.bot
    await approved_order(team)  # 235.00
    await bot.send(team.finance, "/payment SO-20261123-0001")
    await bot.press(team.finance, "All of it: CN¥235.00")
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    await bot.press(team.finance, "✅ Record payment")
    await open_change(team)
    await bot.press(team.customer, "🔢 Stapler No. 24/6 (5)")
    await bot.send(team.customer, "1")
    await bot.send(team.customer, "Too many")
    await bot.press(team.rep, "✅ Accept the change")
    assert await query(bot, "SELECT total, refund_due FROM orders") == [(9500, 14000)]
    told = bot.last(team.customer)
    assert "Your change to order SO-20261123-0001 is accepted; total now CN¥95.00." in told
    assert "We will refund CN¥140.00." in told
    assert "CN¥140.00 to pay back" in bot.last(team.finance)


async def test_a_product_added_before_approval_applies_at_once(team: Team) -> None:
    bot = team.bot
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")  # 190.00, to the rep
    await open_change(team)
    assert "Which product should be added?" in await bot.press(team.customer, "➕ Add a product")
    assert "Nothing found for “zzz”" in await bot.send(team.customer, "zzz")
    await bot.feed(bot.fake.send_sticker(team.customer))
    assert "answer with text" in bot.last(team.customer)
    await bot.send(team.customer, "toner")
    asked = await bot.press(team.customer, "➕ Toner TN-2420 (black) · CN¥389.00")
    assert "How many units of Toner TN-2420 (black) should be added?" in asked
    assert "from 1 to 10,000" in await bot.send(team.customer, "0")
    detail = await bot.send(team.customer, "2")
    assert "Toner TN-2420 (black) — 2 × CN¥389.00" in detail and "Total: CN¥968.00" in detail
    rows = await query(
        bot,
        "SELECT sku, qty, unit_price, reserved_qty FROM order_lines ORDER BY id",
    )
    assert rows == [("STP-24", 5, 3500, 5), ("TN-2420", 2, 38900, 2)]
    assert await stock(team, "TN-2420") == (25, 2)
    assert await query(bot, "SELECT total FROM orders") == [(96800,)]
    changed = await query(bot, "SELECT after FROM audit_log WHERE action = 'changed'")
    assert '"product_id"' in str(changed[0][0]) and '"TN-2420"' in str(changed[0][0])
    await open_change(team)
    await bot.press(team.customer, "➕ Add a product")
    await bot.send(team.customer, "stapler")
    await bot.press(team.customer, "➕ Stapler No. 24/6 · CN¥35.00")
    assert "from 1 to 9,995" in await bot.send(team.customer, "9999"), "the line's limit"
    detail = await bot.send(team.customer, "1")
    assert "Stapler No. 24/6 — 6 × CN¥35.00" in detail, "on the order already: its line grows"
    rows = await query(bot, "SELECT sku, qty, reserved_qty FROM order_lines ORDER BY id")
    assert rows == [("STP-24", 6, 6), ("TN-2420", 2, 2)]


async def test_a_product_added_after_approval_is_a_request_the_rep_accepts(team: Team) -> None:
    bot = team.bot
    await approved_order(team)  # 5 staplers + 10 packs of staples, 235.00
    warehouse_before = len(bot.fake.bot_messages(team.warehouse))
    finance_before = len(bot.fake.bot_messages(team.finance))
    await open_change(team)
    await bot.press(team.customer, "➕ Add a product")
    await bot.send(team.customer, "PAP-A4-80")
    await bot.press(team.customer, "➕ A4 copy paper 80 g (500 sheets) · CN¥25.00")
    await bot.send(team.customer, "3")
    assert "Why?" in bot.last(team.customer)
    assert "is sent to our team" in await bot.send(team.customer, "Forgot the paper")
    card = bot.last(team.rep)
    assert "Change request" in card and "➕ PAP-A4-80 × 3 (a product added)" in card
    assert "Reason: Forgot the paper" in card
    assert await stock(team, "PAP-A4-80") == (400, 0), "nothing changes before the rep accepts"
    await bot.press(team.rep, "✅ Accept the change")
    assert "is accepted; total now CN¥310.00" in bot.last(team.customer)
    assert await stock(team, "PAP-A4-80") == (400, 3)
    rows = await query(bot, "SELECT sku, qty, reserved_qty FROM order_lines ORDER BY id")
    assert rows[-1] == ("PAP-A4-80", 3, 3)
    assert await query(bot, "SELECT status, total FROM orders") == [("approved", 31000)]
    # The warehouse, which has the pick list, gets it again as it stands; finance is not told.
    told = [m.get("text") or "" for m in bot.fake.bot_messages(team.warehouse)[warehouse_before:]]
    assert len(told) == 1 and "This order was changed" in told[0], told
    assert "PAP-A4-80 A4 copy paper 80 g (500 sheets) — 3 (shipped 0)" in told[0]
    assert finance_before == len(bot.fake.bot_messages(team.finance))
    kinds = await query(bot, "SELECT kind, state FROM outbox WHERE kind LIKE 'pick_list%'")
    assert kinds == [("pick_list", "sent"), ("pick_list_changed", "sent")]
