"""Refunds through the real Application, offline: finance told of money to pay back records it
from the notice's button or /refund; more than is due refused; a forged button refused and
audited; a confirmation pressed twice records once; the customer's receipt; the book after."""

from __future__ import annotations

import json

from tests.conversations.conftest import Team, _grant, query
from tests.conversations.test_fulfilment import approved_order
from tests.conversations.test_requests import ask_to_cancel

NUMBER = "SO-20261123-0001"


async def paid_then_cancelled(team: Team) -> int:
    """Ann's prepaid order (CN¥235.00) approved, paid in full, then cancelled at her request:
    CN¥235.00 to pay back. Returns the order id."""
    bot = team.bot
    order_id = await approved_order(team)
    await bot.send(team.finance, f"/payment {NUMBER}")
    await bot.press(team.finance, "All of it: CN¥235.00")
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    assert "still owed CN¥0.00" in await bot.press(team.finance, "✅ Record payment")
    await ask_to_cancel(team)
    await bot.press(team.rep, "✅ Cancel the order")
    await bot.press(team.rep, "Yes, cancel it")
    assert await query(bot, "SELECT status, payment_status, refund_due FROM orders") == [
        ("cancelled", "paid", 23500)
    ]
    return order_id


async def test_refund_from_the_notice_then_the_rest_by_command(team: Team) -> None:
    bot = team.bot
    order_id = await paid_then_cancelled(team)
    notice = bot.last(team.finance)
    assert f"Order {NUMBER}: CN¥235.00 to pay back to the customer" in notice
    assert bot.buttons(team.finance) == ["↩️ Record refund"]

    asked = await bot.press(team.finance, "↩️ Record refund")
    assert "CN¥235.00 to pay back to the customer. How much was paid back?" in asked
    assert "to pay back to the customer (" in bot.fake.bot_messages(team.finance)[-2]["text"], (
        "the notice stays as it was"
    )
    assert "more than is due to be paid back (CN¥235.00)" in await bot.send(team.finance, "300")
    assert "an amount like 1234.50" in await bot.send(team.finance, "-5")
    assert "an amount like 1234.50" in await bot.send(team.finance, "12345678901")
    assert await query(bot, "SELECT COUNT(*) FROM refunds") == [(0,)], "nothing changes"
    assert "How was it paid back?" in await bot.send(team.finance, "100")
    assert "Paid back on which day?" in await bot.press(team.finance, "Cash")
    assert "from 2025-11-23 to 2026-11-23" in await bot.send(team.finance, "2024-01-01")
    confirm = await bot.press(team.finance, "Today")
    assert f"Record CN¥100.00 paid back by Cash on Nov 23, 2026 for order {NUMBER}?" in confirm
    assert "Still to pay back after it: CN¥135.00." in confirm
    confirm_id = bot.last_message(team.finance)["message_id"]
    done = await bot.press(team.finance, "✅ Record refund")
    assert f"Recorded: CN¥100.00 paid back for {NUMBER} (Cash, Nov 23, 2026)" in done
    assert "Still to pay back: CN¥135.00." in done
    await bot.press_data(team.finance, "rfd:ok", confirm_id)  # pressed once more
    assert "expired" in bot.alerts()[-1]
    receipt = bot.last(team.customer)
    assert f"We paid back CN¥100.00 for order {NUMBER} (Cash, Nov 23, 2026)" in receipt
    assert "Still to pay back: CN¥135.00." in receipt
    assert await query(bot, "SELECT order_id, amount, method, paid_on FROM refunds") == [
        (order_id, 10000, "cash", "2026-11-23")
    ]
    assert await query(bot, "SELECT payment_status, refund_due FROM orders") == [
        ("partially_refunded", 13500)
    ]

    listed = await bot.send(team.finance, "/refund")
    assert "Refund for which order?" in listed
    assert bot.buttons(team.finance) == [f"{NUMBER} · CN¥135.00"]
    assert "No such order" in await bot.send(team.finance, "SO-19990101-0001")
    assert "CN¥135.00 to pay back" in await bot.send(team.finance, NUMBER.lower())
    await bot.press(team.finance, "All of it: CN¥135.00")
    await bot.press(team.finance, "Bank transfer")
    await bot.send(team.finance, "2026-11-20")
    done = await bot.press(team.finance, "✅ Record refund")
    assert "Paid back on this order so far: CN¥235.00." in done
    assert "Nothing more is to be paid back on this order." in done
    receipt = bot.last(team.customer)
    assert "We paid back CN¥135.00" in receipt and "Bank transfer, Nov 20, 2026" in receipt
    assert await query(bot, "SELECT payment_status, refund_due FROM orders") == [("refunded", 0)]
    assert await query(bot, "SELECT SUM(amount), COUNT(*) FROM refunds") == [(23500, 2)]
    assert await query(
        bot,
        "SELECT COUNT(*) FROM outbox o JOIN users u ON u.id = o.user_id"
        " WHERE o.kind = 'refund' AND u.telegram_id = ? AND o.state = 'sent'",
        team.customer,
    ) == [(2,)]

    assert "Nothing is due to be paid back." in await bot.send(team.finance, "/refund")
    assert "/refund — Record money paid back" in await bot.send(team.finance, "/help")
    assert "/refund" not in await bot.send(team.warehouse, "/help")
    assert "Nothing is due to be paid back on this order." in await bot.send(
        team.finance, f"/refund {NUMBER}"
    )
    await bot.press_data(team.finance, f"rfd:o:{order_id}")
    assert "Nothing is due to be paid back on this order." in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM refunds") == [(2,)]


