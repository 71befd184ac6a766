"""Quick order by text: real-world phrasings read into (words, quantity, unit), Chinese numerals,
limits, and the picks of unsure lines."""

from __future__ import annotations

import pytest

from bot.domain.errors import InputProblem, InvalidInput, OptionNotOffered
from bot.domain.product_match import ItemMatch, MatchKind
from bot.domain.quick_order import (
    ITEMS_MAX,
    TEXT_MAX,
    QuickItem,
    QuickOrder,
    chinese_number,
    parse_quick_order,
    read_quick_order,
    typed_as_sku_lines,
)

MAX = 10_000

# What people type → (words naming the product, quantity, unit word said or None) per item.
PHRASINGS: list[tuple[str, list[tuple[str, int, str | None]]]] = [
    (
        "3 x A4 paper, 2 toner TN-2420, 1 stapler",
        [("A4 paper", 3, None), ("toner TN-2420", 2, None), ("stapler", 1, None)],
    ),
    (
        "3 x A4 paper\n2 toner TN-2420\n1 stapler",
        [("A4 paper", 3, None), ("toner TN-2420", 2, None), ("stapler", 1, None)],
    ),
    ("A4 paper x3", [("A4 paper", 3, None)]),
    ("A4 paper x 3", [("A4 paper", 3, None)]),
    ("A4 paper ×3", [("A4 paper", 3, None)]),
    ("3 A4 paper", [("A4 paper", 3, None)]),
    ("3x A4 paper", [("A4 paper", 3, None)]),
    ("x3 stapel", [("stapel", 3, None)]),
    ("A4 paper 3 pcs", [("A4 paper", 3, "pcs")]),
    ("A4 paper 3pcs.", [("A4 paper", 3, "pcs")]),
    ("3 boxes of A4 paper", [("A4 paper", 3, "boxes")]),
    ("I need 3 packs of staples and a stapler", [("staples", 3, "packs"), ("stapler", 1, None)]),
    ("please 2 toner tn2420 thanks!", [("toner tn2420", 2, None)]),
    ("toner TN-2420", [("toner TN-2420", 1, None)]),  # the SKU's digits are no quantity
    ("PAP-A4-80 x 10", [("PAP-A4-80", 10, None)]),
    ("stp-24 5; NB-A5-DOT 2", [("stp-24", 5, None), ("NB-A5-DOT", 2, None)]),
    ("Stapler No. 24/6", [("Stapler No. 24/6", 1, None)]),
    ("80g paper 2", [("80g paper", 2, None)]),
    ("A4 paper - 3", [("A4 paper", 3, None)]),
    ("- 3 x A4 papr", [("A4 papr", 3, None)]),  # a list bullet
    ("1. A4 paper 3 boxes\n2. stapler 1", [("A4 paper", 3, "boxes"), ("stapler", 1, None)]),
    ("ink set: 2 & notebook = 4", [("ink set", 2, None), ("notebook", 4, None)]),
    ("３ x Ａ４ paper", [("A4 paper", 3, None)]),  # full-width digits and letters
    ("三箱A4纸", [("A4纸", 3, "箱")]),
    ("A4纸 3箱", [("A4纸", 3, "箱")]),
    ("A4纸３箱", [("A4纸", 3, "箱")]),
    ("两盒订书钉", [("订书钉", 2, "盒")]),
    ("十二支笔", [("笔", 12, "支")]),
    ("订书机两个", [("订书机", 2, "个")]),
    ("订书机 两", [("订书机", 2, None)]),
    ("A4纸3箱，订书机两个", [("A4纸", 3, "箱"), ("订书机", 2, "个")]),
    ("要三箱A4纸和两台订书机", [("A4纸", 3, "箱"), ("订书机", 2, "台")]),
    (
        "A4纸 3箱、硒鼓 一个；笔记本 二十本",
        [("A4纸", 3, "箱"), ("硒鼓", 1, "个"), ("笔记本", 20, "本")],
    ),
    ("一次性杯子", [("一次性杯子", 1, None)]),  # 一 belongs to the name
    ("万用表 2个", [("万用表", 2, "个")]),
    ("A4纸 一百零五张", [("A4纸 一百零五张", 1, None)]),  # 张 (sheets) is no unit we sell in
    ("степлер 2 шт", [("степлер", 2, "шт")]),
    ("бумага а4 3 пачки и тонер", [("бумага а4", 3, "пачки"), ("тонер", 1, None)]),
]


@pytest.mark.parametrize(("text", "expected"), PHRASINGS, ids=[p[0][:30] for p in PHRASINGS])
def test_phrasings(text: str, expected: list[tuple[str, int, str | None]]) -> None:
    items = parse_quick_order(text, MAX)
    assert [(i.words, i.qty, i.unit) for i in items] == expected


def test_the_table_is_large_enough() -> None:
    assert len(PHRASINGS) >= 30


