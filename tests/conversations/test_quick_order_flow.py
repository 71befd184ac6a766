"""Quick order through the real Application: type the products, answer what was unsure, fill the
cart, reach checkout; bad input and forged buttons change nothing; staff order by free text."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.harness import Harness


async def cart_rows(bot: Harness) -> list[tuple[object, ...]]:
    return await query(
        bot,
        "SELECT p.sku, c.qty FROM cart_lines c JOIN products p ON p.id = c.product_id"
        " ORDER BY p.sku",
    )


async def test_typed_order_to_cart_to_checkout(bot: Harness, ann: int) -> None:
    assert "Quick order" in await bot.send(ann, "/quick")
    screen = await bot.send(ann, "3 x A4 papr, 2 toner tn2420, 1 stapel\n2 coffee")
    assert "1. ✅ A4 copy paper 80 g (500 sheets) (PAP-A4-80)" in screen
    assert "3 × CN¥25.00 = CN¥75.00" in screen and "you typed “A4 papr”" in screen
    assert "2. ✅ Toner TN-2420 (black) (TN-2420)" in screen
    assert "3. ❓ “stapel” × 1: which one?" in screen
    assert "4. ❌ Not found: “coffee”" in screen
    assert "Item 3: which product did you mean?" in screen
    assert bot.buttons(ann)[:3] == [
        "3. Stapler No. 24/6",
        "3. Staples 24/6 (1000 pcs)",
        "3. None of these",
    ]
    assert "🛒 Add to cart" not in bot.buttons(ann), "nothing is added while a line is unsure"
    assert await cart_rows(bot) == []
    screen = await bot.press(ann, "3. Stapler No. 24/6")
    assert "3. ✅ Stapler No. 24/6 (STP-24)" in screen and "Subtotal: CN¥888.00" in screen
    cart = await bot.press(ann, "🛒 Add to cart")
    assert "🛒 Added 3 products to your cart." in cart and "Your cart" in cart
    assert await cart_rows(bot) == [("PAP-A4-80", 3), ("STP-24", 1), ("TN-2420", 2)]
    assert "✅ Check out" in bot.buttons(ann)
    assert "how should we deliver" in await bot.press(ann, "✅ Check out")


async def test_chinese_order_and_units_read_as_catalog_units(bot: Harness) -> None:
    uid = bot.user("Li", "zh-hans")
    await bot.register(uid, name="李雷")
    screen = await bot.send(uid, "/quick A4纸 3箱，两盒订书钉\n十二支笔")
    assert "A4复印纸 80克（500张）" in screen and "24/6 订书钉（1000枚）" in screen
    assert "箱, 盒, 支" in screen, "the unit words are named as read"
    assert bot.buttons(uid)[:2] == ["3. 蓝色圆珠笔（12支）", "3. A5点阵笔记本"]
    await bot.press(uid, "3. 蓝色圆珠笔（12支）")
    await bot.press_data(uid, "qo:add")
    assert await cart_rows(bot) == [("PAP-A4-80", 3), ("STP-REFILL", 2)]
    assert "蓝色圆珠笔（12支）" in bot.last(uid), "out of stock: told, not added"


async def test_none_of_these_leaves_the_line_out(bot: Harness, ann: int) -> None:
    await bot.send(ann, "/quick paper, 2 staples")
    assert bot.buttons(ann)[-3:-1] == ["1. None of these", "✏️ Type again"]
    screen = await bot.press(ann, "1. None of these")
    assert "1. ➖ “paper”: left out" in screen
    await bot.press(ann, "🛒 Add to cart")
    assert await cart_rows(bot) == [("STP-REFILL", 2)]


async def test_stock_and_limits_as_the_cart_has_them(bot: Harness, ann: int) -> None:
    await bot.send(ann, "/quick 5 A5 dotted notebook, 2 ink set")
    assert "⚠️ only 4 available" in bot.last(ann)
    screen = await bot.press(ann, "🛒 Add to cart")
    assert "⚠️ Not added: 5 × A5 dotted notebook, only 4 available." in screen
    assert await cart_rows(bot) == [("INK-CMY-SET", 2)], "pre-orders go in"


async def test_bad_input_changes_nothing(bot: Harness, ann: int) -> None:
    await bot.send(ann, "/quick")
    await bot.feed(bot.fake.send_sticker(ann))
    assert "Please answer with text" in bot.last(ann)
    assert "Which products?" in await bot.send(ann, " , ; ")
    assert "at most 2,000 characters" in await bot.send(ann, "x" * 4096)
    assert "Item 1: the quantity" in await bot.send(ann, "A4 paper x 1000000000")
    said = await bot.send(ann, "3 x, A4 paper x -3")
    assert "Item 1 has a quantity but no product" in said, "none readable: the first why"
    assert await cart_rows(bot) == []
    assert "1. ✅ Stapler No. 24/6" in await bot.send(ann, "2 stapler"), "still asking"


async def test_a_bad_quantity_leaves_out_that_line_only(bot: Harness, ann: int) -> None:
    said = await bot.send(ann, "/quick 2 stapler, -3 A4 paper, 3 x, toner TN-2420 x 99999")
    assert "1. ✅ Stapler No. 24/6" in said and "2 × CN¥35.00" in said
    assert "⚠️ Left out “-3 A4 paper”: the quantity must be a whole number from 1 to 10000." in (
        said
    )
    assert "⚠️ Left out “3 x”: a quantity but no product." in said
    assert "⚠️ Left out “toner TN-2420 x 99999”: the quantity must be" in said
    assert "A4 copy paper" not in said and "Toner" not in said
    screen = await bot.press(ann, "🛒 Add to cart")
    assert "Added 1 product" in screen
    assert await cart_rows(bot) == [("STP-24", 2)]


async def test_forged_and_stale_buttons(bot: Harness, ann: int) -> None:
    await bot.send(ann, "/quick 2 stapel")
    await bot.press_data(ann, "qo:pk:0:1")  # A4 paper: not a candidate of this line
    assert "That option is not available" in bot.alerts()[-1]
    await bot.press_data(ann, "qo:pk:7:1")
    assert "That option is not available" in bot.alerts()[-1]
    await bot.press_data(ann, "qo:pk:x:y")
    assert "This button has expired" in bot.alerts()[-1]
    await bot.press_data(ann, "qo:add")
    assert "Please pick the product you meant first." in bot.alerts()[-1]
    assert await cart_rows(bot) == []
    await bot.press(ann, "1. Staples 24/6 (1000 pcs)")
    await bot.press(ann, "🛒 Add to cart")
    assert await cart_rows(bot) == [("STP-REFILL", 2)]
    await bot.press_data(ann, "qo:pk:0:6")  # after the end: stale
    assert "This button has expired" in bot.alerts()[-1]
    assert await cart_rows(bot) == [("STP-REFILL", 2)]


async def test_from_the_cart_button_and_cancel(bot: Harness, ann: int) -> None:
    await bot.send(ann, "/cart")
    assert "⚡ Quick order" in bot.buttons(ann)
    assert "Quick order" in await bot.press(ann, "⚡ Quick order")
    await bot.send(ann, "2 stapler")
    assert "Nothing recorded." in await bot.send(ann, "/cancel")
    assert await cart_rows(bot) == []
    await bot.send(ann, "/catalog")
    assert "⚡ Quick order" in bot.buttons(ann)


async def test_retyping_replaces_the_list(bot: Harness, ann: int) -> None:
    await bot.send(ann, "/quick stapel")
    assert "Quick order" in await bot.press(ann, "✏️ Type again")
    await bot.send(ann, "4 toner")
    await bot.press(ann, "🛒 Add to cart")
    assert await cart_rows(bot) == [("TN-2420", 4)]


async def test_rep_orders_by_free_text_and_picks(team: Team) -> None:
    bot, rep = team.bot, team.rep
    await bot.send(rep, "/customer ann")
    await bot.press(rep, "Ann Lee · +8613800138000")
    assert "Product names work too" in await bot.press(rep, "📞 Place an order for them")
    assert "Not found: “coffee”" in await bot.send(rep, "3 x A4 paper, 2 coffee")
    screen = await bot.send(rep, "3 x A4 paper\n2 stapel")
    assert "2. ❓ “stapel” × 2: which one?" in screen
    assert bot.buttons(rep)[:3] == [
        "2. Stapler No. 24/6",
        "2. Staples 24/6 (1000 pcs)",
        "2. None of these",
    ]
    await bot.press_data(rep, "ob:pk:1:1")  # forged: A4 paper was no candidate of line 2
    assert "That option is not available" in bot.alerts()[-1]
    priced = await bot.press(rep, "2. Stapler No. 24/6")
    assert "3 × CN¥25.00 = CN¥75.00" in priced and "2 × CN¥35.00 = CN¥70.00" in priced
    await bot.press(rep, "Courier · CN¥15.00")
    await bot.press(rep, "1 Garden Road, Shanghai")
    await bot.press(rep, "Cash on delivery")
    await bot.press(rep, "✅ Place the order")
    assert await query(bot, "SELECT sku, qty FROM order_lines ORDER BY sku") == [
        ("PAP-A4-80", 3),
        ("STP-24", 2),
    ]
    assert "placed order SO-20261123-0001 for you" in bot.last(team.customer)


async def test_rep_sku_lines_still_work_and_unknown_skus_are_named(team: Team) -> None:
    bot, rep = team.bot, team.rep
    await bot.send(rep, "/customer ann")
    await bot.press(rep, "Ann Lee · +8613800138000")
    await bot.press(rep, "📞 Place an order for them")
    assert "No product has the SKU NOPE-1" in await bot.send(rep, "NOPE-1 2")
    assert "Line 1 is not understood" in await bot.send(rep, "STP-24 0")
    priced = await bot.send(rep, "stp24 5\nstapler 1")
    assert "6 × CN¥35.00 = CN¥210.00" in priced, "the same product twice is added up"
    assert "Delivery?" in priced


async def test_fifty_items_fit_in_one_message(bot: Harness, ann: int) -> None:
    lines = [f"{i} x A4 copy paper 80 g (500 sheets) please" for i in range(1, 26)]
    lines += [f"{i} stapel" for i in range(1, 26)]
    screen = await bot.send(ann, "/quick " + "\n".join(lines))
    assert len(screen) <= 4096 and "50. ❓ “stapel” × 25: which one?" in screen
    assert "1. ✅ A4 copy paper 80 g (500 sheets) (PAP-A4-80)" in screen, "its own name"
    assert bot.buttons(ann)[0] == "26. Stapler No. 24/6", "asked one at a time"
