"""/order for staff: each role sees what it may; reps only their customers' orders; history."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_finance import delivered_order
from tests.conversations.test_fulfilment import approved_order, ship_rest


async def test_each_role_sees_its_part(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    full = await bot.send(team.manager, "/order so-20261123-0001")
    for line in [
        "Order SO-20261123-0001 from Ann Lee",
        "Phone: +8613800138000",
        "Total: CN¥235.00 · to pay: CN¥235.00",
        "Payment: unpaid",
        "Shipment 1: SF Express",
        "History",
    ]:
        assert line in full, line
    assert "Sam: ✅ approved" in full and "Wu: shipment recorded" in full
    assert "CN¥" in await bot.send(team.rep, "/order SO-20261123-0001")  # Ann is Sam's customer
    assert "CN¥" in await bot.send(team.finance, "/order SO-20261123-0001")
    goods = await bot.send(team.warehouse, "/order SO-20261123-0001")
    assert "STP-24 Stapler No. 24/6 — 5 (shipped 5)" in goods
    assert "CN¥" not in goods and "Phone" not in goods, "the warehouse sees no money"


async def test_strangers_and_other_reps_are_refused(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    other_rep = bot.user("Rex")
    await bot.send(other_rep, "/help")
    (rex,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", other_rep))[0]
    await query(
        bot,
        "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, 'sales_rep', 'now')",
        rex,
    )
    for uid in (other_rep, team.customer):
        assert "only for staff" in await bot.send(uid, "/order SO-20261123-0001")
    assert "Which order?" in await bot.send(team.manager, "/order")
    assert "No such order" in await bot.send(team.manager, "/order SO-19990101-0001")
    denied = await query(
        bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND after = 'view'"
    )
    assert denied == [(2,)]


async def test_the_warehouse_marks_a_shipment_delivered_from_the_order(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_rest(team)  # its pick list, with the Delivered button, may be lost: /order has it
    await bot.send(team.manager, "/order SO-20261123-0001")
    assert bot.buttons(team.manager) == []  # money side: not the manager's button
    await bot.send(team.warehouse, "/order SO-20261123-0001")
    assert bot.buttons(team.warehouse) == ["📬 Delivered: shipment 1"]
    await bot.press(team.warehouse, "📬 Delivered: shipment 1")
    assert "Marked as delivered." in bot.alerts()[-1]
    assert await query(bot, "SELECT status FROM orders") == [("delivered",)]
    await bot.send(team.warehouse, "/order SO-20261123-0001")
    assert bot.buttons(team.warehouse) == []
