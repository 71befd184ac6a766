"""Pre-orders for real, through the real Application offline: stock received goes first to the
orders waiting for it, oldest first, before anyone else may take it; the customer is told it
arrived, and an order held whole goes to the warehouse again."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_checkout import fill_cart, to_summary

INK = "🕓 Ink set cyan, magenta, yellow · CN¥129.00"  # out of stock: pre-orders taken
INK_HERE = "Ink set cyan, magenta, yellow · CN¥129.00"  # in stock: no mark


async def pre_order(team: Team, units: int) -> None:
    """Ann pre-orders ink sets (none in stock) and her rep approves."""
    bot = team.bot
    for _ in range(units):
        await fill_cart(bot, team.customer, "ink", INK, "+1")
    await to_summary(bot, team.customer)
    await bot.press(team.customer, "✅ Confirm order")
    await bot.press(team.rep, "✅ Approve")


def pick_lists(team: Team) -> int:
    """How many pick lists the warehouse was sent."""
    sent = team.bot.fake.bot_messages(team.warehouse)
    return sum("🚚 Ship" in str(m.get("reply_markup") or "") for m in sent)


async def test_a_receipt_goes_to_waiting_pre_orders_oldest_first(team: Team) -> None:
    bot = team.bot
    await pre_order(team, 3)  # SO-…-0001
    await pre_order(team, 2)  # SO-…-0002
    assert await query(bot, "SELECT qty, reserved_qty FROM order_lines ORDER BY id") == [
        (3, 0),
        (2, 0),
    ]
    lists = pick_lists(team)
    told = len(bot.fake.bot_messages(team.customer))

    await bot.send(team.warehouse, "/receive INK-CMY-SET 4")
    assert await query(bot, "SELECT reserved_qty FROM order_lines ORDER BY id") == [(3,), (1,)]
    assert await query(
        bot, "SELECT stock_on_hand, reserved FROM products WHERE sku = 'INK-CMY-SET'"
    ) == [(4, 4)]
    news = [m.get("text") or "" for m in bot.fake.bot_messages(team.customer)[told:]]
    assert any("3 × Ink set" in x and "SO-20261123-0001" in x and "here now" in x for x in news)
    assert any("1 × Ink set" in x and "SO-20261123-0002" in x for x in news)
    assert not any("SO-20261123-0002" in x and "here now" in x for x in news)
    assert pick_lists(team) == lists + 1, "the first order, held whole, to the warehouse again"

    # held, so nothing is left for anyone else until the second order has its units
    assert "available 0" in await bot.send(team.warehouse, "/stock ink")
    await bot.send(team.warehouse, "/receive INK-CMY-SET 1")
    assert await query(bot, "SELECT reserved_qty FROM order_lines ORDER BY id") == [(3,), (2,)]
    assert pick_lists(team) == lists + 2
    assert "here now" in bot.last(team.customer)


async def test_a_cancelled_pre_order_waits_for_nothing(team: Team) -> None:
    bot = team.bot
    await pre_order(team, 2)
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✖️ Ask to cancel")
    await bot.send(team.customer, "Too late for us")
    await bot.press(team.rep, "✅ Cancel the order")
    await bot.press(team.rep, "Yes, cancel it")
    await bot.send(team.warehouse, "/receive INK-CMY-SET 5")
    assert await query(bot, "SELECT reserved_qty FROM order_lines") == [(0,)]
    assert await query(
        bot, "SELECT stock_on_hand, reserved FROM products WHERE sku = 'INK-CMY-SET'"
    ) == [(5, 0)]


async def test_tell_me_when_it_is_back_tells_once(team: Team) -> None:
    bot = team.bot
    await bot.send(team.customer, "/search pens")
    card = await bot.press(team.customer, "❌ Blue ballpoint pens (12) · CN¥12.00")
    assert "❌ Out of stock" in card
    await bot.press(team.customer, "🔔 Tell me when it is back")
    assert "We will tell you once it is back." in bot.alerts()[-1]
    await bot.press(team.customer, "🔔 Tell me when it is back")  # twice: still told once
    assert await query(bot, "SELECT COUNT(*) FROM stock_watches") == [(1,)]
    ((stapler,),) = await query(bot, "SELECT id FROM products WHERE sku = 'STP-24'")
    await bot.press_data(team.customer, f"cat:w:{stapler}")  # in stock: nothing to wait for
    assert "in stock now" in bot.alerts()[-1]

    await bot.send(team.warehouse, "/receive PEN-BLU-12 10")
    back = [
        m.get("text") or ""
        for m in bot.fake.bot_messages(team.customer)
        if "is back in stock" in (m.get("text") or "")
    ]
    assert back == ["🔔 Blue ballpoint pens (12) is back in stock."]
    assert "Open it" in bot.buttons(team.customer)
    assert await query(bot, "SELECT COUNT(*) FROM stock_watches") == [(0,)]
    await bot.send(team.warehouse, "/receive PEN-BLU-12 5")
    again = [m for m in bot.fake.bot_messages(team.customer) if "is back" in (m.get("text") or "")]
    assert len(again) == 1, "told once"


async def held_while_a_pre_order_waits(team: Team) -> tuple[int, int, int, int]:
    """The last 2 ink sets held by Ann's standard order SO-…-0001 (awaiting her rep), then her
    pre-order SO-…-0002 of 2, approved, waits. Returns how many messages each chat (customer,
    rep, warehouse, finance) had then, and the warehouse's pick lists."""
    bot = team.bot
    await bot.send(team.warehouse, "/receive INK-CMY-SET 2")
    await fill_cart(bot, team.customer, "ink", INK_HERE, "+1")
    await fill_cart(bot, team.customer, "ink", INK_HERE, "+1")
    await to_summary(bot, team.customer)
    await bot.press(team.customer, "✅ Confirm order")
    await pre_order(team, 2)
    assert await query(
        bot,
        "SELECT o.status, l.reserved_qty FROM order_lines l JOIN orders o"
        " ON o.id = l.order_id ORDER BY l.id",
    ) == [("submitted", 2), ("approved", 0)]
    assert "available 0" in await bot.send(team.warehouse, "/stock ink")
    return counts(team)


