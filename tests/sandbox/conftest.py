"""Fixtures for the sandbox tests."""

from __future__ import annotations

import pytest

from sandbox import FakeTelegram


@pytest.fixture
def fake() -> FakeTelegram:
    """A fresh fake Telegram with a fixed clock."""
    return FakeTelegram(clock=lambda: 1_700_000_000.0)


@pytest.fixture
def uid(fake: FakeTelegram) -> int:
    """A user with a private chat."""
    return fake.create_user("Ann", "Lee", username="ann")
