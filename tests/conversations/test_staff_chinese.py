"""Staff prompts in Chinese refuse bad input clearly and keep the state."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_approvals import order


async def chinese(team: Team, uid: int) -> None:
    await team.bot.send(uid, "/language")
    await team.bot.press(uid, "简体中文")


async def test_bad_input_at_staff_prompts_in_chinese(team: Team) -> None:
    bot = team.bot
    for uid in (team.rep, team.warehouse):
        await chinese(team, uid)
    await order(team, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await bot.press(team.rep, "✏️ 调整")
    await bot.press(team.rep, "折扣…")
    assert "请发送 0 到 100 之间的百分比，例如 7.5" in await bot.send(team.rep, "很多")
    await bot.send(team.rep, "/cancel")
    await bot.send(team.rep, "/pending")
    await bot.press(team.rep, bot.buttons(team.rep)[0])
    await bot.press(team.rep, "✅ 批准")
    await bot.press(team.warehouse, "⚠️ 缺货：STP-24")
    assert "实际有多少件可发？0 到 4" in bot.last(team.warehouse)
    assert "数量须在 1 到 4 之间。" in await bot.send(team.warehouse, "9")
    await bot.send(team.warehouse, "/cancel")
    await bot.press(team.warehouse, "🚚 发货")
    await bot.press(team.warehouse, "下一步 ➡")
    await bot.press(team.warehouse, "SF Express")
    assert "运单号由 3 到 40 个字母" in await bot.send(team.warehouse, "#?!")
    await bot.feed(bot.fake.send_sticker(team.warehouse))
    assert "请用文字回复" in bot.last(team.warehouse)
    assert await query(bot, "SELECT COUNT(*) FROM shipments") == [(0,)]
