"""Customer management: managers set credit, trust, terms and rep; reps only look; others
are refused and audited."""

from __future__ import annotations

from tests.conversations.conftest import Team, query


async def open_card(team: Team, uid: int) -> str:
    await team.bot.send(uid, "/customer ann")
    return await team.bot.press(uid, "Ann Lee · +8613800138000")


async def test_manager_sets_credit_trust_terms_and_rep(team: Team) -> None:
    bot = team.bot
    card = await open_card(team, team.manager)
    assert "Sales rep: Sam" in card and "Credit limit: CN¥0.00" in card and "Trusted: no" in card
    await bot.press(team.manager, "💳 Credit limit…")
    assert "an amount like 1234.50" in await bot.send(team.manager, "-3")
    card = await bot.send(team.manager, "5,000")
    assert "Credit limit: CN¥5,000.00" in card
    card = await bot.press(team.manager, "Trusted: no")
    assert "Trusted: yes" in card
    card = await bot.press(team.manager, "➕ Pay within 30 days")
    assert (
        "Payment terms: Prepaid (we ship after payment), Cash on delivery, Pay within 30 days"
        in card
    )
    rex = bot.user("Rex")
    await bot.send(rex, "/help")
    (rex_id,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", rex))[0]
    await query(
        bot,
        "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, 'sales_rep', 'now')",
        rex_id,
    )
    await bot.press(team.manager, "👤 Change sales rep")
    assert "Sales rep: Rex" in await bot.press(team.manager, "Rex")
    assert await query(bot, "SELECT credit_limit, trusted, rep_id FROM customers") == [
        (500000, 1, rex_id)
    ]
    audit = await query(
        bot,
        "SELECT action, before, after FROM audit_log"
        " WHERE entity = 'customer' AND action != 'registered'",
    )
    assert ("credit_limit", "0", "500000") in audit and ("trusted", "False", "True") in audit
    assert ("payment_term", "", "+net30") in audit and audit[-1][0] == "rep"
    await bot.send(team.customer, "/checkout")  # the customer can now choose net 30
    assert "Your cart is empty" in bot.last(team.customer)


async def test_rep_only_looks_and_others_are_refused(team: Team) -> None:
    bot = team.bot
    card = await open_card(team, team.rep)
    assert "Credit limit: CN¥0.00" in card
    # nothing to edit; a rep may only pause their own customer's reminders
    assert bot.buttons(team.rep) == ["📞 Place an order for them", "⏸ Pause reminders"]
    (cid,) = (await query(bot, "SELECT id FROM customers"))[0]
    for uid in (team.rep, team.customer, team.warehouse):
        await bot.press_data(uid, f"cus:tr:{cid}:1")
        assert "only for staff" in bot.alerts()[-1]
        await bot.press_data(uid, f"cus:cl:{cid}")
        assert "only for staff" in bot.alerts()[-1]
    assert "only for staff" in await bot.send(team.customer, "/customer ann")
    assert await query(bot, "SELECT credit_limit, trusted FROM customers") == [(0, 0)]
