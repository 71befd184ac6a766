"""Finance through the real Application, offline: invoice on delivery, payments with receipts,
amounts past the limit refused, completion, receivables, refusals."""

from __future__ import annotations

import pytest

from tests.conftest import BASE_CONFIG
from tests.conversations.conftest import Team, query
from tests.conversations.test_fulfilment import approved_order, ship_rest


async def delivered_order(team: Team) -> int:
    """An approved order shipped whole and received by the customer."""
    bot = team.bot
    order_id = await approved_order(team)  # 5 × 35.00 + 10 × 4.50 + 15.00 = 235.00
    await ship_rest(team)
    await bot.press(team.customer, "✅ I received it")
    return order_id


async def test_invoice_payments_receipts_and_completion(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    notice = bot.last(team.finance)
    assert "is delivered" in notice and "CN¥235.00" in notice
    issued = await bot.press(team.finance, "🧾 Issue invoice")
    assert "Invoice INV-20261123-0001 for order SO-20261123-0001: CN¥235.00" in issued
    assert "due Nov 23, 2026: CN¥235.00" in issued  # prepaid: due at once
    assert "Invoice INV-20261123-0001 for your order" in bot.last(team.customer)
    await bot.press_data(team.finance, "fin:inv:1")
    assert "has its invoice already" in bot.alerts()[-1]

    assert "Payment for which order?" in await bot.send(team.finance, "/payment")
    assert "No such order" in await bot.send(team.finance, "SO-19990101-0001")
    asked = await bot.send(team.finance, "so-20261123-0001")
    assert "still owed CN¥235.00" in asked
    assert "an amount like 1234.50" in await bot.send(team.finance, "-3")
    assert "an amount like 1234.50" in await bot.send(team.finance, "10000000000")
    await bot.send(team.finance, "100")
    await bot.press(team.finance, "Bank transfer")
    confirm = await bot.press(team.finance, "Today")
    assert "Record CN¥100.00 paid by Bank transfer on Nov 23, 2026" in confirm
    done = await bot.press(team.finance, "✅ Record payment")
    assert "Paid CN¥100.00, still owed CN¥135.00" in done
    receipt = bot.last(team.customer)
    assert "Payment received: CN¥100.00" in receipt and "Still to pay: CN¥135.00" in receipt
    assert await query(bot, "SELECT status, payment_status FROM orders") == [
        ("delivered", "partially_paid")
    ]

    await bot.send(team.finance, "/payment SO-20261123-0001")
    await bot.press(team.finance, "All of it: CN¥135.00")
    await bot.press(team.finance, "Cash")
    await bot.send(team.finance, "2026-11-20")
    await bot.press(team.finance, "✅ Record payment")
    assert "The order is paid in full." in bot.last(team.customer)
    assert await query(bot, "SELECT status, payment_status FROM orders") == [("completed", "paid")]
    assert "Outstanding: CN¥0.00" in await bot.send(team.finance, "/receivables")


async def test_only_finance_handles_money(team: Team) -> None:
    bot = team.bot
    order_id = await delivered_order(team)
    for uid in (team.customer, team.warehouse, team.rep):
        assert "only for staff" in await bot.send(uid, "/payment"), uid
        assert "only for staff" in await bot.send(uid, "/invoice SO-20261123-0001"), uid
        await bot.press_data(uid, f"fin:inv:{order_id}")
        assert "only for staff" in bot.alerts()[-1]
    assert "only for staff" in await bot.send(team.customer, "/receivables")
    assert "Outstanding" in await bot.send(team.manager, "/receivables")
    assert await query(bot, "SELECT COUNT(*) FROM invoices") == [(0,)]
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(0,)]


