"""Prices per customer (issue 14, item 5): managers set a standing discount and special prices
from the customer card; reps and customers are refused; the customer then sees and pays that
price in the catalog, the cart, checkout and quick order."""

from __future__ import annotations

from tests.conversations.conftest import Team, query


async def open_card(team: Team, uid: int) -> str:
    await team.bot.send(uid, "/customer ann")
    return await team.bot.press(uid, "Ann Lee · +8613800138000")


async def audit(team: Team) -> list[tuple[object, ...]]:
    return await query(
        team.bot,
        "SELECT action, before, after FROM audit_log WHERE entity = 'customer'"
        " AND action IN ('discount', 'special_price') ORDER BY id",
    )


async def set_prices(team: Team) -> None:
    bot, mia = team.bot, team.manager
    card = await open_card(team, mia)
    assert "Standing discount: 0%" in card
    assert "0 to 100" in await bot.press(mia, "Discount…")
    for bad in ("-5", "101", "lots"):
        await bot.send(mia, bad)
    assert await query(bot, "SELECT discount_bp FROM customers") == [(0,)]
    assert "Standing discount: 10%" in await bot.send(mia, "10")
    screen = await bot.press(mia, "Special prices…")
    assert "No special prices" in screen
    assert "SKU and the customer's unit price" in await bot.press(mia, "➕ Add a special price…")
    for bad in ("TN-2420 0", "TN-2420 -5", "TN-2420 1000000000000", "NOPE-1 12.50", "TN-2420"):
        await bot.send(mia, bad)
    assert await query(bot, "SELECT * FROM customer_prices") == []
    screen = await bot.send(mia, "tn-2420 300")
    assert "TN-2420 Toner TN-2420 (black): CN¥300.00 (list CN¥389.00)" in screen
    await bot.press(mia, "➕ Add a special price…")
    await bot.send(mia, "STP-24 1")
    screen = await bot.press(mia, "✖️ Remove STP-24")
    assert "STP-24" not in screen and "CN¥300.00" in screen
    assert await audit(team) == [
        ("discount", "0", "1000"),
        ("special_price", "TN-2420 -", "TN-2420 30000"),
        ("special_price", "STP-24 -", "STP-24 100"),
        ("special_price", "STP-24 100", "STP-24 -"),
    ]


async def test_manager_sets_prices_and_the_customer_pays_them(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await set_prices(team)
    await bot.send(ann, "/search toner")
    assert "Toner TN-2420 (black) · CN¥300.00" in bot.buttons(ann)
    card = await bot.press(ann, "Toner TN-2420 (black) · CN¥300.00")
    assert "Price: CN¥300.00" in card and "CN¥389.00" not in card
    await bot.press(ann, "+5")
    cart = await bot.send(ann, "/cart")
    assert "CN¥1,500.00" in cart and "CN¥389.00" not in cart
    await bot.press(ann, "✅ Check out")
    await bot.press(ann, "Courier · CN¥15.00")
    await bot.press(ann, "1 Garden Road, Shanghai")
    await bot.press(ann, bot.buttons(ann)[0])
    await bot.press(ann, "Cash on delivery")
    summary = await bot.press(ann, "Skip")
    assert "Subtotal: CN¥1,500.00" in summary and "Discount: −CN¥150.00" in summary
    assert "Total: CN¥1,365.00" in summary
    await bot.press(ann, bot.buttons(ann)[0])
    assert await query(bot, "SELECT unit_price, qty FROM order_lines") == [(30000, 5)]
    assert await query(bot, "SELECT subtotal, discount, total FROM orders") == [
        (150000, 15000, 136500)
    ]
    quick = await bot.send(ann, "/quick 2 toner tn2420")
    assert "2 × CN¥300.00 = CN¥600.00" in quick


async def test_rep_and_forged_customer_buttons_are_refused(team: Team) -> None:
    bot = team.bot
    (cid,) = (await query(bot, "SELECT id FROM customers"))[0]
    (pid,) = (await query(bot, "SELECT id FROM products WHERE sku = 'TN-2420'"))[0]
    await query(
        bot,
        "INSERT INTO customer_prices (customer_id, product_id, unit_price, set_by, set_at)"
        " VALUES (?, ?, 100, 1, 'now')",
        cid,
        pid,
    )
    assert "Discount…" not in bot.buttons(team.rep) and "Special prices…" not in await open_card(
        team, team.rep
    )
    for uid in (team.rep, team.customer):
        for data in (f"cus:dc:{cid}", f"cus:sa:{cid}", f"cus:sp:{cid}", f"cus:sr:{cid}:{pid}"):
            await bot.press_data(uid, data)
            assert "only for staff" in bot.alerts()[-1]
    assert await query(bot, "SELECT unit_price FROM customer_prices") == [(100,)]
    assert await query(bot, "SELECT discount_bp FROM customers") == [(0,)]
    refused = await query(
        bot,
        "SELECT a.action FROM audit_log a JOIN users u ON u.id = a.actor_id"
        " WHERE u.telegram_id = ? AND a.action LIKE 'denied%'",
        team.customer,
    )
    assert refused, "the customer's forged press is audited"