async def test_cancel_leaves_nothing_recorded(team: Team) -> None:
    bot = team.bot
    await paid_then_cancelled(team)
    await bot.press(team.finance, "↩️ Record refund")
    await bot.press(team.finance, "All of it: CN¥235.00")
    await bot.press(team.finance, "Card")
    await bot.press(team.finance, "Today")
    assert "Nothing recorded." in await bot.press(team.finance, "✖️ Cancel")
    assert "Please use the buttons" not in bot.last(team.finance)
    await bot.send(team.finance, f"/refund {NUMBER}")
    assert "Nothing recorded." in await bot.send(team.finance, "/cancel")
    assert await query(bot, "SELECT COUNT(*) FROM refunds") == [(0,)]
    assert await query(bot, "SELECT payment_status, refund_due FROM orders") == [("paid", 23500)]


async def test_forged_refund_buttons_and_commands_are_refused_and_audited(team: Team) -> None:
    bot = team.bot
    order_id = await paid_then_cancelled(team)
    for uid in (team.customer, team.warehouse, team.rep):
        await bot.press_data(uid, f"rfd:o:{order_id}")
        assert "only for staff" in bot.alerts()[-1], uid
        assert "only for staff" in await bot.send(uid, "/refund"), uid
        assert "only for staff" in await bot.send(uid, f"/refund {NUMBER}"), uid
        # Nor do the later steps' buttons do anything without the conversation.
        await bot.press_data(uid, "rfd:ok")
        assert "expired" in bot.alerts()[-1], uid
    denied = await query(
        bot,
        "SELECT u.telegram_id, COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id"
        " WHERE a.action = 'denied' AND a.after = 'refund' GROUP BY u.telegram_id",
    )
    assert sorted(denied) == sorted([(team.customer, 3), (team.warehouse, 3), (team.rep, 3)])
    assert await query(bot, "SELECT COUNT(*) FROM refunds") == [(0,)]
    assert await query(bot, "SELECT refund_due FROM orders") == [(23500,)]


async def test_refund_in_chinese(team: Team) -> None:
    bot = team.bot
    await paid_then_cancelled(team)
    await bot.send(team.finance, "/language")
    await bot.press(team.finance, "简体中文")
    await bot.send(team.finance, f"/refund {NUMBER}")
    assert "请发送金额，例如 1234.50。" in await bot.send(team.finance, "abc")
    await bot.send(team.finance, "235")
    await bot.press(team.finance, "现金")
    await bot.press(team.finance, "今天")
    await bot.press_data(team.finance, "rfd:ok")
    assert await query(bot, "SELECT payment_status, refund_due FROM orders") == [("refunded", 0)]
    assert "We paid back CN¥235.00" in bot.last(team.customer)


async def test_an_amount_more_than_is_due_by_now_is_refused_at_once(team: Team) -> None:
    """The amount is checked against what is due now (the service's rule), not against what
    was due when this refund began: another finance clerk paid most of it back meanwhile."""
    bot = team.bot
    order_id = await paid_then_cancelled(team)
    other = bot.user("Flo")
    await _grant(bot, other, "finance")
    assert "CN¥235.00 to pay back" in await bot.send(team.finance, f"/refund {NUMBER}")
    await bot.send(other, f"/refund {NUMBER}")
    await bot.send(other, "200")
    await bot.press(other, "Cash")
    await bot.press(other, "Today")
    assert "Recorded: CN¥200.00 paid back" in await bot.press(other, "✅ Record refund")
    assert "We paid back CN¥200.00" in bot.last(team.customer)
    customer_seen = len(bot.fake.bot_messages(team.customer))

    refused = await bot.send(team.finance, "100")
    assert "more than is due to be paid back (CN¥35.00)" in refused
    assert "How was it paid back?" in await bot.send(team.finance, "35")
    assert await query(bot, "SELECT order_id, SUM(amount), COUNT(*) FROM refunds") == [
        (order_id, 20000, 1)
    ]
    assert await query(bot, "SELECT payment_status, refund_due FROM orders") == [
        ("partially_refunded", 3500)
    ]
    assert len(bot.fake.bot_messages(team.customer)) == customer_seen, "the customer: no more"
    for uid in (team.rep, team.warehouse, team.manager):
        assert "paid back" not in bot.last(uid), uid


async def test_a_draft_stored_by_an_older_version_is_started_again(team: Team) -> None:
    """A refund confirmed after an upgrade whose draft (kept across the restart) the new
    version cannot read: told the steps are not all answered; nothing recorded, nobody told."""
    bot = team.bot
    await paid_then_cancelled(team)
    await bot.send(team.finance, f"/refund {NUMBER}")
    await bot.press(team.finance, "All of it: CN¥235.00")
    await bot.press(team.finance, "Cash")
    assert "Record CN¥235.00 paid back" in await bot.press(team.finance, "Today")
    await bot.stop()
    old = {"refund": {"order": NUMBER, "amount": "235", "method": "cash"}}
    await query(
        bot,
        "UPDATE ptb_user_data SET data = ? WHERE user_id = ?",
        json.dumps(old),
        team.finance,
    )
    await bot.start()
    customer_seen = len(bot.fake.bot_messages(team.customer))

    answer = await bot.press(team.finance, "✅ Record refund")
    shown = [answer, bot.last(team.finance), *bot.alerts()[-1:]]
    assert any("Some checkout steps are not answered yet." in text for text in shown), shown
    assert await query(bot, "SELECT COUNT(*) FROM refunds") == [(0,)]
    assert await query(bot, "SELECT payment_status, refund_due FROM orders") == [("paid", 23500)]
    assert len(bot.fake.bot_messages(team.customer)) == customer_seen
    assert "CN¥235.00 to pay back" in await bot.send(team.finance, f"/refund {NUMBER}")
