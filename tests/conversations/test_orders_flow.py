"""Tracking, cancelling and repeating orders through the real Application, offline."""

from __future__ import annotations

from tests.conversations.conftest import query
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.harness import Harness


async def place(bot: Harness, uid: int, quick: str = "+5") -> str:
    """Order staplers; returns the order number."""
    await fill_cart(bot, uid, "stapler", "Stapler No. 24/6 · CN¥35.00", quick)
    await to_summary(bot, uid)
    await bot.press(uid, "✅ Confirm order")
    rows = await query(bot, "SELECT number FROM orders ORDER BY id DESC LIMIT 1")
    return str(rows[0][0])


async def test_orders_list_and_track(bot: Harness, ann: int) -> None:
    assert "You have no orders yet" in await bot.send(ann, "/orders")
    first = await place(bot, ann)
    second = await place(bot, ann, "+1")
    assert "📦 Your orders (2)" in await bot.send(ann, "/orders")
    assert [b.split(" · ")[0][2:].strip() for b in bot.buttons(ann)[:2]] == [second, first]
    detail = await bot.press(ann, bot.buttons(ann)[1])
    assert f"Order {first}" in detail and "Status: 🕓 submitted, awaiting review" in detail
    assert "History\nNov 23, 2026, 10:00\u202fAM — 🕓 submitted" in detail  # Shanghai time
    assert f"Order {second}" in await bot.send(ann, f"/track {second.lower()}")
    assert "No such order" in await bot.send(ann, "/track SO-19990101-0001")
    assert "Your orders" in await bot.send(ann, "/track")


async def test_cancel_with_a_typed_reason_returns_stock(bot: Harness, ann: int) -> None:
    number = await place(bot, ann)
    assert await query(bot, "SELECT reserved FROM products WHERE sku = 'STP-24'") == [(5,)]
    await bot.send(ann, f"/track {number}")
    assert "Why do you want to cancel" in await bot.press(ann, "✖️ Cancel order")
    await bot.feed(bot.fake.send_sticker(ann))
    assert "answer with text" in bot.last(ann)
    assert "2 to 300 characters" in await bot.send(ann, "x")
    detail = await bot.send(ann, "Wrong <model> ordered")
    assert "Status: ✖️ cancelled" in detail and "(Wrong <model> ordered)" in detail
    assert await query(bot, "SELECT status FROM orders") == [("cancelled",)]
    assert await query(bot, "SELECT reserved FROM products WHERE sku = 'STP-24'") == [(0,)]
    assert "✖️ Cancel order" not in bot.buttons(ann)


async def test_cancel_with_a_preset_reason_or_keep(bot: Harness, ann: int) -> None:
    number = await place(bot, ann)
    await bot.send(ann, f"/track {number}")
    await bot.press(ann, "✖️ Cancel order")
    assert "stays as it is" in await bot.press(ann, "Keep the order")
    assert await query(bot, "SELECT status FROM orders") == [("submitted",)]
    await bot.send(ann, f"/track {number}")
    await bot.press(ann, "✖️ Cancel order")
    detail = await bot.press(ann, "No longer needed")
    assert "(No longer needed)" in detail
    rows = await query(bot, "SELECT before, after, reason FROM audit_log WHERE entity = 'order'")
    assert rows[-1] == ("submitted", "cancelled", "No longer needed")


async def test_repeat_an_order(bot: Harness, ann: int) -> None:
    number = await place(bot, ann)
    await bot.send(ann, f"/track {number}")
    cart = await bot.press(ann, "🔁 Order again")
    assert "Added to your cart at today's prices." in bot.alerts()[-1]
    assert "5 × CN¥35.00 = CN¥175.00" in cart


async def test_someone_elses_order_is_out_of_reach(bot: Harness, ann: int) -> None:
    await place(bot, ann)
    (order_id,) = (await query(bot, "SELECT id FROM orders"))[0]
    eve = bot.user("Eve")
    await bot.register(eve)
    for data in (f"ord:v:{order_id}", f"ord:cx:{order_id}", f"ord:rp:{order_id}"):
        await bot.press_data(eve, data)
        assert "No such order among yours" in bot.alerts()[-1], data
    assert "No such order" in await bot.send(eve, "/track SO-20261123-0001")
    assert await query(bot, "SELECT status FROM orders") == [("submitted",)]
    assert await query(bot, "SELECT COUNT(*) FROM cart_lines") == [(0,)]


async def test_the_order_card_has_one_payment_line_and_grouped_numbers(
    bot: Harness, ann: int
) -> None:
    """Issue 15, item 10: "Payment terms:" says how to pay, a single "Payment:" the status;
    the date is Babel's medium one, never 11/23/26."""
    number = await place(bot, ann)
    card = await bot.send(ann, f"/track {number}")
    lines = card.splitlines()
    assert [x for x in lines if x.startswith("Payment:")] == ["Payment: unpaid"]
    assert [x for x in lines if x.startswith("Payment terms:")] == [
        "Payment terms: Cash on delivery"
    ]
    assert "Placed: Nov 23, 2026, 10:00\u202fAM" in card and "11/23/26" not in card
    assert "• Stapler No. 24/6 — 5 × CN¥35.00" in card
    assert await query(bot, "SELECT number, payment_status FROM orders") == [(number, "unpaid")]
