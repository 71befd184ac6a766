"""Checkout through the real Application, offline: happy path, edits, races, replays, restarts."""

from __future__ import annotations

import copy

from bot.clock import FixedClock
from bot.db import Database
from tests.conftest import make_config
from tests.conversations.conftest import query
from tests.harness import Harness

SUMMARY = "Please check your order"


async def fill_cart(bot: Harness, uid: int, search: str, product: str, quick: str = "+1") -> None:
    """Add a product from its card."""
    await bot.send(uid, f"/search {search}")
    await bot.press(uid, product)
    await bot.press(uid, quick)


async def to_summary(
    bot: Harness, uid: int, *, note: str | None = None, term: str = "Cash on delivery"
) -> str:
    """Courier, the saved address, the first day offered, cash on delivery (the goods ship
    before payment; a prepaid order waits for its money), a note or none."""
    await bot.send(uid, "/cart")
    assert "how should we deliver" in await bot.press(uid, "✅ Check out")
    assert "Where to?" in await bot.press(uid, "Courier · CN¥15.00")
    assert "When would you like it?" in await bot.press(uid, "1 Garden Road, Shanghai")
    assert "How would you like to pay?" in await bot.press(uid, "Tue, Nov 24")
    assert "Any note" in await bot.press(uid, term)
    return await (bot.send(uid, note) if note else bot.press(uid, "Skip"))


async def test_full_checkout_in_english(bot: Harness, ann: int) -> None:
    await fill_cart(bot, ann, "toner", "Toner TN-2420 (black) · CN¥389.00", "+5")
    summary = await to_summary(bot, ann, note="Gate code <1234> & ring")
    assert SUMMARY in summary
    for line in [
        "5 × CN¥369.00 = CN¥1,845.00",
        "Subtotal: CN¥1,845.00",
        "Delivery (Courier): CN¥15.00",
        "Total: CN¥1,860.00",
        "Address: 1 Garden Road, Shanghai",
        "Desired date: Nov 24, 2026",
        "Payment terms: Cash on delivery",
        "Note: Gate code <1234> & ring",
    ]:
        assert line in summary, line
    done = await bot.press(ann, "✅ Confirm order")
    assert "Order SO-20261123-0001 is submitted, total CN¥1,860.00" in done
    rows = await query(bot, "SELECT number, status, total, address, note FROM orders")
    assert rows == [
        (
            "SO-20261123-0001",
            "submitted",
            186000,
            "1 Garden Road, Shanghai",
            "Gate code <1234> & ring",
        )
    ]
    assert await query(bot, "SELECT reserved FROM products WHERE sku = 'TN-2420'") == [(5,)]
    assert "Your cart is empty" in await bot.send(ann, "/cart")


async def test_confirm_twice_and_replayed_update_make_one_order(bot: Harness, ann: int) -> None:
    await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await to_summary(bot, ann)
    summary = bot.last_message(ann)
    confirm = next(
        b["callback_data"]
        for row in summary["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "✅ Confirm order"
    )
    press = bot.fake.press_button(ann, summary["message_id"], confirm)
    await bot.feed(press)
    chat = bot.fake.chat_messages(ann)
    await bot.feed(copy.deepcopy(press))  # Telegram delivers the same update again
    assert bot.fake.chat_messages(ann) == chat, "the same update again changes nothing"
    await bot.press_data(ann, confirm, summary["message_id"])  # a second tap on the old button
    assert "was already submitted" in bot.last(ann)
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(1,)]
    assert await query(bot, "SELECT reserved FROM products WHERE sku = 'STP-24'") == [(1,)]


async def test_edit_from_the_summary(bot: Harness, ann: int) -> None:
    await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await to_summary(bot, ann)
    assert "What would you like to change?" in await bot.press(ann, "✏️ Edit")
    assert "how should we deliver" in await bot.press(ann, "Delivery")
    summary = await bot.press(ann, "Pick-up · CN¥0.00")  # no address needed: back to the summary
    assert SUMMARY in summary and "Total: CN¥35.00" in summary and "Address:" not in summary
    await bot.press(ann, "✏️ Edit")
    await bot.press(ann, "Date")
    summary = await bot.press(ann, "No preference")
    assert "Desired date: no preference" in summary
    await bot.press(ann, "✏️ Edit")
    await bot.press(ann, "Note")
    assert "Note: Leave at the door" in await bot.send(ann, "Leave at the door")
    await bot.press(ann, "✅ Confirm order")
    assert await query(bot, "SELECT delivery_method, address, desired_date FROM orders") == [
        ("pickup", None, None)
    ]


