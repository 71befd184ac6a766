"""/profile through the real Application, offline: name, phone, company, addresses; the same
rules as registration, every change audited, forged and stale buttons refused."""

from __future__ import annotations

from tests.conversations.conftest import query
from tests.harness import Harness


async def _customers(bot: Harness) -> list[tuple[object, ...]]:
    return await query(bot, "SELECT name, phone, company FROM customers ORDER BY id")


async def _audit(bot: Harness) -> list[tuple[object, ...]]:
    return await query(
        bot,
        "SELECT action, before, after FROM audit_log WHERE entity = 'customer'"
        " AND action != 'registered' ORDER BY id",
    )


async def test_name_company_and_phone_are_changed_and_audited(bot: Harness, ann: int) -> None:
    text = await bot.send(ann, "/profile")
    assert "Your profile" in text and "Name: Ann Lee" in text and "+8613800138000" in text
    assert "Your name as it should appear" in await bot.press(ann, "✏️ Name")
    assert "2 to 100 characters" in await bot.send(ann, "A")
    assert "at least 2 letters" in await bot.send(ann, "1.")
    assert "Name: Ann Smith" in await bot.send(ann, "Ann Smith")
    await bot.press(ann, "🏢 Company")
    assert "Company: Lee Paper & Co" in await bot.send(ann, "Lee Paper & Co")
    await bot.press(ann, "📱 Phone")
    keyboard = bot.fake.reply_keyboard(ann)
    assert keyboard and keyboard["keyboard"][0][0]["request_contact"] is True
    assert "does not look like a phone number" in await bot.send(ann, "12")
    assert bot.fake.reply_keyboard(ann) is not None  # the share button again
    await bot.feed(bot.fake.send_contact(ann, "8613900139000"))
    assert "Phone: +8613900139000" in bot.last(ann)
    assert bot.fake.reply_keyboard(ann) is None
    assert await _customers(bot) == [("Ann Smith", "+8613900139000", "Lee Paper & Co")]
    await bot.press(ann, "🏢 Company")
    assert "Company: —" in await bot.press(ann, "No company — I buy for myself")
    assert await _customers(bot) == [("Ann Smith", "+8613900139000", None)]
    assert await _audit(bot) == [
        ("name_changed", "Ann Lee", "Ann Smith"),
        ("company_changed", None, "Lee Paper & Co"),
        ("phone_changed", "+8613800138000", "+8613900139000"),
        ("company_changed", "Lee Paper & Co", None),
    ]
    assert "profile is saved" in await bot.press(ann, "✅ Done")


async def test_a_phone_another_customer_has_is_refused(bot: Harness, ann: int) -> None:
    bob = bot.user("Bob")
    await bot.register(bob, name="Bob Wong", phone="+8613900139000")
    await bot.send(ann, "/profile")
    await bot.press(ann, "📱 Phone")
    taken = "already registered to another customer"
    assert taken in await bot.send(ann, "+86 139 0013 9000")
    assert bot.fake.reply_keyboard(ann) is not None
    assert "Phone: +8613800138000" in await bot.send(ann, "+86 138 0013 8000")  # their own
    assert bot.fake.reply_keyboard(ann) is None
    assert [r[1] for r in await _customers(bot)] == ["+8613800138000", "+8613900139000"]
    assert await _audit(bot) == []


