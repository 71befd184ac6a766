"""Pay in chat (Telegram Payments) through the real Application, offline: the Pay now button on
the invoice and on payment reminders, the check before the charge and its refusals, the payment
recorded once however often Telegram tells of it, and bank details with a copy button when no
payment provider is set up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.db import Database
from tests.conftest import make_config
from tests.conversations.conftest import ADMIN, Team, _grant, query
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.conversations.test_fulfilment import ship_rest
from tests.conversations.test_reminders_sent import scan
from tests.harness import Harness

PROVIDER = "284685063:TEST:sandbox-provider"
HOW = "Bank transfer to Example Trading Co., account 6222 0000 1234 5678."
INVOICE_CAPTION = "Invoice INV-20261123-0001 for your order SO-20261123-0001: CN¥235.00"


async def _team(db: Database, clock: FixedClock, token: str) -> Team:
    config = make_config(
        db.path,
        business={"admins": [ADMIN], "payment_instructions": {"en": HOW}},
        review={"manager_threshold": "1000.00", "auto_approve_limit": "200.00"},
        shipping={"carriers": ["SF Express"]},
        payments={"provider_token": token},
    )
    bot = await Harness(config, clock).start()
    people = [bot.user(name) for name in ("Sam", "Mia", "Max", "Wu", "Fay")]
    for uid, role in zip(
        people,
        ["sales_rep", "sales_manager", "sales_manager", "warehouse", "finance"],
        strict=True,
    ):
        await _grant(bot, uid, role)
    customer = bot.user("Ann")
    await bot.register(customer)
    return Team(bot, *people, customer)


@pytest.fixture
async def shop(db: Database, clock: FixedClock) -> AsyncIterator[Team]:
    """The team of conftest, with a payment provider set up and bank details configured."""
    await db.close()
    team = await _team(db, clock, PROVIDER)
    yield team
    await team.bot.stop()


@pytest.fixture
async def no_provider(db: Database, clock: FixedClock) -> AsyncIterator[Team]:
    """The same, without a payment provider."""
    await db.close()
    team = await _team(db, clock, "")
    yield team
    await team.bot.stop()


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def sent(bot: Harness, uid: int, words: str) -> int:
    """How many of the bot's messages to a chat hold these words."""
    return sum(
        words in str(m.get("text") or m.get("caption") or "") for m in bot.fake.bot_messages(uid)
    )


