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


@pytest.fixture
async def ann(bot: Harness) -> int:
    """A registered English-speaking customer."""
    uid = bot.user("Ann", "en")
    await bot.register(uid)
    return uid


async def query(bot: Harness, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Run SQL on the bot's database through a second connection, as another process would."""
    db = Database(bot.config.database.path)
    await db.open()
    try:
        async with db.unit_of_work() as uow, db.connection.execute(sql, params) as cursor:
            rows = [tuple(row) for row in await cursor.fetchall()]
            await uow.commit()
        return rows
    finally:
        await db.close()