def test_a_quantity_not_typed_is_one_and_said_so() -> None:
    (item,) = parse_quick_order("stapler", MAX)
    assert item == QuickItem("stapler", 1, None, qty_given=False)
    (item,) = parse_quick_order("1 stapler", MAX)
    assert item.qty_given


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十五", 25),
        ("一百", 100),
        ("一百零五", 105),
        ("两百五", 250),
        ("三千五", 3500),
        ("两千", 2000),
        ("一千零一", 1001),
        ("一万", 10_000),
        ("一万二", 12_000),
        ("十万", 100_000),
        ("二〇", 20),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value


@pytest.mark.parametrize("numeral", ["", "三四", "万", "abc", "十x"])
def test_not_chinese_numerals(numeral: str) -> None:
    with pytest.raises(ValueError):
        chinese_number(numeral)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("-3 A4 paper", 1),
        ("A4 paper x -3", 1),
        ("A4 paper -3", 1),
        ("stapler, 0 x A4 paper", 2),
        ("A4 paper 1000000000", 1),
        ("A4 paper x 10001", 1),
        ("一万零一箱A4纸", 1),
    ],
)
def test_quantities_out_of_range_are_refused_with_the_item(text: str, position: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick_order(text, MAX)
    assert caught.value.problem is InputProblem.QUICK_QUANTITY
    assert (caught.value.low, caught.value.high) == (position, MAX)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", InputProblem.QUICK_EMPTY),
        (" , ; \n 、", InputProblem.QUICK_EMPTY),
        ("3 x", InputProblem.QUICK_NO_PRODUCT),
        ("stapler, 5", InputProblem.QUICK_NO_PRODUCT),
        ("x" * 5000, InputProblem.QUICK_TOO_LONG),
        (", ".join(f"{i} stapler" for i in range(1, ITEMS_MAX + 2)), InputProblem.QUICK_TOO_MANY),
        ("2 " + "paper " * 30, InputProblem.QUICK_NAME_LONG),
    ],
)
def test_bad_input_is_refused_clearly(text: str, problem: InputProblem) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick_order(text, MAX)
    assert caught.value.problem is problem


def test_limits_follow_the_configuration() -> None:
    assert parse_quick_order("A4 paper x 5", 5)[0].qty == 5
    with pytest.raises(InvalidInput):
        parse_quick_order("A4 paper x 6", 5)
    assert len("x" * TEXT_MAX) == TEXT_MAX
    assert parse_quick_order("x" * 10 + " paper", MAX)


@pytest.mark.parametrize(
    ("text", "sku_lines"),
    [
        ("STP-24 5\nPAP-A4-80 x 10", True),
        ("STP-24", True),
        ("STP-24 0", True),  # still SKU QTY: its own error says the line is not understood
        ("stapler 2", True),
        ("3 x A4 paper", False),
        ("A4纸 3箱", False),
        ("toner TN-2420 2", False),
    ],
)
def test_sku_qty_lines_are_recognised(text: str, sku_lines: bool) -> None:
    assert typed_as_sku_lines(text) is sku_lines


def _order() -> QuickOrder:
    items = [QuickItem("A4 papr", 3), QuickItem("stapel", 1), QuickItem("coffee", 2)]
    matches = [
        ItemMatch(MatchKind.CERTAIN, (1,)),
        ItemMatch(MatchKind.UNSURE, (6, 7)),
        ItemMatch(MatchKind.NOT_FOUND),
    ]
    return QuickOrder.of(items, matches)


def test_unsure_lines_wait_for_a_pick_among_their_candidates_only() -> None:
    order = _order()
    assert not order.resolved and order.items() == [(1, 3)]
    with pytest.raises(OptionNotOffered):
        order.choose(1, 2)  # not a candidate: a forged button
    with pytest.raises(OptionNotOffered):
        order.choose(0, 1)  # a certain line is not asked
    with pytest.raises(OptionNotOffered):
        order.choose(9, 6)
    picked = order.choose(1, 7)
    assert picked.resolved and picked.items() == [(1, 3), (7, 1)]
    with pytest.raises(OptionNotOffered):
        picked.choose(1, 6)  # answered already
    skipped = order.skip(1)
    assert skipped.resolved and skipped.items() == [(1, 3)]


def test_the_same_product_twice_is_added_up() -> None:
    items = [QuickItem("A4 paper", 3), QuickItem("A4纸", 2, "箱")]
    order = QuickOrder.of(items, [ItemMatch(MatchKind.CERTAIN, (1,))] * 2)
    assert order.items() == [(1, 5)] and order.units_ignored == ("箱",)
    assert QuickOrder.model_validate(order.model_dump(mode="json")) == order


def test_unreadable_items_are_left_out_with_why_and_the_others_kept() -> None:
    items, rejected = read_quick_order("2 stapler, -3 A4 paper, 3 x, pens", MAX)
    assert [(item.words, item.qty) for item in items] == [("stapler", 2), ("pens", 1)]
    assert [(r.position, r.typed, r.problem, r.high) for r in rejected] == [
        (2, "-3 A4 paper", InputProblem.QUICK_QUANTITY, MAX),
        (3, "3 x", InputProblem.QUICK_NO_PRODUCT, None),
    ]
    with pytest.raises(InvalidInput) as caught:
        read_quick_order("3 x, A4 paper x -3", MAX)
    assert caught.value.problem is InputProblem.QUICK_NO_PRODUCT
