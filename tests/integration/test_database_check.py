"""A database file too big to check before serving (CHECK_AT_OPEN_BYTES) opens at once and
is checked right after, below the bot's answers; a damaged one stops the bot with what is
wrong. A smaller damaged file is refused at opening, as before."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app import QUICK_CHECK
from bot.clock import FixedClock
from bot.db import Database, database
from bot.runtime.connection import DatabaseUnusable
from tests.conftest import START, make_config
from tests.harness import Harness
from tests.reliability.test_cli_faults import migrated, overwrite_page


@pytest.fixture
async def damaged(tmp_path: Path) -> Path:
    path = tmp_path / "orderdesk.sqlite3"
    await migrated(path)
    overwrite_page(path)
    return path


async def test_a_small_damaged_file_is_refused_at_opening(damaged: Path) -> None:
    with pytest.raises(DatabaseUnusable, match=r"damaged \("):
        await Database(damaged).open()


async def test_a_big_file_opens_unchecked_then_check_says_what_is_wrong(
    damaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "CHECK_AT_OPEN_BYTES", 0)
    db = Database(damaged)
    await db.open()
    try:
        assert db.unchecked
        damage = await db.check()
    finally:
        await db.close()
    assert damage is not None and "damaged (" in str(damage) and "orderdesk check" in str(damage)
    healthy = Database(tmp_path / "healthy" / "orderdesk.sqlite3")
    await healthy.open()  # a new file: nothing to check
    assert not healthy.unchecked
    await healthy.close()
    await migrated(tmp_path / "sound.sqlite3")
    sound = Database(tmp_path / "sound.sqlite3")
    await sound.open()
    try:
        assert sound.unchecked and await sound.check() is None
    finally:
        await sound.close()


async def test_the_bot_stops_on_a_big_damaged_file(
    damaged: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(database, "CHECK_AT_OPEN_BYTES", 0)
    stopped: list[bool] = []
    bot = await Harness(make_config(damaged), FixedClock(START)).start()
    assert bot.app is not None
    monkeypatch.setattr(bot.app, "stop_running", lambda: stopped.append(True))
    with caplog.at_level(logging.CRITICAL, logger="bot.app"):
        await bot.app.bot_data[QUICK_CHECK]
    await bot.stop()
    assert stopped == [True]
    assert any("damaged (" in r.getMessage() for r in caplog.records)
