"""Statements of account through the real Application, offline: what the customer and finance
see (opening, entries, running and closing balance), other periods and typed dates, the PDF and
the spreadsheet, refusals (another customer's statement, forged buttons) audited; the monthly
statement posted once per customer and month, across runs and restarts."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.config import StatementsConfig
from bot.handlers import progress, statements
from tests.conversations.conftest import Team, query
from tests.conversations.test_checkout import fill_cart
from tests.conversations.test_fulfilment import ship_rest
from tests.harness import Harness

NUMBER = "SO-20261123-0001"


def documents(bot: Harness, uid: int) -> list[dict[str, Any]]:
    """Every document the bot sent to a chat, oldest first."""
    return [m for m in bot.fake.bot_messages(uid) if "document" in m]


def statements_sent(bot: Harness, uid: int) -> list[dict[str, Any]]:
    """The statements among them."""
    return [d for d in documents(bot, uid) if d["document"]["file_name"].startswith("statement")]


def content(bot: Harness, message: dict[str, Any]) -> bytes:
    data = bot.fake.file_content(message["document"]["file_id"])
    assert data is not None
    return data


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def cod_order(team: Team) -> None:
    """Ann orders 5 staplers and 10 packs of staples, cash on delivery (CN¥235.00); her rep
    approves (the warehouse gets the pick list at once)."""
    bot, uid = team.bot, team.customer
    await fill_cart(bot, uid, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await fill_cart(bot, uid, "staples", "Staples 24/6 (1000 pcs) · CN¥4.50", "+10")
    await bot.send(uid, "/cart")
    await bot.press(uid, "✅ Check out")
    await bot.press(uid, "Courier · CN¥15.00")
    await bot.press(uid, "1 Garden Road, Shanghai")
    await bot.press(uid, "Tue, Nov 24")
    await bot.press(uid, "Cash on delivery")
    await bot.press(uid, "Skip")
    await bot.press(uid, "✅ Confirm order")
    await bot.press(team.rep, "✅ Approve")


async def pay(team: Team, amount: str) -> None:
    """Finance records a cash payment today."""
    bot = team.bot
    await bot.send(team.finance, f"/payment {NUMBER}")
    await bot.send(team.finance, amount)
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    assert "Recorded" in await bot.press(team.finance, "✅ Record payment")


async def invoiced_and_part_paid(team: Team) -> None:
    """Ann's order shipped, received, invoiced (CN¥235.00) and paid CN¥100.00."""
    bot = team.bot
    await cod_order(team)
    await ship_rest(team)
    await bot.press(team.customer, "✅ I received it")
    assert "INV-20261123-0001" in await bot.press(team.finance, "🧾 Issue invoice")
    await pay(team, "100")


async def test_the_customer_and_finance_see_the_statement(team: Team) -> None:
    bot = team.bot
    await invoiced_and_part_paid(team)
    mine = await bot.send(team.customer, "/statement")
    assert "Statement of account: Ann Lee" in mine
    assert "Nov 1, 2026 – Nov 23, 2026" in mine
    assert "Opening balance: CN¥0.00" in mine
    assert (
        "Nov 23, 2026 · 🧾 Invoice INV-20261123-0001, SO-20261123-0001: +CN¥235.00 → CN¥235.00"
    ) in mine
    assert "💰 Payment (Cash), SO-20261123-0001: −CN¥100.00 → CN¥135.00" in mine
    assert "In the period: CN¥235.00 charged, CN¥100.00 paid or credited" in mine
    assert "Closing balance: CN¥135.00 — you owe CN¥135.00" in mine
    assert bot.buttons(team.customer) == [
        "This month",
        "Last month",
        "This year",
        "🗓 Other dates…",
        "📄 PDF",
        "📊 Excel (XLSX)",
    ]
    assert mine.index("Invoice INV") < mine.index("Payment (Cash)")

    asked = await bot.send(team.finance, "/statement")
    assert "Whose statement of account?" in asked
    assert "No customer found" in await bot.send(team.finance, "Nobody")
    theirs = await bot.send(team.finance, "ann")  # one customer: the statement at once
    assert "Statement of account: Ann Lee" in theirs
    assert "Closing balance: CN¥135.00 — the customer owes CN¥135.00" in theirs
    assert "Statement of account: Ann Lee" in await bot.send(team.rep, "/statement Ann")
    assert "Statement of account: Ann Lee" in await bot.send(team.manager, "/statement 138")

    # a month later: the balance carries over, November's entries on "Last month"
    bot.clock.advance(timedelta(days=10))
    december = await bot.send(team.customer, "/statement")
    assert "Dec 1, 2026 – Dec 3, 2026" in december
    assert "Opening balance: CN¥135.00" in december and "No entries in this period." in december
    assert "Closing balance: CN¥135.00 — you owe CN¥135.00" in december
    november = await bot.press(team.customer, "Last month")
    assert "Nov 1, 2026 – Nov 30, 2026" in november and "INV-20261123-0001" in november
    year = await bot.press(team.customer, "This year")
    assert "Jan 1, 2026 – Dec 3, 2026" in year and "Opening balance: CN¥0.00" in year

    await bot.press(team.customer, "🗓 Other dates…")
    assert "Send the first and the last day" in bot.last(team.customer)
    assert "Please send the first and the last day" in await bot.send(team.customer, "soon")
    assert "at most 366 days" in await bot.send(team.customer, "2020-01-01 2026-12-01")
    typed = await bot.send(team.customer, "2026-11-24 2026-11-30")
    assert "Nov 24, 2026 – Nov 30, 2026" in typed and "Opening balance: CN¥135.00" in typed
    assert "No entries in this period." in typed


