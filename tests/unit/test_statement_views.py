"""A statement in the chat stays within one message however long the period: the newest entries
with the balance after each, a line counting the earlier ones left out, opening and closing
always shown; its files hold every entry (many pages of PDF, every row of the spreadsheet)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from pypdf import PdfReader

from bot.config import SellerConfig
from bot.domain.models import Customer, Language, User
from bot.domain.reports import Period
from bot.domain.statement import EntryKind, Movement, Presets, build, preset_period
from bot.i18n import I18n
from bot.services.statements import StatementView
from bot.ui import statement_pdf, statement_views, statement_xlsx
from bot.ui.screen import TEXT_LIMIT

T = I18n("CNY", ZoneInfo("Asia/Shanghai")).texts(Language.EN)
TODAY = date(2026, 11, 23)


def view(entries: int, *, own: bool = True) -> StatementView:
    """A customer with an invoice and a payment on each of `entries` / 2 days of 2026."""
    book = []
    for n in range(entries):
        day = date(2026, 1, 1) + timedelta(days=n // 2)
        kind = EntryKind.INVOICE if n % 2 == 0 else EntryKind.PAYMENT
        book.append(
            Movement(
                kind=kind,
                day=day,
                at=datetime(day.year, day.month, day.day, tzinfo=UTC),
                order_number=f"SO-{day:%Y%m%d}-0001",
                document=f"INV-{day:%Y%m%d}-0001" if kind is EntryKind.INVOICE else None,
                method="bank_transfer" if kind is EntryKind.PAYMENT else None,
                amount=10_000 + n,
            )
        )
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return StatementView(
        customer=Customer(
            id=7,
            user_id=3,
            name="Ann <Lee>",
            phone="+8613800138000",
            company="Lee & Co",
            discount_bp=0,
            credit_limit=0,
            trusted=False,
            rep_id=None,
            created_at=at,
        ),
        customer_user=User(
            id=3, telegram_id=5, language=Language.EN, time_zone=None, first_name="Ann"
        ),
        statement=build(book, date(2026, 1, 1), TODAY, opening=500),
        issued_on=TODAY,
        seller=SellerConfig(name="Example Trading Co.", address="88 Century Avenue"),
        currency="CNY",
        own=own,
    )


def presets() -> dict[Presets, Period]:
    return {p: preset_period(p, TODAY) for p in Presets}


def test_a_long_period_is_clipped_to_the_newest_entries() -> None:
    long = view(400)
    screen = statement_views.statement(T, long, presets())
    assert len(screen.text) <= TEXT_LIMIT
    lines = screen.text.splitlines()
    assert lines[0] == "📒 <b>Statement of account</b>: Ann &lt;Lee&gt; · Lee &amp; Co"
    assert "Opening balance: CN¥5.00" in screen.text
    shown = [line for line in lines if "SO-2026" in line]
    assert 0 < len(shown) <= statement_views.MAX_SHOWN
    assert f"… {400 - len(shown)} earlier entries not shown" in screen.text
    assert shown[-1].endswith(T.money(long.statement.closing))  # the newest is last
    closing = f"Closing balance: {T.money(long.statement.closing)}"
    assert lines[-1].startswith(closing)
    for row in screen.keyboard.inline_keyboard:  # type: ignore[union-attr]
        for button in row:
            assert len(str(button.callback_data).encode()) <= 64


def test_a_short_period_shows_every_entry() -> None:
    screen = statement_views.statement(T, view(4, own=False), presets())
    assert "earlier" not in screen.text
    assert len([line for line in screen.text.splitlines() if "SO-2026" in line]) == 4
    assert "the customer owes" in screen.text


def test_the_files_hold_every_entry() -> None:
    long = view(120)
    reader = PdfReader(io.BytesIO(statement_pdf.render(T, long)))
    assert len(reader.pages) > 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("Invoice INV-2026") == 60 and text.count("Payment (Bank transfer)") == 60
    assert f"Closing balance: {T.money(long.statement.closing)}" in text
    sheet = load_workbook(io.BytesIO(statement_xlsx.write(T, long))).active
    assert sheet is not None
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert len(rows) == 5 + 1 + 120 + 1  # title block, headings, opening, entries, closing
    assert rows[1] == ("Customer", "Ann <Lee> · Lee & Co", None, None, None, None)
    assert round(float(rows[-1][5]) * 100) == long.statement.closing == 440
