"""A line found short: the warehouse reports it, the customer chooses; totals, stock, status
and refunds follow; each choice counts once."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_fulfilment import approved_order, ship_rest, stock


async def report_short(team: Team, available: str, day: str = "Not known") -> str:
    """Only `available` staplers of the 5 are there."""
    bot = team.bot
    await bot.press(team.warehouse, "⚠️ Short: STP-24")
    assert "0 to 4" in bot.last(team.warehouse)
    assert "from 1 to 4" in await bot.send(team.warehouse, "7")
    await bot.send(team.warehouse, available)
    await bot.press(team.warehouse, day)
    return bot.last(team.customer)


async def test_ship_what_is_there_recomputes_and_releases(team: Team) -> None:
    bot = team.bot
    await approved_order(team)  # 5 staplers (35.00) + 10 staples (4.50) + 15.00 = 235.00
    asked = await report_short(team, "2")
    assert "we have only 2 of 5 × Stapler No. 24/6 right now" in asked
    assert bot.buttons(team.customer) == [
        "Wait for the rest",
        "Suggest a substitute",
        "Ship what is there",
        "Cancel this product",
    ]
    done = await bot.press(team.customer, "Ship what is there")
    assert (
        "ship what is there; the rest is dropped" in done and "Order total now: CN¥130.00" in done
    )
    assert await stock(team, "STP-24") == (120, 2)
    assert await query(bot, "SELECT total FROM orders") == [(13000,)]
    told = [m.get("text") or "" for m in bot.fake.bot_messages(team.warehouse)]
    assert any("STP-24: ship what is there" in x for x in told)
    assert "SO-20261123-0001, STP-24" in bot.last(team.rep)
    await bot.press_data(team.customer, "sht:c:1:cancel_line")
    assert "already decided" in bot.alerts()[-1]
    await ship_rest(team)
    assert await query(bot, "SELECT status FROM orders") == [("shipped",)]


async def test_cancelling_the_last_line_left_ships_the_order_and_refunds(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_rest(team, skip=("STP-24 5/5",))  # the staples go; the staplers wait
    await bot.send(team.finance, "/payment SO-20261123-0001")
    await bot.press(team.finance, "All of it: CN¥235.00")
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    await bot.press(team.finance, "✅ Record payment")
    await bot.press(team.warehouse, "⚠️ Short: STP-24")  # on the pick list shown after shipping
    await bot.send(team.warehouse, "0")
    await bot.press(team.warehouse, "Not known")
    done = await bot.press(team.customer, "Cancel this product")
    assert "the line is cancelled" in done and "We will refund CN¥175.00." in done
    assert await query(bot, "SELECT status, total, refund_due FROM orders") == [
        ("shipped", 6000, 17500)
    ]
    assert await stock(team, "STP-24") == (120, 0)


async def test_what_arrived_before_the_last_line_was_dropped_makes_the_order_delivered(
    team: Team,
) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_rest(team, skip=("STP-24 5/5",))  # the staples go; the staplers wait
    await bot.press(team.warehouse, "📬 Delivered: shipment 1")  # and they arrive
    assert await query(bot, "SELECT status FROM orders") == [("partially_shipped",)]
    await bot.press(team.warehouse, "⚠️ Short: STP-24")
    await bot.send(team.warehouse, "0")
    await bot.press(team.warehouse, "Not known")
    finance = len(bot.fake.bot_messages(team.finance))
    done = await bot.press(team.customer, "Cancel this product")
    assert "How was your order SO-20261123-0001?" in done  # delivered now: asked, once
    assert "5⭐" in bot.buttons(team.customer)
    # nothing is left to ship and all that shipped has arrived: delivered, not stuck "shipped"
    assert await query(bot, "SELECT status, total FROM orders") == [("delivered", 6000)]
    told = bot.fake.bot_messages(team.finance)[finance:]
    assert [m["text"] for m in told if "is delivered" in (m.get("text") or "")] == [
        "📬 Order SO-20261123-0001 (CN¥60.00) is delivered."
    ]
    assert "🧾 Issue invoice" in bot.buttons(team.finance)


async def test_every_line_dropped_before_shipping_tells_the_warehouse_it_is_cancelled(
    team: Team,
) -> None:
    bot = team.bot
    await approved_order(team)
    await report_short(team, "0")
    await bot.press(team.customer, "Cancel this product")
    await bot.press(team.warehouse, "⚠️ Short: STP-REFILL")
    await bot.send(team.warehouse, "0")
    await bot.press(team.warehouse, "Not known")
    before = len(bot.fake.bot_messages(team.warehouse))
    await bot.press(team.customer, "Cancel this product")
    assert await query(bot, "SELECT status FROM orders") == [("cancelled",)]
    told = [m.get("text") or "" for m in bot.fake.bot_messages(team.warehouse)[before:]]
    assert len(told) == 2, told
    assert "STP-REFILL" in told[0]
    assert told[1].startswith("⛔ This order is cancelled: do not pick or ship it.")
    assert "SO-20261123-0001, STP-REFILL" in bot.last(team.rep)


async def test_wait_and_wrong_people(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await report_short(team, "1", "Nov 30, 2026")
    assert bot.buttons(team.customer)[0] == "Wait until Nov 30, 2026"
    eve = bot.user("Eve")
    await bot.register(eve)
    await bot.press_data(eve, "sht:c:1:cancel_line")
    assert "No such order" in bot.alerts()[-1]
    for uid in (team.customer, team.rep, team.finance):
        await bot.press_data(uid, "sht:r:1")
        assert "only for staff" in bot.alerts()[-1]
    assert "the customer will wait" in await bot.press(team.customer, "Wait until Nov 30, 2026")
    assert await query(bot, "SELECT total FROM orders") == [(23500,)]
