"""Staff's /orders: orders found by customer, status, dates and lateness, paged, each role
through the same lens as /order (a rep sees their own customers' orders only)."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_approvals import order
from tests.conversations.test_checkout import to_summary

STAPLER = ("stapler", "Stapler No. 24/6 · CN¥35.00", "+1")  # 50.00: the rep decides


async def _rex_with_bob(team: Team) -> tuple[int, int]:
    """Another rep, Rex, and his customer Bob (Acme), who ordered once."""
    bot = team.bot
    rex = bot.user("Rex")
    await bot.send(rex, "/help")
    (rex_id,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", rex))[0]
    await query(
        bot,
        "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, 'sales_rep', 'now')",
        rex_id,
    )
    bob = bot.user("Bob")
    await bot.register(bob, name="Bob Stone", phone="+8613900139000", company="Acme Trading")
    await query(bot, "UPDATE customers SET rep_id = ? WHERE name = 'Bob Stone'", rex_id)
    await bot.send(bob, "/search stapler")
    await bot.press(bob, STAPLER[1])
    await bot.press(bob, "+1")
    return rex, bob


async def _orders(team: Team, count: int) -> None:
    for _ in range(count):
        await order(team, *STAPLER)


async def test_pages_and_the_lens_of_each_role(team: Team) -> None:
    bot = team.bot
    await _orders(team, 6)  # Ann's, Sam's customer
    rex, bob = await _rex_with_bob(team)
    await to_summary(bot, bob)
    await bot.press(bob, "✅ Confirm order")
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(7,)]

    first = await bot.send(team.manager, "/orders")
    assert "🔎 Orders: all orders" in first and "7 orders, newest first:" in first
    assert "SO-20261123-0007" in first and "Bob Stone (Acme Trading) · CN¥50.00" in first
    assert "SO-20261123-0002" not in first, "five to a page"
    assert bot.buttons(team.manager)[-2:] == ["1/2", "▶"]
    second = await bot.press(team.manager, "▶")
    assert "SO-20261123-0002" in second and "SO-20261123-0001" in second
    assert "SO-20261123-0007" not in second
    opened = await bot.press(team.manager, "SO-20261123-0001 · Ann Lee")
    assert "Order SO-20261123-0001 from Ann Lee" in opened and "Phone: +8613800138000" in opened

    mine = await bot.send(team.rep, "/orders")
    assert "6 orders, newest first:" in mine and "Bob" not in mine
    assert "No orders match." in await bot.send(team.rep, "/orders acme")
    assert "No orders match." in await bot.send(team.rep, "/orders Bob")
    rex_sees = await bot.send(rex, "/orders")
    assert "1 order, newest first:" in rex_sees and "Bob Stone" in rex_sees
    assert "Ann" not in rex_sees

    goods = await bot.send(team.warehouse, "/orders")
    assert "7 orders" in goods and "CN¥" not in goods, "the warehouse sees no money"
    assert "CN¥" in await bot.send(team.finance, "/orders")

    customer = await bot.send(team.customer, "/orders")
    assert "Your orders" in customer and "Bob" not in customer
    explained = await bot.send(team.rep, "/orders help")
    assert "Filters:" in explained and "from:2026-11-01 to:2026-11-30" in explained


async def test_filters_by_customer_status_dates_and_lateness(team: Team) -> None:
    bot = team.bot
    await _orders(team, 3)
    await bot.press(team.rep, "✅ Approve")  # the newest, SO-…-0003
    approved = await bot.send(team.manager, "/orders status:approved")
    assert "1 order, newest first:" in approved and "SO-20261123-0003" in approved
    assert "3 orders" in await bot.send(team.manager, "/orders ann from:2026-11-23 to:2026-11-23")
    assert "3 orders" in await bot.send(team.manager, "/orders +86138")
    assert "No orders match." in await bot.send(team.manager, "/orders from:2026-11-24")
    assert "No orders match." in await bot.send(team.manager, "/orders to:2026-11-22")
    assert "No orders match." in await bot.send(team.manager, "/orders late")
    await query(bot, "UPDATE orders SET desired_date = '2026-11-20' WHERE id = 1")  # waits
    await query(bot, "UPDATE orders SET promised_date = '2026-11-22' WHERE id = 3")  # unshipped
    await query(bot, "UPDATE orders SET desired_date = '2026-11-30' WHERE id = 2")
    late = await bot.send(team.manager, "/orders LATE")
    assert "2 orders, newest first:" in late
    assert "SO-20261123-0001" in late and "SO-20261123-0003" in late
    assert "SO-20261123-0002" not in late
    both = await bot.send(team.manager, "/orders late status:approved")
    assert "1 order" in both and "SO-20261123-0003" in both


async def test_bad_filters_and_forged_pages_change_nothing(team: Team) -> None:
    bot = team.bot
    await _orders(team, 1)
    audit = await query(bot, "SELECT COUNT(*) FROM audit_log")
    for text, shown in [
        ("/orders status:lost", "I did not understand “status:lost”"),
        ("/orders from:2026-13-01", "I did not understand “from:2026-13-01”"),
        ("/orders from:12/4/26", "I did not understand “from:12/4/26”"),
        ("/orders colour:<b>red</b>", "I did not understand “colour:<b>red</b>”"),
        (
            "/orders from:2026-11-30 to:2026-11-01",
            "I did not understand “from:2026-11-30 to:2026-11-01”",
        ),
        ("/orders " + "x" * 200, "is too long: part of the customer's name"),
    ]:
        answer = await bot.send(team.manager, text)
        assert shown in answer, (text, answer)
        assert "/orders status:approved from:2026-11-01 to:2026-11-30" in answer or (
            "too long" in answer
        )
    assert await query(bot, "SELECT COUNT(*) FROM audit_log") == audit
    await bot.send(team.manager, "/orders")
    await bot.press_data(team.manager, "sol:p:0:0:99:none:none:")
    assert "This button has expired" in bot.alerts()[-1]
    await bot.press_data(team.manager, "sol:p:0:7:-:none:none:")
    assert "This button has expired" in bot.alerts()[-1]
    await bot.press_data(team.customer, "sol:p:0:0:-:none:none:ann")
    assert "only for staff" in bot.alerts()[-1] or "only for staff" in bot.last(team.customer)
    denied = await query(
        bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND after = 'orders'"
    )
    assert denied == [(1,)]
