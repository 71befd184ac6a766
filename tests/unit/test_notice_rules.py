"""When a notice that did not arrive is tried again, and when it is given up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.notices import MAX_AGE, MAX_PAUSE, expired, retry_at

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def test_pauses_grow_from_one_second_and_stop_at_the_cap() -> None:
    pauses = [(retry_at(NOW, n) - NOW).total_seconds() for n in range(1, 9)]
    assert pauses == [1, 2, 4, 8, 16, 30, 30, 30]
    assert retry_at(NOW, 1000) - NOW == MAX_PAUSE


def test_telegrams_own_wait_is_kept_however_long() -> None:
    assert retry_at(NOW, 1, timedelta(seconds=45)) == NOW + timedelta(seconds=45)
    assert retry_at(NOW, 7, timedelta(0)) == NOW + timedelta(seconds=1), "never at once"


def test_a_notice_older_than_two_days_is_given_up() -> None:
    assert not expired(NOW - MAX_AGE, NOW)
    assert expired(NOW - MAX_AGE - timedelta(seconds=1), NOW)
