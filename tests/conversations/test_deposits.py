"""Pre-order deposits, through the real Application offline: an order with pre-ordered lines
approved is invoiced at once with the deposit due that day (the customer gets the PDF naming
it, finance is told), the rest by the order's payment term; reminders chase the deposit until
it is paid; a cancellation after it owes it back; no deposit when the percent is 0. Admins
set or clear a product's percent in the product editor."""

from __future__ import annotations

from datetime import timedelta

from bot.handlers import reminders
from tests.conversations.conftest import ADMIN, Team, query
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.conversations.test_money_paths import files, pay, texts
from tests.conversations.test_requests import ask_to_cancel
from tests.conversations.test_statements import content, pdf_text

INK = "🕓 Ink set cyan, magenta, yellow · CN¥129.00"  # out of stock: pre-orders taken
NET30 = "Pay within 30 days"
NUMBER = "SO-20261123-0001"
DEPOSIT_LINE = "deposit for the pre-ordered items, due Nov 23, 2026: CN¥116.10"


async def allow_net30(team: Team) -> None:
    """Ann may pay within 30 days, within a credit limit of 10,000.00."""
    await query(
        team.bot,
        "INSERT INTO customer_payment_terms (customer_id, term_code) VALUES (1, 'net30')",
    )
    await query(team.bot, "UPDATE customers SET credit_limit = 1000000")


async def pre_order(team: Team, term: str = NET30) -> None:
    """Ann pre-orders 3 ink sets (none in stock; 387.00 + 15.00 courier), net 30 days, and
    her rep approves."""
    bot = team.bot
    await allow_net30(team)
    for _ in range(3):
        await fill_cart(bot, team.customer, "ink", INK, "+1")
    await to_summary(bot, team.customer, term=term)
    await bot.press(team.customer, "✅ Confirm order")
    await bot.press(team.rep, "✅ Approve")
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]


async def test_a_pre_order_approved_asks_its_deposit_at_once(team: Team) -> None:
    bot = team.bot
    await query(bot, "UPDATE products SET deposit_percent = 30 WHERE sku = 'INK-CMY-SET'")
    finance = len(bot.fake.bot_messages(team.finance))
    await pre_order(team)

    # the customer: the invoice PDF, its caption naming the deposit and how to pay it
    assert files(team, team.customer) == ["INV-20261123-0001.pdf"]
    sent = [m for m in bot.fake.bot_messages(team.customer) if "document" in m]
    caption = sent[-1]["caption"]
    assert DEPOSIT_LINE in caption
    assert "Please pay the deposit of CN¥116.10 now" in caption
    assert "• due Dec 23, 2026: CN¥285.90" in caption  # the rest: 30 days
    text = pdf_text(content(bot, sent[-1]))
    assert "deposit for the pre-ordered items" in text and "116.10" in text
    assert "285.90" in text
    # finance told of the invoice, as when they issue one
    finance_got = bot.fake.bot_messages(team.finance)[finance:]
    told = [m.get("caption") or m.get("text") or "" for m in finance_got]  # the PDF's caption
    assert any("INV-20261123-0001" in x and DEPOSIT_LINE in x for x in told), told

    # the book: the invoice, the deposit first, the rest by the term
    assert await query(bot, "SELECT amount, deposit FROM invoices") == [(40200, 11610)]
    assert await query(bot, "SELECT seq, due_on, amount FROM due_dates ORDER BY seq") == [
        (1, "2026-11-23", 11610),
        (2, "2026-12-23", 28590),
    ]
    assert await query(bot, "SELECT due_on, owed FROM open_dues ORDER BY seq") == [
        ("2026-11-23", 11610),
        ("2026-12-23", 28590),
    ]

    # the reminders chase the deposit, due today
    await reminders.scan(bot.context)
    assert "Payment due today: CN¥116.10 for order SO-20261123-0001" in bot.last(team.customer)

    # paid: its reminders stop; the rest waits for its own day
    await pay(team, "116.10")
    assert await query(bot, "SELECT due_on, owed FROM open_dues") == [("2026-12-23", 28590)]
    assert await query(bot, "SELECT payment_status FROM orders") == [("partially_paid",)]
    before = len(bot.fake.bot_messages(team.customer))
    bot.clock.advance(timedelta(days=3))
    await reminders.scan(bot.context)
    later = texts(team, team.customer)[before:]
    assert not any("overdue" in x or "116.10" in x for x in later), later
    balance = await bot.send(team.finance, f"/payment {NUMBER}")
    assert "CN¥285.90" in balance


