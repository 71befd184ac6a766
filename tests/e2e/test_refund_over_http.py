"""Money going back, end to end over HTTP: a customer pays, asks to cancel, her rep cancels;
finance is told of the refund due with a button, records the refund through the conversation,
and the customer gets the receipt. Every chat and the database are checked."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from sandbox.demo import ADMIN_ID
from tests.e2e.conftest import Stack
from tests.e2e.test_customer_journey import step
from tests.e2e.test_staff_journey import invite


def book(stack: Stack, sql: str) -> list[tuple[Any, ...]]:
    """Read the running bot's database, as a bookkeeper's tool would (read-only)."""
    path = stack.config.parent / "orderdesk.sqlite3"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


async def texts(stack: Stack, uid: int) -> list[str]:
    """Everything the bot said in a chat, oldest first."""
    chat = await stack.client.chat(uid)
    return [
        str(m.get("text") or m.get("caption") or "") for m in chat["messages"] if m.get("outgoing")
    ]


async def test_cancel_after_payment_then_refund_recorded(stack: Stack) -> None:
    await stack.client.create_user(first_name="Ada", language_code="en", id=ADMIN_ID)
    rep = await invite(stack, "rep", "Sam")
    warehouse = await invite(stack, "warehouse", "Wu")
    finance = await invite(stack, "finance", "Fay")
    menu = [c["command"] for c in (await stack.client.chat(finance))["commands"]]
    assert menu[:4] == ["order", "orders", "payment", "refund"], menu
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
    submitted = await step(stack, ann, "is submitted", press="✅ Confirm order")
    found = re.search(r"SO-\d{8}-\d{4}", submitted)
    assert found, submitted
    number = found.group(0)

    await step(stack, rep, "A new order waits for your decision")
    await step(stack, rep, "Status: ✅ approved", press="✅ Approve")
    await step(stack, ann, "is approved")
    await step(stack, warehouse, "An approved order is ready to pick")

    await step(stack, finance, "still owed CN¥175.00", text=f"/payment {number}")
    await step(stack, finance, "How was it paid?", press="All of it: CN¥175.00")
    await step(stack, finance, "Paid on which day?", press="Bank transfer")
    await step(stack, finance, "Record CN¥175.00", press="Today")
    await step(stack, finance, "still owed CN¥0.00", press="✅ Record payment")
    await step(stack, ann, "Payment received: CN¥175.00")

    await step(stack, ann, "Status: ✅ approved", text=f"/track {number}")
    await step(stack, ann, "Why do you want to cancel", press="✖️ Ask to cancel")
    await step(stack, ann, "is sent to our team", text="Bought it elsewhere")
    card = await step(stack, rep, "Cancellation request")
    assert "Reason: Bought it elsewhere" in card and "paid: CN¥175.00" in card
    await step(stack, rep, "for good?", press="✅ Cancel the order")
    await step(stack, rep, "cancelled", press="Yes, cancel it")
    told = await step(stack, ann, "is cancelled, as you asked")
    assert "We will refund CN¥175.00." in told

    notice = await step(stack, finance, "to pay back to the customer")
    assert f"Order {number}: CN¥175.00 to pay back to the customer" in notice
    asked = await step(stack, finance, "How much was paid back?", press="↩️ Record refund")
    assert "CN¥175.00 to pay back" in asked
    await step(stack, finance, "more than is due to be paid back (CN¥175.00)", text="200")
    await step(stack, finance, "How was it paid back?", text="175")
    await step(stack, finance, "Paid back on which day?", press="Bank transfer")
    confirm = await step(stack, finance, "Still to pay back after it: CN¥0.00.", press="Today")
    assert "Record CN¥175.00 paid back by Bank transfer on " in confirm
    done = await step(stack, finance, "Nothing more is to be paid back", press="✅ Record refund")
    assert f"Recorded: CN¥175.00 paid back for {number} (Bank transfer, " in done
    receipt = await step(stack, ann, "We paid back CN¥175.00")
    assert f"for order {number} (Bank transfer, " in receipt
    await step(stack, finance, "Nothing is due to be paid back.", text="/refund")
    await step(stack, warehouse, "Nothing to ship right now.", text="/ship")

    # The customer and other staff cannot record a refund; each refusal is audited.
    order_id = book(stack, f"SELECT id FROM orders WHERE number = '{number}'")[0][0]
    for uid in (ann, warehouse, rep):
        await step(stack, uid, "only for staff", text="/refund")
    assert book(
        stack, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND after = 'refund'"
    ) == [(3,)]

    assert book(stack, "SELECT status, payment_status, refund_due FROM orders") == [
        ("cancelled", "refunded", 0)
    ]
    assert book(stack, "SELECT order_id, amount, method FROM refunds") == [
        (order_id, 17500, "bank_transfer")
    ]
    assert book(stack, "SELECT order_id, amount FROM payments") == [(order_id, 17500)]
    assert book(stack, "SELECT COUNT(*) FROM open_dues") == [(0,)]
    assert book(
        stack,
        "SELECT kind, state FROM outbox WHERE kind IN ('refund_due', 'refund', 'receipt')"
        " ORDER BY id",
    ) == [("receipt", "sent"), ("refund_due", "sent"), ("refund", "sent")]
    assert book(stack, "SELECT SUM(reserved) FROM products") == [(0,)], "stock returned"

    # Every chat, in order: what each person was told.
    anns = await texts(stack, ann)
    received = [i for i, t in enumerate(anns) if "Payment received: CN¥175.00" in t]
    cancelled = [i for i, t in enumerate(anns) if "is cancelled, as you asked" in t]
    paid_back = [i for i, t in enumerate(anns) if "We paid back" in t]
    assert len(received) == len(cancelled) == len(paid_back) == 1, anns
    assert received[0] < cancelled[0] < paid_back[0]
    finances = await texts(stack, finance)
    assert sum("to pay back to the customer (" in t for t in finances) == 1, "told once"
    assert not any("CN¥" in t for t in await texts(stack, warehouse)), "no money to the warehouse"
    reps = await texts(stack, rep)
    assert not any("paid back" in t for t in reps)
