"""Formatting for the reader (issue 15, item 10): unambiguous dates, grouped numbers, no double
full stop after an abbreviated date, "out of stock" rather than "only 0", carriers' names; a
long list cut to what one message holds, formatting only what it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_config
from bot.domain.batch import RowError, RowProblem
from bot.domain.errors import NotEnoughStock
from bot.domain.models import CartLine, Language
from bot.i18n import CARRIERS, I18n, fill
from bot.services.batch_orders import BatchCheck, BatchOrder
from bot.ui.batch_views import report
from bot.ui.cart_views import cart_line
from bot.ui.errors import describe
from bot.ui.screen import TEXT_LIMIT, fit

ROOT = Path(__file__).resolve().parents[2]
I18N = I18n("CNY", ZoneInfo("Asia/Shanghai"))
MOMENT = datetime(2026, 12, 4, 7, 5, tzinfo=UTC)  # 3:05 PM in Shanghai


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        (Language.EN, "Dec 4, 2026", "Dec 4, 2026, 3:05\u202fPM"),
        (Language.ZH, "2026年12月4日", "2026年12月4日 15:05"),
        (Language.RU, "4 дек. 2026\u202fг.", "4 дек. 2026\u202fг., 15:05"),
    ],
)
def test_dates_and_moments_are_never_all_digits(language: Language, day: str, moment: str) -> None:
    t = I18N.texts(language)
    assert t.date(MOMENT.date()) == day
    assert t.datetime(MOMENT) == moment  # was "12/4/26, 3:05 PM"
    assert "12/4/26" not in t.datetime(MOMENT)


@pytest.mark.parametrize(
    ("language", "expected"),
    [(Language.EN, "10,000"), (Language.ZH, "10,000"), (Language.RU, "10\xa0000")],
)
def test_numbers_are_grouped_for_the_locale(language: Language, expected: str) -> None:
    assert I18N.texts(language).number(10000) == expected
    assert I18N.texts(language).number(7) == "7"


def test_a_date_ending_in_a_full_stop_takes_the_one_after_it() -> None:
    ru = I18N.texts(Language.RU)
    day = ru.date(date(2027, 1, 15))
    assert day.endswith("г.")
    said = fill("Оплата до %(day)s.", {"day": day})
    assert said == f"Оплата до {day}" and ".." not in said
    # Other values and other places keep their full stop; English dates are untouched.
    assert fill("%(day)s. Далее %(n)s.", {"day": day, "n": "5"}) == f"{day} Далее 5."
    en = I18N.texts(Language.EN).date(date(2027, 1, 15))
    assert fill("Due on %(day)s.", {"day": en}) == "Due on Jan 15, 2027."


def test_date_range_errors_avoid_the_double_full_stop() -> None:
    from bot.domain.errors import InputProblem, InvalidInput

    ru = I18N.texts(Language.RU)
    low, high = ru.date(date(2026, 12, 5)), ru.date(date(2027, 3, 4))
    said = describe(InvalidInput(InputProblem.DATE_RANGE, low, high), ru)
    assert high in said and ".." not in said


def test_bounds_in_error_messages_are_grouped() -> None:
    from bot.domain.errors import InputProblem, InvalidInput

    en = I18N.texts(Language.EN)
    said = describe(InvalidInput(InputProblem.QUANTITY_RANGE, 1, 10000), en)
    assert said == "The quantity must be from 1 to 10,000."


def test_nothing_left_is_out_of_stock_not_only_zero() -> None:
    en = I18N.texts(Language.EN)
    assert describe(NotEnoughStock(available=0), en) == "Sorry, this product is out of stock."
    assert describe(NotEnoughStock(available=1500), en) == "Only 1,500 units are available."
    line = CartLine(
        product_id=1,
        sku="A4",
        name="Paper",
        qty=12000,
        base_price=100,
        unit_price=100,
        total=1_200_000,
        available=0,
        preorder=False,
        active=True,
    )
    shown = cart_line(en, 1, line)
    assert "out of stock" in shown and "only 0" not in shown
    assert "12,000 × CN¥1.00" in shown
    some = cart_line(en, 1, line.model_copy(update={"available": 3}))
    assert "⚠️ only 3 available" in some


def test_carriers_are_translated_or_named_by_the_config() -> None:
    assert "Courier" in CARRIERS
    plain = I18N.texts(Language.EN)
    assert plain.carrier("Courier") == "Courier"
    assert plain.carrier("Some Local Van Co") == "Some Local Van Co"
    assert plain.carrier("Your orders") == "Your orders"  # a typed name is never a msgid
    assert I18N.texts(Language.ZH).carrier("Your orders") == "Your orders"
    named = I18n(
        "CNY",
        ZoneInfo("Asia/Shanghai"),
        carrier_names={"SF Express": {Language.ZH: "顺丰速运"}},
    )
    assert named.texts(Language.ZH).carrier("SF Express") == "顺丰速运"
    assert named.texts(Language.RU).carrier("SF Express") == "SF Express"  # no Russian name


def test_the_example_config_names_carriers_and_working_days() -> None:
    config = load_config(ROOT / "config.example.toml", environ={"ORDERDESK_TOKEN": "42:X"})
    assert config.shipping.carrier_names["SF Express"][Language.ZH] == "顺丰速运"
    assert config.calendar.working_weekdays == [1, 2, 3, 4, 5]
    assert date(2027, 1, 1) in config.calendar.holidays
    assert not config.calendar.working.is_working_day(date(2027, 1, 1))  # a Friday, a holiday


def test_the_russian_date_step_ends_without_a_double_full_stop() -> None:
    from bot.ui.order_views import date_step

    ru = I18N.texts(Language.RU)
    latest = date(2027, 2, 21)
    text = date_step(ru, [date(2026, 11, 25)], latest).text
    assert ru.date(latest) in text and "г.." not in text


def test_a_long_list_formats_only_the_items_that_fit() -> None:
    rendered: list[int] = []

    def line(n: int) -> str:
        rendered.append(n)
        return f"Order {n:05d}: a line of about forty characters"

    text = fit("Head", range(10_000), "Tail", "… and %(n)d more", render=line)
    shown = text.count("Order ")
    assert 0 < shown < 100 and len(text) <= TEXT_LIMIT
    assert rendered == list(range(shown + 1)), "formatted up to the first that did not fit"
    assert f"… and {10_000 - shown} more" in text and text.endswith("Tail")


def test_a_batch_report_of_667_orders_lists_what_fits_and_counts_the_rest() -> None:
    texts = I18N.texts(Language.EN)
    orders = tuple(
        BatchOrder(
            customer_id=i,
            customer_name=f"Customer {i}",
            ref="",
            rows=(3 * i + 2, 3 * i + 4),
            items=(("PAP-A4-80", 2), ("STP-24", 3)),
            delivery="courier",
            address=None,
            term="prepaid",
            note=None,
            subtotal=12345,
        )
        for i in range(667)
    )
    problem = RowError(row=9, problem=RowProblem.SKU_UNKNOWN, value="NOPE-1")
    check = BatchCheck(
        file_name="orders.csv", rows=2001, orders=orders, errors=(problem,), broken_orders=0
    )
    text = report(texts, check).text
    listed = text.count("✅ Customer ")
    assert "Row 9: " in text and "✅ Customer 0 (rows 2–4): 2 lines, CN¥123.45" in text
    assert 10 < listed < 667 and f"… and {667 - listed} more" in text
    assert len(text) <= TEXT_LIMIT
