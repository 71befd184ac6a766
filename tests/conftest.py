"""Shared fixtures: a configuration, a fixed clock, a migrated database file with a catalog."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.config import Config, parse_config
from bot.db import Database
from bot.services import Services
from bot.services.catalog_import import CatalogImportService
from tests.harness import SHARED_OFFLOAD

# As `orderdesk` does: python-telegram-bot's time periods as timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
ROOT_CONFIG = ROOT / "config.example.toml"

BASE_CONFIG: dict[str, Any] = {
    # Tests act faster than people and on a clock that stands still: no flood control (the
    # flood tests set their own limits).
    "telegram": {"token": "123456:TEST-TOKEN", "rate_limit": False, "flood_burst": 100_000},
    "business": {
        "timezone": "Asia/Shanghai",
        "currency": "CNY",
        "default_language": "en",
        "phone_region": "CN",
        "admins": [1],
    },
    "checkout": {"default_payment_terms": ["prepaid", "cod"]},
    "persistence": {"flush_interval": 60},
    # The quick-order matcher on threads: a process of its own only where a test asks for it
    # (tests/integration/test_quick_order_process.py), so the suite does not start one each.
    "quick_order": {"process": False},
    # Tests send reminders without the pause Telegram wants between two to the same chat.
    "reminders": {"per_chat_seconds": 0},
    "delivery": [
        {
            "code": "courier",
            "fee": "15.00",
            "names": {"en": "Courier", "zh": "快递", "ru": "Курьер"},
        },
        {
            "code": "pickup",
            "fee": "0",
            "needs_address": False,
            "names": {"en": "Pick-up", "zh": "自提", "ru": "Самовывоз"},
        },
    ],
    "payment_terms": [
        {"code": "prepaid", "kind": "prepaid"},
        {"code": "cod", "kind": "cash_on_delivery"},
        {"code": "net30", "kind": "net", "days": 30},
    ],
}

# 2026-11-23 10:00 in Shanghai.
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def make_config(db_path: Path, **sections: Any) -> Config:
    """The test configuration with a database path and sections merged in (lists replace)."""
    data = {
        key: dict(value) if isinstance(value, dict) else value
        for key, value in BASE_CONFIG.items()
    }
    data["database"] = {"path": str(db_path)}
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    return parse_config(data, environ={})


@pytest.fixture(scope="session", autouse=True)
def _worker_processes() -> Iterator[None]:
    """The tests' shared worker processes (tests/harness.py) end with the session."""
    yield
    SHARED_OFFLOAD.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite file."""
    return tmp_path / "orderdesk.sqlite3"


@pytest.fixture
def config(db_path: Path) -> Config:
    """The test configuration."""
    return make_config(db_path)


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at 2026-11-23 10:00 Shanghai time."""
    return FixedClock(START)


async def load_demo_catalog(db: Database, config: Config, clock: FixedClock) -> None:
    """Import demo/products.csv."""
    text = (DEMO / "products.csv").read_text(encoding="utf-8")
    report = await CatalogImportService(db, config, clock).import_csv(text, DEMO)
    assert report.rejected == []


@pytest.fixture
async def db(config: Config, clock: FixedClock) -> AsyncIterator[Database]:
    """A migrated database with the demo catalog."""
    database = Database(config.database.path)
    await database.open()
    await load_demo_catalog(database, config, clock)
    yield database
    await database.close()


@pytest.fixture
def services(db: Database, config: Config, clock: FixedClock) -> Services:
    """Services over the test database."""
    return Services.build(db, config, clock)
