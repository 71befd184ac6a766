"""The product editor in chat: add with a photo, edit, withdraw/restore, bad input refused."""

from __future__ import annotations

from bot.handlers import menus
from tests.conversations.conftest import ADMIN, Team, query
from tests.images import png

AMOUNT = "Please send an amount like 1234.50."
PHOTO_PLEASE = "Please send a photo of the product, or press Skip."


async def _admin(team: Team) -> int:
    team.bot.fake.create_user("Ada", user_id=ADMIN)
    await team.bot.send(ADMIN, "/help")
    return ADMIN


async def _add(team: Team, sku: str = "MUG-01", unit: str = "pieces") -> None:
    bot = team.bot
    await bot.send(ADMIN, "/products")
    await bot.press(ADMIN, "➕ Add a product")
    await bot.send(ADMIN, sku)
    await bot.send(ADMIN, "Blue mug")
    await bot.press(ADMIN, "Skip")  # zh
    await bot.press(ADMIN, "Skip")  # ru
    await bot.send(ADMIN, "A mug that is blue")
    await bot.press(ADMIN, "Skip")
    await bot.press(ADMIN, "Skip")
    await bot.send(ADMIN, "Mugs")  # a new category
    for bad in ("0", "-1", "1000000000000"):
        assert await bot.send(ADMIN, bad) == AMOUNT
    await bot.send(ADMIN, "12.50")
    await bot.send(ADMIN, "10+ = 11.00")
    await bot.press(ADMIN, unit)
    await bot.press(ADMIN, "yes")
    await bot.feed(bot.fake.send_sticker(ADMIN))
    assert bot.last(ADMIN) == PHOTO_PLEASE
    assert await bot.send(ADMIN, "here it is") == PHOTO_PLEASE
    await bot.feed(bot.fake.send_photo_from_user(ADMIN, b"x" * (6 * 2**20)))
    assert bot.last(ADMIN) == "That photo is too large (at most 5 MB)."
    await bot.feed(bot.fake.send_photo_from_user(ADMIN))
    assert "New product" in bot.last(ADMIN)
    await bot.press(ADMIN, "✅ Save")


async def test_admin_adds_a_product_with_a_photo_and_the_customer_finds_it(team: Team) -> None:
    bot = team.bot
    await _admin(team)
    await _add(team)
    rows = await query(
        bot,
        "SELECT price, stock_on_hand, preorder, photo_file_id, active FROM products"
        " WHERE sku = 'MUG-01'",
    )
    assert len(rows) == 1
    price, stock, preorder, photo, active = rows[0]
    assert (price, stock, preorder, active) == (1250, 0, 1, 1)
    assert isinstance(photo, str) and photo
    assert await query(
        bot,
        "SELECT min_qty, unit_price FROM price_tiers t JOIN products p"
        " ON p.id = t.product_id WHERE p.sku = 'MUG-01'",
    ) == [(10, 1100)]
    await bot.send(team.customer, "/search blue mug")
    assert bot.buttons(team.customer) == ["🕓 Blue mug · CN¥12.50"]  # none in stock: pre-order
    card = await bot.press(team.customer, "🕓 Blue mug · CN¥12.50")
    assert "MUG-01" in card and "CN¥12.50" in card and "from 10 units: CN¥11.00" in card
    shown = bot.last_message(team.customer)["photo"]
    assert photo in {size["file_id"] for size in shown}
    # Quick order finds it by name at once.
    await bot.send(team.customer, "/quick")
    assert "Blue mug" in await bot.send(team.customer, "2 x blue mug")
    audit = await query(bot, "SELECT action, after FROM audit_log WHERE entity = 'product'")
    assert audit and audit[0][0] == "product_added" and "price=1250" in str(audit[0][1])


async def test_a_used_sku_is_refused(team: Team) -> None:
    bot = team.bot
    await _admin(team)
    (sku,) = (await query(bot, "SELECT sku FROM products WHERE active = 1 ORDER BY id LIMIT 1"))[0]
    await bot.send(ADMIN, "/products")
    await bot.press(ADMIN, "➕ Add a product")
    answer = await bot.send(ADMIN, str(sku))
    assert "used by another product" in answer


