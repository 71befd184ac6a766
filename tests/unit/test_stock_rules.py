"""Stock rules: what a receipt or adjustment may be, never below reserved, low-stock crossings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.stock import (
    MAX_MOVE,
    AdjustReason,
    StockProblem,
    StockRefused,
    check_adjustment,
    crossing,
    is_low,
    parse_adjust,
    parse_quantity,
    parse_receive,
)


def problem(call: object, *args: object) -> StockProblem:
    with pytest.raises(StockRefused) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.problem


def test_receipts() -> None:
    receipt = parse_receive(["STP-24", "50", "from", " Acme"])
    assert (receipt.sku, receipt.qty, receipt.note) == ("STP-24", 50, "from Acme")
    assert parse_receive(["STP-24", "+3"]).qty == 3
    for bad in ("-5", "0", "1000000000", "five", "1.5", "１２", "", "+", "²"):
        assert problem(parse_receive, ["STP-24", bad]) is StockProblem.QUANTITY, bad
    assert parse_receive(["X", str(MAX_MOVE)]).qty == MAX_MOVE
    assert problem(parse_receive, ["X", str(MAX_MOVE + 1)]) is StockProblem.QUANTITY
    assert problem(parse_receive, ["STP-24"]) is StockProblem.USAGE_RECEIVE
    assert problem(parse_receive, ["X", "1", "n" * 201]) is StockProblem.REASON


def test_adjustments() -> None:
    adjustment = parse_adjust(["STP-24", "-2", "Damage", "dropped"])
    assert (adjustment.qty, adjustment.reason, adjustment.note) == (
        -2,
        AdjustReason.DAMAGE,
        "dropped",
    )
    assert parse_adjust(["STP-24", "+4", "count"]).reason is AdjustReason.COUNT
    assert parse_adjust(["STP-24", "−1", "盘点"]).qty == -1
    other = parse_adjust(["STP-24", "3", "found", "behind", "a", "shelf"])
    assert (other.reason, other.note) == (AdjustReason.OTHER, "found behind a shelf")
    assert problem(parse_adjust, ["STP-24", "-2"]) is StockProblem.REASON
    assert problem(parse_adjust, ["STP-24", "-2", "other"]) is StockProblem.REASON
    assert problem(parse_adjust, ["STP-24"]) is StockProblem.USAGE_ADJUST
    assert problem(parse_adjust, ["STP-24", "0", "count"]) is StockProblem.QUANTITY


def test_never_below_reserved() -> None:
    assert check_adjustment("A", 10, 4, -6) == 4
    with pytest.raises(StockRefused) as caught:
        check_adjustment("A", 10, 4, -7)
    assert (caught.value.problem, caught.value.on_hand, caught.value.reserved) == (
        StockProblem.BELOW_RESERVED,
        10,
        4,
    )


def test_low_stock_crossings() -> None:
    assert is_low(5, 5) and not is_low(6, 5) and is_low(-1, 0)
    assert crossing(5, 5, flagged=False) is True  # fell: tell once
    assert crossing(4, 5, flagged=True) is None  # still low: not again
    assert crossing(6, 5, flagged=True) is False  # risen above: clear
    assert crossing(6, 5, flagged=False) is None


@given(st.text(max_size=12))
def test_any_quantity_text_is_a_bounded_number_or_refused(text: str) -> None:
    try:
        value = parse_quantity(text, signed=True)
    except StockRefused as error:
        assert error.problem is StockProblem.QUANTITY
        return
    assert value != 0 and abs(value) <= MAX_MOVE
