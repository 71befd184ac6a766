"""Old decision buttons are checked as pressed: an order or request decided meanwhile is refused
at once with what happened, before any reason or value is asked, and nothing changes."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_approvals import order
from tests.conversations.test_changes import open_change
from tests.conversations.test_fulfilment import approved_order, ship_rest


def _texts(team: Team, uid: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in team.bot.fake.bot_messages(uid)]


async def test_an_old_reject_or_adjust_on_an_approved_order_is_refused_at_once(
    team: Team,
) -> None:
    bot = team.bot
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await bot.press(team.rep, "✅ Approve")
    customer_before = _texts(team, team.customer)
    rep_before = _texts(team, team.rep)
    for data in ("apv:rj:1", "apv:dc:1", "apv:aq:1:1"):
        await bot.press_data(team.rep, data)
        assert bot.alerts()[-1] == "Order SO-20261123-0001 was already approved by Sam.", data
    await bot.press_data(team.manager, "apv:rj:1")
    assert bot.alerts()[-1] == "Order SO-20261123-0001 was already approved by Sam."
    assert _texts(team, team.rep) == rep_before, "no reason or value asked"
    assert not any("Why is order" in text for text in _texts(team, team.manager))
    assert "Found 1 product" in await bot.send(team.rep, "stapler"), "no reject flow took it"
    assert _texts(team, team.customer) == customer_before, "the customer is told nothing"
    assert await query(bot, "SELECT status, total FROM orders") == [("approved", 19000)]
    assert bot.fake.bot_messages(team.warehouse), "the warehouse had the approved order"
    rows = await query(
        bot, "SELECT action FROM audit_log WHERE action IN ('rejected', 'adjusted')"
    )
    assert rows == []


async def test_an_old_decision_on_a_decided_change_request_is_refused_at_once(
    team: Team,
) -> None:
    bot = team.bot
    await approved_order(team)
    await open_change(team)
    await bot.press(team.customer, "🔢 Stapler No. 24/6 (5)")
    await bot.send(team.customer, "3")
    await bot.send(team.customer, "Budget cut")
    await bot.press(team.rep, "✅ Accept the change")
    customer_before = _texts(team, team.customer)
    await bot.press_data(team.manager, "req:no:1")
    assert bot.alerts()[-1] == "The request on order SO-20261123-0001 was already approved."
    await bot.press_data(team.rep, "req:ok:1")
    assert bot.alerts()[-1] == "The request on order SO-20261123-0001 was already approved."
    assert _texts(team, team.customer) == customer_before
    assert await query(bot, "SELECT state FROM order_requests") == [("approved",)]


async def test_an_old_cancel_approval_on_a_shipped_order_is_refused_before_confirming(
    team: Team,
) -> None:
    bot = team.bot
    await approved_order(team)
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✖️ Ask to cancel")
    await bot.press(team.customer, "No longer needed")
    assert await query(bot, "SELECT kind, state FROM order_requests") == [("cancel", "open")]
    await ship_rest(team)
    rep_before = _texts(team, team.rep)
    await bot.press_data(team.rep, "req:ok:1")
    assert "This order is shipped, so that is no longer possible." in bot.alerts()[-1]
    assert _texts(team, team.rep) == rep_before, "no 'cancel it?' asked"
    assert await query(bot, "SELECT status FROM orders") == [("shipped",)]
    await bot.press_data(team.rep, "req:no:1")  # declining an open request stays possible
    assert await query(bot, "SELECT state FROM order_requests") == [("declined",)]


async def test_an_old_short_button_of_a_cancelled_order_is_refused_before_asking(
    team: Team,
) -> None:
    bot = team.bot
    await approved_order(team)
    ((line_id,),) = await query(
        bot,
        "SELECT l.id FROM order_lines l JOIN products p ON p.id = l.product_id"
        " WHERE p.sku = 'STP-24'",
    )
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✖️ Ask to cancel")
    await bot.press(team.customer, "No longer needed")
    await bot.press_data(team.rep, "req:ok:1")
    await bot.press(team.rep, "Yes, cancel it")
    assert await query(bot, "SELECT status FROM orders") == [("cancelled",)]
    before = _texts(team, team.warehouse)
    await bot.press_data(team.warehouse, f"sht:r:{line_id}")
    assert "This order is cancelled, so that is no longer possible." in bot.alerts()[-1]
    assert _texts(team, team.warehouse) == before, "no 'how many are there?' asked"
    assert await query(bot, "SELECT COUNT(*) FROM shortages") == [(0,)]
    customer_before = _texts(team, team.customer)
    await bot.send(team.warehouse, "2")
    assert _texts(team, team.customer) == customer_before