async def test_addresses_default_first_at_checkout(bot: Harness, ann: int) -> None:
    await bot.send(ann, "/profile")
    text = await bot.press(ann, "🏠 Addresses")
    assert "1. 1 Garden Road, Shanghai" in text
    await bot.press(ann, "➕ Add an address")
    assert "5 to 300 characters" in await bot.send(ann, "abc")
    text = await bot.send(ann, "9 Harbour Street, Ningbo")
    assert "9 Harbour Street, Ningbo" in text
    # The newest saved comes first; make the older one the default.
    rows = await query(bot, "SELECT id, text FROM addresses ORDER BY id")
    garden_id, harbour_id = rows[0][0], rows[1][0]
    await bot.press_data(ann, f"prf:def:{garden_id}")
    assert "★ 1 Garden Road, Shanghai" in bot.last(ann)
    await bot.press_data(ann, f"prf:def:{harbour_id}")
    assert "1. ★ 9 Harbour Street, Ningbo" in bot.last(ann)
    assert await query(bot, "SELECT text, is_default FROM addresses ORDER BY id") == [
        ("1 Garden Road, Shanghai", 0),
        ("9 Harbour Street, Ningbo", 1),
    ]
    # Checkout offers the default first.
    await bot.send(ann, "/search STP-24")
    await bot.press(ann, bot.buttons(ann)[0])
    await bot.press(ann, "+1")
    await bot.send(ann, "/cart")
    await bot.press(ann, "✅ Check out")
    await bot.press(ann, "Courier · CN¥15.00")
    assert bot.buttons(ann)[:2] == ["9 Harbour Street, Ningbo", "1 Garden Road, Shanghai"]
    await bot.press(ann, "✖️ Cancel checkout")
    # Remove one; the last one stays.
    await bot.send(ann, "/profile")
    await bot.press(ann, "🏠 Addresses")
    text = await bot.press_data(ann, f"prf:rm:{garden_id}")
    assert "Garden Road" not in text
    await bot.press_data(ann, f"prf:rm:{harbour_id}")
    assert "only address" in bot.alerts()[-1]
    assert await query(bot, "SELECT text FROM addresses") == [("9 Harbour Street, Ningbo",)]
    assert await _audit(bot) == [
        ("address_added", None, "9 Harbour Street, Ningbo"),
        ("address_default", None, "1 Garden Road, Shanghai"),
        ("address_default", None, "9 Harbour Street, Ningbo"),
        ("address_removed", "1 Garden Road, Shanghai", None),
    ]


async def test_forged_and_stale_buttons_change_nothing(bot: Harness, ann: int) -> None:
    bob = bot.user("Bob")
    await bot.register(bob, name="Bob Wong", address="2 Other Road, Beijing")
    (bobs,) = (
        await query(
            bot,
            "SELECT a.id FROM addresses a JOIN customers c"
            " ON c.id = a.customer_id WHERE c.name = 'Bob Wong'",
        )
    )[0]
    await bot.send(ann, "/profile")
    await bot.press_data(ann, f"prf:rm:{bobs}")
    assert "no longer saved" in bot.alerts()[-1]
    await bot.press_data(ann, f"prf:def:{bobs}")
    assert "no longer saved" in bot.alerts()[-1]
    await bot.press_data(ann, "prf:rm:xyz")
    assert "expired" in bot.alerts()[-1]
    await bot.press_data(ann, "prf:chef")
    assert "expired" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM addresses") == [(2,)]
    assert await _audit(bot) == []
    # Someone not registered.
    eve = bot.user("Eve")
    assert "register first" in await bot.send(eve, "/profile")
    await bot.press_data(eve, "prf:name")
    assert "register first" in bot.alerts()[-1]


async def test_cancel_keeps_the_value_and_profile_is_in_the_menu(bot: Harness, ann: int) -> None:
    await bot.send(ann, "/profile")
    await bot.press(ann, "✏️ Name")
    assert "Profile closed" in await bot.send(ann, "/cancel")
    assert await _customers(bot) == [("Ann Lee", "+8613800138000", None)]
    assert "/profile" in await bot.send(ann, "/help")
    menus = {m.get("language_code"): m for m in bot.fake.method_calls("setMyCommands")}
    assert "profile" in [c["command"] for c in menus[None]["commands"]]


async def test_at_most_ten_addresses(bot: Harness, ann: int) -> None:
    await bot.send(ann, "/profile")
    await bot.press(ann, "🏠 Addresses")
    for n in range(2, 11):
        await bot.press(ann, "➕ Add an address")
        await bot.send(ann, f"{n} Garden Road, Shanghai")
    assert await query(bot, "SELECT COUNT(*) FROM addresses") == [(10,)]
    await bot.press(ann, "➕ Add an address")
    assert "10 saved addresses" in await bot.send(ann, "11 Garden Road, Shanghai")
    assert await query(bot, "SELECT COUNT(*) FROM addresses") == [(10,)]
    assert "Profile closed" in await bot.send(ann, "/cancel")
