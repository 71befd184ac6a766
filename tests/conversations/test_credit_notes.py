"""Credit notes as PDFs through the real Application, offline: an invoiced order made smaller by
an accepted change, then cancelled, gives its customer two notes as PDFs in their language
(what each corrects, why, the new total, what is to pay or to be paid back); /invoice CN-…
sends one again to its customer and to staff who see receivables, and to nobody else; the
statement of account follows."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_statements import (
    NUMBER,
    cod_order,
    content,
    documents,
    pay,
    pdf_text,
)


async def invoiced_order(team: Team) -> None:
    """Ann's order (CN¥235.00), approved, invoiced by finance at once, CN¥100.00 paid."""
    bot = team.bot
    await cod_order(team)
    issued = await bot.send(team.finance, f"/invoice {NUMBER}")
    assert "Invoice INV-20261123-0001 for order SO-20261123-0001: CN¥235.00" in issued
    await pay(team, "100")


async def ask_smaller(team: Team) -> None:
    """Ann asks for 3 staplers instead of 5 (CN¥165.00)."""
    bot = team.bot
    await bot.send(team.customer, f"/track {NUMBER}")
    await bot.press(team.customer, "✏️ Change order")
    await bot.press(team.customer, "🔢 Stapler No. 24/6 (5)")
    await bot.send(team.customer, "3")
    await bot.send(team.customer, "Budget cut")


async def smaller(team: Team) -> None:
    """Ann asks for 3 staplers instead of 5 (CN¥165.00); her rep accepts."""
    await ask_smaller(team)
    await team.bot.press(team.rep, "✅ Accept the change")


async def cancelled(team: Team) -> None:
    """Ann asks to cancel; her rep cancels."""
    bot = team.bot
    await bot.send(team.customer, f"/track {NUMBER}")
    await bot.press(team.customer, "✖️ Ask to cancel")
    await bot.send(team.customer, "Not needed any more")
    await bot.press(team.rep, "✅ Cancel the order")
    await bot.press(team.rep, "Yes, cancel it")


async def test_credit_notes_reach_the_customer_as_pdfs(team: Team) -> None:
    bot = team.bot
    await invoiced_order(team)
    finance = len(bot.fake.bot_messages(team.finance))
    await smaller(team)
    sent = [d for d in documents(bot, team.customer) if "CN-" in d["document"]["file_name"]]
    assert [d["document"]["file_name"] for d in sent] == ["CN-20261123-0001.pdf"]
    # finance, who holds the invoice's copy, gets the note's too
    copies = [m for m in bot.fake.bot_messages(team.finance)[finance:] if "document" in m]
    assert [m["document"]["file_name"] for m in copies] == ["CN-20261123-0001.pdf"]
    assert copies[0]["caption"] == (
        "🧾 Credit note CN-20261123-0001 to invoice INV-20261123-0001: CN¥70.00 less.\n"
        "Order SO-20261123-0001 now comes to CN¥165.00."
    )
    caption = sent[0]["caption"]
    assert "Credit note CN-20261123-0001 to invoice INV-20261123-0001: CN¥70.00 less." in caption
    assert "Order SO-20261123-0001 now comes to CN¥165.00." in caption
    assert "Send /invoice CN-20261123-0001 to get this PDF again." in caption
    text = pdf_text(content(bot, sent[0]))
    for expected in (
        "Credit note: CN-20261123-0001",
        "Date: Nov 23, 2026",
        "Order: SO-20261123-0001",
        "Ann Lee",
        "Corrects invoice INV-20261123-0001 of Nov 23, 2026.",
        "Invoiced: CN¥235.00",
        "Reason: the order was changed",
        "Credited: CN¥70.00",
        "The order now comes to: CN¥165.00",
        "Still to pay: CN¥65.00.",
    ):
        assert expected in text, expected

    await cancelled(team)
    sent = [d for d in documents(bot, team.customer) if "CN-" in d["document"]["file_name"]]
    assert sent[-1]["document"]["file_name"] == "CN-20261123-0002.pdf"
    assert "CN¥165.00 less" in sent[-1]["caption"]
    text = pdf_text(content(bot, sent[-1]))
    assert "Reason: the order was cancelled" in text and "Credited: CN¥165.00" in text
    assert "The order now comes to: CN¥0.00" in text and "We will pay back CN¥100.00." in text
    assert await query(bot, "SELECT number, amount, reason FROM credit_notes ORDER BY id") == [
        ("CN-20261123-0001", 7000, "changed"),
        ("CN-20261123-0002", 16500, "cancelled"),
    ]

    statement = await bot.send(team.customer, "/statement")
    assert "➖ Credit note CN-20261123-0001, SO-20261123-0001: −CN¥70.00 → CN¥165.00" in statement
    assert "➖ Credit note CN-20261123-0002, SO-20261123-0001: −CN¥165.00 → CN¥0.00" in statement
    assert "Closing balance: -CN¥100.00 — CN¥100.00 in your favour" in statement


async def test_a_note_is_sent_again_to_its_customer_and_receivables_staff_only(
    team: Team,
) -> None:
    bot = team.bot
    await invoiced_order(team)
    await smaller(team)
    before = len(documents(bot, team.customer))
    again = await bot.send(team.customer, "/invoice cn-20261123-0001")
    assert "Credit note CN-20261123-0001 to invoice INV-20261123-0001: CN¥70.00 less." in again
    assert len(documents(bot, team.customer)) == before + 1
    for uid in (team.finance, team.manager):
        await bot.send(uid, "/invoice CN-20261123-0001")
        sent = documents(bot, uid)[-1]
        assert sent["document"]["file_name"] == "CN-20261123-0001.pdf"
        assert "Credited: CN¥70.00" in pdf_text(content(bot, sent))
    eve = bot.user("Eve")
    await bot.register(eve, name="Eve Stone", phone="+8613900139000")
    assert "No such invoice" in await bot.send(eve, "/invoice CN-20261123-0001")
    assert "only for staff" in await bot.send(team.warehouse, "/invoice CN-20261123-0001")
    assert "No such invoice" in await bot.send(team.finance, "/invoice DN-20261123-0009")
    assert documents(bot, eve) == [] and documents(bot, team.warehouse) == []
    denied = await query(
        bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND after = 'invoice'"
    )
    assert denied == [(2,)]


async def test_a_chinese_customer_gets_the_note_in_chinese(team: Team) -> None:
    bot = team.bot
    await invoiced_order(team)
    await ask_smaller(team)
    await bot.send(team.customer, "/language")
    await bot.press(team.customer, "简体中文")
    await bot.press(team.rep, "✅ Accept the change")
    sent = [d for d in documents(bot, team.customer) if "CN-" in d["document"]["file_name"]]
    assert len(sent) == 1
    text = pdf_text(content(bot, sent[0]))
    assert "CN-20261123-0001" in text and "INV-20261123-0001" in text and "¥70.00" in text
    for chinese in (
        "付款方",
        "订单号：SO-20261123-0001",
        "电话：+8613800138000",
        "尚需支付：¥65.00",
    ):
        assert chinese in text, chinese
    assert "Bill to" not in text and "Phone:" not in text, "in the customer's language"