async def approved_order(team: Team) -> int:
    """Ann orders 5 staplers and 10 packs of staples, prepaid (CN¥235.00), and her rep approves:
    the order is invoiced and waits for its money. Returns the order id."""
    bot = team.bot
    await fill_cart(bot, team.customer, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await fill_cart(bot, team.customer, "staples", "Staples 24/6 (1000 pcs) · CN¥4.50", "+10")
    await to_summary(bot, team.customer, term="Prepaid (we ship after payment)")
    await bot.press(team.customer, "✅ Confirm order")
    await bot.press(team.rep, "✅ Approve")
    return int((await query(bot, "SELECT id FROM orders"))[0][0])


async def pay_now(team: Team) -> dict[str, Any]:
    """Ann presses Pay now on her invoice; the Telegram invoice it sends."""
    bot = team.bot
    await bot.press(team.customer, "💳 Pay now")
    invoice = bot.last_message(team.customer)
    assert "invoice" in invoice, invoice
    return invoice


async def record_cash(team: Team, amount: str) -> None:
    """Finance records a cash payment on Ann's order."""
    bot = team.bot
    await bot.send(team.finance, "/payment SO-20261123-0001")
    await bot.send(team.finance, amount)
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    await bot.press(team.finance, "✅ Record payment")


async def test_prepaid_order_paid_in_chat_reaches_the_warehouse(shop: Team) -> None:
    bot = shop.bot
    order_id = await approved_order(shop)
    pdf = bot.last_message(shop.customer)
    assert pdf["document"]["file_name"] == "INV-20261123-0001.pdf"
    assert INVOICE_CAPTION in pdf["caption"] and f"How to pay: {HOW}" in pdf["caption"]
    pay, copy = buttons(pdf)
    assert pay == {"text": "💳 Pay now", "callback_data": f"ipay:go:{order_id}"}
    assert copy == {"text": "📋 Copy bank details", "copy_text": {"text": HOW}}
    assert sent(bot, shop.warehouse, "pick") == 0, "prepaid: not before it is paid"

    invoice = await pay_now(shop)
    assert invoice["invoice"]["title"] == "Order SO-20261123-0001"
    assert invoice["invoice"]["total_amount"] == 23500
    assert invoice["invoice"]["currency"] == "CNY"
    assert "INV-20261123-0001" in invoice["invoice"]["description"]
    (call,) = bot.fake.method_calls("sendInvoice")
    assert call["provider_token"] == PROVIDER
    assert call["payload"].startswith(f"od1:{order_id}:23500:")

    checkout = await bot.pay(shop.customer)
    assert checkout["state"] == "paid"
    receipt = bot.last(shop.customer)
    assert "Payment received: CN¥235.00 for order SO-20261123-0001" in receipt
    assert "The order is paid in full." in receipt
    told = bot.last(shop.finance)
    assert "💳 Paid in chat: CN¥235.00 for order SO-20261123-0001 by Ann Lee (card)." in told
    assert "The order is paid in full." in told and checkout["charge_id"] in told
    assert bot.buttons(shop.finance) == ["📄 Open order"]
    assert sent(bot, shop.warehouse, "SO-20261123-0001") == 1, "the pick list, now"
    (user_id,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", shop.customer))[0]
    assert await query(
        bot, "SELECT amount, method, paid_on, recorded_by, token FROM payments"
    ) == [(23500, "card", "2026-11-23", user_id, f"tg:{checkout['charge_id']}")]
    assert await query(
        bot, "SELECT status, payment_status, released_at IS NOT NULL FROM orders"
    ) == [("approved", "paid", 1)]

    await ship_rest(shop)
    await bot.press(shop.customer, "✅ I received it")
    assert await query(bot, "SELECT status FROM orders") == [("completed",)]


async def test_a_payment_told_twice_is_recorded_once(shop: Team) -> None:
    bot = shop.bot
    await approved_order(shop)
    await pay_now(shop)
    checkout = await bot.pay(shop.customer)
    update_id = checkout["update_id"]
    await bot.feed(bot.queued(update_id))  # the same update again
    await bot.feed(bot.fake.repeat_payment(update_id))  # the same payment, a new update
    await bot.restart()
    await bot.feed(bot.fake.repeat_payment(update_id))  # and after a restart
    assert await query(bot, "SELECT COUNT(*), SUM(amount) FROM payments") == [(1, 23500)]
    assert sent(bot, shop.customer, "Payment received") == 1
    assert sent(bot, shop.finance, "Paid in chat") == 1
    assert sent(bot, shop.warehouse, "SO-20261123-0001") == 1
    assert await query(bot, "SELECT payment_status FROM orders") == [("paid",)]


async def test_what_is_owed_changed_before_the_charge(shop: Team) -> None:
    bot = shop.bot
    await approved_order(shop)
    await pay_now(shop)  # asks CN¥235.00
    await record_cash(shop, "100")
    checkout = await bot.pay(shop.customer)
    assert checkout["state"] == "refused"
    assert "What this order owes has changed: CN¥135.00 now." in checkout["error_message"]
    assert "Nothing was charged" in checkout["error_message"]
    assert await query(bot, "SELECT amount, method FROM payments") == [(10000, "cash")]

    invoice = await pay_now(shop)  # a new invoice asks what is owed now
    assert invoice["invoice"]["total_amount"] == 13500
    assert (await bot.pay(shop.customer))["state"] == "paid"
    assert await query(bot, "SELECT payment_status, released_at IS NOT NULL FROM orders") == [
        ("paid", 1)
    ]
    assert "The order is paid in full." in bot.last(shop.customer)


async def test_a_cancelled_order_is_not_charged(shop: Team) -> None:
    bot = shop.bot
    await approved_order(shop)
    await pay_now(shop)
    await bot.send(shop.customer, "/track SO-20261123-0001")
    await bot.press(shop.customer, "✖️ Ask to cancel")
    await bot.send(shop.customer, "Found it cheaper")
    await bot.press(shop.rep, "✅ Cancel the order")
    await bot.press(shop.rep, "Yes, cancel it")
    checkout = await bot.pay(shop.customer)
    assert checkout["state"] == "refused"
    assert checkout["error_message"] == "Nothing is owed on this order."
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(0,)]
    await bot.press_data(shop.customer, "ipay:go:1")
    assert bot.alerts()[-1] == "Nothing is owed on this order."


async def test_money_that_arrives_for_an_order_cancelled_meanwhile_is_paid_back(
    shop: Team,
) -> None:
    bot = shop.bot
    await approved_order(shop)
    await pay_now(shop)
    await bot.feed(bot.fake.pay_invoice(shop.customer))  # the bot says yes: Telegram charges
    checkout = bot.fake.checkouts(shop.customer)[-1]
    assert checkout["state"] == "paid"
    await bot.send(shop.customer, "/track SO-20261123-0001")  # and before the payment arrives
    await bot.press(shop.customer, "✖️ Ask to cancel")
    await bot.send(shop.customer, "Found it cheaper")
    await bot.press(shop.rep, "✅ Cancel the order")
    await bot.press(shop.rep, "Yes, cancel it")
    await bot.feed(bot.queued(checkout["update_id"]))
    assert await query(bot, "SELECT amount, method FROM payments") == [(23500, "card")]
    assert await query(bot, "SELECT status, refund_due FROM orders") == [("cancelled", 23500)]
    assert "We will pay back CN¥235.00." in bot.last(shop.customer)
    assert sent(bot, shop.finance, "to pay back to the customer") == 1
    assert sent(bot, shop.finance, "Paid in chat: CN¥235.00") == 1


async def test_someone_elses_order_and_forged_invoices_are_refused(shop: Team) -> None:
    bot = shop.bot
    order_id = await approved_order(shop)
    invoice = await pay_now(shop)
    payload = bot.fake.method_calls("sendInvoice")[-1]["payload"]
    bob = bot.user("Bob")
    await bot.register(bob, name="Bob Stone", phone="+8613900139000")

    await bot.press_data(bob, f"ipay:go:{order_id}")
    assert bot.alerts()[-1] == "No such order among yours. See /orders."
    assert await query(
        bot, "SELECT entity, entity_id, after FROM audit_log WHERE action = 'denied'"
    ) == [("order", order_id, "pay_in_chat")]
    await bot.press_data(bob, "ipay:go:999")
    assert bot.alerts()[-1] == "No such order among yours. See /orders."
    await bot.press_data(bob, "ipay:go:x")
    assert "This button has expired" in bot.alerts()[-1]

    def forge(chat: int, payload: str, amount: int, currency: str = "CNY") -> None:
        status, _ = bot.fake.call(
            "sendInvoice",
            {
                "chat_id": chat,
                "title": "Order SO-20261123-0001",
                "description": "Forged",
                "payload": payload,
                "currency": currency,
                "prices": [{"label": "Order", "amount": amount}],
                "provider_token": PROVIDER,
            },
        )
        assert status == 200

    forge(bob, payload, 23500)  # Ann's invoice, paid by Bob
    assert (await bot.pay(bob))["error_message"] == "No such order among yours. See /orders."
    not_ours = "This invoice is not valid. Nothing was charged: press 💳 Pay now for a new one."
    for forged, amount, currency in [
        ("hello", 23500, "CNY"),
        (f"od1:{order_id}:23500:{'x' * 12}", 100, "CNY"),  # the payload asks another amount
        (payload, 23500, "USD"),
        ("od1:0:23500:abcdefgh", 23500, "CNY"),
    ]:
        forge(shop.customer, forged, amount, currency)
        checkout = await bot.pay(shop.customer)
        assert (checkout["state"], checkout["error_message"]) == ("refused", not_ours), forged
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(0,)]

    assert (await bot.pay(shop.customer, invoice["message_id"]))["state"] == "paid"
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(1,)]