async def test_new_address_is_saved_for_next_time(bot: Harness, ann: int) -> None:
    await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await bot.send(ann, "/checkout")
    await bot.press(ann, "Courier · CN¥15.00")
    assert "answer with text" in (await bot.feed(bot.fake.send_sticker(ann)) or bot.last(ann))
    assert "5 to 300 characters" in await bot.send(ann, "x" * 4096)
    assert "When would you like it?" in await bot.send(ann, "88 New Street\nBuilding 2")
    assert "Please send a date like 2026-12-24" in await bot.send(ann, "soon")
    assert "Please choose a date from Nov 24, 2026 to Feb 21, 2027" in await bot.send(
        ann, "2026-11-23"
    )
    assert "How would you like to pay?" in await bot.send(ann, "2026-12-24")
    assert "use the buttons" in await bot.send(ann, "cash")
    await bot.press(ann, "Cash on delivery")
    assert "at most 500 characters" in await bot.send(ann, "n" * 501)
    summary = await bot.press(ann, "Skip")
    assert (
        "Address: 88 New Street\nBuilding 2" in summary and "Desired date: Dec 24, 2026" in summary
    )
    await bot.press(ann, "✅ Confirm order")
    await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await bot.send(ann, "/checkout")
    await bot.press(ann, "Courier · CN¥15.00")
    assert bot.buttons(ann)[:2] == ["88 New Street, Building 2", "1 Garden Road, Shanghai"]


async def test_forged_choices_are_refused(bot: Harness, ann: int) -> None:
    await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await bot.send(ann, "/checkout")
    await bot.press_data(ann, "co:dl:drone")
    assert "not available to you" in bot.alerts()[-1]
    await bot.press(ann, "Courier · CN¥15.00")
    await bot.press_data(ann, "co:ad:99999")
    assert "not available to you" in bot.alerts()[-1]
    await bot.press(ann, "1 Garden Road, Shanghai")
    await bot.press_data(ann, "co:dt:20261123")
    assert "Please choose a date from" in bot.alerts()[-1]
    await bot.press_data(ann, "co:dt:2026-99")
    assert "expired" in bot.alerts()[-1]
    await bot.press(ann, "No preference")
    await bot.press_data(ann, "co:pt:net30")  # a real term, but not offered to this customer
    assert "not available to you" in bot.alerts()[-1]
    assert "How would you like to pay?" in bot.last(ann)


async def test_line_sold_out_before_confirm_offers_to_fit(bot: Harness, ann: int) -> None:
    await fill_cart(bot, ann, "notebook", "A5 dotted notebook · CN¥18.00", "+1")
    await bot.send(ann, "/cart")
    await bot.press(ann, "+")
    await bot.press(ann, "+")  # 3 of the 4
    await to_summary(bot, ann)
    rival = bot.user("Rival")
    await bot.register(rival)
    await fill_cart(bot, rival, "notebook", "A5 dotted notebook · CN¥18.00", "+1")
    await bot.send(rival, "/cart")
    await bot.press(rival, "+")
    await to_summary(bot, rival)
    await bot.press(rival, "✅ Confirm order")  # 2 taken: 2 left for Ann's 3
    summary = await bot.press(ann, "✅ Confirm order")
    assert "no longer available in that quantity" in bot.alerts()[-1]
    assert "⚠️ only 2 available" in summary and "✅ Confirm order" not in bot.buttons(ann)
    summary = await bot.press(ann, "Fit to available stock")
    assert "2 × CN¥18.00" in summary
    await bot.press(ann, "✅ Confirm order")
    assert await query(bot, "SELECT reserved FROM products WHERE sku = 'NB-A5-DOT'") == [(4,)]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(2,)]


async def test_checkout_resumes_after_a_restart(bot: Harness, ann: int) -> None:
    await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await bot.send(ann, "/checkout")
    await bot.press(ann, "Courier · CN¥15.00")
    await bot.press(ann, "1 Garden Road, Shanghai")
    await bot.restart()
    assert "How would you like to pay?" in await bot.press(ann, "Thu, Nov 26")
    await bot.press(ann, "Prepaid (we ship after payment)")
    summary = await bot.press(ann, "Skip")
    assert "Desired date: Nov 26, 2026" in summary
    await bot.restart()
    assert "is submitted" in await bot.press(ann, "✅ Confirm order")


async def test_checkout_needs_registration_and_a_cart(bot: Harness, ann: int) -> None:
    stranger = bot.user("Stranger")
    await fill_cart(bot, stranger, "stapler", "Stapler No. 24/6 · CN¥35.00")
    assert "Please register first" in await bot.send(stranger, "/checkout")
    assert "Your cart is empty" in await bot.send(ann, "/checkout")


