"""Who is sent a new order to decide (bot/domain/access.deciders): the customer's rep while they
still hold the role, else the managers, else every administrator (given the role or named in the
config)."""

from __future__ import annotations

from tests.conversations.conftest import ADMIN, Team, query
from tests.conversations.test_fulfilment import submitted_order

NEW_ORDER = "A new order waits for your decision"


async def test_a_rep_who_lost_the_role_is_not_sent_the_order_the_managers_are(
    team: Team,
) -> None:
    bot = team.bot
    await query(bot, "DELETE FROM user_roles WHERE role = 'sales_rep'")
    rep_before = bot.last(team.rep)
    await submitted_order(team)
    assert "is submitted" in bot.last(team.customer)
    assert bot.last(team.rep) == rep_before, "the former rep is told nothing"
    for manager in (team.manager, team.manager2):
        assert NEW_ORDER in bot.last(manager) and "from Ann Lee" in bot.last(manager)
    for other in (team.warehouse, team.finance):
        assert NEW_ORDER not in bot.last(other)
    assert await query(bot, "SELECT status FROM orders") == [("submitted",)]


async def test_without_rep_or_managers_every_administrator_is_sent_the_order(team: Team) -> None:
    bot = team.bot
    admin = bot.fake.create_user("Ada", user_id=ADMIN)  # named in the config
    other_admin = bot.user("Abe")  # given the role
    for uid in (admin, other_admin):
        await bot.send(uid, "/help")  # the bot meets them
    await query(
        bot,
        "INSERT INTO user_roles (user_id, role, granted_at)"
        " SELECT id, 'admin', 'now' FROM users WHERE telegram_id = ?",
        other_admin,
    )
    await query(bot, "DELETE FROM user_roles WHERE role IN ('sales_rep', 'sales_manager')")
    before = {uid: bot.last(uid) for uid in (team.rep, team.manager, team.manager2)}
    await submitted_order(team)
    assert "is submitted" in bot.last(team.customer)
    for uid in (admin, other_admin):
        assert NEW_ORDER in bot.last(uid) and "from Ann Lee" in bot.last(uid)
    for uid, said in before.items():
        assert bot.last(uid) == said, "former staff are told nothing"
    for other in (team.warehouse, team.finance):
        assert NEW_ORDER not in bot.last(other)
    assert await query(bot, "SELECT status FROM orders") == [("submitted",)]