def counts(team: Team) -> tuple[int, int, int, int]:
    """Messages the customer, the rep and finance had, and the warehouse's pick lists."""
    bot = team.bot
    return (
        len(bot.fake.bot_messages(team.customer)),
        len(bot.fake.bot_messages(team.rep)),
        pick_lists(team),
        len(bot.fake.bot_messages(team.finance)),
    )


async def assert_pre_order_served(team: Team, told: int, rep: int, lists: int, fin: int) -> None:
    """SO-…-0002 holds the 2 units given back: Ann is told they arrived, the warehouse gets its
    pick list, nobody else may take them; the rep and finance hear nothing of it."""
    bot = team.bot
    assert await query(bot, "SELECT reserved_qty FROM order_lines ORDER BY id") == [(0,), (2,)]
    assert await query(
        bot, "SELECT stock_on_hand, reserved FROM products WHERE sku = 'INK-CMY-SET'"
    ) == [(2, 2)]
    news = [m.get("text") or "" for m in bot.fake.bot_messages(team.customer)[told:]]
    arrived = [x for x in news if "here now" in x]
    assert len(arrived) == 1 and "2 × Ink set" in arrived[0]
    assert "SO-20261123-0002" in arrived[0]
    assert pick_lists(team) == lists + 1, "the pre-order, held whole, to the warehouse"
    sent = [
        m for m in bot.fake.bot_messages(team.warehouse) if "🚚 Ship" in str(m.get("reply_markup"))
    ]
    assert "SO-20261123-0002" in (sent[-1].get("text") or "")
    assert not any("here now" in (m.get("text") or "") for m in bot.fake.bot_messages(team.rep))
    assert len(bot.fake.bot_messages(team.finance)) == fin
    assert "available 0" in await bot.send(team.warehouse, "/stock ink")


async def test_a_cancelled_order_gives_its_units_to_the_waiting_pre_order(team: Team) -> None:
    bot = team.bot
    told, rep, lists, fin = await held_while_a_pre_order_waits(team)
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✖️ Cancel order")
    await bot.press(team.customer, "No longer needed")
    assert await query(bot, "SELECT status FROM orders ORDER BY id") == [
        ("cancelled",),
        ("approved",),
    ]
    await assert_pre_order_served(team, told, rep, lists, fin)


