"""The product editor in chat: add with a photo, edit, withdraw/restore, bad input refused."""

from __future__ import annotations

from tests.conversations.conftest import ADMIN, Team, query

AMOUNT = "Please send an amount like 1234.50."
PHOTO_PLEASE = "Please send a photo of the product, or press Skip."


async def _admin(team: Team) -> int:
    team.bot.fake.create_user("Ada", user_id=ADMIN)
    await team.bot.send(ADMIN, "/help")
    return ADMIN


async def _add(team: Team, sku: str = "MUG-01") -> None:
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
    assert bot.buttons(team.customer) == ["Blue mug · CN¥12.50"]
    card = await bot.press(team.customer, "Blue mug · CN¥12.50")
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
