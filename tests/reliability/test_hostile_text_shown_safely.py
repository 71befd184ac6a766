"""What people type and what Telegram says their names are — HTML and Markdown, RTL and
zero-width marks, as long as allowed — is shown as typed on every screen that shows it
(customers' and staff's, files and PDFs included): escaped, within Telegram's limits, never
breaking a message."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.clock import FixedClock
from bot.db import Database
from bot.domain import parsing
from bot.handlers import reminders
from tests.conversations.conftest import Team, query
from tests.conversations.test_checkout import fill_cart
from tests.conversations.test_exports_flow import content, documents
from tests.conversations.test_fulfilment import ship_rest
from tests.harness import Harness
from tests.reliability.helpers import make_team

RLO, ZWJ, LRI, PDI = "\u202e", "\u200d", "\u2066", "\u2069"
MARKUP = "<b>x</b><script>alert(1)</script> *bold* _x_ [a](http://e) `c` &amp; &lt; <i>"
TELEGRAM_LIMIT = 4096


def hostile(token: str, length: int, *, multiline: bool = False) -> str:
    """Markup around `token`, with RTL and zero-width marks in it, exactly `length`
    characters once the invisible marks are dropped (the most a validator allows)."""
    unit = f"{token} {MARKUP} عربي "
    text = (unit * (length // len(unit) + 1))[:length].rstrip()
    text += "z" * (length - len(text))
    if multiline:
        text = text.replace(" [a]", "\n[a]")
    raw = text.replace(token, f"{RLO}{token}{ZWJ}").replace("عربي", f"{LRI}عربي{PDI}")
    assert parsing.clean_text(raw, multiline=multiline) == text and len(text) == length
    return raw


NAME = hostile("Zed", parsing.NAME_MAX)
COMPANY = '=HYPERLINK("http://e")' + hostile("Corp", parsing.COMPANY_MAX - 22)
ADDRESS = hostile("Road", parsing.ADDRESS_MAX, multiline=True)
NOTE = hostile("Note", parsing.NOTE_MAX, multiline=True)
# Telegram's own profile names (up to 64 characters), which OrderDesk does not choose.
TG_NAME = f"<b>Zed</b>{RLO}&amp;{ZWJ}<script>*x*_y_"
STAFF_NAME = f"<i>Sam</i>{RLO}&lt;{ZWJ}<a href='x'>"
TOO_LONG = ((MARKUP + RLO + ZWJ) * (TELEGRAM_LIMIT // len(MARKUP) + 1))[:TELEGRAM_LIMIT]

SHOWN = {  # what each looks like on screen (invisible marks dropped, space folded)
    "name": parsing.clean_text(NAME),
    "company": parsing.clean_text(COMPANY),
    "address": parsing.clean_text(ADDRESS, multiline=True),
    "note": parsing.clean_text(NOTE, multiline=True),
}


@pytest.fixture
async def evil(db: Database, clock: FixedClock) -> AsyncIterator[Team]:
    """The usual team, staff with hostile Telegram names, and a customer (not registered yet)
    whose own Telegram name is hostile too."""
    await db.close()
    staff = (STAFF_NAME, "<b>Mia</b>&", "Wu<br>", "Fay</i>")
    team = await make_team(db.path, clock, names=staff)
    yield replace(team, customer=team.bot.user(TG_NAME))
    await team.bot.stop()


def visible(bot: Harness, uid: int) -> str:
    """Everything the chat shows (texts and captions), joined."""
    return "\n".join(
        str(m.get("text") or m.get("caption") or "") for m in bot.fake.bot_messages(uid)
    )


def shows_as_typed(text: str, value: str, *, whole: bool = True) -> None:
    """The value appears literally: its tags as text, not formatting (the proof of escaping);
    a long one at least in part when a view shortens it."""
    assert "<script>alert(1)</script>" in value
    if whole:
        assert value in text, f"{value[:60]!r}… not in {text!r}"
    else:
        assert value[:40] in text, f"{value[:40]!r} not in {text!r}"


async def register_to_the_limits(bot: Harness, uid: int) -> None:
    """Registration with every field at its maximum; 4,096 characters refused at each step."""
    await bot.send(uid, "/start")
    assert "100" in await bot.send(uid, TOO_LONG)
    await bot.send(uid, NAME)
    await bot.feed(bot.fake.send_contact(uid, "+8613800138000"))
    assert "120" in await bot.send(uid, TOO_LONG)
    await bot.send(uid, COMPANY)
    assert "300" in await bot.send(uid, TOO_LONG)
    done = await bot.send(uid, ADDRESS)
    assert "registered" in done.lower() or "welcome" in done.lower(), done


def _calls(bot: Harness) -> list[tuple[str, dict[str, Any]]]:
    return [(name, params) for name, params in bot.fake.calls]


async def test_hostile_text_is_escaped_everywhere_and_fits(
    evil: Team, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    bot, zed = evil.bot, evil.customer
    await register_to_the_limits(bot, zed)
    rows = await query(bot, "SELECT name, company FROM customers")
    assert rows == [(SHOWN["name"], SHOWN["company"])]

    # checkout with the longest note
    await fill_cart(bot, zed, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await fill_cart(bot, zed, "staples", "Staples 24/6 (1000 pcs) · CN¥4.50", "+10")
    await bot.send(zed, "/cart")
    await bot.press(zed, "✅ Check out")
    await bot.press(zed, "Courier · CN¥15.00")
    await bot.press(zed, bot.buttons(zed)[0])  # the saved address
    await bot.press(zed, "Tue, Nov 24")
    await bot.press(zed, "Cash on delivery")
    assert "500" in await bot.send(zed, TOO_LONG)
    summary = await bot.send(zed, NOTE)
    shows_as_typed(summary, SHOWN["note"])
    shows_as_typed(summary, SHOWN["address"])
    await bot.press(zed, "✅ Confirm order")

    card = bot.last(evil.rep)  # the rep's approval card
    for key in ("name", "company"):
        shows_as_typed(card, SHOWN[key], whole=False)
    await bot.send(evil.rep, "/pending")  # names no one: orders by number, total, time
    opened = await bot.press(evil.rep, bot.buttons(evil.rep)[0])
    shows_as_typed(opened, SHOWN["name"], whole=False)
    found = await bot.send(evil.manager, "/customer Zed")
    customer_card = await bot.press(evil.manager, bot.buttons(evil.manager)[0])
    shows_as_typed(found + customer_card, SHOWN["name"], whole=False)
    shows_as_typed(customer_card, SHOWN["company"], whole=False)

    await bot.press(evil.rep, "✅ Approve")
    pick = bot.last(evil.warehouse)
    shows_as_typed(pick, SHOWN["address"])
    shows_as_typed(pick, SHOWN["note"])
    staff_view = await bot.send(evil.manager, "/order SO-20261123-0001")
    for key in ("name", "note", "address"):
        shows_as_typed(staff_view, SHOWN[key], whole=key == "name")
    goods_view = await bot.send(evil.warehouse, "/order SO-20261123-0001")
    shows_as_typed(goods_view, SHOWN["address"])
    shows_as_typed(goods_view, SHOWN["note"])

    await ship_rest(replace(evil, customer=zed))
    await bot.press(zed, "✅ I received it")
    await bot.press(evil.finance, "🧾 Issue invoice")
    (pdf,) = documents(bot, zed)
    pdf_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content(bot, pdf))).pages
    )
    assert "<script>alert(1)</script>" in pdf_text and "Zed" in pdf_text

    detail = await bot.send(zed, "/track SO-20261123-0001")
    shows_as_typed(detail, SHOWN["note"])
    shows_as_typed(detail, SHOWN["address"])

    bot.clock.advance(timedelta(days=1))
    await reminders.scan(bot.context)  # the overdue alerts and finance's digest
    shows_as_typed(bot.last(evil.finance), SHOWN["name"], whole=False)
    shows_as_typed(await bot.send(evil.finance, "/receivables"), SHOWN["name"], whole=False)

    await bot.send(evil.manager, "/report")
    await bot.press(evil.manager, "This month")
    top = await bot.press(evil.manager, "🏆 Top products and customers")
    shows_as_typed(top, SHOWN["name"], whole=False)

    await bot.send(evil.finance, "/export")
    await bot.press(evil.finance, "🧾 Orders")
    await bot.press(evil.finance, "This month")
    await bot.press(evil.finance, "📊 Excel (XLSX)")
    await bot.press(evil.finance, "📄 CSV")
    xlsx, text = documents(bot, evil.finance)[-2:]
    sheet = load_workbook(io.BytesIO(content(bot, xlsx))).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert SHOWN["name"] in cells and SHOWN["company"] in cells  # text, not a formula
    table = list(csv.reader(io.StringIO(content(bot, text).decode("utf-8-sig"))))
    assert SHOWN["name"] in table[1] and "'" + SHOWN["company"] in table[1]

    # Nothing broke: no apology, no error logged, every message within Telegram's limits.
    everyone = (zed, evil.rep, evil.manager, evil.warehouse, evil.finance)
    for uid in everyone:
        seen = visible(bot, uid)
        assert "something went wrong" not in seen
        assert not {RLO, ZWJ, LRI, PDI} & set(seen), "invisible marks reached a chat"
        for message in bot.fake.bot_messages(uid):
            assert len(str(message.get("text") or "")) <= TELEGRAM_LIMIT
            assert len(str(message.get("caption") or "")) <= 1024
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_typed_items_and_spreadsheet_cells_are_echoed_escaped_and_fit(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    """/quick names what it could not find, /batch names the cells it refuses: both echo what
    people wrote, at the most each allows (2,000 characters; 2,000 rows of 300-character cells)."""
    from tests.conversations.test_batch_orders import csv, upload

    caplog.set_level(logging.WARNING)
    bot = team.bot
    item = ("Zq" + MARKUP.replace("x", "q"))[:35] + RLO + ZWJ
    names = [f"{item} {chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(48)]
    typed = "\n".join(names)
    assert len(typed) <= 2000
    understood = await bot.send(team.customer, "/quick " + typed)
    assert understood.count("Not found") == len(names), understood
    shows_as_typed(understood, parsing.clean_text(names[0]))
    cell = hostile("Nobody", 300)
    rows: list[list[object]] = [  # as many as 1 MB holds with the longest customer cell
        [cell, "STP-24", 1, "courier", "", "cod", "", ""] for _ in range(2000)
    ]
    await bot.send(team.manager, "/batch")
    report = await upload(team, team.manager, "evil.csv", csv(rows))
    assert "Row 2: no customer “" + parsing.clean_text(cell)[:39] + "…”" in report, report
    assert not {RLO, ZWJ, LRI, PDI} & set(report + understood), "invisible marks echoed"
    for uid in (team.customer, team.manager):
        for message in bot.fake.bot_messages(uid):
            assert len(str(message.get("text") or "")) <= TELEGRAM_LIMIT
            assert "something went wrong" not in str(message.get("text") or "")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
