"""Due dates, payment status, what is outstanding, ageing buckets, typed amounts."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.models import OrderStatus, PaymentKind, PaymentStatus
from bot.domain.parsing import parse_money
from bot.domain.payments import (
    bucket,
    deposit,
    ledger,
    outstanding,
    reschedule,
    schedule,
    spread,
)

DAY = date(2026, 11, 23)


def test_schedules() -> None:
    assert schedule(PaymentKind.PREPAID, 1000, DAY) == [(DAY, 1000)]
    assert schedule(PaymentKind.NET, 1000, DAY, days=30) == [(date(2026, 12, 23), 1000)]
    assert schedule(PaymentKind.INSTALMENTS, 1000, DAY, count=3, interval=30) == [
        (DAY, 334),
        (date(2026, 12, 23), 333),
        (date(2027, 1, 22), 333),
    ]
    assert schedule(PaymentKind.NET, 0, DAY, days=30) == []


def status(total: int, paid: int, refunded: int = 0, state: OrderStatus = OrderStatus.APPROVED):
    return ledger(total, state, paid, refunded).status


def test_status_and_outstanding() -> None:
    assert status(1000, 0) is PaymentStatus.UNPAID
    assert status(1000, 1) is PaymentStatus.PARTIALLY_PAID
    assert status(1000, 1000) is PaymentStatus.PAID
    assert status(1000, 1200) is PaymentStatus.PAID  # with 200 to pay back
    assert status(1000, 1200, 200) is PaymentStatus.PARTIALLY_REFUNDED
    assert status(1000, 500, 0, OrderStatus.CANCELLED) is PaymentStatus.PAID
    assert status(1000, 500, 200, OrderStatus.CANCELLED) is PaymentStatus.PARTIALLY_REFUNDED
    assert status(1000, 500, 500, OrderStatus.REJECTED) is PaymentStatus.REFUNDED
    assert status(1000, 0, 0, OrderStatus.CANCELLED) is PaymentStatus.UNPAID
    assert status(1500, 1200, 200) is PaymentStatus.PARTIALLY_PAID  # a total raised again
    dues = [(date(2026, 12, 1), 300), (date(2026, 11, 1), 300), (date(2027, 1, 1), 400)]
    assert outstanding(dues, 400) == [(date(2026, 12, 1), 200), (date(2027, 1, 1), 400)]
    assert outstanding(dues, 1000) == []


@pytest.mark.parametrize(
    ("days", "index"), [(0, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3), (400, 3)]
)
def test_ageing_buckets(days: int, index: int) -> None:
    assert bucket(days) == index


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1234.5", 123450),
        ("1,234.50", 123450),
        ("1 234,50", 123450),
        ("¥1234", 123400),
        ("12,5", 1250),
        ("35", 3500),
        ("CN¥35.00", 3500),
        ("１２３", 12300),
    ],
)
def test_amounts(text: str, minor: int) -> None:
    assert parse_money(text, 2) == minor


@pytest.mark.parametrize("text", ["-3", "−3", "0", "abc", "0.001", "1000000001", "1.2.3", ""])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_money(text, 2)


def test_ledger_owed_and_refund_due() -> None:
    money = ledger(17500, OrderStatus.APPROVED, 17500, 0)
    assert (money.owed, money.refund_due) == (0, 0)
    money = ledger(15750, OrderStatus.APPROVED, 17500, 0)  # a discount after payment
    assert (money.owed, money.refund_due, money.charge) == (0, 1750, 15750)
    money = ledger(15750, OrderStatus.CANCELLED, 17500, 1750)
    assert (money.charge, money.owed, money.refund_due, money.net) == (0, 0, 15750, 15750)
    money = ledger(20000, OrderStatus.SHIPPED, 5000, 0)
    assert (money.owed, money.refund_due) == (15000, 0)


def test_reschedule_follows_a_new_total() -> None:
    a, b, c = date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)
    dues = [(b, 300), (a, 300), (c, 400)]
    assert reschedule(dues, 1000) == [(a, 300), (b, 300), (c, 400)]
    assert reschedule(dues, 1100) == [(a, 300), (b, 300), (c, 500)]
    assert reschedule(dues, 500) == [(a, 300), (b, 200)]
    assert reschedule(dues, 300) == [(a, 300)]
    assert reschedule(dues, 0) == []
    assert reschedule([], 500) == []


def test_spread_pays_in_order_and_keeps_the_rest() -> None:
    assert spread([300, 200, 500], 600) == ([300, 200, 100], 0)
    assert spread([300, 200], 600) == ([300, 200], 100)
    assert spread([0, 200], 50) == ([0, 50], 0)


def test_deposit_is_the_percent_of_pre_ordered_lines_rounded_once() -> None:
    # 30% of 129.00 × 3 = 116.10
    assert deposit([(38700, 30)], 40200) == 11610
    # each line's share is 0.333…: rounded per line it would be 0 + 0 + 0; once, 1
    assert deposit([(1, 33), (1, 33), (1, 34)], 100) == 1
    # 13% and 12% of 0.05: 0.0065 + 0.006 = 0.0125 → 0.01 once (per line: 0.01 + 0.01)
    assert deposit([(5, 13), (5, 12)], 100) == 1
    assert deposit([(999, 50)], 5000) == 500  # 4.995 → 5.00, half up
    # lines of different percents (a product's own, the config's)
    assert deposit([(10000, 30), (20000, 10)], 30000) == 5000
    assert deposit([(10000, 0), (20000, 0)], 30000) == 0  # no deposit
    assert deposit([], 30000) == 0
    assert deposit([(10000, 100)], 9000) == 9000, "never more than the order charges"
