"""Staff end to end over HTTP: invites by deep link, approval, shipment, receipt, payment."""

from __future__ import annotations

import re

from sandbox.demo import ADMIN_ID
from tests.e2e.conftest import Stack
from tests.e2e.test_customer_journey import step

ROLE_NAMES = {"rep": "sales rep", "warehouse": "warehouse", "finance": "finance"}


async def invite(stack: Stack, role: str, name: str, language: str = "en") -> int:
    """The admin invites someone, who opens the link."""
    await stack.client.text(ADMIN_ID, f"/invite {role}")
    # among all the admin's messages: a notice that an earlier invite was used may come after it
    link = await stack.client.wait_seen(ADMIN_ID, f"Invite link for a {ROLE_NAMES[role]}.")
    text = str(link.get("text") or "")
    payload = re.search(r"\?start=(inv_[\w-]+)", text)
    assert payload, text
    user = await stack.client.create_user(first_name=name, language_code=language)
    welcome = {"en": "Welcome to the team", "zh-hans": "欢迎加入团队"}[language]
    await step(stack, user["id"], welcome, text=f"/start {payload.group(1)}")
    return int(user["id"])


async def test_order_from_approval_to_payment(stack: Stack) -> None:
    await stack.client.create_user(first_name="Ada", language_code="en", id=ADMIN_ID)
    rep = await invite(stack, "rep", "Sam")
    warehouse = await invite(stack, "warehouse", "Wu", "zh-hans")
    finance = await invite(stack, "finance", "Fay")
    ann = int((await stack.client.create_user(first_name="Ann"))["id"])
    await step(stack, ann, "What is your name?", text="/start")
    await step(stack, ann, "phone number", text="Ann Lee")
    await stack.client.contact(ann)
    await step(stack, ann, "company name")
    await step(stack, ann, "delivery address", press="Skip — I buy for myself")
    await step(stack, ann, "You are registered", text="1 Garden Road, Shanghai")
    await step(stack, ann, "Found 1 product", text="/search STP-24")
    await step(stack, ann, "SKU: STP-24", press="Stapler No. 24/6 · CN¥35.00")
    await step(stack, ann, "In your cart: 5", press="+5")
    await step(stack, ann, "how should we deliver", text="/checkout")
    await step(stack, ann, "When would you like it?", press="Pick up at our warehouse · CN¥0.00")
    await step(stack, ann, "How would you like to pay?", press="No preference")
    await step(stack, ann, "Any note", press="Cash on delivery")
    await step(stack, ann, "Please check your order", press="Skip")
    await step(stack, ann, "is submitted", press="✅ Confirm order")

    card = await step(stack, rep, "A new order waits for your decision")
    assert "✅ stock reserved" in card
    await step(stack, rep, "Status: ✅ approved", press="✅ Approve")
    await step(stack, ann, "is approved")
    pick = await step(stack, warehouse, "有已批准的订单等待拣货")
    assert "¥" not in pick
    await step(stack, warehouse, "这批发哪些货", press="🚚 发货")
    await step(stack, warehouse, "承运商", press="下一步 ➡")
    await step(stack, warehouse, "运单号", text="Our van")
    await step(stack, warehouse, "预计送达日期", text="SF1234567890")
    await step(stack, warehouse, "无法撤销", press="暂不确定")
    await stack.client.press(warehouse, text="✅ 登记发货")
    # the pick list above the dialog is refreshed in place with the shipment
    await stack.client.wait_seen(
        warehouse,
        lambda m: "拣货单" in str(m.get("text")) and "SF1234567890" in str(m.get("text")),
    )
    await step(stack, ann, "tracking SF1234567890")
    await step(stack, ann, "Status: 📬 delivered", press="✅ I received it")
    await step(stack, finance, "is delivered")
    await step(stack, finance, "Invoice INV-", press="🧾 Issue invoice")
    chat = await stack.client.wait_for(ann, lambda m: "document" in m)  # the PDF, to Ann
    assert re.fullmatch(r"INV-\d{8}-0001\.pdf", chat["message"]["document"]["file_name"])
    number = re.search(r"SO-\d{8}-\d{4}", await stack.client.last_text(ann))
    assert number
    await step(stack, finance, "still owed CN¥175.00", text=f"/payment {number.group(0)}")
    await step(stack, finance, "How was it paid?", press="All of it: CN¥175.00")
    await step(stack, finance, "Paid on which day?", press="Bank transfer")
    await step(stack, finance, "Record CN¥175.00", press="Today")
    await step(stack, finance, "still owed CN¥0.00", press="✅ Record payment")
    await step(stack, ann, "The order is paid in full.")
    await step(stack, ann, "Status: 🏁 completed", text=f"/track {number.group(0)}")
