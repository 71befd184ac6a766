"""Browsing and the cart through the real Application, offline."""

from __future__ import annotations

import pytest

from bot.clock import FixedClock
from bot.db import Database
from tests.conftest import make_config
from tests.conversations.conftest import query
from tests.harness import Harness


async def test_catalog_pages_and_edits_in_place(db: Database, clock: FixedClock) -> None:
    await db.close()
    bot = await Harness(make_config(db.path, catalog={"page_size": 2}), clock).start()
    try:
        uid = bot.user("Ann")
        await bot.send(uid, "/catalog")
        menu_id = bot.last_message(uid)["message_id"]
        text = await bot.press(uid, "Office supplies (3)")
        assert "Office supplies" in text and bot.last_message(uid)["message_id"] == menu_id
        assert bot.buttons(uid)[:2] == [
            "❌ Blue ballpoint pens (12) · CN¥12.00",
            "Stapler No. 24/6 · CN¥35.00",
        ]
        assert "1/2" in bot.buttons(uid) and "▶" in bot.buttons(uid)
        await bot.press(uid, "▶")
        assert bot.buttons(uid)[0] == "Staples 24/6 (1000 pcs) · CN¥4.50"
        assert "◀" in bot.buttons(uid) and bot.last_message(uid)["message_id"] == menu_id
        await bot.press(uid, "⬅ Categories")
        assert "Choose a category" in bot.last(uid)
    finally:
        await bot.stop()


async def test_product_card_with_photo_tiers_and_stock(bot: Harness) -> None:
    uid = bot.user("Ann")
    await bot.send(uid, "/catalog")
    await bot.press(uid, "Paper (3)")
    card = await bot.press(uid, "A4 copy paper 80 g (500 sheets) · CN¥25.00")
    assert bot.last_message(uid).get("photo"), "the card is a photo with a caption"
    assert "Price: CN¥25.00" in card
    assert "from 10 units: CN¥23.50 each" in card and "from 50 units: CN¥21.90 each" in card
    assert "✅ In stock" in card
    stored = await query(bot, "SELECT photo_file_id FROM products WHERE sku = 'PAP-A4-80'")
    file_id = stored[0][0]
    assert file_id
    await bot.press(uid, "⬅ Back")
    assert not bot.last_message(uid).get("photo")
    notebook = await bot.press(uid, "A5 dotted notebook · CN¥18.00")
    assert "⚠️ Low stock (4 left)" in notebook
    await bot.press(uid, "⬅ Back")
    await bot.press(uid, "A4 copy paper 80 g (500 sheets) · CN¥25.00")
    assert bot.fake.method_calls("sendPhoto")[-1]["photo"] == file_id  # sent by id, not uploaded


async def test_adding_from_a_photo_card_edits_its_caption_in_place(bot: Harness) -> None:
    uid = bot.user("Ann")
    await bot.send(uid, "/search stapler")
    await bot.press(uid, "Stapler No. 24/6 · CN¥35.00")
    card = bot.last_message(uid)
    sent = len(bot.fake.method_calls("sendPhoto")), len(bot.fake.method_calls("deleteMessage"))
    assert card.get("photo")
    assert "In your cart: 5" in await bot.press(uid, "+5")
    again = bot.last_message(uid)
    assert again["message_id"] == card["message_id"], "the same message, not a new one"
    assert again["photo"] == card["photo"] and "In your cart: 5" in again["caption"]
    now = len(bot.fake.method_calls("sendPhoto")), len(bot.fake.method_calls("deleteMessage"))
    assert now == sent, "no photo sent again, nothing deleted"
    assert "In your cart: 6" in await bot.press(uid, "+1")
    await bot.press(uid, "⬅ Back")
    assert not bot.last_message(uid).get("photo"), "a list: the photo card gives way"


async def test_out_of_stock_and_preorder_cards(bot: Harness) -> None:
    uid = bot.user("Ann")
    await bot.send(uid, "/search pens")
    card = await bot.press(uid, "❌ Blue ballpoint pens (12) · CN¥12.00")
    assert "❌ Out of stock" in card and "+1" not in bot.buttons(uid)
    await bot.send(uid, "/search ink")
    card = await bot.press(uid, "🕓 Ink set cyan, magenta, yellow · CN¥129.00")
    assert "🕓 Available for pre-order" in card and "+1" in bot.buttons(uid)


async def test_search(bot: Harness) -> None:
    uid = bot.user("Ann")
    assert "Found 1 product for “tn-2420”" in await bot.send(uid, "/search tn-2420")
    assert "Found 2 products for “paper”" in await bot.send(uid, "/search paper")
    assert "纸" not in bot.last(uid)
    assert "Nothing found for “&lt;b&gt;”" not in await bot.send(uid, "/search <b>")
    assert "Nothing found for “<b>”" in bot.last(uid)
    assert "What should I look for?" in await bot.send(uid, "/search")
    assert "Nothing found for “100%”" in await bot.send(uid, "/search 100%")