async def test_edit_price_and_name_then_withdraw_and_restore(team: Team) -> None:
    bot = team.bot
    await _admin(team)
    (pid, sku, price) = (
        await query(
            bot, "SELECT id, sku, price FROM products WHERE active = 1 ORDER BY id LIMIT 1"
        )
    )[0]
    await bot.send(ADMIN, "/products")
    await bot.send(ADMIN, str(sku))
    await bot.press_data(ADMIN, f"pe:card:{pid}")
    await bot.press_data(ADMIN, f"pe:ed:{pid}:price")
    assert await bot.send(ADMIN, "0") == AMOUNT
    await bot.send(ADMIN, "77.70")
    await bot.press_data(ADMIN, f"pe:ed:{pid}:name_en")
    await bot.send(ADMIN, "Zebra stapler")
    assert await query(bot, "SELECT price, name_en FROM products WHERE id = ?", pid) == [
        (7770, "Zebra stapler")
    ]
    audit = await query(
        bot,
        "SELECT action, before, after FROM audit_log WHERE entity = 'product' ORDER BY id",
    )
    assert ("product_price", str(price), "7770") in audit
    await bot.send(team.customer, "/search zebra")
    assert bot.buttons(team.customer) == ["Zebra stapler · CN¥77.70"]
    await bot.press_data(ADMIN, f"pe:off:{pid}")
    assert await query(bot, "SELECT active FROM products WHERE id = ?", pid) == [(0,)]
    answer = await bot.send(team.customer, "/search zebra")
    assert "Zebra" not in answer + " ".join(bot.buttons(team.customer))
    await bot.press_data(ADMIN, f"pe:on:{pid}")
    assert await query(bot, "SELECT active FROM products WHERE id = ?", pid) == [(1,)]


async def test_a_forged_editor_button_from_a_customer_is_refused_and_audited(team: Team) -> None:
    bot = team.bot
    (pid, price) = (
        await query(bot, "SELECT id, price FROM products WHERE active = 1 ORDER BY id LIMIT 1")
    )[0]
    await bot.send(team.customer, "/products")
    await bot.press_data(team.customer, f"pe:off:{pid}")
    await bot.press_data(team.customer, f"pe:ed:{pid}:price")
    await bot.send(team.customer, "1.00")
    assert await query(bot, "SELECT active, price FROM products WHERE id = ?", pid) == [(1, price)]
    denied = await query(bot, "SELECT after FROM audit_log WHERE action = 'denied'")
    assert any(str(d[0]).startswith("products") for d in denied)


async def test_categories_are_added_and_renamed_in_three_languages(team: Team) -> None:
    bot = team.bot
    await _admin(team)
    await bot.send(ADMIN, "/products")
    await bot.press(ADMIN, "🗂 Categories")
    await bot.press(ADMIN, "➕ New category")
    await bot.send(ADMIN, "Mugs")
    await bot.send(ADMIN, "杯子")
    await bot.press(ADMIN, "Skip")
    assert "Mugs / 杯子 / —" in bot.buttons(ADMIN)
    ((cid,),) = await query(bot, "SELECT id FROM categories WHERE name_en = 'Mugs'")
    await bot.press_data(ADMIN, f"pe:cr:{cid}")
    await bot.send(ADMIN, "Cups")
    await bot.send(ADMIN, "杯")
    await bot.send(ADMIN, "Кружки")
    assert await query(
        bot, "SELECT name_en, name_zh, name_ru FROM categories WHERE id = ?", cid
    ) == [("Cups", "杯", "Кружки")]
    assert await query(
        bot, "SELECT before, after FROM audit_log WHERE action = 'category_renamed'"
    ) == [("Mugs / 杯子 / ", "Cups / 杯 / Кружки")]


async def test_tiers_and_a_photo_sent_as_a_file_are_edited_from_the_card(team: Team) -> None:
    bot = team.bot
    await _admin(team)
    ((pid,),) = await query(bot, "SELECT id FROM products WHERE active = 1 ORDER BY id LIMIT 1")
    await bot.send(ADMIN, "/products")
    await bot.press_data(ADMIN, f"pe:ed:{pid}:tiers")
    assert "one tier a line" in await bot.send(ADMIN, "1+ = 2.00")
    await bot.send(ADMIN, "5+ = 9.00\n20+ = 8.50")
    assert await query(
        bot, "SELECT min_qty, unit_price FROM price_tiers WHERE product_id = ?", pid
    ) == [(5, 900), (20, 850)]
    await bot.press_data(ADMIN, f"pe:ed:{pid}:photo")
    await bot.feed(
        bot.fake.send_document_from_user(ADMIN, "mug.png", b"\x89PNG" + b"0" * 99, "image/png")
    )  # not an image Telegram can show
    assert bot.last(ADMIN) == PHOTO_PLEASE
    await bot.feed(bot.fake.send_document_from_user(ADMIN, "mug.png", png(), "image/png"))
    ((photo,),) = await query(bot, "SELECT photo_file_id FROM products WHERE id = ?", pid)
    assert photo and "Photo: yes" in bot.last(ADMIN)
    sent = [m for m in bot.fake.bot_messages(ADMIN) if "photo" in m]
    assert photo in {size["file_id"] for size in sent[-1]["photo"]}, (
        "stored as a photo, not a file"
    )
    audit = await query(bot, "SELECT action FROM audit_log WHERE entity = 'product' ORDER BY id")
    assert [a for (a,) in audit] == ["product_tiers", "product_photo_file_id"]


