"""Reminder rules: when each reminder step is reached, quiet hours, what is owed, their config."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, RemindersConfig
from bot.domain.models import OrderType
from bot.domain.payments import outstanding, remaining
from bot.domain.reminders import (
    Audience,
    DeliveryStep,
    Nudge,
    approval_level,
    delivery_step,
    dunning_position,
    expected_arrival,
    overdue_audiences,
    payment_level,
    quiet,
    quiet_until,
    ship_deadline,
)
from tests.conftest import make_config

DUE = date(2026, 11, 23)
DUNNING = (1, 7, 14, 30)
SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
STAFF = (Audience.REP, Audience.FINANCE)
STAFF_AND_MANAGERS = (Audience.REP, Audience.FINANCE, Audience.MANAGERS)


def reminders(tmp_path: Path, **values: Any) -> RemindersConfig:
    """The [reminders] section of the test configuration with some values changed."""
    return make_config(tmp_path / "x.sqlite3", reminders=values).reminders


# payment_level: days from the due date (negative before it) -> the newest step reached.
@pytest.mark.parametrize(
    ("offset", "level"),
    [
        (-30, None),
        (-4, None),  # one day before the first reminder
        (-3, -3),  # exactly the configured days before
        (-2, -3),
        (-1, -3),
        (0, 0),  # the due day
        (1, 1),
        (6, 1),
        (7, 7),
        (10, 7),  # between dunning steps: the newest step reached
        (13, 7),
        (14, 14),
        (29, 14),
        (30, 30),
        (31, 30),
        (400, 30),  # far past the last step
    ],
)
def test_payment_level_with_default_steps(offset: int, level: int | None) -> None:
    today = DUE + timedelta(days=offset)
    assert payment_level(DUE, today, [3], DUNNING) == level


@pytest.mark.parametrize(
    ("offset", "level"),
    [(-8, None), (-7, -7), (-5, -7), (-4, -7), (-3, -3), (-1, -3), (0, 0), (1, 1)],
)
def test_payment_level_with_several_days_before(offset: int, level: int | None) -> None:
    today = DUE + timedelta(days=offset)
    assert payment_level(DUE, today, [7, 3], DUNNING) == level
    assert payment_level(DUE, today, [3, 7, 3], DUNNING) == level


@pytest.mark.parametrize(("offset", "level"), [(-3, None), (-1, None), (0, 0), (1, 1), (8, 7)])
def test_payment_level_without_days_before(offset: int, level: int | None) -> None:
    today = DUE + timedelta(days=offset)
    assert payment_level(DUE, today, [], DUNNING) == level


@pytest.mark.parametrize(("offset", "level"), [(0, 0), (5, 1), (7, 7), (20, 14), (45, 30)])
def test_payment_level_ignores_the_order_of_dunning_days(offset: int, level: int) -> None:
    today = DUE + timedelta(days=offset)
    assert payment_level(DUE, today, [3], [30, 1, 14, 7]) == level


def test_payment_level_counts_calendar_days_across_a_year_end() -> None:
    due = date(2026, 12, 30)
    assert payment_level(due, date(2026, 12, 27), [3], DUNNING) == -3
    assert payment_level(due, date(2027, 1, 5), [3], DUNNING) == 1
    assert payment_level(due, date(2027, 1, 6), [3], DUNNING) == 7
    assert payment_level(due, date(2027, 1, 29), [3], DUNNING) == 30


@pytest.mark.parametrize(
    ("level", "position"),
    [(1, 0), (7, 1), (14, 2), (30, 3), (10, 0), (0, 0), (-3, 0), (31, 0)],
)
def test_dunning_position(level: int, position: int) -> None:
    assert dunning_position(level, DUNNING) == position
    assert dunning_position(level, [30, 14, 7, 1]) == position


@pytest.mark.parametrize(
    ("level", "managers_from_days", "audiences"),
    [
        (-3, 14, ()),
        (0, 14, ()),
        (1, 14, STAFF),
        (7, 14, STAFF),
        (13, 14, STAFF),
        (14, 14, STAFF_AND_MANAGERS),
        (30, 14, STAFF_AND_MANAGERS),
        (0, 1, ()),
        (1, 1, STAFF_AND_MANAGERS),
        (29, 30, STAFF),
        (30, 30, STAFF_AND_MANAGERS),
    ],
)
def test_overdue_audiences(
    level: int, managers_from_days: int, audiences: tuple[Audience, ...]
) -> None:
    assert overdue_audiences(level, managers_from_days) == audiences


SUBMITTED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("waited", "nudge"),
    [
        (timedelta(0), None),
        (timedelta(hours=4) - timedelta(seconds=1), None),
        (timedelta(hours=4), Nudge.DECIDERS),
        (timedelta(hours=6), Nudge.DECIDERS),
        (timedelta(hours=8) - timedelta(seconds=1), Nudge.DECIDERS),
        (timedelta(hours=8), Nudge.MANAGERS),
        (timedelta(hours=9), Nudge.MANAGERS),
        (timedelta(days=5), Nudge.MANAGERS),
    ],
)
def test_approval_level(waited: timedelta, nudge: Nudge | None) -> None:
    now = SUBMITTED + waited
    assert approval_level(SUBMITTED, now, 4) is nudge
    # The same instant seen in another zone waited just as long.
    assert approval_level(SUBMITTED, now.astimezone(SHANGHAI), 4) is nudge
    assert approval_level(SUBMITTED.astimezone(BERLIN), now.astimezone(SHANGHAI), 4) is nudge


@pytest.mark.parametrize(
    ("approved_on", "promised", "within_days", "deadline"),
    [
        (DUE, None, 2, date(2026, 11, 25)),
        (DUE, None, 14, date(2026, 12, 7)),
        (date(2026, 12, 30), None, 5, date(2027, 1, 4)),
        (DUE, date(2026, 12, 1), 2, date(2026, 12, 1)),  # a later promise wins over the SLA
        (DUE, date(2026, 11, 24), 14, date(2026, 11, 24)),  # and so does an earlier one
    ],
)
def test_ship_deadline(
    approved_on: date, promised: date | None, within_days: int, deadline: date
) -> None:
    assert ship_deadline(approved_on, promised, within_days) == deadline


@pytest.mark.parametrize(
    ("expected", "shipped_on", "transit_days", "arrival"),
    [
        (None, DUE, 3, date(2026, 11, 26)),
        (None, date(2026, 12, 30), 3, date(2027, 1, 2)),
        (date(2026, 12, 5), DUE, 3, date(2026, 12, 5)),
        (date(2026, 11, 24), DUE, 3, date(2026, 11, 24)),
    ],
)
def test_expected_arrival(
    expected: date | None, shipped_on: date, transit_days: int, arrival: date
) -> None:
    assert expected_arrival(expected, shipped_on, transit_days) == arrival


@pytest.mark.parametrize(
    ("offset", "step"),
    [
        (-2, None),
        (0, None),  # arriving today is not late yet
        (1, DeliveryStep.LATE),
        (2, DeliveryStep.LATE),
        (3, DeliveryStep.CONFIRM),
        (4, DeliveryStep.CONFIRM),
        (60, DeliveryStep.CONFIRM),
    ],
)
def test_delivery_step(offset: int, step: DeliveryStep | None) -> None:
    assert delivery_step(DUE, DUE + timedelta(days=offset), 1, 3) is step


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (time(0, 0), False),
        (time(12, 59, 59), False),
        (time(13, 0), True),
        (time(13, 30), True),
        (time(13, 59, 59), True),
        (time(14, 0), False),
        (time(23, 0), False),
    ],
)
def test_quiet_in_a_window_within_the_day(moment: time, expected: bool) -> None:
    assert quiet(moment, time(13, 0), time(14, 0)) is expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (time(12, 0), False),
        (time(20, 59), False),
        (time(20, 59, 59), False),
        (time(21, 0), True),
        (time(23, 59), True),
        (time(0, 0), True),
        (time(3, 0), True),
        (time(7, 59), True),
        (time(7, 59, 59), True),
        (time(8, 0), False),
        (time(8, 1), False),
    ],
)
def test_quiet_in_a_window_spanning_midnight(moment: time, expected: bool) -> None:
    assert quiet(moment, time(21, 0), time(8, 0)) is expected


@pytest.mark.parametrize(
    "moment", [time(0, 0), time(7, 59), time(8, 0), time(12, 0), time(23, 59)]
)
def test_equal_start_and_end_is_never_quiet(moment: time) -> None:
    assert quiet(moment, time(8, 0), time(8, 0)) is False
    assert quiet(moment, time(0, 0), time(0, 0)) is False


@pytest.mark.parametrize(
    ("local", "until"),
    [
        # Before midnight: the end is tomorrow morning.
        (datetime(2026, 11, 23, 21, 0), datetime(2026, 11, 24, 8, 0)),
        (datetime(2026, 11, 23, 23, 30, 45, 123), datetime(2026, 11, 24, 8, 0)),
        (datetime(2026, 12, 31, 22, 0), datetime(2027, 1, 1, 8, 0)),
        # After midnight: the end is this morning.
        (datetime(2026, 11, 24, 0, 0), datetime(2026, 11, 24, 8, 0)),
        (datetime(2026, 11, 24, 2, 15), datetime(2026, 11, 24, 8, 0)),
        (datetime(2026, 11, 24, 7, 59, 59), datetime(2026, 11, 24, 8, 0)),
    ],
)
def test_quiet_until_across_midnight(local: datetime, until: datetime) -> None:
    held = quiet_until(local.replace(tzinfo=SHANGHAI), time(21, 0), time(8, 0))
    assert held == until.replace(tzinfo=SHANGHAI)
    assert held.tzinfo is SHANGHAI


def test_quiet_until_in_a_window_within_the_day() -> None:
    local = datetime(2026, 11, 23, 13, 30, tzinfo=SHANGHAI)
    assert quiet_until(local, time(13, 0), time(14, 0)) == datetime(
        2026, 11, 23, 14, 0, tzinfo=SHANGHAI
    )


def test_quiet_until_keeps_the_local_hour_over_a_clock_change() -> None:
    # Berlin moves its clocks forward at 02:00 on 2026-03-29; the end is still 08:00 there.
    held = quiet_until(datetime(2026, 3, 28, 23, 0, tzinfo=BERLIN), time(21, 0), time(8, 0))
    assert held == datetime(2026, 3, 29, 8, 0, tzinfo=BERLIN)
    assert held.utcoffset() == timedelta(hours=2)
    assert held.astimezone(UTC) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


def test_quiet_until_an_end_with_seconds() -> None:
    # The config accepts quiet_end = "08:00:30"; at 08:00:15 it is still quiet, for 15 seconds.
    end = time(8, 0, 30)
    local = datetime(2026, 11, 24, 8, 0, 15, tzinfo=SHANGHAI)
    assert quiet(local.time(), time(21, 0), end)
    assert quiet_until(local, time(21, 0), end) == datetime(
        2026, 11, 24, 8, 0, 30, tzinfo=SHANGHAI
    )


DUES = [(date(2026, 12, 1), 300), (date(2026, 11, 1), 300), (date(2027, 1, 1), 400)]


@pytest.mark.parametrize(
    ("paid", "left"),
    [
        (0, [300, 300, 400]),
        (100, [300, 200, 400]),  # the oldest (given second) is paid first
        (300, [300, 0, 400]),
        (400, [200, 0, 400]),
        (600, [0, 0, 400]),
        (601, [0, 0, 399]),
        (1000, [0, 0, 0]),
        (5000, [0, 0, 0]),  # overpaid: nothing owed, nothing negative
    ],
)
def test_remaining_pays_the_oldest_first_in_the_order_given(paid: int, left: list[int]) -> None:
    assert remaining(DUES, paid) == left
    assert remaining(list(reversed(DUES)), paid) == list(reversed(left))


@pytest.mark.parametrize("paid", [0, 1, 299, 300, 301, 599, 600, 999, 1000, 1001, 10_000])
def test_remaining_agrees_with_outstanding(paid: int) -> None:
    left = remaining(DUES, paid)
    assert all(amount >= 0 for amount in left)
    assert sum(left) == max(1000 - paid, 0)
    owed = [(due, amount) for (due, _), amount in zip(DUES, left, strict=True) if amount]
    assert sorted(owed) == outstanding(DUES, paid)


def test_remaining_edge_cases() -> None:
    assert remaining([], 500) == []
    assert remaining([(DUE, 250)], 0) == [250]
    # The same due date twice: paid in the order given.
    assert remaining([(DUE, 100), (DUE, 100)], 150) == [0, 50]


def test_reminders_defaults(tmp_path: Path) -> None:
    cfg = make_config(tmp_path / "x.sqlite3", reminders={"per_chat_seconds": 1.0}).reminders
    assert cfg == RemindersConfig()
    assert cfg.enabled is True
    assert cfg.scan_minutes == 5
    assert cfg.payment_before_days == [3]
    assert cfg.dunning_days == [1, 7, 14, 30]
    assert cfg.managers_from_days == 14
    assert cfg.approval_hours == 4
    assert cfg.transit_days == 3
    assert (cfg.late_delivery_days, cfg.confirm_receipt_days) == (1, 3)
    assert cfg.digest_time == time(8, 30)
    assert (cfg.quiet_start, cfg.quiet_end) == (time(21, 0), time(8, 0))
    assert cfg.quiet_hours_for_staff is True
    assert cfg.per_chat_seconds == 1.0
    assert {kind: cfg.ship_within(kind) for kind in OrderType} == {
        OrderType.STANDARD: 2,
        OrderType.BULK: 5,
        OrderType.PREORDER: 14,
        OrderType.CUSTOM: 10,
    }


def test_days_lists_are_deduplicated_and_sorted(tmp_path: Path) -> None:
    cfg = reminders(tmp_path, dunning_days=[30, 7, 1, 7, 14, 30], payment_before_days=[1, 7, 3, 7])
    assert cfg.dunning_days == [1, 7, 14, 30]
    assert cfg.payment_before_days == [1, 3, 7]
    assert reminders(tmp_path, payment_before_days=[]).payment_before_days == []


@pytest.mark.parametrize(("late", "confirm"), [(1, 2), (2, 3), (5, 30)])
def test_confirm_receipt_later_than_late_delivery_is_accepted(
    tmp_path: Path, late: int, confirm: int
) -> None:
    cfg = reminders(tmp_path, late_delivery_days=late, confirm_receipt_days=confirm)
    assert (cfg.late_delivery_days, cfg.confirm_receipt_days) == (late, confirm)


@pytest.mark.parametrize(
    "values",
    [
        {"confirm_receipt_days": 1},  # equal to the default late_delivery_days
        {"late_delivery_days": 3},  # equal to the default confirm_receipt_days
        {"late_delivery_days": 5, "confirm_receipt_days": 2},
    ],
)
def test_confirm_receipt_not_later_than_late_delivery_is_refused(
    tmp_path: Path, values: dict[str, int]
) -> None:
    with pytest.raises(ConfigError) as caught:
        reminders(tmp_path, **values)
    assert str(caught.value) == (
        "reminders: confirm_receipt_days must be later than late_delivery_days"
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"dunning_days": [0]}, "reminders.dunning_days.0: Input should be greater than or equal"),
        ({"dunning_days": [1, -7]}, "reminders.dunning_days.1: Input should be greater than or"),
        ({"dunning_days": []}, "reminders.dunning_days: List should have at least 1 item"),
        ({"dunning_days": [366]}, "reminders.dunning_days.0: Input should be less than or equal"),
        ({"payment_before_days": [0]}, "reminders.payment_before_days.0: Input should be greater"),
        ({"payment_before_days": [-3]}, "reminders.payment_before_days.0: Input should be great"),
        ({"managers_from_days": 0}, "reminders.managers_from_days: Input should be greater"),
        ({"approval_hours": 0}, "reminders.approval_hours: Input should be greater"),
        ({"approval_hours": -4}, "reminders.approval_hours: Input should be greater"),
        ({"transit_days": 0}, "reminders.transit_days: Input should be greater"),
        ({"late_delivery_days": 0}, "reminders.late_delivery_days: Input should be greater"),
        ({"confirm_receipt_days": -1}, "reminders.confirm_receipt_days: Input should be greater"),
        ({"scan_minutes": 0}, "reminders.scan_minutes: Input should be greater"),
        ({"per_chat_seconds": -1}, "reminders.per_chat_seconds: Input should be greater"),
        ({"ship_within_days": {"bulk": 0}}, "reminders.ship_within_days.bulk: Input should be"),
        ({"ship_within_days": {"gift": 3}}, "reminders.ship_within_days.gift.[key]: Input should"),
        ({"digest_time": "25:00"}, "reminders.digest_time: Input should be in a valid time"),
        ({"quiet_start": "late"}, "reminders.quiet_start: Input should be in a valid time"),
        ({"colour": "red"}, "reminders.colour: is not a known setting"),
    ],
)
def test_bad_reminder_values_name_the_key(
    tmp_path: Path, values: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        reminders(tmp_path, **values)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("key", ["digest_time", "quiet_start", "quiet_end"])
@pytest.mark.parametrize("value", ["07:15", "07:15:00", time(7, 15)])
def test_times_of_day_are_read(tmp_path: Path, key: str, value: str | time) -> None:
    assert getattr(reminders(tmp_path, **{key: value}), key) == time(7, 15)


def test_ship_within_falls_back_for_missing_order_types(tmp_path: Path) -> None:
    cfg = reminders(tmp_path, ship_within_days={"bulk": 9, "custom": 21})
    assert cfg.ship_within(OrderType.BULK) == 9
    assert cfg.ship_within(OrderType.CUSTOM) == 21
    # The table replaces the default one; types left out get the two-day default.
    assert cfg.ship_within(OrderType.STANDARD) == 2
    assert cfg.ship_within(OrderType.PREORDER) == 2
    assert reminders(tmp_path, ship_within_days={}).ship_within(OrderType.PREORDER) == 2
