"""Fixtures for conversation tests: a started offline Application over the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from tests.harness import Harness


@pytest.fixture
async def bot(config: Config, clock: FixedClock, db: Database) -> AsyncIterator[Harness]:
    """The offline OrderDesk; `db` has already migrated the file and loaded the catalog."""
    await db.close()
    harness = await Harness(config, clock).start()
    yield harness
    if harness.app is not None:
        await harness.stop()
