"""The stock report's pages and spreadsheet, from rows made by hand."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.db.stock import StockRow
from bot.domain.models import Language
from bot.i18n import I18n, Texts
from bot.ui import stock_views


def rows(n: int) -> list[StockRow]:
    return [
        StockRow(
            product_id=i,
            sku=f"SKU-{i:02d}",
            name=f"Thing {i}",
            on_hand=i,
            reserved=0,
            waiting=0,
            active=True,
        )
        for i in range(n)
    ]


def texts() -> Texts:
    return I18n("CNY", ZoneInfo("Asia/Shanghai")).texts(Language.EN)


def test_pages_of_fifteen() -> None:
    t = texts()
    first = stock_views.report(t, rows(20), 0, 5)
    assert "SKU-14" in first.text and "SKU-15" not in first.text
    assert first.keyboard is not None
    labels = [b.text for row in first.keyboard.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert labels[:2] == ["1/2", "▶"] and "📥 Receive" not in labels
    last = stock_views.report(t, rows(20), 9, 5, movers=True)  # clamped to the last page
    assert "SKU-19" in last.text and "SKU-14" not in last.text
    labels = [b.text for row in last.keyboard.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert "◀" in labels and "📥 Receive" in labels and "✏️ Adjust" in labels


def test_a_name_like_a_formula_stays_text() -> None:
    row = StockRow(1, "X-1", '=HYPERLINK("http://x")', 3, 1, 2, True)
    content = stock_views.to_xlsx(texts(), [row], 5)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert list(sheet.iter_rows(values_only=True))[1] == (
        "X-1",
        '=HYPERLINK("http://x")',
        3,
        1,
        2,
        2,
        "yes",
    )
    assert sheet["B2"].data_type == "s"
