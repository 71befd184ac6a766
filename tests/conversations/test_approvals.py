"""Review and approval through the real Application, offline: rep, manager, customer views."""

from __future__ import annotations

import asyncio

from telegram import Update

from tests.conversations.conftest import Team, query
from tests.conversations.test_checkout import fill_cart, to_summary


async def order(
    team: Team, search: str, product: str, quick: str, term: str = "Cash on delivery"
) -> str:
    """The customer orders; returns the confirmation text."""
    await fill_cart(team.bot, team.customer, search, product, quick)
    await to_summary(team.bot, team.customer, term=term)
    return await team.bot.press(team.customer, "✅ Confirm order")


async def test_rep_is_told_and_approves(team: Team) -> None:
    bot = team.bot
    assert "is submitted" in await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    card = bot.last(team.rep)
    assert "A new order waits for your decision" in card and "from Ann Lee" in card
    for line in [
        "✅ stock reserved",
        "✅ credit within limit",
        "✅ amount below the manager threshold",
        "Route: waits for the customer's sales rep",
    ]:
        assert line in card, line
    assert bot.buttons(team.rep) == [
        "✅ Approve",
        "⛔ Reject",
        "✏️ Adjust",
        "⬆ Escalate to a manager",
    ]
    assert "Status: ✅ approved" in await bot.press(team.rep, "✅ Approve")
    assert (
        bot.fake.buttons(bot.fake.message(team.rep, bot.last_message(team.rep)["message_id"]))
        == []
    )
    assert "Approved." in bot.alerts()[-1]
    assert "Your order" in bot.last(team.customer) and "is approved" in bot.last(team.customer)
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]
    assert "Nothing waits" in await bot.send(team.rep, "/pending")


async def test_reject_with_a_reason_tells_the_customer(team: Team) -> None:
    bot = team.bot
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    assert "Why is order" in await bot.press(team.rep, "⛔ Reject")
    await bot.feed(bot.fake.send_sticker(team.rep))
    assert "answer with text" in bot.last(team.rep)
    card = await bot.send(team.rep, "Model <24/6> discontinued")
    assert "Status: ⛔ rejected" in card
    notice = bot.last(team.customer)
    assert "was not accepted: Model <24/6> discontinued" in notice
    assert await query(bot, "SELECT reserved FROM products WHERE sku = 'STP-24'") == [(0,)]


async def test_escalation_moves_the_decision_to_managers(team: Team) -> None:
    bot = team.bot
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    rep_card = bot.last_message(team.rep)
    await bot.press(team.rep, "⬆ Escalate to a manager")
    assert "Sent to the sales managers." in bot.alerts()[-1]
    for manager in (team.manager, team.manager2):
        assert "A new order waits for your decision" in bot.last(manager)
    await bot.press_data(team.rep, f"apv:ok:{rep_card_order_id(rep_card)}", rep_card["message_id"])
    assert "only for staff with the right role" in bot.alerts()[-1]
    assert "1 order waits for your decision" in await bot.send(team.manager, "/pending")
    await bot.press(team.manager, bot.buttons(team.manager)[0])
    assert "Status: ✅ approved" in await bot.press(team.manager, "✅ Approve")


def rep_card_order_id(message: dict) -> int:  # type: ignore[type-arg]
    data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    return int(data.split(":")[2])


async def test_big_order_goes_straight_to_the_managers(team: Team) -> None:
    bot = team.bot
    before = len(bot.fake.bot_messages(team.rep))
    await order(team, "toner", "Toner TN-2420 (black) · CN¥389.00", "+5")  # 1,845 + 15 > 1,000
    assert len(bot.fake.bot_messages(team.rep)) == before + 1, "the rep is told, not asked"
    told = bot.last(team.rep)
    assert "🆕 A new order from your customer. A sales manager decides it." in told
    assert "Order SO-20261123-0001 from Ann Lee" in told and "CN¥1,860.00" in told
    assert bot.buttons(team.rep) == []
    card = bot.last(team.manager)
    assert "⛔ amount CN¥1,860.00 is above the manager threshold" in card
    assert "Route: needs a sales manager" in card
    assert "⬆ Escalate to a manager" not in bot.buttons(team.manager)
    (order_id,) = (await query(bot, "SELECT id FROM orders"))[0]
    await bot.press_data(team.rep, f"apv:ok:{order_id}")
    assert "only for staff" in bot.alerts()[-1]
    await bot.press_data(team.customer, f"apv:ok:{order_id}")
    assert "only for staff" in bot.alerts()[-1]
    await bot.send(team.customer, "/pending")
    assert "only for staff" in bot.last(team.customer)
    assert await query(bot, "SELECT status FROM orders") == [("submitted",)]
    denied = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
    assert denied == [(3,)]


