"""Fixtures for conversation tests: a started offline Application over the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.handlers import progress
from tests.conftest import make_config
from tests.harness import Harness


@pytest.fixture(autouse=True)
def work_is_quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """No progress message unless a test asks for one (by setting PROGRESS_AFTER to 0): on a
    busy machine an export's own process can take two seconds to start, and what a test of
    the quick path expects as an alert would come as a progress message instead."""
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 60.0)


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


ADMIN = 9000001


@dataclass
class Team:
    bot: Harness
    rep: int
    manager: int
    manager2: int
    warehouse: int
    finance: int
    customer: int


async def _grant(bot: Harness, uid: int, role: str) -> None:
    await bot.send(uid, "/help")  # the bot meets them
    (user_id,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", uid))[0]
    await query(
        bot,
        "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, ?, 'now')",
        user_id,
        role,
    )


@pytest.fixture
async def team(
    db: Database, clock: FixedClock, request: pytest.FixtureRequest
) -> AsyncIterator[Team]:
    """A rep, two managers, a warehouse clerk, a finance clerk and a customer of the rep
    (configuration sections added: `@pytest.mark.parametrize("team", [{...}], indirect=True)`)."""
    sections: dict[str, object] = getattr(request, "param", {})
    await db.close()
    config = make_config(
        db.path,
        business={"admins": [ADMIN]},
        review={"manager_threshold": "1000.00", "auto_approve_limit": "200.00"},
        shipping={"carriers": ["SF Express", "JD Logistics"]},
        **sections,
    )
    bot = await Harness(config, clock).start()
    rep, manager, manager2 = bot.user("Sam"), bot.user("Mia"), bot.user("Max")
    await _grant(bot, rep, "sales_rep")
    await _grant(bot, manager, "sales_manager")
    await _grant(bot, manager2, "sales_manager")
    warehouse = bot.user("Wu")
    await _grant(bot, warehouse, "warehouse")
    finance = bot.user("Fay")
    await _grant(bot, finance, "finance")
    customer = bot.user("Ann")
    await bot.register(customer)
    yield Team(bot, rep, manager, manager2, warehouse, finance, customer)
    await bot.stop()
