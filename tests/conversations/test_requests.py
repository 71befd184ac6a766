"""Cancelling after approval through the real Application, offline: request, decision, refund
due, refusal once shipped, and the race between shipping and cancelling."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_finance import delivered_order
from tests.conversations.test_fulfilment import approved_order, ship_rest


async def ask_to_cancel(team: Team, reason: str = "Budget was cut") -> str:
    bot = team.bot
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✖️ Ask to cancel")
    return await bot.send(team.customer, reason)


async def test_request_approved_with_refund_due(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await bot.send(team.finance, "/payment SO-20261123-0001")
    await bot.send(team.finance, "50")
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    await bot.press(team.finance, "✅ Record payment")
    assert "An approved order is ready to pick." in bot.last(team.warehouse)
    warehouse = len(bot.fake.bot_messages(team.warehouse))
    assert "is sent to our team" in await ask_to_cancel(team)
    card = bot.last(team.rep)
    assert "Cancellation request" in card and "Reason: Budget was cut" in card
    assert "Before: ✅ approved → after: cancelled" in card and "paid: CN¥50.00" in card
    assert "already waiting" in await ask_to_cancel(team, "Again please")
    confirm = await bot.press(team.rep, "✅ Cancel the order")
    assert "Cancel order SO-20261123-0001 for good?" in confirm
    assert await query(bot, "SELECT status FROM orders") == [("approved",)], "not before yes"
    await bot.press(team.rep, "Yes, cancel it")
    told = bot.last(team.customer)
    assert "is cancelled, as you asked" in told and "We will refund CN¥50.00." in told
    assert await query(bot, "SELECT status, refund_due FROM orders") == [("cancelled", 5000)]
    assert await query(bot, "SELECT SUM(reserved) FROM products") == [(0,)]
    told = bot.fake.bot_messages(team.warehouse)[warehouse:]
    assert len(told) == 1, "the warehouse, which has its pick list, is told once"
    assert told[0]["text"].startswith("⛔ This order is cancelled: do not pick or ship it.")
    assert (
        "Pick list SO-20261123-0001" in told[0]["text"]
        and "Status: ✖️ cancelled" in told[0]["text"]
    )
    assert bot.fake.buttons(told[0]) == [], "nothing to ship"
    assert "🚚 Ship" not in " ".join(bot.buttons(team.warehouse))
    await bot.press_data(team.rep, "req:yes:1")
    assert "was already approved" in bot.alerts()[-1]


async def test_request_declined_and_refused_once_shipped(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ask_to_cancel(team)
    await bot.press(team.rep, "✖️ Keep it")
    assert "was declined; the order goes ahead" in bot.last(team.customer)
    assert "An approved order is ready to pick." in bot.last(team.warehouse), "not told"
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]
    await ship_rest(team, skip=("STP-REFILL 10/10",))
    detail = await bot.send(team.customer, "/track SO-20261123-0001")
    assert "Cancel" not in " ".join(bot.buttons(team.customer)) and "partially shipped" in detail


async def test_shipping_while_cancelling_one_wins(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ask_to_cancel(team)
    await bot.press(team.rep, "✅ Cancel the order")  # the rep is asked to confirm…
    await ship_rest(team)  # …while the goods leave
    await bot.press(team.rep, "Yes, cancel it")
    assert "This order is shipped, so that is no longer possible." in bot.alerts()[-1]
    assert await query(bot, "SELECT status FROM orders") == [("shipped",)]
    assert await query(bot, "SELECT state FROM order_requests") == [("open",)]


async def test_others_cannot_decide_requests(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ask_to_cancel(team)
    for uid in (team.customer, team.warehouse, team.finance):
        await bot.press_data(uid, "req:ok:1")
        assert "only for staff" in bot.alerts()[-1]
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]
    await bot.press_data(team.manager, "req:ok:1")  # managers decide any request
    decided = await bot.press_data(team.manager, "req:yes:1")
    assert "Decided: accepted" in decided
    assert await query(bot, "SELECT status FROM orders") == [("cancelled",)]


async def test_paid_and_delivered_order_cannot_be_cancelled(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.send(team.customer, "/track SO-20261123-0001")
    assert "Cancel" not in " ".join(bot.buttons(team.customer))
    await bot.press_data(team.customer, "ord:cx:1")
    assert "delivered, so that is no longer possible" in bot.alerts()[-1]
