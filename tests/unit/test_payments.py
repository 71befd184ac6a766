"""Due dates, payment status, what is outstanding, ageing buckets, typed amounts."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.models import PaymentKind, PaymentStatus
from bot.domain.parsing import parse_money
from bot.domain.payments import bucket, outstanding, payment_status, schedule

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


def test_status_and_outstanding() -> None:
    assert payment_status(1000, 0) is PaymentStatus.UNPAID
    assert payment_status(1000, 1) is PaymentStatus.PARTIALLY_PAID
    assert payment_status(1000, 1000) is PaymentStatus.PAID
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