async def test_managers_may_not_edit_unless_configured(team: Team) -> None:
    bot = team.bot
    ((pid,),) = await query(bot, "SELECT id FROM products WHERE active = 1 ORDER BY id LIMIT 1")
    assert await bot.send(team.manager, "/products") == (
        "Sorry, this is only for staff with the right role."
    )
    assert "/products" not in await bot.send(team.manager, "/help")
    catalog = bot.config.catalog.model_copy(update={"managers_edit": True})
    bot.config = bot.config.model_copy(update={"catalog": catalog})
    await bot.restart()
    await menus.settled()
    assert "/products — Add and edit products, prices, photos" in await bot.send(
        team.manager, "/help"
    )
    menu = [c["command"] for c in bot.fake.commands_for_chat(team.manager)]
    assert "products" in menu, "in the manager's command menu too"
    assert "products" not in [c["command"] for c in bot.fake.commands_for_chat(team.rep)]
    assert "Products" in await bot.send(team.manager, "/products")
    await bot.press_data(team.manager, f"pe:off:{pid}")
    assert await query(bot, "SELECT active FROM products WHERE id = ?", pid) == [(0,)]


async def test_a_new_price_reaches_the_customers_cart(team: Team) -> None:
    bot = team.bot
    await _admin(team)
    await bot.send(team.customer, "/search stapler")
    await bot.press(team.customer, "Stapler No. 24/6 · CN¥35.00")
    await bot.press(team.customer, "+1")
    assert "1 × CN¥35.00" in await bot.send(team.customer, "/cart")
    ((pid,),) = await query(bot, "SELECT id FROM products WHERE name_en = 'Stapler No. 24/6'")
    await bot.send(ADMIN, "/products")
    await bot.press_data(ADMIN, f"pe:ed:{pid}:price")
    assert "Price: CN¥40.00" in await bot.send(ADMIN, "40")
    assert "1 × CN¥40.00" in await bot.send(team.customer, "/cart")


async def test_a_new_photo_replaces_the_catalog_file_for_customers(team: Team) -> None:
    bot = team.bot
    await _admin(team)
    ((pid,),) = await query(bot, "SELECT id FROM products WHERE sku = 'PAP-A4-80'")
    await bot.send(ADMIN, "/products")
    card = await bot.press_data(ADMIN, f"pe:card:{pid}")
    assert "Photo: yes" in card and bot.last_message(ADMIN).get("photo")
    await bot.press_data(ADMIN, f"pe:ed:{pid}:photo")
    await bot.feed(bot.fake.send_photo_from_user(ADMIN))
    ((photo, path),) = await query(
        bot, "SELECT photo_file_id, photo FROM products WHERE id = ?", pid
    )
    assert path is None
    await bot.send(team.customer, "/search PAP-A4-80")
    await bot.press(team.customer, bot.buttons(team.customer)[0])
    assert photo in {size["file_id"] for size in bot.last_message(team.customer)["photo"]}


async def test_the_unit_is_a_step_when_adding_and_editable_from_the_card(team: Team) -> None:
    bot = team.bot
    await _admin(team)
    await _add(team, unit="boxes")
    ((pid, unit),) = await query(bot, "SELECT id, unit FROM products WHERE sku = 'MUG-01'")
    assert unit == "box"
    ((added,),) = await query(bot, "SELECT after FROM audit_log WHERE action = 'product_added'")
    assert "unit=box" in str(added)
    card = await bot.press_data(ADMIN, f"pe:card:{pid}")
    assert "Unit: boxes" in card
    asked = await bot.press_data(ADMIN, f"pe:ed:{pid}:unit")
    assert "Unit: what is one unit" in asked and "Skip" not in bot.buttons(ADMIN)
    assert bot.buttons(ADMIN)[:3] == ["pieces", "boxes", "packs"]
    assert "buttons" in await bot.send(ADMIN, "crates")  # typed where a button is asked
    await bot.press_data(ADMIN, "pe:unit:crate")  # forged: no such unit
    assert await query(bot, "SELECT unit FROM products WHERE id = ?", pid) == [("box",)]
    assert "Unit: kilograms (kg)" in await bot.press(ADMIN, "kilograms (kg)")
    assert await query(bot, "SELECT unit FROM products WHERE id = ?", pid) == [("kg",)]
    audit = await query(bot, "SELECT before, after FROM audit_log WHERE action = 'product_unit'")
    assert audit == [("box", "kg")]

    # The customer sees quantities in it: card, cart.
    await bot.send(team.customer, "/search blue mug")
    card = await bot.press(team.customer, "🕓 Blue mug · CN¥12.50")
    assert "Sold in: kilograms (kg)" in card and "from 10 kg: CN¥11.00 each" in card
    assert "In your cart: 5 kg" in await bot.press(team.customer, "+5")
    assert "5 kg × CN¥12.50" in await bot.send(team.customer, "/cart")