async def test_paying_in_the_middle_of_a_checkout(shop: Team) -> None:
    bot = shop.bot
    await approved_order(shop)
    await pay_now(shop)
    await fill_cart(bot, shop.customer, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await bot.send(shop.customer, "/cart")
    assert "how should we deliver" in await bot.press(shop.customer, "✅ Check out")
    assert (await bot.pay(shop.customer))["state"] == "paid"
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(1,)]
    assert "Where to?" in await bot.press(shop.customer, "Courier · CN¥15.00"), "goes on"


async def test_payment_reminders_offer_pay_now(shop: Team) -> None:
    bot = shop.bot
    await approved_order(shop)
    await scan(bot)
    told = bot.last(shop.customer)
    assert "📅 Payment due today: CN¥235.00 for order SO-20261123-0001." in told
    assert f"How to pay: {HOW}" in told
    assert bot.buttons(shop.customer) == [
        "💳 Pay now",
        "📋 Copy bank details",
        "✅ I've paid",
        "📄 View order",
    ]
    await pay_now(shop)
    assert (await bot.pay(shop.customer))["state"] == "paid"


async def test_without_a_provider_the_bank_details_have_a_copy_button(no_provider: Team) -> None:
    bot = no_provider.bot
    await approved_order(no_provider)
    pdf = bot.last_message(no_provider.customer)
    assert INVOICE_CAPTION in pdf["caption"] and f"How to pay: {HOW}" in pdf["caption"]
    assert buttons(pdf) == [{"text": "📋 Copy bank details", "copy_text": {"text": HOW}}]
    await scan(bot)
    assert bot.buttons(no_provider.customer) == [
        "📋 Copy bank details",
        "✅ I've paid",
        "📄 View order",
    ]
    await bot.press_data(no_provider.customer, "ipay:go:1")
    assert bot.alerts()[-1] == "Paying in chat is not available. Please pay by bank transfer."
    assert bot.fake.method_calls("sendInvoice") == []