async def test_search_alone_asks_then_searches(bot: Harness) -> None:
    uid = bot.user("Ann")
    assert "What should I look for?" in await bot.send(uid, "/search")
    await bot.feed(bot.fake.send_sticker(uid))
    assert "answer with text" in bot.last(uid)
    found = await bot.send(uid, "pens")
    assert "Found 1 product for “pens”" in found and "did not understand" not in found
    assert bot.buttons(uid)[0] == "❌ Blue ballpoint pens (12) · CN¥12.00"  # out of stock
    await bot.send(uid, "/catalog")
    assert "What should I look for?" in await bot.press(uid, "🔎 Search")
    assert "Found 2 products for “paper”" in await bot.send(uid, "paper")
    await bot.send(uid, "/search")
    assert "OK, no search." in await bot.send(uid, "/cancel")


async def test_free_text_outside_a_flow_is_searched_or_offered_as_a_quick_order(
    bot: Harness, ann: int
) -> None:
    found = await bot.send(ann, "pens")
    assert "Found 1 product for “pens”" in found, "plain words: a search"
    assert "Nothing found for “hello there”" in await bot.send(ann, "hello there")
    offered = await bot.send(ann, "3 x A4 paper, 2 stapler")
    assert "I understood:" in offered and "A4 copy paper" in offered
    assert "3 × CN¥" in offered and "Stapler No. 24/6" in offered
    assert "🛒 Add to cart" in bot.buttons(ann)
    assert await query(bot, "SELECT COUNT(*) FROM cart_lines") == [(0,)], "only offered"
    screen = await bot.press(ann, "🛒 Add to cart")
    assert "Added 2 products" in screen and "Your cart" in screen
    rows = await query(
        bot,
        "SELECT p.sku, c.qty FROM cart_lines c JOIN products p ON p.id = c.product_id"
        " ORDER BY p.sku",
    )
    assert rows == [("PAP-A4-80", 3), ("STP-24", 2)]
    await bot.send(ann, "2 x stapel")
    await bot.press(ann, "1. Staples 24/6 (1000 pcs)")
    assert "🛒 Add to cart" in bot.buttons(ann), "a pick inside the offered order"
    await bot.press(ann, "✖️ Cancel")
    assert "Nothing recorded." in bot.last(ann)
    assert len(await query(bot, "SELECT * FROM cart_lines")) == 2


async def test_add_with_buttons_and_typed_quantities(bot: Harness) -> None:
    uid = bot.user("Ann")
    await bot.send(uid, "/search notebook")
    await bot.press(uid, "A5 dotted notebook · CN¥18.00")
    card = await bot.press(uid, "+1")
    assert "Added: A5 dotted notebook × 1 (in cart: 1)" in bot.alerts()[-1]
    assert "In your cart: 1" in card
    asked = await bot.press(uid, "Other quantity…")
    assert "How many units of A5 dotted notebook to add? (1 already in your cart)" in asked
    assert "New quantity" not in asked
    for bad, says in [
        ("-3", "whole number from 1 to 10,000"),
        ("1000000000", "from 1 to 10,000"),
        ("two", "whole number"),
        ("4", "Only 4 units are available"),  # 1 + 4 > 4 in stock
    ]:
        assert says in await bot.send(uid, bad), bad
    await bot.feed(bot.fake.send_sticker(uid))
    assert "answer with text" in bot.last(uid)
    cart = await bot.send(uid, "3")
    assert "Your cart" in cart and "4 × CN¥18.00 = CN¥72.00" in cart
    assert await query(bot, "SELECT qty FROM cart_lines") == [(4,)], "1 + 3: added"


async def test_the_first_typed_quantity_on_a_card_says_it_adds(bot: Harness) -> None:
    uid = bot.user("Ann")
    await bot.send(uid, "/search stapler")
    await bot.press(uid, "Stapler No. 24/6 · CN¥35.00")
    asked = await bot.press(uid, "Other quantity…")
    assert "How many units of Stapler No. 24/6 to add?" in asked and "already" not in asked
    await bot.send(uid, "15")
    await bot.send(uid, "/search stapler")
    await bot.press(uid, "Stapler No. 24/6 · CN¥35.00")
    assert "(15 already in your cart)" in await bot.press(uid, "Other quantity…")
    assert "35 × CN¥35.00" in await bot.send(uid, "20")
    assert await query(bot, "SELECT qty FROM cart_lines") == [(35,)]


