"""/export and invoice PDFs through the real Application, offline: the file that arrives and
its name, refusals, typed periods with bad input, the PDF the customer receives on issue, and
/invoice sent again to its customer (only theirs) and to staff."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.handlers import progress
from bot.ui import export_views
from tests.conversations.conftest import Team, query
from tests.conversations.test_finance import delivered_order
from tests.harness import Harness


def documents(bot: Harness, uid: int) -> list[dict[str, Any]]:
    """Every document the bot sent to a chat, oldest first."""
    return [m for m in bot.fake.bot_messages(uid) if "document" in m]


def content(bot: Harness, message: dict[str, Any]) -> bytes:
    """The bytes of a document the bot uploaded."""
    data = bot.fake.file_content(message["document"]["file_id"])
    assert data is not None
    return data


async def test_finance_exports_orders_as_xlsx_then_csv(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    said = await bot.send(team.finance, "/export")
    assert "Export: which data?" in said
    assert bot.buttons(team.finance) == [
        "🧾 Orders",
        "📋 Order lines",
        "💰 Payments",
        "⏳ Receivables",
    ]
    assert "Orders: which period?" in await bot.press(team.finance, "🧾 Orders")
    assert bot.buttons(team.finance)[:3] == ["This month", "Last month", "This year"]
    asked = await bot.press(team.finance, "This month")
    assert "Orders, Nov 1, 2026 – Nov 30, 2026: which format?" in asked
    await bot.press(team.finance, "📊 Excel (XLSX)")
    sent = documents(bot, team.finance)
    assert [d["document"]["file_name"] for d in sent] == ["orders-20261101-20261130.xlsx"]
    assert sent[0]["caption"] == "📤 Orders, Nov 1, 2026 – Nov 30, 2026: 1 row"
    sheet = load_workbook(io.BytesIO(content(bot, sent[0]))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Order", "Submitted", "Customer")
    assert rows[1][0] == "SO-20261123-0001" and rows[1][2] == "Ann Lee"
    assert rows[1][rows[0].index("Total")] == 235

    await bot.press(team.finance, "📄 CSV")  # the other format from the same buttons
    sent = documents(bot, team.finance)
    assert sent[-1]["document"]["file_name"] == "orders-20261101-20261130.csv"
    text = content(bot, sent[-1]).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[1][table[0].index("Total")] == "235.00"
    assert table[1][table[0].index("Status")] == "delivered"


async def test_a_manager_exports_in_chinese_with_translated_headers(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.send(team.manager, "/language")
    await bot.press(team.manager, "简体中文")
    await bot.send(team.manager, "/export")
    data = bot.fake.last_bot_message(team.manager)
    rows = data["reply_markup"]["inline_keyboard"] if data else []
    orders = next(b for row in rows for b in row if b["callback_data"] == "exp:d:orders")
    await bot.press_data(team.manager, orders["callback_data"])
    await bot.press_data(team.manager, "exp:p:orders:20261101:20261130")
    await bot.press_data(team.manager, "exp:f:orders:20261101:20261130:csv")
    text = content(bot, documents(bot, team.manager)[-1]).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert "配送" in header, "headers follow the reader's language where translated"


async def test_nothing_in_the_period_is_said_not_sent(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.send(team.finance, "/export")
    await bot.press_data(team.finance, "exp:f:payments:20261101:20261130:xlsx")
    assert "Nothing to export for Nov 1, 2026 – Nov 30, 2026." in bot.alerts()[-1]
    assert documents(bot, team.finance) == []


async def test_more_rows_than_a_chat_export_takes_points_to_the_command_line(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    await delivered_order(team)  # two lines
    monkeypatch.setattr(export_views, "MAX_ROWS", 1)
    await bot.press_data(team.finance, "exp:f:lines:20261101:20261130:xlsx")
    assert "2 rows: more than a chat export takes (1)" in bot.alerts()[-1]
    assert "orderdesk export" in bot.alerts()[-1]
    assert documents(bot, team.finance) == []


async def test_export_refused_to_customers_reps_and_the_warehouse(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    denied = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
    for uid in (team.customer, team.rep, team.warehouse):
        assert "only for staff with the right role" in await bot.send(uid, "/export"), uid
        await bot.press_data(uid, "exp:f:orders:20261101:20261130:xlsx")
        assert "only for staff with the right role" in bot.alerts()[-1]
        await bot.press_data(uid, "exp:c:orders")
        assert "only for staff with the right role" in bot.alerts()[-1]
        assert documents(bot, uid) == []
    after = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
    assert after[0][0] == denied[0][0] + 9


async def test_typed_period_refuses_bad_input_and_keeps_asking(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.send(team.finance, "/export")
    await bot.press(team.finance, "📋 Order lines")
    asked = await bot.press(team.finance, "🗓 Other dates…")
    assert "Send the first and the last day, e.g. 2026-11-01 2026-11-30" in asked
    await bot.feed(bot.fake.send_sticker(team.finance))
    assert "Please answer with text" in bot.last(team.finance)
    problem = "Please send the first and the last day, e.g. 2026-11-01 2026-11-23"
    for bad in (
        "2026-13-01 2026-12-01",  # no such month
        "2026-11-30 2026-11-01",  # the end before the start
        "2016-01-01 2025-12-31",  # ten years
        "2026-11-01",  # one day only
        "-3",
        "1000000000",
        "x" * 4096,  # as long as Telegram lets a message be
    ):
        assert problem in await bot.send(team.finance, bad), bad
        assert "at most 366 days" in bot.last(team.finance)
    asked = await bot.send(team.finance, "2026-11-01 2026-11-30")
    assert "Order lines, Nov 1, 2026 – Nov 30, 2026: which format?" in asked
    await bot.press(team.finance, "📄 CSV")
    assert documents(bot, team.finance)[-1]["document"]["file_name"] == (
        "order-lines-20261101-20261130.csv"
    )
    # Forged periods on buttons are stale buttons, not exports.
    await bot.press_data(team.finance, "exp:f:orders:20261130:20261101:csv")
    await bot.press_data(team.finance, "exp:f:orders:20160101:20261130:csv")
    await bot.press_data(team.finance, "exp:f:everything:20261101:20261130:csv")
    await bot.press_data(team.finance, "exp:f:orders:20261101:20261130:pdf")
    assert all("expired" in a for a in bot.alerts()[-4:])
    assert len(documents(bot, team.finance)) == 1


async def test_cancel_while_typing_the_period(team: Team) -> None:
    bot = team.bot
    await bot.send(team.finance, "/export")
    await bot.press(team.finance, "💰 Payments")
    await bot.press(team.finance, "🗓 Other dates…")
    assert "No export then" in await bot.send(team.finance, "/cancel")
    assert "Nothing found for" in await bot.send(team.finance, "2026-11-01 2026-11-30")


async def test_the_customer_receives_the_invoice_as_pdf_when_it_is_issued(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.press(team.finance, "🧾 Issue invoice")
    sent = documents(bot, team.customer)
    assert [d["document"]["file_name"] for d in sent] == ["INV-20261123-0001.pdf"]
    caption = sent[0]["caption"]
    assert "Invoice INV-20261123-0001 for your order SO-20261123-0001: CN¥235.00" in caption
    assert "due Nov 23, 2026: CN¥235.00" in caption
    assert "Send /invoice INV-20261123-0001 to get this PDF again." in caption
    pdf = content(bot, sent[0])
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in ("INV-20261123-0001", "Stapler No. 24/6", "Total: CN¥235.00", "Ann Lee"):
        assert expected in text, expected
    assert "Invoice INV-20261123-0001 for order" in bot.last(team.finance)


async def test_the_customer_gets_a_chinese_pdf(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.send(team.customer, "/language")
    await bot.press(team.customer, "简体中文")
    await bot.press(team.finance, "🧾 Issue invoice")
    sent = documents(bot, team.customer)[-1]
    text = PdfReader(io.BytesIO(content(bot, sent))).pages[0].extract_text()
    assert "发票：INV-20261123-0001" in text and "24/6 订书机" in text and "合计：" in text
    assert "发票 INV-20261123-0001" in sent["caption"], "the caption in Chinese too"


async def test_invoice_sent_again_to_its_customer_and_staff_only(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.press(team.finance, "🧾 Issue invoice")
    await bot.send(team.customer, "/invoice inv-20261123-0001")
    again = documents(bot, team.customer)
    assert [d["document"]["file_name"] for d in again] == ["INV-20261123-0001.pdf"] * 2
    assert "for your order SO-20261123-0001" in again[-1]["caption"]
    await bot.send(team.customer, "/invoice SO-20261123-0001")  # by the order's number too
    assert len(documents(bot, team.customer)) == 3

    for staff in (team.manager, team.finance):
        await bot.send(staff, "/invoice INV-20261123-0001")
        sent = documents(bot, staff)[-1]
        assert sent["document"]["file_name"] == "INV-20261123-0001.pdf"
        assert "Invoice INV-20261123-0001 for order SO-20261123-0001" in sent["caption"]
    await bot.send(team.finance, "/invoice SO-20261123-0001")  # invoiced: sent, not issued
    assert len(documents(bot, team.finance)) == 3, "issued (with Record payment), asked twice"
    assert await query(bot, "SELECT COUNT(*) FROM invoices") == [(1,)]

    assert "only for staff" in await bot.send(team.warehouse, "/invoice INV-20261123-0001")
    assert "only for staff" in await bot.send(team.rep, "/invoice INV-20261123-0001")
    other = bot.user("Bob")
    await bot.register(other, name="Bob Wu")
    said = await bot.send(other, "/invoice INV-20261123-0001")
    assert "No such invoice among yours" in said
    assert "No such invoice among yours" in await bot.send(other, "/invoice INV-20991231-0009")
    assert documents(bot, other) == []
    assert documents(bot, team.warehouse) == [] and documents(bot, team.rep) == []


async def test_a_long_export_shows_its_progress_then_says_it_is_done(
    team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bot = team.bot
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    await delivered_order(team)  # two lines
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0.0)  # every export is "long"
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    await bot.press_data(team.finance, "exp:f:lines:20261101:20261130:csv")
    said = [
        m["text"] for m in bot.fake.method_calls("sendMessage") if m["chat_id"] == team.finance
    ]
    assert any(text.startswith("⏳ Preparing your export… ") for text in said), said
    sent = documents(bot, team.finance)
    assert [d["document"]["file_name"] for d in sent] == ["order-lines-20261101-20261130.csv"]
    caption = "📤 Order lines, Nov 1, 2026 – Nov 30, 2026: 2 rows"
    assert sent[0]["caption"] == caption
    texts = [m.get("text") for m in bot.fake.bot_messages(team.finance)]
    assert caption in texts, "the progress message, edited when done"
    assert not any("Preparing" in (text or "") for text in texts)
    rows = list(csv.reader(io.StringIO(content(bot, sent[0]).decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[1][0] == rows[2][0] == "SO-20261123-0001"
    assert list(scratch.iterdir()) == [], "the file written for the upload is removed"

    monkeypatch.setattr(export_views, "MAX_ROWS", 1)  # refused after the progress: edited
    await bot.press_data(team.finance, "exp:f:lines:20261101:20261130:xlsx")
    assert "2 rows: more than a chat export takes (1)" in (bot.last(team.finance) or "")
    assert len(documents(bot, team.finance)) == 1 and list(scratch.iterdir()) == []
