"""The quick-order matcher in a process of its own ([quick_order] process = true): the child
answers quick orders, follows the editor and imports, is started again when it dies, and stops
with the service. The thread path (process = false): test_quick_order_index.py."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.product_match import MatchKind
from bot.services import Services, quick_order
from bot.services.catalog_import import CatalogImportService
from bot.services.quick_order import matcher_builds, matcher_updates, settled
from bot.services.quick_order_process import RemoteIndex
from tests.conftest import DEMO, make_config
from tests.integration.helpers import customer
from tests.integration.test_quick_order_index import HEADER, skus
from tests.processes import runs_below_us


@pytest.fixture
def config(db_path: Path) -> Config:
    """The test configuration with the matcher in a process of its own."""
    return make_config(db_path, quick_order={"process": True})


@pytest.fixture
async def remote(services: Services, db: Database) -> AsyncIterator[RemoteIndex]:
    """The matcher's process of the test database (stopped afterwards)."""
    services.quick_order.warm_up()
    yield quick_order._REMOTES[db]
    await services.quick_order.close()


def running(pid: int) -> bool:
    """Whether a process of ours still runs (a dead child is reaped by multiprocessing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_a_quick_order_is_answered_by_the_child(
    services: Services, db: Database, remote: RemoteIndex
) -> None:
    ann = await customer(services, 7201)
    view = await services.quick_order.understand(ann, "3 x A4 paper, 2 toner TN-2420")
    assert view.order.resolved and skus(view) == [{"PAP-A4-80"}, {"TN-2420"}]
    assert remote.pid is not None and remote.pid != os.getpid()
    assert runs_below_us(remote.pid), "below us"
    assert db not in quick_order._INDEXES, "the bot's process holds no index"
    assert await services.quick_order.offer(ann, "2 staplers") is not None
    assert (remote.starts, matcher_builds(db), matcher_updates(db)) == (1, 1, 0)
    pid = remote.pid
    await services.quick_order.close()
    assert remote.pid is None and not running(pid), "stopped with the service"


async def test_a_product_renamed_is_found_under_its_new_name(
    services: Services, db: Database, remote: RemoteIndex
) -> None:
    ann = await customer(services, 7202)
    admin = await services.users.identify(1, "Admin", None, "en")
    stapler = await services.quick_order.understand(ann, "1 stapler")
    (pid,) = stapler.order.lines[0].candidates
    await services.product_editor.edit(admin, pid, "name_en", "Thermal binder")
    renamed = await services.quick_order.understand(ann, "2 thermal binder")
    assert renamed.order.resolved and renamed.order.lines[0].candidates == (pid,)
    assert (matcher_builds(db), matcher_updates(db)) == (1, 1), "updated in place"
    assert remote.starts == 1


async def test_a_big_import_is_rebuilt_in_the_child_and_swapped_in(
    services: Services, db: Database, config: Config, clock: FixedClock, remote: RemoteIndex
) -> None:
    ann = await customer(services, 7203)
    assert skus(await services.quick_order.understand(ann, "2 widget W1999")) == [set()]
    rows = "".join(
        f"WID-{i:04d},office,Office,Widget model W{i:04d},,1.00,,5,no,\n" for i in range(2000)
    )
    report = await CatalogImportService(db, config, clock).import_csv(HEADER + rows, DEMO)
    assert report.created == 2000 > quick_order.IN_PLACE
    answered = await services.quick_order.understand(ann, "1 stapler")  # old or new index
    assert answered.order.resolved
    await settled(db)
    view = await services.quick_order.understand(ann, "2 widget W1999, 3 x A4 paper")
    assert skus(view) == [{"WID-1999"}, {"PAP-A4-80"}] and view.order.resolved
    assert (matcher_builds(db), matcher_updates(db)) == (2, 0), "rebuilt, not updated"


async def test_another_process_import_is_rebuilt_in_the_child(
    services: Services, db: Database, config: Config, clock: FixedClock, remote: RemoteIndex
) -> None:
    ann = await customer(services, 7204)
    assert skus(await services.quick_order.understand(ann, "2 shredder")) == [set()]
    other = Database(config.database.path)  # `orderdesk import` while the bot runs
    await other.open()
    try:
        await CatalogImportService(other, config, clock).import_csv(
            HEADER + "SHR-10,office,Office,Paper shredder,碎纸机,499.00,,5,no,\n", DEMO
        )
    finally:
        await other.close()
    await services.quick_order.understand(ann, "1 stapler")  # the child is told
    await settled(db)
    view = await services.quick_order.understand(ann, "2 shredder")
    assert skus(view) == [{"SHR-10"}] and matcher_builds(db) == 2


async def test_a_child_killed_is_started_again_and_the_quick_order_answered(
    services: Services, db: Database, remote: RemoteIndex
) -> None:
    ann = await customer(services, 7205)
    while remote.pid is None:  # the start-up build under way
        await asyncio.sleep(0.01)
    os.kill(remote.pid, signal.SIGKILL)  # mid-way: building, or about to answer warm-up
    view = await services.quick_order.understand(ann, "3 x A4 paper")
    assert view.order.resolved and skus(view) == [{"PAP-A4-80"}]
    assert remote.starts == 2
    killed = remote.pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)  # idle, between two quick orders
    while running(killed) and remote.pid is not None:
        await asyncio.sleep(0.01)
    again = await services.quick_order.understand(ann, "1 stapler")
    assert again.order.lines[0].kind is MatchKind.CERTAIN
    assert remote.starts == 3 and remote.pid not in (None, killed)
