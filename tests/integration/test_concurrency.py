"""Many customers confirming at once for the last units: nothing is sold twice."""

from __future__ import annotations

import asyncio

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.errors import LinesUnavailable
from bot.services import Services
from tests.integration.helpers import customer, draft, product


async def _race(services: Services, users: list, product_id: int) -> tuple[int, int]:  # type: ignore[type-arg]
    async def confirm(user):  # type: ignore[no-untyped-def]
        try:
            await services.checkout.submit(user, draft(f"tok-{user.id}"))
        except LinesUnavailable:
            return False
        return True

    results = await asyncio.gather(*(confirm(u) for u in users))
    return results.count(True), results.count(False)


async def test_last_units_are_sold_once(services: Services, db: Database) -> None:
    notebook = await product(services, "NB-A5-DOT")  # 4 in stock
    users = [await customer(services, n) for n in range(1, 21)]
    for user in users:
        await services.cart.add(user, notebook.id, 1)
    won, lost = await _race(services, users, notebook.id)
    assert (won, lost) == (4, 16)
    async with db.reader() as uow:
        assert await uow.catalog.reserved("NB-A5-DOT") == 4


async def test_two_connections_to_one_file_do_not_oversell(
    services: Services, db: Database, config: Config, clock: FixedClock
) -> None:
    """Another process (a second connection) submitting at the same moment."""
    notebook = await product(services, "NB-A5-DOT")
    users = [await customer(services, n) for n in range(1, 11)]
    for user in users:
        await services.cart.add(user, notebook.id, 1)
    second_db = Database(config.database.path)
    await second_db.open()
    try:
        other = Services.build(second_db, config, clock)

        async def confirm(svc: Services, user) -> bool:  # type: ignore[no-untyped-def]
            try:
                await svc.checkout.submit(user, draft(f"tok-{user.id}"))
            except LinesUnavailable:
                return False
            return True

        results = await asyncio.gather(
            *(confirm(services if i % 2 else other, u) for i, u in enumerate(users))
        )
    finally:
        await second_db.close()
    assert results.count(True) == 4
    async with db.reader() as uow:
        assert await uow.catalog.reserved("NB-A5-DOT") == 4
        async with db.connection.execute("SELECT COUNT(*) FROM orders") as cursor:
            assert (await cursor.fetchone())[0] == 4  # type: ignore[index]
