"""The whole customer journey in Chinese: register, browse, cart, check out, track, cancel."""

from __future__ import annotations

from tests.conversations.conftest import query
from tests.harness import Harness


async def test_journey_in_chinese(bot: Harness) -> None:
    uid = bot.user("李雷", "zh-hans")
    await bot.register(
        uid, name="李雷", phone="+8613800138000", address="上海市浦东新区世纪大道100号"
    )
    assert "请选择分类" in await bot.send(uid, "/catalog")
    assert bot.buttons(uid)[:3] == ["纸张 (3)", "硒鼓墨盒 (2)", "办公用品 (3)"]
    await bot.press(uid, "纸张 (3)")
    card = await bot.press(uid, "A4复印纸 80克（500张） · ¥25.00")
    assert "货号：PAP-A4-80" in card and "10 件起：每件 ¥23.50" in card and "✅ 有货" in card
    await bot.press(uid, "其他数量…")
    assert "请以整数发送数量，范围为 1 到 10,000。" in await bot.send(uid, "-3")
    await bot.feed(bot.fake.send_sticker(uid))
    assert "请用文字回复，或发送 /cancel。" in bot.last(uid)
    cart = await bot.send(uid, "10")
    assert "🛒 您的购物车（10 件）" in cart and "10 × ¥23.50 = ¥235.00" in cart
    assert "您希望如何配送？" in await bot.press(uid, "✅ 去结算")
    await bot.press(uid, "快递 · ¥15.00")
    await bot.press(uid, "上海市浦东新区世纪大道100号")
    assert "11月24日周二" in bot.buttons(uid)
    assert "您想如何付款？" in await bot.send(uid, "2026年12月1日")
    await bot.press(uid, "货到付款")
    summary = await bot.send(uid, "请<工作日>送货")
    for line in [
        "合计：¥250.00",
        "期望送达日期：2026年12月1日",
        "付款条件：货到付款",
        "备注：请<工作日>送货",
    ]:
        assert line in summary, line
    done = await bot.press(uid, "✅ 确认下单")
    assert "订单 SO-20261123-0001 已提交，合计 ¥250.00" in done
    detail = await bot.press(uid, "📦 跟踪此订单")
    assert "状态：🕓 已提交，待审核" in detail and "2026年11月23日 10:00" in detail
    await bot.press(uid, "✖️ 取消订单")
    assert "原因长度须为 2 至 300 个字符。" in await bot.send(uid, "x")
    cancelled = await bot.press(uid, "交货日期太晚")
    assert "状态：✖️ 已取消" in cancelled and "(交货日期太晚)" in cancelled
    reasons = await query(bot, "SELECT reason FROM audit_log WHERE after = 'cancelled'")
    assert reasons == [("交货日期太晚",)]
    assert await query(bot, "SELECT reserved FROM products WHERE sku = 'PAP-A4-80'") == [(0,)]
    cart = await bot.press(uid, "🔁 再来一单")
    assert "10 × ¥23.50" in cart
