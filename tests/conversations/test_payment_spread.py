"""One transfer over two open orders of one customer, through the real Application, offline:
the confirmation shows where it goes (oldest first, what is left over), both orders are paid,
the rest is a refund due finance is told of, and the customer's receipt names the orders."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from tests.conversations.conftest import Team, query
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.conversations.test_fulfilment import approved_order

FIRST, SECOND = "SO-20261123-0001", "SO-20261123-0002"


async def two_open_orders(team: Team, clock: FixedClock) -> None:
    """Ann's prepaid orders, both approved and waiting for payment: CN¥235.00, then an hour
    later one stapler with the courier, CN¥50.00."""
    bot = team.bot
    await approved_order(team)
    clock.advance(timedelta(hours=1))
    await fill_cart(bot, team.customer, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await to_summary(bot, team.customer)
    assert "total CN¥50.00" in await bot.press(team.customer, "✅ Confirm order")
    await bot.press(team.rep, "✅ Approve")
    assert await query(bot, "SELECT number, status, payment_status FROM orders ORDER BY id") == [
        (FIRST, "approved", "unpaid"),
        (SECOND, "approved", "unpaid"),
    ]


async def test_one_transfer_pays_both_orders_and_the_rest_is_paid_back(
    team: Team, clock: FixedClock
) -> None:
    bot = team.bot
    await two_open_orders(team, clock)
    asked = await bot.send(team.finance, f"/payment {FIRST}")
    assert "still owed CN¥235.00" in asked
    assert "How was it paid?" in await bot.send(team.finance, "300")
    await bot.press(team.finance, "Bank transfer")
    confirm = await bot.press(team.finance, "Today")
    assert f"Record CN¥300.00 paid by Bank transfer on Nov 23, 2026 for order {FIRST}?" in confirm
    assert "It pays, oldest first:" in confirm
    lines = confirm.split("\n")
    start = lines.index("It pays, oldest first:")
    assert lines[start + 1 : start + 4] == [
        f"• {FIRST}: CN¥235.00 of CN¥235.00 owed",
        f"• {SECOND}: CN¥50.00 of CN¥50.00 owed",
        "Left over, to pay back to the customer: CN¥15.00",
    ]
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(0,)], "not before Record"

    confirm_id = bot.last_message(team.finance)["message_id"]
    await bot.press(team.finance, "✅ Record payment")
    done = str((bot.fake.message(team.finance, confirm_id) or {}).get("text"))
    assert f"Recorded CN¥300.00 for {FIRST}." in done
    assert f"Of it, CN¥50.00 paid order {SECOND}." in done
    assert "We will pay back CN¥15.00." in done
    told = bot.last(team.finance)
    assert f"Order {FIRST}: CN¥15.00 to pay back to the customer" in told
    assert bot.buttons(team.finance) == ["↩️ Record refund"]

    receipt = bot.last(team.customer)
    assert f"Payment received: CN¥300.00 for order {FIRST}" in receipt
    assert f"Of it, CN¥50.00 paid order {SECOND}." in receipt
    assert "We will pay back CN¥15.00." in receipt
    assert "The order is paid in full." in receipt
    assert await query(
        bot, "SELECT number, payment_status, refund_due FROM orders ORDER BY id"
    ) == [(FIRST, "paid", 1500), (SECOND, "paid", 0)]
    assert await query(
        bot,
        "SELECT o.number, p.amount FROM payments p JOIN orders o ON o.id = p.order_id"
        " ORDER BY p.id",
    ) == [(FIRST, 25000), (SECOND, 5000)]
    picks = [m["text"] for m in bot.fake.bot_messages(team.warehouse)]
    assert sum("An approved order is ready to pick" in text for text in picks) == 2, (
        "both paid: both go to the warehouse"
    )

    # The rest paid back from the notice's button.
    await bot.press(team.finance, "↩️ Record refund")
    await bot.press(team.finance, "All of it: CN¥15.00")
    await bot.press(team.finance, "Bank transfer")
    await bot.press(team.finance, "Today")
    assert "Nothing more is to be paid back" in await bot.press(team.finance, "✅ Record refund")
    assert "We paid back CN¥15.00 for order " + FIRST in bot.last(team.customer)
    assert await query(
        bot, "SELECT number, payment_status, refund_due FROM orders ORDER BY id"
    ) == [(FIRST, "partially_refunded", 0), (SECOND, "paid", 0)]
    assert "Outstanding: CN¥0.00" in await bot.send(team.finance, "/receivables")


async def test_a_payment_within_what_is_owed_shows_no_plan(team: Team, clock: FixedClock) -> None:
    bot = team.bot
    await two_open_orders(team, clock)
    await bot.send(team.finance, f"/payment {SECOND}")
    await bot.press(team.finance, "All of it: CN¥50.00")
    await bot.press(team.finance, "Cash")
    confirm = await bot.press(team.finance, "Today")
    assert "It pays" not in confirm and "Left over" not in confirm
    await bot.press(team.finance, "✅ Record payment")
    assert await query(bot, "SELECT number, payment_status FROM orders ORDER BY id") == [
        (FIRST, "unpaid"),
        (SECOND, "paid"),
    ]
    # Paying a paid order again: everything goes to the older open order.
    await bot.send(team.finance, f"/payment {SECOND}")
    assert bot.buttons(team.finance) == [], "nothing owed: no All of it button"
    await bot.send(team.finance, "100")
    await bot.press(team.finance, "Cash")
    confirm = await bot.press(team.finance, "Today")
    assert f"• {FIRST}: CN¥100.00 of CN¥235.00 owed" in confirm and "Left over" not in confirm


async def test_no_payment_on_a_cancelled_order(team: Team, clock: FixedClock) -> None:
    bot = team.bot
    await two_open_orders(team, clock)
    await bot.send(team.customer, f"/track {SECOND}")
    await bot.press(team.customer, "✖️ Ask to cancel")
    await bot.send(team.customer, "Not needed")
    await bot.press(team.rep, "✅ Cancel the order")
    await bot.press(team.rep, "Yes, cancel it")
    assert "Nothing is owed on this order." in await bot.send(team.finance, f"/payment {SECOND}")
    # Cancelled while the amount was being asked: refused at the amount, nothing recorded.
    await bot.send(team.finance, f"/payment {FIRST}")
    await bot.send(team.customer, f"/track {FIRST}")
    await bot.press(team.customer, "✖️ Ask to cancel")
    await bot.send(team.customer, "Not needed either")
    await bot.press(team.rep, "✅ Cancel the order")
    await bot.press(team.rep, "Yes, cancel it")
    assert "Nothing is owed on this order." in await bot.send(team.finance, "50")
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(0,)]