async def test_the_provider_token_never_reaches_the_log(
    shop: Team, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = shop.bot
    await approved_order(shop)
    await pay_now(shop)
    logging.getLogger("bot").warning("a provider refused %s", PROVIDER)  # as an error might
    assert (await bot.pay(shop.customer))["state"] == "paid"
    assert "sendInvoice" in caplog.text
    assert PROVIDER.split(":", 1)[1] not in caplog.text


async def test_a_payment_is_never_dropped_as_a_flood(shop: Team) -> None:
    bot = shop.bot
    await approved_order(shop)
    await pay_now(shop)
    limits = bot.config.telegram.model_copy(update={"flood_burst": 3, "flood_per_second": 0.01})
    bot.config = bot.config.model_copy(update={"telegram": limits})
    await bot.restart()
    for _ in range(20):  # all at once: the clock stands still
        await bot.send(shop.customer, "/help")
    assert any("Slow down" in text for text in sent_texts(bot, shop.customer))
    assert (await bot.pay(shop.customer))["state"] == "paid"
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(1,)]


def sent_texts(bot: Harness, uid: int) -> list[str]:
    return [str(m.get("text") or "") for m in bot.fake.bot_messages(uid)]


async def test_an_order_without_an_invoice_is_not_paid_in_chat(shop: Team) -> None:
    bot = shop.bot
    await fill_cart(bot, shop.customer, "stapler", "Stapler No. 24/6 · CN¥35.00")
    await to_summary(bot, shop.customer, term="Cash on delivery")
    await bot.press(shop.customer, "✅ Confirm order")
    await bot.press(shop.rep, "✅ Approve")
    await bot.press_data(shop.customer, "ipay:go:1")
    assert bot.alerts()[-1] == "This order has no invoice yet."
    assert bot.fake.method_calls("sendInvoice") == []