async def test_two_managers_at_once_one_decision_counts(team: Team) -> None:
    bot = team.bot
    await order(team, "toner", "Toner TN-2420 (black) · CN¥389.00", "+5")
    first = bot.fake.press(team.manager, "✅ Approve")
    second = bot.fake.press(team.manager2, "✅ Approve")
    assert bot.app is not None
    await asyncio.gather(
        bot.app.process_update(Update.de_json(first, bot.app.bot)),
        bot.app.process_update(Update.de_json(second, bot.app.bot)),
    )
    assert "Order SO-20261123-0001 was already approved by Mia." in bot.alerts()[-1]
    rows = await query(
        bot, "SELECT after FROM audit_log WHERE entity = 'order' AND after = 'approved'"
    )
    assert rows == [("approved",)]
    approvals = [
        m for m in bot.fake.bot_messages(team.customer) if "is approved" in (m.get("text") or "")
    ]
    assert len(approvals) == 1


async def test_trusted_prepaid_small_order_is_approved_at_once(team: Team) -> None:
    bot = team.bot
    await query(bot, "UPDATE customers SET trusted = 1")
    before = len(bot.fake.bot_messages(team.rep))
    warehouse = len(bot.fake.bot_messages(team.warehouse))
    prepaid = "Prepaid (we ship after payment)"
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+1", prepaid)
    texts = [m.get("text") or "" for m in bot.fake.bot_messages(team.customer)]
    assert any("is approved, total CN¥50.00" in x for x in texts)
    assert len(bot.fake.bot_messages(team.rep)) == before + 1, "the rep is told, not asked"
    told = bot.last(team.rep)
    assert "🆕 A new order from your customer. It was approved automatically." in told
    assert "Status: ✅ approved" in told and bot.buttons(team.rep) == []
    rows = await query(
        bot, "SELECT actor_id, after, reason FROM audit_log WHERE after = 'approved'"
    )
    assert rows == [(None, "approved", "auto")]
    # prepaid: invoiced at once, the customer told how to pay; the warehouse waits for the money
    files = [
        m["document"]["file_name"] for m in bot.fake.bot_messages(team.customer) if "document" in m
    ]
    assert files == ["INV-20261123-0001.pdf"]
    assert len(bot.fake.bot_messages(team.warehouse)) == warehouse, "no pick list yet"
    assert await query(bot, "SELECT payment_status, released_at FROM orders") == [("unpaid", None)]
    assert "Waiting for payment" in await bot.send(team.manager, "/order SO-20261123-0001")


async def test_credit_over_the_limit_needs_a_manager(team: Team) -> None:
    bot = team.bot
    await query(
        bot, "INSERT INTO customer_payment_terms (customer_id, term_code) VALUES (1, 'net30')"
    )
    await query(bot, "UPDATE customers SET credit_limit = 10000")  # 100.00
    await fill_cart(bot, team.customer, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await bot.send(team.customer, "/checkout")
    await bot.press(team.customer, "Courier · CN¥15.00")
    await bot.press(team.customer, "1 Garden Road, Shanghai")
    await bot.press(team.customer, "No preference")
    await bot.press(team.customer, "Pay within 30 days")
    await bot.press(team.customer, "Skip")
    await bot.press(team.customer, "✅ Confirm order")
    card = bot.last(team.manager)
    assert "⛔ over the credit limit by CN¥90.00" in card  # 190.00 against 100.00


async def test_each_person_is_told_in_their_own_language(team: Team) -> None:
    bot = team.bot
    await bot.send(team.rep, "/language")
    await bot.press(team.rep, "简体中文")
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    card = bot.last(team.rep)
    assert "🆕 有新订单等待您审批。" in card and "✅ 库存已预留" in card
    assert "等待您审批" in await bot.send(team.rep, "/pending")
    await bot.press(team.rep, bot.buttons(team.rep)[0])
    await bot.press(team.rep, "⛔ 拒绝")
    assert "原因长度须为 2 至 300 个字符。" in await bot.send(team.rep, "x")
    assert "状态：⛔ 已拒绝" in await bot.send(team.rep, "型号已停产")
    assert "was not accepted: 型号已停产" in bot.last(team.customer)
    await order(team, "toner", "Toner TN-2420 (black) · CN¥389.00", "+5")  # the managers'
    told = bot.last(team.rep)
    assert "🆕 您的客户下了新订单，由销售经理审批。" in told and "流转：需要销售经理审批" in told
    await query(bot, "UPDATE customers SET trusted = 1")
    await order(
        team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+1", "Prepaid (we ship after payment)"
    )
    assert "🆕 您的客户下了新订单，已自动批准。" in bot.last(team.rep)


async def test_an_overdue_balance_sends_the_next_order_to_managers(team: Team) -> None:
    bot = team.bot
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+1")  # 50.00, to the rep
    await bot.press(team.rep, "✅ Approve")
    await query(
        bot,
        "INSERT INTO due_dates (order_id, seq, due_on, amount) VALUES (1, 1, '2026-11-01', 5000)",
    )
    await query(
        bot,
        "INSERT INTO payments (order_id, amount, method, paid_on, recorded_at)"
        " VALUES (1, 1000, 'cash', '2026-11-02', 'then')",
    )
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+1")
    card = bot.last(team.manager)
    assert "⛔ CN¥40.00 is overdue" in card and "Route: needs a sales manager" in card