async def test_cart_buttons(bot: Harness) -> None:
    uid = bot.user("Ann")
    await bot.send(uid, "/search stapler")
    await bot.press(uid, "Stapler No. 24/6 · CN¥35.00")
    await bot.press(uid, "+5")
    cart = await bot.send(uid, "/cart")
    assert "5 × CN¥35.00 = CN¥175.00" in cart
    assert "6 × CN¥35.00" in await bot.press(uid, "+")
    assert "5 × CN¥35.00" in await bot.press(uid, "1. −")
    asked = await bot.press(uid, "5")
    assert "New quantity for Stapler No. 24/6 (now 5)?" in asked
    assert "replaces the quantity" in asked and "to add" not in asked
    assert "2 × CN¥35.00" in await bot.send(uid, "2")
    assert await query(bot, "SELECT qty FROM cart_lines") == [(2,)], "set, not added"
    assert "Your cart is empty" in await bot.press(uid, "🗑")
    await bot.send(uid, "/search staples")
    await bot.press(uid, "Staples 24/6 (1000 pcs) · CN¥4.50")
    await bot.press(uid, "+10")
    await bot.send(uid, "/cart")
    assert "Your cart is empty" in await bot.press(uid, "🗑 Clear")


async def test_cart_survives_a_restart(bot: Harness) -> None:
    uid = bot.user("Ann")
    await bot.send(uid, "/search toner")
    await bot.press(uid, "Toner TN-2420 (black) · CN¥389.00")
    await bot.press(uid, "+5")
    await bot.restart()
    assert "5 × CN¥369.00 = CN¥1,845.00" in await bot.send(uid, "/cart")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("cat:p:999999:0", "no longer available"),
        ("cat:c:abc:0", "expired"),
        ("cat:zz", "expired"),
        ("cart:inc:999999", "no longer available"),
        ("cart:add:1:0", "expired"),
        ("cart:add:1:99999999", "expired"),
        ("ord:v:1", "register first"),
        ("nonsense", "expired"),
    ],
)
async def test_forged_buttons_are_refused(bot: Harness, data: str, says: str) -> None:
    uid = bot.user("Mallory")
    await bot.send(uid, "/catalog")
    await bot.press_data(uid, data)
    assert says in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM cart_lines") == [(0,)]


async def test_lists_mark_products_out_of_stock_or_for_pre_order(bot: Harness) -> None:
    """Issue 15, item 11: category lists and search results mark what cannot be had now."""
    uid = bot.user("Ann")
    await bot.send(uid, "/catalog")
    office = await bot.press(uid, "Office supplies (3)")
    assert bot.buttons(uid)[:3] == [
        "❌ Blue ballpoint pens (12) · CN¥12.00",
        "Stapler No. 24/6 · CN¥35.00",
        "Staples 24/6 (1000 pcs) · CN¥4.50",
    ]
    assert "❌ out of stock" in office and "pre-ordered" not in office
    await bot.send(uid, "/catalog")
    toner = await bot.press(uid, "Toner & ink (2)")
    assert "🕓 Ink set cyan, magenta, yellow · CN¥129.00" in bot.buttons(uid)
    assert "Toner TN-2420 (black) · CN¥389.00" in bot.buttons(uid)
    assert "🕓 can be pre-ordered" in toner and "out of stock" not in toner
    found = await bot.send(uid, "/search pens")
    assert bot.buttons(uid)[0] == "❌ Blue ballpoint pens (12) · CN¥12.00"
    assert "❌ out of stock" in found
    paper = await bot.send(uid, "/search paper")
    assert not any(b.startswith(("❌", "🕓")) for b in bot.buttons(uid))
    assert "out of stock" not in paper
    rows = await query(bot, "SELECT sku, stock_on_hand, preorder FROM products ORDER BY sku")
    assert ("PEN-BLU-12", 0, 0) in rows and ("INK-CMY-SET", 0, 1) in rows


async def test_a_search_past_the_cap_says_more_than_it_lists(
    db: Database, clock: FixedClock
) -> None:
    from bot.db.catalog import SEARCH_CAP, SHORT_SEARCH_CAP

    await db.connection.executemany(
        "INSERT INTO products (sku, category_id, name_en, price, updated_at)"
        " VALUES (?, (SELECT MIN(id) FROM categories), ?, 100, '2026-11-23T02:00:00+00:00')",
        [(f"W-{n:05d}", f"Widget {n}") for n in range(SEARCH_CAP + 5)]
        + [(f"G-{n:05d}", f"Gizmo {n}") for n in range(SEARCH_CAP)],
    )
    await db.close()
    bot = await Harness(make_config(db.path), clock).start()
    try:
        uid = bot.user("Ann")
        over = await bot.send(uid, "/search widget")
        assert "Found over 1,000 products for “widget” — showing the best; refine" in over
        exact = await bot.send(uid, "/search gizmo")
        assert f"Found {SEARCH_CAP} products for “gizmo”:" in exact and "over" not in exact
        short = await bot.send(uid, "/search w")
        assert f"Found over {SHORT_SEARCH_CAP} products for “w”" in short
    finally:
        await bot.stop()
