"""End to end over HTTP, paid in chat: a prepaid order is approved and invoiced (the PDF reaches
the customer with 💳 Pay now), the customer pays through the sandbox's Telegram Payments, the
receipt and finance's notice follow and only then the warehouse gets the pick list; shipped and
received, the order is completed. Every chat it should reach, and the database, are checked."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sandbox.demo import ADMIN_ID
from tests.e2e.conftest import Stack
from tests.e2e.test_customer_journey import step
from tests.e2e.test_staff_journey import invite

PROVIDER = "284685063:TEST:e2e-provider"
WELCOME_WAREHOUSE = "欢迎加入团队"
PICK_LIST = "有已批准的订单等待拣货"


@pytest.fixture(autouse=True)
def _provider(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot process is started with a payment provider (before the stack starts it)."""
    monkeypatch.setenv("ORDERDESK_PAYMENT_TOKEN", PROVIDER)


def database(stack: Stack, sql: str, *params: object) -> list[tuple[object, ...]]:
    """What the bot's database holds (read beside the running bot, as another process would)."""
    with sqlite3.connect(Path(stack.config).parent / "orderdesk.sqlite3") as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def texts(chat: dict[str, object]) -> list[str]:
    """The texts and captions of the bot's messages in a chat."""
    messages = chat["messages"]
    assert isinstance(messages, list)
    return [str(m.get("text") or m.get("caption") or "") for m in messages if m.get("outgoing")]


@dataclass
class Shop:
    """The people of the journey (sandbox user ids)."""

    rep: int
    warehouse: int
    finance: int
    ann: int


async def ordered(stack: Stack) -> Shop:
    """Staff invited; Ann registered, with 5 staplers ordered prepaid (CN¥175.00)."""
    client = stack.client
    await client.create_user(first_name="Ada", language_code="en", id=ADMIN_ID)
    rep = await invite(stack, "rep", "Sam")
    warehouse = await invite(stack, "warehouse", "Wu", "zh-hans")
    finance = await invite(stack, "finance", "Fay")
    ann = int((await client.create_user(first_name="Ann"))["id"])
    await step(stack, ann, "What is your name?", text="/start")
    await step(stack, ann, "phone number", text="Ann Lee")
    await client.contact(ann)
    await step(stack, ann, "company name")
    await step(stack, ann, "delivery address", press="Skip — I buy for myself")
    await step(stack, ann, "You are registered", text="1 Garden Road, Shanghai")
    await step(stack, ann, "Found 1 product", text="/search STP-24")
    await step(stack, ann, "SKU: STP-24", press="Stapler No. 24/6 · CN¥35.00")
    await step(stack, ann, "In your cart: 5", press="+5")
    await step(stack, ann, "how should we deliver", text="/checkout")
    await step(stack, ann, "When would you like it?", press="Pick up at our warehouse · CN¥0.00")
    await step(stack, ann, "How would you like to pay?", press="No preference")
    await step(stack, ann, "Any note", press="Prepaid (we ship after payment)")
    await step(stack, ann, "Please check your order", press="Skip")
    await step(stack, ann, "is submitted", press="✅ Confirm order")
    return Shop(rep, warehouse, finance, ann)


