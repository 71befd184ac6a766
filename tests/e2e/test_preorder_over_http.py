"""The catalog run from the phone, end to end over HTTP: the admin adds a product with its photo
sent from the phone; a customer pre-orders it (none in stock); her rep approves; the warehouse
receives stock, which goes to her order first: she is told it arrived, the warehouse gets the
pick list and ships it. Every chat and the database are checked."""

from __future__ import annotations

import re

from sandbox.demo import ADMIN_ID
from tests.e2e.conftest import Stack
from tests.e2e.test_customer_journey import step
from tests.e2e.test_refund_over_http import book
from tests.e2e.test_staff_journey import invite
from tests.images import png


async def test_admin_adds_a_product_customer_pre_orders_stock_arrives_shipped(
    stack: Stack,
) -> None:
    await stack.client.create_user(first_name="Ada", language_code="en", id=ADMIN_ID)
    rep = await invite(stack, "rep", "Sam")
    warehouse = await invite(stack, "warehouse", "Wu")

    # the admin adds a product from the phone
    await step(stack, ADMIN_ID, "Products", text="/products")
    await step(stack, ADMIN_ID, "SKU", press="➕ Add a product")
    await step(stack, ADMIN_ID, "Name (English)", text="MUG-01")
    await step(stack, ADMIN_ID, "Name (Chinese)", text="Blue mug")
    await step(stack, ADMIN_ID, "Name (Russian)", text="蓝色马克杯")
    await step(stack, ADMIN_ID, "Description (English)", text="Синяя кружка")
    await step(stack, ADMIN_ID, "Description (Chinese)", text="A mug that is blue")
    await step(stack, ADMIN_ID, "Description (Russian)", press="Skip")
    await step(stack, ADMIN_ID, "Category", press="Skip")
    await step(stack, ADMIN_ID, "Price", text="Mugs")
    await step(stack, ADMIN_ID, "Quantity prices", text="12.50")
    await step(stack, ADMIN_ID, "Unit", press="Skip")
    await step(stack, ADMIN_ID, "Pre-order allowed", press="pieces")
    await step(stack, ADMIN_ID, "Photo", press="yes")
    await stack.client.document(ADMIN_ID, "mug.png", png(), "image/png")
    await stack.client.wait_for(ADMIN_ID, "New product")
    await stack.client.press(ADMIN_ID, text="✅ Save")
    await stack.client.wait_for(ADMIN_ID, lambda m: "🚫 Withdraw" in str(m.get("reply_markup")))
    rows = book(
        stack, "SELECT stock_on_hand, preorder, photo_file_id FROM products WHERE sku = 'MUG-01'"
    )
    assert rows[0][:2] == (0, 1) and rows[0][2], rows

    # a customer finds it with its photo and pre-orders three
    ann = int((await stack.client.create_user(first_name="Ann"))["id"])
    await step(stack, ann, "What is your name?", text="/start")
    await step(stack, ann, "phone number", text="Ann Lee")
    await stack.client.contact(ann)
    await step(stack, ann, "company name")
    await step(stack, ann, "delivery address", press="Skip — I buy for myself")
    await step(stack, ann, "You are registered", text="1 Garden Road, Shanghai")
    await step(stack, ann, "Found 1 product", text="/search blue mug")
    await stack.client.press(ann, text="🕓 Blue mug · CN¥12.50")
    card = await stack.client.wait_for(ann, "MUG-01")
    assert "photo" in card["message"], "the card shows the photo sent from the phone"
    await step(stack, ann, "In your cart: 1", press="+1")
    await step(stack, ann, "In your cart: 2", press="+1")
    await step(stack, ann, "In your cart: 3", press="+1")
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
    assert book(stack, "SELECT qty, reserved_qty FROM order_lines") == [(3, 0)]

    # stock arrives: her order takes it first, she is told, the warehouse picks and ships
    await step(stack, warehouse, "MUG-01", text="/receive MUG-01 5")
    told = await step(stack, ann, "arrived and is kept for you")
    assert "3 × Blue mug" in told and number in told and "here now" in told
    assert book(stack, "SELECT qty, reserved_qty FROM order_lines") == [(3, 3)]
    assert book(stack, "SELECT stock_on_hand, reserved FROM products WHERE sku = 'MUG-01'") == [
        (5, 3)
    ]
    # the pick list and the low-stock notice go out together, in either order
    await stack.client.wait_seen(warehouse, "An approved order is ready to pick")
    for expect, press, text in (
        ("Which goods leave in this shipment?", "🚚 Ship", None),
        ("Carrier?", "Next ➡", None),
        ("Tracking number?", None, "Our van"),
        ("Expected delivery date?", None, "SF1234567890"),
        ("It cannot be undone", "Not known", None),
    ):
        # the shipment dialog edits the pick list's message, which need not be the newest
        await seen_step(stack, warehouse, expect, press=press, text=text)
    await stack.client.press(warehouse, text="✅ Record shipment")
    await step(stack, ann, "tracking SF1234567890")
    assert book(stack, "SELECT status FROM orders") == [("shipped",)]
    assert book(stack, "SELECT stock_on_hand, reserved FROM products WHERE sku = 'MUG-01'") == [
        (2, 0)
    ]
    moves = book(
        stack,
        "SELECT kind, qty FROM stock_moves m JOIN products p ON p.id = m.product_id"
        " WHERE p.sku = 'MUG-01' ORDER BY m.id",
    )
    assert moves == [("receipt", 5), ("shipment", -3)]


async def seen_step(
    stack: Stack, uid: int, expect: str, *, text: str | None = None, press: str | None = None
) -> None:
    """Send a text or press a button, then wait until any of the bot's messages shows `expect`."""
    if text is not None:
        await stack.client.text(uid, text)
    if press is not None:
        await stack.client.press(uid, text=press)
    await stack.client.wait_seen(uid, expect)