async def test_pdf_and_spreadsheet_of_a_statement(team: Team) -> None:
    bot = team.bot
    await invoiced_and_part_paid(team)
    await bot.send(team.customer, "/statement")
    await bot.press(team.customer, "📄 PDF")
    sent = documents(bot, team.customer)[-1]
    assert sent["document"]["file_name"] == "statement-1-20261101-20261123.pdf"
    assert "Closing balance: CN¥135.00" in sent["caption"]
    text = pdf_text(content(bot, sent))
    for expected in (
        "Statement of account",
        "Period: Nov 1, 2026 – Nov 23, 2026",
        "Ann Lee",
        "+8613800138000",
        "Opening balance",
        "Invoice INV-20261123-0001",
        "Payment (Cash)",
        "SO-20261123-0001",
        "CN¥235.00",
        "CN¥100.00",
        "Closing balance: CN¥135.00 — you owe CN¥135.00",
    ):
        assert expected in text, expected

    await bot.press(team.customer, "📊 Excel (XLSX)")
    sent = documents(bot, team.customer)[-1]
    assert sent["document"]["file_name"] == "statement-1-20261101-20261123.xlsx"
    sheet = load_workbook(io.BytesIO(content(bot, sent))).active
    assert sheet is not None
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert rows[0][0] == "Statement of account"
    assert rows[1][:2] == ("Customer", "Ann Lee")
    assert rows[4] == ("Date", "Entry", "Order", "Debit", "Credit", "Balance")
    assert rows[5][1:] == ("Opening balance", None, None, None, 0)
    assert rows[6][0] == datetime(2026, 11, 23)
    assert rows[6][1:] == ("Invoice INV-20261123-0001", NUMBER, 235, None, 235)
    assert rows[7][1:] == ("Payment (Cash)", NUMBER, None, 100, 135)
    assert rows[8][1:] == ("Closing balance", "you owe CN¥135.00", 235, 100, 135)

    # finance gets the same in Chinese when they read Chinese
    await bot.send(team.finance, "/language")
    await bot.press(team.finance, "简体中文")
    await bot.send(team.finance, "/statement Ann")
    await bot.press(team.finance, bot.buttons(team.finance)[4])  # the PDF
    text = pdf_text(content(bot, documents(bot, team.finance)[-1]))
    assert "INV-20261123-0001" in text and "¥135.00" in text


async def test_another_customers_statement_is_refused_and_audited(team: Team) -> None:
    bot = team.bot
    await invoiced_and_part_paid(team)
    eve = bot.user("Eve")
    await bot.register(eve, name="Eve Stone", phone="+8613900139000")
    assert "Please register first" in await bot.send(bot.user("Zed"), "/statement")
    assert "only for staff" in await bot.send(eve, "/statement Ann")
    ann = (await query(bot, "SELECT id FROM customers WHERE name = 'Ann Lee'"))[0][0]
    await bot.press_data(eve, f"stm:v:{ann}:20261101:20261130")
    assert "only for staff" in bot.alerts()[-1]
    await bot.press_data(eve, f"stm:f:{ann}:20261101:20261130:pdf")
    await bot.press_data(eve, f"stm:c:{ann}")
    assert documents(bot, eve) == []
    assert "only for staff" in await bot.send(team.warehouse, "/statement")
    assert "only for staff" in await bot.send(team.warehouse, "/statement Ann")
    for forged in (f"stm:v:{ann}:20261130:20261101", f"stm:f:{ann}:20261101:20261130:doc"):
        await bot.press_data(team.finance, forged)
        assert "expired" in bot.alerts()[-1]
    denied = await query(
        bot,
        "SELECT entity, entity_id FROM audit_log WHERE action = 'denied' AND after = 'statement'"
        " ORDER BY id",
    )
    assert ("customer", ann) in denied and len(denied) == 6
    mine = await bot.send(eve, "/statement")
    assert "Statement of account: Eve Stone" in mine and "No entries in this period." in mine
    assert "Closing balance: CN¥0.00 — settled" in mine