async def test_a_rejected_order_gives_its_units_to_the_waiting_pre_order(team: Team) -> None:
    bot = team.bot
    told, rep, lists, fin = await held_while_a_pre_order_waits(team)
    await bot.press(team.rep, "⛔ Reject")
    assert "Status: ⛔ rejected" in await bot.send(team.rep, "Duplicate order")
    assert await query(bot, "SELECT status FROM orders ORDER BY id") == [
        ("rejected",),
        ("approved",),
    ]
    await assert_pre_order_served(team, told, rep, lists, fin)


async def test_a_dropped_short_line_gives_its_units_to_the_waiting_pre_order(team: Team) -> None:
    bot = team.bot
    await bot.send(team.warehouse, "/receive INK-CMY-SET 2")
    await fill_cart(bot, team.customer, "ink", INK_HERE, "+1")
    await fill_cart(bot, team.customer, "ink", INK_HERE, "+1")
    await to_summary(bot, team.customer)
    await bot.press(team.customer, "✅ Confirm order")
    await bot.press(team.rep, "✅ Approve")
    await bot.press(team.warehouse, "⚠️ Short: INK-CMY-SET")
    await bot.send(team.warehouse, "0")
    await bot.press(team.warehouse, "Not known")
    await pre_order(team, 2)
    assert await query(bot, "SELECT reserved_qty FROM order_lines ORDER BY id") == [(2,), (0,)]
    told, rep, lists, fin = counts(team)
    await bot.press(team.customer, "Cancel this product")
    assert await query(bot, "SELECT choice FROM shortages") == [("cancel_line",)]
    assert await query(bot, "SELECT status FROM orders ORDER BY id") == [
        ("cancelled",),
        ("approved",),
    ]
    await assert_pre_order_served(team, told, rep, lists, fin)


async def test_a_lowered_quantity_gives_its_units_to_the_waiting_pre_order(team: Team) -> None:
    bot = team.bot
    told, rep, lists, fin = await held_while_a_pre_order_waits(team)
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✏️ Change order")
    await bot.press(team.customer, "🔢 Ink set cyan, magenta, yellow (2)")
    await bot.send(team.customer, "1")
    assert await query(bot, "SELECT qty, reserved_qty FROM order_lines ORDER BY id") == [
        (1, 1),
        (2, 1),
    ]
    assert await query(
        bot, "SELECT stock_on_hand, reserved FROM products WHERE sku = 'INK-CMY-SET'"
    ) == [(2, 2)]
    news = [m.get("text") or "" for m in bot.fake.bot_messages(team.customer)[told:]]
    assert any("1 × Ink set" in x and "SO-20261123-0002" in x for x in news)
    assert not any("here now" in x for x in news), "the pre-order still waits for one more"
    assert pick_lists(team) == lists
    assert len(bot.fake.bot_messages(team.rep)) >= rep
    assert len(bot.fake.bot_messages(team.finance)) == fin


async def test_units_given_back_tell_who_asked_once_nobody_waits(team: Team) -> None:
    bot = team.bot
    await bot.send(team.warehouse, "/receive PEN-BLU-12 2")
    await fill_cart(bot, team.customer, "pens", "Blue ballpoint pens (12) · CN¥12.00", "+1")
    await fill_cart(bot, team.customer, "pens", "Blue ballpoint pens (12) · CN¥12.00", "+1")
    await to_summary(bot, team.customer)
    await bot.press(team.customer, "✅ Confirm order")
    await bot.send(team.customer, "/search pens")
    assert "❌ Out of stock" in await bot.press(
        team.customer, "❌ Blue ballpoint pens (12) · CN¥12.00"
    )
    await bot.press(team.customer, "🔔 Tell me when it is back")
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✖️ Cancel order")
    await bot.press(team.customer, "No longer needed")
    back = [
        m.get("text") or ""
        for m in bot.fake.bot_messages(team.customer)
        if "is back in stock" in (m.get("text") or "")
    ]
    assert back == ["🔔 Blue ballpoint pens (12) is back in stock."]
    assert await query(bot, "SELECT COUNT(*) FROM stock_watches") == [(0,)]
    assert await query(
        bot, "SELECT stock_on_hand, reserved FROM products WHERE sku = 'PEN-BLU-12'"
    ) == [(2, 0)]
