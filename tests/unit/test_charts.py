"""The sales chart: a valid PNG of a fixed size that matplotlib and Pillow read back, the same
bytes for the same data, other bytes for other data, in every language."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from zoneinfo import ZoneInfo

import matplotlib
import matplotlib.image
import pytest
from PIL import Image

from bot.domain.models import Language
from bot.domain.reports import Period, daily
from bot.i18n import I18n
from bot.services.reports import SalesByDay
from bot.ui.charts import font_families, sales_chart

I18N = I18n("CNY", ZoneInfo("Asia/Shanghai"))
WEEK = Period(date(2026, 11, 23), date(2026, 11, 29))


def sales(period: Period, amounts: dict[date, int]) -> SalesByDay:
    return SalesByDay(period=period, days=daily(period, list(amounts.items())))


def read_back(png: bytes) -> tuple[int, int]:
    """The picture's size, as Pillow and matplotlib both read it."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(BytesIO(png)) as image:
        image.verify()
    with Image.open(BytesIO(png)) as image:
        size = image.size
        assert image.format == "PNG"
    pixels = matplotlib.image.imread(BytesIO(png), format="png")
    assert pixels.shape[:2] == (size[1], size[0])
    return size


def test_the_chart_is_a_png_that_changes_with_the_data() -> None:
    t = I18N.texts(Language.EN)
    first = sales_chart(t, sales(WEEK, {date(2026, 11, 23): 13000, date(2026, 11, 24): 38900}))
    second = sales_chart(t, sales(WEEK, {date(2026, 11, 23): 13000, date(2026, 11, 24): 1000}))
    assert read_back(first) == read_back(second) == (960, 540)
    assert first != second
    again = sales_chart(t, sales(WEEK, {date(2026, 11, 23): 13000, date(2026, 11, 24): 38900}))
    assert again == first, "the same data draws the same bytes"
    assert matplotlib.get_backend().lower() == "agg"


@pytest.mark.parametrize("language", list(Language))
def test_every_language_and_long_or_empty_periods(language: Language) -> None:
    t = I18N.texts(language)
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    busy = {day: (n * 7919) % 500000 for n, day in enumerate(year.dates())}
    assert read_back(sales_chart(t, sales(year, busy))) == (960, 540)
    empty = sales_chart(t, sales(Period(date(2026, 11, 30), date(2026, 11, 30)), {}))
    assert read_back(empty) == (960, 540)


def test_no_glyph_is_missing_in_chinese(recwarn: pytest.WarningsRecorder) -> None:
    t = I18N.texts(Language.ZH)
    sales_chart(t, sales(WEEK, {date(2026, 11, 23): 13000}))
    missing = [w for w in recwarn if "missing from font" in str(w.message)]
    assert "Noto Sans CJK SC" in font_families(), "installed with OrderDesk (mplfonts)"
    assert missing == []
