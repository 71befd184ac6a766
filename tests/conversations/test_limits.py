"""Telegram's limits hold with a large catalog and a long cart: nothing over 4096 characters."""

from __future__ import annotations

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.models import Language
from bot.services.catalog_import import CatalogImportService
from tests.conftest import DEMO
from tests.conversations.test_checkout import to_summary
from tests.harness import Harness

LONG = "Extra long product name with many words to fill the message and twice as long as usual"


async def test_long_cart_and_summary_fit_in_one_message(
    config: Config, clock: FixedClock, db: Database
) -> None:
    rows = "\n".join(f"BIG-{n:03d},bulk,Bulk,{LONG.strip()} {n},1.00,100" for n in range(80))
    report = await CatalogImportService(db, config, clock).import_csv(
        "sku,category,category_en,name_en,price,stock\n" + rows, DEMO
    )
    assert report.created == 80
    await db.close()
    bot = await Harness(config, clock).start()
    try:
        uid = bot.user("Ann")
        await bot.register(uid)
        assert bot.app is not None
        services = bot.app.bot_data["services"]
        person = await services.users.identify(uid, "Ann", None, "en")
        found = await services.catalog.search("BIG-", 0, Language.EN)
        assert found.total == 80
        async with services.catalog.db.reader() as uow:
            products = (await uow.catalog.search("BIG-", Language.EN, 0, 100))[0]
        for product in products:
            await services.cart.add(person, product.id, 2)
        cart = await bot.send(uid, "/cart")
        assert "Your cart (160 units)" in cart and "more lines" in cart
        assert "Subtotal: CN¥160.00" in cart and len(cart) <= 4096
        summary = await to_summary(bot, uid)
        assert "Total: CN¥175.00" in summary and "more lines" in summary
        assert "is submitted" in await bot.press(uid, "✅ Confirm order")
        detail = await bot.press(uid, "📦 Track this order")
        assert "more lines" in detail and len(detail) <= 4096
    finally:
        await bot.stop()