async def test_payment_in_chinese(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.send(team.finance, "/language")
    await bot.press(team.finance, "简体中文")
    await bot.send(team.finance, "/payment SO-20261123-0001")
    assert "请发送金额，例如 1234.50。" in await bot.send(team.finance, "abc")
    await bot.send(team.finance, "235")
    await bot.press(team.finance, "现金")
    await bot.press(team.finance, "今天")
    await bot.press(team.finance, "✅ 登记收款")
    assert "The order is paid in full." in bot.last(team.customer)


async def test_payment_found_by_customer_name(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.send(team.finance, "/payment")
    assert "No unpaid order found" in await bot.send(team.finance, "Nobody")
    found = await bot.send(team.finance, "ann")
    assert "Unpaid orders found" in found
    assert bot.buttons(team.finance) == ["SO-20261123-0001 · Ann Lee · CN¥235.00"]
    assert "still owed CN¥235.00" in await bot.press(team.finance, bot.buttons(team.finance)[0])


COD_ON_DELIVERY = {
    "payment_terms": [
        {**term, "invoice_on_delivery": True} if term["code"] == "cod" else term
        for term in BASE_CONFIG["payment_terms"]
    ]
}


@pytest.mark.parametrize("team", [COD_ON_DELIVERY], indirect=True)
async def test_a_term_invoiced_on_delivery_is_invoiced_as_the_warehouse_delivers(
    team: Team,
) -> None:
    bot = team.bot
    await approved_order(team)  # cash on delivery: 235.00
    await ship_rest(team)
    finance = len(bot.fake.bot_messages(team.finance))
    assert await query(bot, "SELECT COUNT(*) FROM invoices") == [(0,)], "not before delivery"
    await bot.press(team.warehouse, "📬 Delivered: shipment 1")
    to_ann = [
        m.get("caption") or m.get("text") or "" for m in bot.fake.bot_messages(team.customer)
    ]
    assert "📬 Your order SO-20261123-0001 is delivered." in to_ann[-2]
    assert "Invoice INV-20261123-0001 for your order SO-20261123-0001" in to_ann[-1]
    assert bot.last_message(team.customer)["document"]["file_name"] == "INV-20261123-0001.pdf"
    new = bot.fake.bot_messages(team.finance)[finance:]
    assert len(new) == 1, "the invoice's copy, not 'Issue invoice' as well"
    copy = new[0]["caption"]
    assert "📬 Order SO-20261123-0001 is delivered; its invoice was issued by itself." in copy
    assert "Invoice INV-20261123-0001 for order SO-20261123-0001: CN¥235.00" in copy
    assert "due Nov 23, 2026: CN¥235.00" in copy
    assert "💰 Record payment" in bot.buttons(team.finance)
    assert await query(bot, "SELECT number, amount, issued_by FROM invoices") == [
        ("INV-20261123-0001", 23500, None)
    ]
    assert await query(bot, "SELECT due_on, amount FROM due_dates") == [("2026-11-23", 23500)]
    assert "Outstanding: CN¥235.00" in await bot.send(team.finance, "/receivables")
    # her "I received it" afterwards records nothing more and issues nothing twice
    await bot.press_data(team.customer, "dlv:r:1")
    assert await query(bot, "SELECT COUNT(*) FROM invoices") == [(1,)]
    assert len(bot.fake.bot_messages(team.finance)) == finance + 2  # the copy, /receivables


async def test_a_term_invoiced_by_finance_waits_for_finance(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_rest(team)
    await bot.press(team.warehouse, "📬 Delivered: shipment 1")
    assert "🧾 Issue invoice" in bot.buttons(team.finance)
    assert await query(bot, "SELECT COUNT(*) FROM invoices") == [(0,)]
    assert "Outstanding: CN¥0.00" in await bot.send(team.finance, "/receivables")


@pytest.mark.parametrize("team", [{}, COD_ON_DELIVERY], indirect=True)
async def test_paid_before_delivery_it_is_not_billed_but_finance_is_asked(team: Team) -> None:
    """Paid in full before it arrives (the courier's cash, recorded early): completed at
    delivery; finance is asked to invoice it, whether or not its term invoices on delivery,
    and the customer is sent no bill to pay."""
    bot = team.bot
    await approved_order(team)
    await ship_rest(team)
    await bot.send(team.finance, "/payment SO-20261123-0001")
    await bot.press(team.finance, "All of it: CN¥235.00")
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    await bot.press(team.finance, "✅ Record payment")
    await bot.press(team.warehouse, "📬 Delivered: shipment 1")
    assert await query(bot, "SELECT status FROM orders") == [("completed",)]
    assert await query(bot, "SELECT COUNT(*) FROM invoices") == [(0,)], "no bill to pay"
    texts = [m.get("caption") or m.get("text") or "" for m in bot.fake.bot_messages(team.customer)]
    assert not [x for x in texts if "Invoice INV-" in x]
    assert "📬 Order SO-20261123-0001 (CN¥235.00) is delivered." in bot.last(team.finance)
    assert "🧾 Issue invoice" in bot.buttons(team.finance)
