"""Names in the reader's own language (issue 14, item 6): the order lines keep the name the
customer ordered in, but the warehouse, the rep and the customer each read the product's name in
their own language."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_fulfilment import approved_order, submitted_order


async def speaks(team: Team, uid: int, language: str) -> None:
    await query(team.bot, "UPDATE users SET language = ? WHERE telegram_id = ?", language, uid)


async def test_chinese_warehouse_picks_in_chinese_while_the_customer_ordered_in_english(
    team: Team,
) -> None:
    bot = team.bot
    await speaks(team, team.warehouse, "zh")
    await approved_order(team)
    assert await query(bot, "SELECT name FROM order_lines ORDER BY id") == [
        ("Stapler No. 24/6",),
        ("Staples 24/6 (1000 pcs)",),
    ]
    notice = bot.last(team.warehouse)
    assert "24/6 订书机" in notice and "24/6 订书钉（1000枚）" in notice
    assert "Stapler No. 24/6" not in notice
    detail = await bot.send(team.customer, "/track SO-20261123-0001")
    assert "Stapler No. 24/6" in detail, "the customer still reads English"


async def test_russian_rep_reads_russian_names_on_the_approval_card(team: Team) -> None:
    bot = team.bot
    await speaks(team, team.rep, "ru")
    await submitted_order(team)
    card = bot.last(team.rep)
    assert "Степлер № 24/6" in card and "Stapler No. 24/6" not in card
    (order_id,) = (await query(bot, "SELECT id FROM orders"))[0]
    await bot.press_data(team.rep, f"apv:v:{order_id}")
    assert "Скобы 24/6 (1000 шт.)" in bot.last(team.rep)
