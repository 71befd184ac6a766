"""An order taken by phone: the rep types the lines; the same checks, reservations and review;
the customer is told; other people are refused."""

from __future__ import annotations

from tests.conversations.conftest import Team, query


async def start_for_ann(team: Team, uid: int) -> None:
    await team.bot.send(uid, "/customer ann")
    await team.bot.press(uid, "Ann Lee · +8613800138000")
    await team.bot.press(uid, "📞 Place an order for them")


async def test_rep_takes_an_order_by_phone(team: Team) -> None:
    bot = team.bot
    await start_for_ann(team, team.rep)
    assert "one line per product" in bot.last(team.rep)
    assert "Line 1 is not understood" in await bot.send(team.rep, "STP-24 0")
    assert "No product has the SKU NOPE-1" in await bot.send(team.rep, "NOPE-1 2")
    assert "Only 4 units are available" not in await bot.send(team.rep, "stp-24 5\nPAP-A4-80 x 10")
    priced = bot.last(team.rep)
    assert "5 × CN¥35.00 = CN¥175.00" in priced and "10 × CN¥23.50 = CN¥235.00" in priced
    await bot.press(team.rep, "Courier · CN¥15.00")
    await bot.press(team.rep, "1 Garden Road, Shanghai")
    assert "net" not in " ".join(bot.buttons(team.rep)).lower()
    confirm = await bot.press(team.rep, "Cash on delivery")
    assert "Place this order for Ann Lee (2 lines, CN¥410.00 before delivery)?" in confirm
    await bot.press(team.rep, "✅ Place the order")
    said = [m.get("text") or "" for m in bot.fake.bot_messages(team.rep)]
    assert "Order SO-20261123-0001 is placed." in said
    assert "Sam placed order SO-20261123-0001 for you, total CN¥425.00" in bot.last(team.customer)
    assert "A new order waits for your decision" in bot.last(team.rep)  # the usual review
    assert await query(
        bot, "SELECT reserved FROM products WHERE sku IN ('STP-24', 'PAP-A4-80') ORDER BY sku"
    ) == [(10,), (5,)]
    rows = await query(
        bot,
        "SELECT a.action, u.first_name FROM audit_log a"
        " JOIN users u ON u.id = a.actor_id WHERE a.entity = 'order'",
    )
    assert ("placed_for_customer", "Sam") in rows and ("status", "Sam") in rows
    assert await query(bot, "SELECT COUNT(*) FROM cart_lines") == [(0,)], "Ann's cart is untouched"


async def big_order_for_ann(team: Team, uid: int) -> None:
    """Five toners for Ann (over CN¥1,000.00: the managers decide it)."""
    bot = team.bot
    await start_for_ann(team, uid)
    await bot.send(uid, "TN-2420 5")
    await bot.press(uid, "Courier · CN¥15.00")
    await bot.press(uid, "1 Garden Road, Shanghai")
    await bot.press(uid, "Cash on delivery")
    await bot.press(uid, "✅ Place the order")


async def test_her_rep_hears_of_an_order_others_placed_not_of_his_own(team: Team) -> None:
    bot = team.bot
    rep_before = len(bot.fake.bot_messages(team.rep))
    await big_order_for_ann(team, team.manager2)  # another manager takes her call
    said = [m.get("text") or "" for m in bot.fake.bot_messages(team.manager2)]
    assert "Order SO-20261123-0001 is placed." in said
    assert "placed order SO-20261123-0001 for you" in bot.last(team.customer)
    assert "A new order waits for your decision" in bot.last(team.manager)
    told = bot.fake.bot_messages(team.rep)[rep_before:]
    assert len(told) == 1 and "A new order from your customer" in told[0]["text"]
    await big_order_for_ann(team, team.rep)  # he takes the next call himself: told nothing
    said = [m.get("text") or "" for m in bot.fake.bot_messages(team.rep)[rep_before + 1 :]]
    assert "Order SO-20261123-0002 is placed." in said
    assert not [x for x in said if "A new order" in x], said
    assert "SO-20261123-0002" in bot.last(team.manager)
    rows = await query(bot, "SELECT kind, user_id FROM outbox WHERE kind = 'customer_ordered'")
    (rep_id,) = (await query(bot, "SELECT rep_id FROM customers"))[0]
    assert rows == [("customer_ordered", rep_id)]


async def test_stock_is_checked_and_strangers_refused(team: Team) -> None:
    bot = team.bot
    await start_for_ann(team, team.manager)
    await bot.send(team.manager, "NB-A5-DOT 5")  # only 4 in stock
    await bot.press(team.manager, "Pick-up · CN¥0.00")
    await bot.press(team.manager, "Prepaid (we ship after payment)")
    await bot.press(team.manager, "✅ Place the order")
    assert "no longer available in that quantity" in bot.alerts()[
        -1
    ] or "no longer available" in bot.last(team.manager)
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    (cid,) = (await query(bot, "SELECT id FROM customers"))[0]
    for uid in (team.warehouse, team.customer, team.finance):
        await bot.press_data(uid, f"ob:go:{cid}")
        assert "only for staff" in bot.alerts()[-1]


async def test_an_order_placed_for_her_that_approves_itself_says_so(team: Team) -> None:
    bot = team.bot
    await query(bot, "UPDATE customers SET trusted = 1")
    await start_for_ann(team, team.rep)
    await bot.send(team.rep, "STP-24 1")
    await bot.press(team.rep, "Pick-up · CN¥0.00")
    await bot.press(team.rep, "Prepaid (we ship after payment)")
    await bot.press(team.rep, "✅ Place the order")
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]
    said = [m.get("text") or "" for m in bot.fake.bot_messages(team.customer)]
    placed = [x for x in said if "Sam placed order SO-20261123-0001 for you" in x]
    assert len(placed) == 1 and "Status: ✅ approved" in placed[0]