async def test_cancel_checkout_keeps_the_cart(bot: Harness, ann: int) -> None:
    await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await bot.send(ann, "/checkout")
    assert "Checkout cancelled" in await bot.send(ann, "/cancel")
    assert "1 × CN¥35.00" in await bot.send(ann, "/cart")
    await bot.press(ann, "✅ Check out")
    assert "Checkout cancelled" in await bot.press(ann, "✖️ Cancel checkout")
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]


async def test_tax_and_discount_in_the_summary(db: Database, clock: FixedClock) -> None:
    await db.close()
    bot = await Harness(make_config(db.path, tax={"rate_percent": "13"}), clock).start()
    try:
        uid = bot.user("Ann")
        await bot.register(uid)
        await query(bot, "UPDATE customers SET discount_bp = 1000")
        await fill_cart(bot, uid, "stapler", "Stapler No. 24/6 · CN¥35.00", "+10")
        summary = await to_summary(bot, uid)
        # 350.00 − 10 % = 315.00; + 15.00 delivery = 330.00; 13 % tax = 42.90
        for line in ["Discount: −CN¥35.00", "Tax: CN¥42.90", "Total: CN¥372.90"]:
            assert line in summary, line
        await bot.press(uid, "✅ Confirm order")
        assert await query(bot, "SELECT discount, tax, total FROM orders") == [(3500, 4290, 37290)]
    finally:
        await bot.stop()


async def test_an_older_step_button_of_a_running_checkout_is_taken_or_explained(
    bot: Harness, ann: int
) -> None:
    await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await bot.send(ann, "/checkout")
    await bot.press(ann, "Courier · CN¥15.00")
    await bot.press(ann, "1 Garden Road, Shanghai")
    await bot.press(ann, "Tue, Nov 24")
    assert "How would you like to pay?" in bot.last(ann)
    await bot.press_data(ann, "co:dt:20261126")  # the date step's button, pressed late: taken
    assert "How would you like to pay?" in bot.last(ann)
    assert "has ended" not in " ".join(bot.alerts())
    await bot.press_data(ann, "co:dt:20261123")  # no longer offered (today)
    assert (
        "That choice is no longer offered. The checkout is at: payment term." in (bot.alerts()[-1])
    )
    assert "How would you like to pay?" in bot.last(ann)
    await bot.press(ann, "Cash on delivery")
    summary = await bot.press(ann, "Skip")
    assert "Desired date: Nov 26, 2026" in summary
    summary = await bot.press_data(ann, "co:dt:20261127")  # at the summary: the date changes
    assert SUMMARY in summary and "Desired date: Nov 27, 2026" in summary
    await bot.press(ann, "✅ Confirm order")
    assert await query(bot, "SELECT desired_date FROM orders") == [("2026-11-27",)]


async def test_delivery_dates_skip_weekends_and_holidays(db: Database, clock: FixedClock) -> None:
    """Mon 23 Nov: Tue 24 and Tue 1 Dec are holidays, Sat 28 and Sun 29 not working days; none
    is offered, a typed or forged one is refused, and the order keeps the working day chosen."""
    config = make_config(db.path, calendar={"holidays": ["2026-11-24", "2026-12-01"]})
    await db.close()
    bot = await Harness(config, clock).start()
    try:
        ann = bot.user("Ann", "en")
        await bot.register(ann)
        await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00")
        await bot.send(ann, "/cart")
        await bot.press(ann, "✅ Check out")
        await bot.press(ann, "Courier · CN¥15.00")
        asked = await bot.press(ann, "1 Garden Road, Shanghai")
        assert "When would you like it?" in asked
        days = [b for b in bot.buttons(ann) if b.startswith(("Mon", "Tue", "Wed", "Thu", "Fri"))]
        assert days == [
            "Wed, Nov 25",
            "Thu, Nov 26",
            "Fri, Nov 27",
            "Mon, Nov 30",
            "Wed, Dec 2",
            "Thu, Dec 3",
        ]
        assert not any(b.startswith(("Sat", "Sun")) for b in bot.buttons(ann))
        assert "weekend or holiday" in await bot.send(ann, "2026-11-28")
        assert "weekend or holiday" in await bot.send(ann, "2026-12-01")
        assert "weekend or holiday" in await bot.send(ann, "2026-11-24")
        assert "from Nov 25, 2026" in await bot.send(ann, "2026-11-23")  # the first is Wed
        await bot.press_data(ann, "co:dt:20261129")  # forged or old: a Sunday
        assert "weekend or holiday" in bot.alerts()[-1]
        assert "How would you like to pay?" in await bot.send(ann, "2026-11-30")
        await bot.press(ann, "Cash on delivery")
        await bot.press(ann, "Skip")
        await bot.press(ann, "✅ Confirm order")
        rows = await query(bot, "SELECT desired_date FROM orders")
        assert rows == [("2026-11-30",)]
    finally:
        await bot.stop()
