"""The whole customer journey over HTTP against the sandbox, in English and in Chinese."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.config import load_config
from tests.e2e.conftest import Stack


async def step(
    stack: Stack, uid: int, expect: str, *, text: str | None = None, press: str | None = None
) -> str:
    """Send a text or press a button, then wait until the bot shows `expect`."""
    if text is not None:
        await stack.client.text(uid, text)
    if press is not None:
        await stack.client.press(uid, text=press)
    chat: dict[str, Any] = await stack.client.wait_for(uid, expect, timeout=10)
    shown = [m for m in chat["messages"] if m.get("outgoing")]
    return str(shown[-1].get("text") or shown[-1].get("caption") or "")


async def test_journey_in_english(stack: Stack) -> None:
    user = await stack.client.create_user(first_name="Ann", language_code="en")
    uid = user["id"]
    await step(stack, uid, "What is your name?", text="/start")
    await step(stack, uid, "Your phone number?", text="Ann Lee")
    await stack.client.contact(uid)
    await step(stack, uid, "company name")
    await step(stack, uid, "delivery address", press="Skip — I buy for myself")
    await step(stack, uid, "You are registered, Ann Lee", text="1 Garden Road, Shanghai")
    await step(stack, uid, "Choose a category", text="/catalog")
    await step(stack, uid, "Choose a product", press="Paper (3)")
    await step(stack, uid, "SKU: PAP-A4-80", press="A4 copy paper 80 g (500 sheets) · CN¥25.00")
    await step(stack, uid, "In your cart: 10", press="+10")
    await step(stack, uid, "10 × CN¥23.50 = CN¥235.00", press="🛒 Cart")
    await step(stack, uid, "how should we deliver", press="✅ Check out")
    await step(stack, uid, "Where to?", press="Courier · CN¥15.00")
    await step(stack, uid, "When would you like it?", press="1 Garden Road, Shanghai")
    await step(stack, uid, "How would you like to pay?", press="No preference")
    await step(stack, uid, "Any note", press="Cash on delivery")
    summary = await step(
        stack, uid, "Please check your order", text="Call before <delivery> & thanks"
    )
    assert "Total: CN¥250.00" in summary and "Note: Call before <delivery> & thanks" in summary
    await step(stack, uid, "is submitted, total CN¥250.00", press="✅ Confirm order")
    detail = await step(stack, uid, "History", press="📦 Track this order")
    number = detail.split("\n")[0].removeprefix("Order ")
    await step(stack, uid, "Why do you want to cancel", press="✖️ Cancel order")
    cancelled = await step(stack, uid, "Status: ✖️ cancelled", press="No longer needed")
    assert number.startswith("SO-") and "(No longer needed)" in cancelled
    await step(stack, uid, f"Order {number}", text=f"/track {number}")


async def test_journey_in_chinese(stack: Stack) -> None:
    user = await stack.client.create_user(first_name="李雷", language_code="zh-hans")
    uid = user["id"]
    await step(stack, uid, "请问您的姓名是？", text="/start")
    await step(stack, uid, "您的手机号码是？", text="李雷")
    await step(stack, uid, "公司名称", text="138 0013 8000")
    await step(stack, uid, "收货地址", text="上海纸业有限公司")
    await step(stack, uid, "李雷，您已注册成功", text="上海市浦东新区世纪大道100号")
    await step(stack, uid, "找到 1 个与“订书机”相关的商品", text="/search 订书机")
    await step(stack, uid, "货号：STP-24", press="24/6 订书机 · ¥35.00")
    await step(stack, uid, "购物车中已有：5", press="+5")
    await step(stack, uid, "您希望如何配送？", text="/checkout")
    await step(stack, uid, "您希望什么时候收货？", press="仓库自提 · ¥0.00")
    # The bot runs on the real clock; deliveries are taken on working days only.
    working = load_config(stack.config, environ={}).calendar.working
    day = working.on_or_after(date.today() + timedelta(days=30))
    await step(stack, uid, "您想如何付款？", text=f"{day.year}年{day.month}月{day.day}日")
    await step(stack, uid, "备注", press="预付款（付款后发货）")
    summary = await step(stack, uid, "请核对您的订单", press="跳过")
    assert "合计：¥175.00" in summary
    await step(stack, uid, "已提交，合计 ¥175.00", press="✅ 确认下单")
    await step(stack, uid, "状态记录", press="📦 跟踪此订单")
    await step(stack, uid, "原因", press="✖️ 取消订单")
    await step(stack, uid, "状态：✖️ 已取消", text="买错了型号")