async def test_a_rep_sees_only_their_own_customers(team: Team) -> None:
    bot = team.bot
    await invoiced_and_part_paid(team)
    other_rep = bot.user("Rex")
    await bot.send(other_rep, "/help")
    (rex,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", other_rep))[0]
    await query(
        bot,
        "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, 'sales_rep', 'now')",
        rex,
    )
    assert "No customer found" in await bot.send(other_rep, "/statement Ann")
    await bot.press_data(other_rep, "stm:v:1:20261101:20261130")
    assert "only for staff" in bot.alerts()[-1]
    assert "Statement of account: Ann Lee" in await bot.send(team.rep, "/statement Ann")


async def monthly(bot: Harness) -> int:
    """One run of the monthly statement job, as the JobQueue would start it."""
    return await statements.send_monthly(bot.context)


async def monthly_on(team: Team) -> Harness:
    """The team's bot restarted with monthly statements on (day 1, from 09:00)."""
    bot = team.bot
    bot.config = bot.config.model_copy(
        update={"statements": StatementsConfig(monthly=True, day=1, hour=9)}
    )
    await bot.restart()
    return bot


async def test_monthly_statement_goes_out_once_per_customer_and_month(team: Team) -> None:
    bot = team.bot
    await invoiced_and_part_paid(team)
    eve = bot.user("Eve")
    await bot.register(eve, name="Eve Stone", phone="+8613900139000")  # nothing to show
    bot.clock.advance(datetime(2026, 12, 1, 0, 30, tzinfo=UTC) - bot.clock.now())  # 08:30
    assert await monthly(bot) == 0, "off unless configured"
    await monthly_on(team)
    assert await monthly(bot) == 0, "not before 09:00"
    bot.clock.advance(timedelta(hours=1))
    assert await monthly(bot) == 1
    sent = statements_sent(bot, team.customer)
    assert [d["document"]["file_name"] for d in sent] == ["statement-1-20261101-20261130.pdf"]
    caption = sent[0]["caption"]
    assert "Your statement of account for Nov 1, 2026 – Nov 30, 2026." in caption
    assert "Closing balance: CN¥135.00 — you owe CN¥135.00" in caption
    text = pdf_text(content(bot, sent[0]))
    assert "INV-20261123-0001" in text and "Payment (Cash)" in text
    assert documents(bot, eve) == []

    assert await monthly(bot) == 0, "once"
    await bot.restart()
    bot.clock.advance(timedelta(days=3))
    assert await monthly(bot) == 0, "once, across restarts and later in the month"
    assert len(statements_sent(bot, team.customer)) == 1
    assert await query(bot, "SELECT customer_id, month, closing FROM monthly_statements") == [
        (1, "2026-11", 13500)
    ]

    bot.clock.advance(datetime(2027, 1, 2, 3, 0, tzinfo=UTC) - bot.clock.now())
    assert await monthly(bot) == 1  # December: no entries, but a balance
    sent = statements_sent(bot, team.customer)[-1]
    assert sent["document"]["file_name"] == "statement-1-20261201-20261231.pdf"
    assert "Closing balance: CN¥135.00" in sent["caption"]
    assert documents(bot, eve) == []


async def test_a_slow_statement_file_says_it_works_then_edits_that(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    await invoiced_and_part_paid(team)
    await bot.send(team.customer, "/statement")
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0)  # every piece of work counts as slow
    await bot.press(team.customer, "📄 PDF")
    assert documents(bot, team.customer)[-1]["document"]["file_name"].endswith(".pdf")
    working = "⏳ Working on it: this takes a little while…"
    sent = [
        c["text"] for c in bot.fake.method_calls("sendMessage") if c["chat_id"] == team.customer
    ]
    assert sent.count(working) == 1
    now = [m.get("text") for m in bot.fake.bot_messages(team.customer)]
    assert now.count("✅ Done.") == 1 and working not in now

    eve = bot.user("Eve")  # refused at once: no progress message, nothing sent
    await bot.register(eve, name="Eve Stone", phone="+8613900139000")
    ann = (await query(bot, "SELECT id FROM customers WHERE name = 'Ann Lee'"))[0][0]
    await bot.press_data(eve, f"stm:f:{ann}:20261101:20261130:pdf")
    assert "only for staff" in bot.alerts()[-1]
    assert working not in [
        c["text"] for c in bot.fake.method_calls("sendMessage") if c["chat_id"] == eve
    ]
    assert documents(bot, eve) == []
