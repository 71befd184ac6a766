"""Cancelling after approval through the real Application, offline: request, decision, refund
due, refusal once shipped, and the race between shipping and cancelling."""

from __future__ import annotations

from tests.conversations.conftest import Team, _grant, query
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.conversations.test_finance import delivered_order
from tests.conversations.test_fulfilment import approved_order, ship_rest


async def ask_to_cancel(team: Team, reason: str = "Budget was cut") -> str:
    bot = team.bot
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✖️ Ask to cancel")
    return await bot.send(team.customer, reason)


async def pay_50(team: Team) -> None:
    """Finance records CN¥50.00 paid in cash on Ann's order."""
    bot = team.bot
    await bot.send(team.finance, "/payment SO-20261123-0001")
    await bot.send(team.finance, "50")
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    await bot.press(team.finance, "✅ Record payment")


async def test_request_approved_with_refund_due(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await pay_50(team)
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


async def test_her_rep_cancels_an_approved_order_she_phoned_about(team: Team) -> None:
    bot = team.bot
    await approved_order(team)  # 235.00, handed to the warehouse
    await pay_50(team)
    warehouse = len(bot.fake.bot_messages(team.warehouse))
    finance = len(bot.fake.bot_messages(team.finance))
    customer = len(bot.fake.bot_messages(team.customer))
    # not the warehouse's nor finance's to do, nor a stranger's; no button for them
    for uid in (team.warehouse, team.finance, team.customer):
        await bot.press_data(uid, "stf:cx:1")
        assert "only for staff" in bot.alerts()[-1]
    await bot.send(team.finance, "/order SO-20261123-0001")
    assert "✖️ Cancel the order" not in bot.buttons(team.finance)
    await bot.send(team.rep, "/order SO-20261123-0001")
    asked = await bot.press(team.rep, "✖️ Cancel the order")
    assert "Why is order SO-20261123-0001 cancelled?" in asked
    assert "2 to 300 characters" in await bot.send(team.rep, "x")
    confirm = await bot.send(team.rep, "She <b>phoned</b>: the office moved")
    assert "Cancel order SO-20261123-0001 for good?" in confirm
    assert "She <b>phoned</b>: the office moved" in confirm, "shown as typed, not as markup"
    assert await query(bot, "SELECT status FROM orders") == [("approved",)], "not before yes"
    assert "Please use the buttons" in await bot.send(team.rep, "yes")
    done = await bot.press(team.rep, "Yes, cancel it")
    assert "Order SO-20261123-0001 is cancelled; the customer and the warehouse are told." in done
    assert "To pay back: CN¥50.00 (finance is told)." in done
    told = bot.fake.bot_messages(team.customer)[customer:]
    assert len(told) == 1
    assert "Sam cancelled your order SO-20261123-0001: She <b>phoned</b>" in told[0]["text"]
    assert "We will refund CN¥50.00." in told[0]["text"]
    told = bot.fake.bot_messages(team.warehouse)[warehouse:]
    assert len(told) == 1 and told[0]["text"].startswith("⛔ This order is cancelled")
    told = bot.fake.bot_messages(team.finance)[finance:]
    assert any("CN¥50.00 to pay back" in (m.get("text") or "") for m in told)
    assert await query(bot, "SELECT status, refund_due FROM orders") == [("cancelled", 5000)]
    assert await query(bot, "SELECT SUM(reserved) FROM products") == [(0,)]
    rows = await query(
        bot,
        "SELECT a.after, a.reason, u.first_name FROM audit_log a JOIN users u ON u.id = a.actor_id"
        " WHERE a.action = 'status' AND a.after = 'cancelled'",
    )
    assert rows == [("cancelled", "She <b>phoned</b>: the office moved", "Sam")]
    # the old buttons now: nothing more happens
    await bot.press_data(team.rep, "stf:cx:1")
    assert "cancelled" in bot.alerts()[-1]
    assert len(bot.fake.bot_messages(team.customer)) == customer + 1


async def test_staff_cancel_waits_for_the_customers_request_and_can_be_kept(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ask_to_cancel(team)
    await bot.press_data(team.manager, "stf:cx:1")
    assert "waits for a decision: decide it first" in bot.alerts()[-1]
    await bot.press(team.rep, "✖️ Keep it")  # her request declined
    await bot.press_data(team.manager, "stf:cx:1")  # a manager may, for any customer
    await bot.send(team.manager, "Discontinued model")
    await bot.press_data(team.manager, "stf:cxok:99")  # a Yes of another cancellation
    assert "This button has expired" in bot.alerts()[-1]
    await bot.press_data(team.manager, "stf:cxno:99")
    assert "This button has expired" in bot.alerts()[-1]
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]
    others = {uid: len(bot.fake.bot_messages(uid)) for uid in (team.customer, team.warehouse)}
    assert "The order stays as it is." in await bot.press(team.manager, "No, keep it")
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]
    assert {uid: len(bot.fake.bot_messages(uid)) for uid in others} == others, "nobody told"
    await bot.press_data(team.manager, "stf:cx:1")
    await bot.send(team.manager, "Discontinued model")
    await ship_rest(team)  # the goods leave meanwhile
    await bot.press(team.manager, "Yes, cancel it")
    assert "This order is shipped, so that is no longer possible." in bot.alerts()[-1]
    assert await query(bot, "SELECT status FROM orders") == [("shipped",)]


async def test_another_rep_may_not_and_an_unreleased_order_tells_no_warehouse(team: Team) -> None:
    bot = team.bot
    rob = bot.user("Rob")
    await _grant(bot, rob, "sales_rep")
    await fill_cart(bot, team.customer, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await to_summary(bot, team.customer, term="Prepaid (we ship after payment)")
    await bot.press(team.customer, "✅ Confirm order")
    await bot.press(team.rep, "✅ Approve")  # invoiced; the warehouse waits for the money
    warehouse = len(bot.fake.bot_messages(team.warehouse))
    await bot.press_data(rob, "stf:cx:1")  # not his customer
    assert "only for staff" in bot.alerts()[-1]
    await bot.press_data(team.rep, "stf:cx:1")
    await bot.send(team.rep, "She found it cheaper")
    await bot.press(team.rep, "Yes, cancel it")
    assert await query(bot, "SELECT status, refund_due FROM orders") == [("cancelled", 0)]
    assert len(bot.fake.bot_messages(team.warehouse)) == warehouse, "it never had the order"
    assert "Sam cancelled your order SO-20261123-0001" in bot.last(team.customer)
    denied = await query(bot, "SELECT action FROM audit_log WHERE action = 'denied'")
    assert denied == [("denied",)]