async def test_prepaid_order_paid_in_chat_then_picked_shipped_and_completed(stack: Stack) -> None:
    client = stack.client
    shop = await ordered(stack)
    rep, warehouse, finance, ann = shop.rep, shop.warehouse, shop.finance, shop.ann

    await step(stack, rep, "A new order waits for your decision")
    await step(stack, rep, "Status: ✅ approved", press="✅ Approve")
    chat = await client.wait_for(ann, lambda m: "document" in m)  # the invoice, to Ann
    pdf = chat["message"]
    assert re.fullmatch(r"INV-\d{8}-0001\.pdf", pdf["document"]["file_name"])
    number = re.search(r"SO-\d{8}-0001", pdf["caption"])
    assert (
        number and "CN¥175.00" in pdf["caption"] and "How to pay: Bank transfer" in pdf["caption"]
    )
    assert [b["text"] for row in pdf["reply_markup"]["inline_keyboard"] for b in row] == [
        "💳 Pay now",
        "📋 Copy bank details",
    ]
    async with httpx.AsyncClient(base_url=stack.server.url) as http:
        assert (await http.get(pdf["document_url"])).content.startswith(b"%PDF")
    assert any("is approved" in text for text in texts(await client.chat(ann)))
    await asyncio.sleep(1)  # time enough for a pick list to be sent, if one were
    assert PICK_LIST not in "\n".join(texts(await client.chat(warehouse))), "not before paid"
    assert database(stack, "SELECT status, payment_status FROM orders") == [("approved", "unpaid")]

    await client.press(ann, "💳 Pay now")
    chat = await client.wait_for(ann, lambda m: "invoice" in m)
    invoice = chat["message"]["invoice"]
    assert (invoice["title"], invoice["currency"], invoice["total_amount"]) == (
        f"Order {number.group(0)}",
        "CNY",
        17500,
    )
    (sent,) = await client.calls("sendInvoice")
    assert sent["params"]["provider_token"] == PROVIDER
    await client.pay(ann)
    checkout = await client.checkout(ann)
    assert checkout["state"] == "paid", checkout
    receipt = await step(stack, ann, "Payment received: CN¥175.00")
    assert number.group(0) in receipt and "The order is paid in full." in receipt
    told = await step(stack, finance, "💳 Paid in chat: CN¥175.00")
    assert f"for order {number.group(0)} by Ann Lee (card)" in told
    assert checkout["charge_id"] in told
    pick = await step(stack, warehouse, PICK_LIST)
    assert "¥" not in pick, "the warehouse sees no money"

    await client.repeat_payment(checkout["update_id"])  # Telegram tells of it once more
    await step(stack, ann, "Status: ✅ approved", text=f"/track {number.group(0)}")
    ann_user = database(stack, "SELECT id FROM users WHERE telegram_id = ?", ann)[0][0]
    assert database(stack, "SELECT amount, method, recorded_by, token FROM payments") == [
        (17500, "card", ann_user, f"tg:{checkout['charge_id']}")
    ]
    assert sum("Payment received" in t for t in texts(await client.chat(ann))) == 1
    assert sum("Paid in chat" in t for t in texts(await client.chat(finance))) == 1

    await step(stack, warehouse, "这批发哪些货", press="🚚 发货")
    await step(stack, warehouse, "承运商", press="下一步 ➡")
    await step(stack, warehouse, "运单号", text="Our van")
    await step(stack, warehouse, "预计送达日期", text="SF1234567890")
    await step(stack, warehouse, "无法撤销", press="暂不确定")
    await client.press(warehouse, text="✅ 登记发货")
    # the pick list above the dialog is refreshed in place with the shipment
    await client.wait_seen(
        warehouse,
        lambda m: "拣货单" in str(m.get("text")) and "SF1234567890" in str(m.get("text")),
    )
    await step(stack, ann, "tracking SF1234567890")
    await client.press(ann, "✅ I received it")
    await step(stack, ann, "Status: 🏁 completed", text=f"/track {number.group(0)}")

    assert database(stack, "SELECT status, payment_status, refund_due FROM orders") == [
        ("completed", "paid", 0)
    ]
    assert database(stack, "SELECT number, amount FROM invoices") == [
        (pdf["document"]["file_name"].removesuffix(".pdf"), 17500)
    ]
    assert database(
        stack, "SELECT COUNT(*) FROM outbox WHERE state NOT IN ('sent', 'dropped')"
    ) == [(0,)]
    answers = await client.calls("answerPreCheckoutQuery")
    assert [a["params"]["ok"] for a in answers] in (["True"], ["true"], [True])
    assert WELCOME_WAREHOUSE in texts(await client.chat(warehouse))[0]


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is missing")
async def test_paying_in_the_web_chat(stack: Stack) -> None:
    from playwright.async_api import async_playwright, expect

    from tests.e2e.test_web_chat import FLAGS

    shop = await ordered(stack)
    # the rep's notice goes out through the outbox after Ann's confirmation: its Approve
    # button is there only once the notice has arrived
    await stack.client.wait_seen(shop.rep, "A new order waits for your decision")
    await step(stack, shop.rep, "Status: ✅ approved", press="✅ Approve")
    await stack.client.wait_for(shop.ann, lambda m: "document" in m)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 800})
            await page.goto(f"{stack.server.url}/#user={shop.ann}")
            last = page.get_by_test_id("message").last
            copy = page.get_by_test_id("inline-button").filter(has_text="📋 Copy bank details")
            await copy.last.click()
            await expect(page.get_by_test_id("toast").last).to_contain_text("6222 0000 1234 5678")
            await page.get_by_test_id("inline-button").filter(has_text="💳 Pay now").last.click()
            invoice = page.get_by_test_id("invoice").last
            await expect(invoice).to_contain_text("Order SO-")
            await expect(invoice).to_contain_text("175")
            await page.get_by_test_id("pay-button").last.click()
            await expect(last).to_contain_text("Payment received: CN¥175.00")
            await expect(page.get_by_test_id("successful-payment").last).to_contain_text("175")
            await expect(page.get_by_test_id("pay-button").last).to_have_text("Paid ✓")
            await page.screenshot(path=str(Path(stack.config).parent / "paid-in-chat.png"))
        finally:
            await browser.close()
    await step(stack, shop.warehouse, PICK_LIST)
