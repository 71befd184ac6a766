"""Registration through the real Application, offline: English, Chinese, bad input at each step."""

from __future__ import annotations

from bot.db import Database
from bot.domain.models import Language
from tests.harness import Harness


async def _customer_count(bot: Harness) -> int:
    db = Database(bot.config.database.path)
    await db.open()
    try:
        async with db.connection.execute("SELECT COUNT(*) FROM customers") as cursor:
            return int((await cursor.fetchone())[0])  # type: ignore[index]
    finally:
        await db.close()


async def test_register_in_english_with_contact_button(bot: Harness) -> None:
    uid = bot.user("Ann", "en-GB")
    assert "What is your name?" in await bot.send(uid, "/start")
    assert "phone number" in await bot.send(uid, "Ann Lee")
    keyboard = bot.fake.reply_keyboard(uid)
    assert keyboard and keyboard["keyboard"][0][0]["request_contact"] is True
    await bot.feed(bot.fake.send_contact(uid, "8613800138000"))
    assert "company" in bot.last(uid)
    assert bot.fake.reply_keyboard(uid) is None  # the contact keyboard is gone
    await bot.press(uid, "Skip — I buy for myself")
    assert "✅ You are registered, Ann Lee." in await bot.send(uid, "1 Garden Road, Shanghai")
    assert "Welcome back, Ann Lee!" in await bot.send(uid, "/start")
    assert await _customer_count(bot) == 1


async def test_register_in_chinese_with_typed_phone_and_company(bot: Harness) -> None:
    uid = bot.user("李雷", "zh-hans")
    assert "请问您的姓名是？" in await bot.send(uid, "/start")
    assert "您的手机号码是？" in await bot.send(uid, "李雷")
    assert bot.fake.reply_keyboard(uid)["keyboard"][0][0]["text"] == "📱 分享我的手机号"  # type: ignore[index]
    assert "公司名称" in await bot.send(uid, "138 0013 8000")
    assert "收货地址" in await bot.send(uid, "上海纸业有限公司")
    text = await bot.send(uid, "上海市浦东新区世纪大道100号")
    assert "✅ 李雷，您已注册成功。" in text and "/catalog — 浏览商品目录" in text
    menus = {m.get("language_code"): m for m in bot.fake.method_calls("setMyCommands")}
    assert menus["zh"]["commands"][0] == {"command": "catalog", "description": "浏览商品目录"}
    assert menus["ru"]["commands"][0]["command"] == "catalog"
    assert menus[None]["commands"][0]["description"] == "Browse the catalog"


async def test_bad_input_at_every_step_keeps_the_state(bot: Harness) -> None:
    uid = bot.user("Eve")
    await bot.send(uid, "/start")
    # Name: a sticker, then an invisible-only name.
    await bot.feed(bot.fake.send_sticker(uid))
    assert "answer with text" in bot.last(uid)
    assert "2 to 100 characters" in await bot.send(uid, "\u200b\u200b")
    assert "2 to 100 characters" in await bot.send(uid, "x" * 101)
    await bot.send(uid, "Eve <b>Bold</b> & Co")
    # Phone: someone else's contact, a non-number, a location.
    await bot.feed(bot.fake.send_contact(uid, "8613900000000", own=False))
    assert "your own number" in bot.last(uid)
    assert "does not look like a phone number" in await bot.send(uid, "call me maybe")
    await bot.feed(bot.fake.send_location(uid, 31.2, 121.5))
    assert "answer with text" in bot.last(uid)
    await bot.send(uid, "+7 912 345 67 89")
    # Company: as long as Telegram lets a message be (a 5,000-character paste arrives split).
    assert "1 to 120 characters" in await bot.send(uid, "C" * 4096)
    await bot.press(uid, "Skip — I buy for myself")
    # Address: 4,096 characters, then too short.
    assert "5 to 300 characters" in await bot.send(uid, "A" * 4096)
    assert "5 to 300 characters" in await bot.send(uid, "abc")
    assert await _customer_count(bot) == 0
    text = await bot.send(uid, "10 Long Street, Moscow")
    assert "Eve <b>Bold</b> & Co" in text  # shown as typed, not as markup
    assert await _customer_count(bot) == 1


