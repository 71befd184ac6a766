"""Staff's /orders filter: what is understood, what is refused (naming the word), and the page
buttons carrying it back intact."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.models import OrderStatus
from bot.domain.order_filter import OrderFilter, parse_order_filter
from bot.domain.roles import Role
from bot.handlers.menus import commands
from bot.ui.callbacks import BadCallback, parse
from bot.ui.staff_order_views import filter_of, page_data


def test_everything_understood() -> None:
    found = parse_order_filter("Acme  LATE status:Shipped from:2026-11-01 to:2026-11-30 ltd")
    assert found == OrderFilter(
        words="Acme ltd",
        status=OrderStatus.SHIPPED,
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        late=True,
    )
    assert parse_order_filter("") == OrderFilter()
    assert parse_order_filter("张三").words == "张三"


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("status:lost", "status:lost"),
        ("from:2026-02-30", "from:2026-02-30"),
        ("to:12/4/26", "to:12/4/26"),
        ("from:20261101", "from:20261101"),
        ("acme colour:red", "colour:red"),
        ("from:2026-12-01 to:2026-11-01", "from:2026-12-01 to:2026-11-01"),
    ],
)
def test_refused_naming_the_word(text: str, word: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_order_filter(text)
    assert caught.value.problem is InputProblem.ORDER_FILTER and caught.value.low == word


def test_a_customer_part_too_long_for_the_page_buttons_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_order_filter("张三李四王五赵六钱七孙八")  # 36 bytes
    assert caught.value.problem is InputProblem.ORDER_FILTER_LONG


@pytest.mark.parametrize(
    "found",
    [
        OrderFilter(),
        parse_order_filter("late status:partially_shipped from:2026-11-01 to:2026-11-30"),
        parse_order_filter("张三李四王五赵六 late status:cancelled from:2026-01-01 to:2026-12-31"),
    ],
)
def test_page_buttons_carry_the_filter(found: OrderFilter) -> None:
    data = page_data(found, 99_999)
    assert len(data.encode()) <= 64
    assert filter_of(parse(data)) == (found, 99_999)


@pytest.mark.parametrize(
    "data",
    ["sol:p:0:0:9:none:none:", "sol:p:0:2:-:none:none:", "sol:p:0:0:-:2026:none:", "sol:p:x"],
)
def test_forged_page_buttons_refused(data: str) -> None:
    with pytest.raises(BadCallback):
        filter_of(parse(data))


def test_staff_menus_have_one_orders_command() -> None:
    names = [name for name, _ in commands(frozenset({Role.SALES_REP, Role.WAREHOUSE}))]
    assert names.count("orders") == 1 and names.index("orders") < names.index("catalog")
    assert [n for n, _ in commands(frozenset())].count("orders") == 1