async def test_cancelled_after_the_deposit_it_is_owed_back(team: Team) -> None:
    bot = team.bot
    await query(bot, "UPDATE products SET deposit_percent = 30 WHERE sku = 'INK-CMY-SET'")
    await pre_order(team)
    await pay(team, "116.10")
    assert "is sent to our team" in await ask_to_cancel(team)
    await bot.press(team.rep, "✅ Cancel the order")
    await bot.press(team.rep, "Yes, cancel it")
    assert await query(bot, "SELECT status, refund_due, payment_status FROM orders") == [
        ("cancelled", 11610, "paid")
    ]
    assert await query(bot, "SELECT COUNT(*) FROM open_dues") == [(0,)]
    assert "CN¥116.10 to pay back" in bot.last(team.finance)


async def test_no_deposit_when_the_percent_is_0(team: Team) -> None:
    bot = team.bot
    assert bot.config.catalog.preorder_deposit_percent == 0
    await query(bot, "UPDATE products SET deposit_percent = 0 WHERE sku = 'INK-CMY-SET'")
    await pre_order(team)
    assert files(team, team.customer) == []
    assert await query(bot, "SELECT COUNT(*) FROM invoices") == [(0,)]
    assert await query(bot, "SELECT COUNT(*) FROM due_dates") == [(0,)]


async def test_no_deposit_when_no_line_waits_for_stock(team: Team) -> None:
    bot = team.bot
    await query(bot, "UPDATE products SET deposit_percent = 50")
    await allow_net30(team)
    await fill_cart(bot, team.customer, "stapler", "Stapler No. 24/6 · CN¥35.00", "+1")
    await to_summary(bot, team.customer, term=NET30)
    await bot.press(team.customer, "✅ Confirm order")
    await bot.press(team.rep, "✅ Approve")
    assert await query(bot, "SELECT COUNT(*) FROM invoices") == [(0,)]


async def test_admins_set_and_clear_a_products_deposit(team: Team) -> None:
    bot = team.bot
    bot.fake.create_user("Ada", user_id=ADMIN)
    await bot.send(ADMIN, "/help")
    (pid,) = (await query(bot, "SELECT id FROM products WHERE sku = 'INK-CMY-SET'"))[0]
    await bot.send(ADMIN, "/products")
    card = await bot.press_data(ADMIN, f"pe:card:{pid}")
    assert "Pre-order deposit: as configured" in card
    asked = await bot.press_data(ADMIN, f"pe:ed:{pid}:deposit_percent")
    assert "whole number from 0 to 100" in asked
    refused = "Please send a percentage from 0 to 100"
    for bad in ("150", "-5", "12.5", "lots"):
        assert refused in await bot.send(ADMIN, bad), bad
    assert await query(bot, "SELECT deposit_percent FROM products WHERE id = ?", pid) == [(None,)]
    card = await bot.send(ADMIN, "30%")
    assert "Pre-order deposit: 30%" in card
    assert await query(bot, "SELECT deposit_percent FROM products WHERE id = ?", pid) == [(30,)]
    await bot.press_data(ADMIN, f"pe:ed:{pid}:deposit_percent")
    card = await bot.press(ADMIN, "Skip")
    assert "Pre-order deposit: as configured" in card
    assert await query(bot, "SELECT deposit_percent FROM products WHERE id = ?", pid) == [(None,)]
    audit = await query(
        bot, "SELECT before, after FROM audit_log WHERE action = 'product_deposit_percent'"
    )
    assert audit == [("None", "30"), ("30", "None")]
    # a customer's forged button changes nothing
    await bot.press_data(team.customer, f"pe:ed:{pid}:deposit_percent")
    await bot.send(team.customer, "100")
    assert await query(bot, "SELECT deposit_percent FROM products WHERE id = ?", pid) == [(None,)]