async def test_cancel_stops_registration(bot: Harness) -> None:
    uid = bot.user("Bob")
    await bot.send(uid, "/start")
    await bot.send(uid, "Bob")
    assert "Registration stopped" in await bot.send(uid, "/cancel")
    assert "Nothing found for" in await bot.send(uid, "+8613800138000"), "searched, not taken"
    assert "Nothing to cancel" in await bot.send(uid, "/cancel")
    assert await _customer_count(bot) == 0


async def test_language_can_be_changed(bot: Harness) -> None:
    uid = bot.user("Ivan", "de")  # not one of ours: the default language
    assert "Choose your language" in await bot.send(uid, "/language")
    text = await bot.press(uid, "Русский")
    assert "Язык" in text and "/catalog" in text
    scoped = [
        c
        for c in bot.fake.method_calls("setMyCommands")
        if c.get("scope", {}).get("type") == "chat"
    ]
    assert scoped and scoped[-1]["scope"]["chat_id"] == uid
    assert "Выберите категорию" in await bot.send(uid, "/catalog")
    assert bot.app is not None
    person = await bot.app.bot_data["services"].users.identify(uid, "Ivan", None, "de")
    assert person.language is Language.RU


async def test_forged_language_button_is_refused(bot: Harness) -> None:
    uid = bot.user("Mallory")
    await bot.send(uid, "/language")
    await bot.press_data(uid, "lang:set:xx")
    assert "expired" in bot.alerts()[-1]


async def test_a_name_needs_two_letters(bot: Harness) -> None:
    uid = bot.user("Eve")
    await bot.send(uid, "/start")
    assert "2 to 100 characters" in await bot.send(uid, "A")
    assert "at least 2 letters" in await bot.send(uid, "1.")
    assert "at least 2 letters" in await bot.send(uid, "A1")
    assert "phone number" in await bot.send(uid, "李雷")


async def test_the_share_button_comes_back_after_a_mistyped_phone(bot: Harness) -> None:
    uid = bot.user("Eve")
    await bot.send(uid, "/start")
    await bot.send(uid, "Eve Stone")
    assert "does not look like a phone number" in await bot.send(uid, "12")
    keyboard = bot.fake.reply_keyboard(uid)
    assert keyboard and keyboard["keyboard"][0][0]["request_contact"] is True
    await bot.feed(bot.fake.send_contact(uid, "8613900000000", own=False))
    assert "your own number" in bot.last(uid)
    assert bot.fake.reply_keyboard(uid) is not None
    await bot.feed(bot.fake.send_sticker(uid))
    assert bot.fake.reply_keyboard(uid) is not None
    await bot.feed(bot.fake.send_contact(uid, "8613900000000"))
    assert "company" in bot.last(uid)


async def test_a_phone_another_customer_has_is_refused(bot: Harness) -> None:
    ann = bot.user("Ann")
    await bot.register(ann, phone="+8613800138000")
    uid = bot.user("Eve")
    await bot.send(uid, "/start")
    await bot.send(uid, "Eve Stone")
    taken = "already registered to another customer"
    assert taken in await bot.send(uid, "138 0013 8000")  # the same number, typed otherwise
    assert bot.fake.reply_keyboard(uid) is not None
    await bot.feed(bot.fake.send_contact(uid, "8613800138000"))
    assert taken in bot.last(uid)
    assert taken in await bot.send(uid, "+86 (138) 0013-8000")
    assert "company" in await bot.send(uid, "+86 139 0013 9000")
    await bot.press(uid, "Skip — I buy for myself")
    await bot.send(uid, "2 Long Road, Shanghai")
    assert await _customer_count(bot) == 2
    db = Database(bot.config.database.path)
    await db.open()
    try:
        async with db.connection.execute("SELECT phone FROM customers ORDER BY id") as cursor:
            phones = [row[0] for row in await cursor.fetchall()]
    finally:
        await db.close()
    assert phones == ["+8613800138000", "+8613900139000"]
