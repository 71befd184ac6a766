"""The statement of account's rule: the opening balance sums what came before the period, each
entry of the period moves the running balance its way, in date order, and the closing balance
is where it ends; the periods offered and when the monthly statements are due."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.reports import Period
from bot.domain.statement import (
    EntryKind,
    Movement,
    Presets,
    build,
    month_key,
    monthly_due,
    note_kind,
    preset_period,
    previous_month,
)

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def entry(kind: EntryKind, day: date, amount: int, hour: int = 10, **extra: str) -> Movement:
    at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return Movement(kind=kind, day=day, at=at, order_number="SO-1", amount=amount, **extra)


def test_each_kind_moves_the_balance_its_way() -> None:
    assert entry(EntryKind.INVOICE, date(2026, 11, 2), 100).change == 100
    assert entry(EntryKind.DEBIT_NOTE, date(2026, 11, 2), 100).change == 100
    assert entry(EntryKind.REFUND, date(2026, 11, 2), 100).change == 100
    assert entry(EntryKind.CREDIT_NOTE, date(2026, 11, 2), 100).change == -100
    assert entry(EntryKind.PAYMENT, date(2026, 11, 2), 100).change == -100
    assert note_kind(500) is EntryKind.CREDIT_NOTE and note_kind(-500) is EntryKind.DEBIT_NOTE


def test_opening_running_and_closing_balance() -> None:
    book = [
        entry(EntryKind.INVOICE, date(2026, 10, 20), 23_500),  # before: owed 235.00
        entry(EntryKind.PAYMENT, date(2026, 10, 25), 10_000),  # before: paid 100.00
        entry(EntryKind.PAYMENT, date(2026, 11, 5), 13_500),
        entry(EntryKind.INVOICE, date(2026, 11, 10), 50_000),
        entry(EntryKind.CREDIT_NOTE, date(2026, 11, 12), 5_000),
        entry(EntryKind.PAYMENT, date(2026, 11, 20), 50_000),  # 5.00 too much
        entry(EntryKind.REFUND, date(2026, 11, 28), 5_000),
        entry(EntryKind.INVOICE, date(2026, 12, 1), 99_900),  # after: left out
    ]
    random.Random(7).shuffle(book)
    s = build(book, *NOV)
    assert s.opening == 13_500
    assert [(line.entry.kind, line.balance) for line in s.lines] == [
        (EntryKind.PAYMENT, 0),
        (EntryKind.INVOICE, 50_000),
        (EntryKind.CREDIT_NOTE, 45_000),
        (EntryKind.PAYMENT, -5_000),  # below zero: the seller owes
        (EntryKind.REFUND, 0),
    ]
    assert s.closing == 0
    assert (s.debits, s.credits) == (55_000, 68_500)
    assert s.opening + s.debits - s.credits == s.closing


def test_a_period_without_entries_keeps_its_opening_balance() -> None:
    book = [entry(EntryKind.INVOICE, date(2026, 10, 1), 700)]
    s = build(book, *NOV)
    assert (s.opening, s.lines, s.closing, s.debits, s.credits) == (700, (), 700, 0, 0)
    assert build([], *NOV).closing == 0


def test_an_opening_balance_summed_elsewhere_is_carried_on() -> None:
    """The service sums what came before in SQL and gives only the period's entries."""
    s = build([entry(EntryKind.PAYMENT, date(2026, 11, 3), 300)], *NOV, opening=1_000)
    assert (s.opening, s.closing) == (1_000, 700)
    assert build([entry(EntryKind.PAYMENT, date(2026, 10, 3), 300)], *NOV, 1_000).opening == 700


def test_first_and_last_day_belong_to_the_period() -> None:
    book = [
        entry(EntryKind.INVOICE, date(2026, 11, 1), 1),
        entry(EntryKind.INVOICE, date(2026, 11, 30), 2),
    ]
    assert [line.entry.amount for line in build(book, *NOV).lines] == [1, 2]


def test_one_days_entries_in_the_order_they_were_recorded_documents_first() -> None:
    day = date(2026, 11, 9)
    book = [
        entry(EntryKind.PAYMENT, day, 50, hour=12),
        entry(EntryKind.REFUND, day, 50, hour=9),
        entry(EntryKind.PAYMENT, day, 10, hour=9),
        entry(EntryKind.INVOICE, day, 100, hour=9),
        entry(EntryKind.CREDIT_NOTE, day, 20, hour=9),
    ]
    kinds = [line.entry.kind for line in build(book, *NOV).lines]
    assert kinds == [
        EntryKind.INVOICE,
        EntryKind.CREDIT_NOTE,
        EntryKind.PAYMENT,
        EntryKind.REFUND,
        EntryKind.PAYMENT,
    ]
    # A payment typed in later for an earlier day counts on the day it was paid.
    late = entry(EntryKind.PAYMENT, date(2026, 11, 2), 5, hour=23)
    assert build([*book, late], *NOV).lines[0].entry is late


def test_the_balance_never_loses_a_cent() -> None:
    rng = random.Random(13)
    kinds = list(EntryKind)
    for _ in range(200):
        book = [
            entry(
                rng.choice(kinds),
                date(2026, 9, 1) + timedelta(days=rng.randrange(120)),
                rng.randrange(1, 10**7),
                hour=rng.randrange(24),
            )
            for _ in range(rng.randrange(30))
        ]
        start = date(2026, 10, 1) + timedelta(days=rng.randrange(30))
        end = start + timedelta(days=rng.randrange(60))
        s = build(book, start, end)
        assert s.opening == sum(e.change for e in book if e.day < start)
        assert s.closing == sum(e.change for e in book if e.day <= end)
        assert s.closing == s.opening + s.debits - s.credits
        days = [line.entry.day for line in s.lines]
        assert days == sorted(days) and all(start <= d <= end for d in days)
        running = s.opening
        for line in s.lines:
            running += line.entry.change
            assert line.balance == running


def test_preset_periods() -> None:
    today = date(2026, 11, 23)
    assert preset_period(Presets.THIS_MONTH, today) == Period(date(2026, 11, 1), today)
    assert preset_period(Presets.LAST_MONTH, today) == Period(
        date(2026, 10, 1), date(2026, 10, 31)
    )
    assert preset_period(Presets.THIS_YEAR, today) == Period(date(2026, 1, 1), today)
    assert previous_month(date(2027, 1, 1)) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert previous_month(date(2028, 3, 31)) == Period(date(2028, 2, 1), date(2028, 2, 29))
    assert month_key(previous_month(date(2027, 1, 15))) == "2026-12"
    with pytest.raises(InvalidInput):
        Period(date(2026, 11, 2), date(2026, 11, 1))


def test_monthly_statements_are_due_from_their_day_and_hour_for_the_rest_of_the_month() -> None:
    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 12, day, hour)

    assert not monthly_due(at(1, 8), 1, 9)
    assert monthly_due(at(1, 9), 1, 9)
    assert monthly_due(at(17, 0), 1, 9), "a bot down on the day catches up"
    assert not monthly_due(at(4, 23), 5, 9)
    assert monthly_due(at(5, 9), 5, 9)
