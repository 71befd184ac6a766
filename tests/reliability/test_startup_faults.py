"""Start-up while the Bot API refuses setMyCommands (a 5xx, or a 400 such as a description too
long): the bot starts and serves at once, the command menus are tried again in the background
and set once Telegram takes them, and a stop while they wait is prompt and quiet."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.handlers import menus
from bot.runtime import transport
from tests.harness import Harness
from tests.reliability.process import until

LANGUAGES = ("en", "zh", "ru", "")  # "": everyone else


class Running(Harness):
    """The offline Application started as `run` starts it (job queue on), without polling."""

    async def start(self) -> Running:
        """Initialise, post_init, then start the application."""
        await super().start()
        assert self.app is not None
        await self.app.start()
        return self

    async def stop(self) -> None:
        """Stop the application, then shut down."""
        assert self.app is not None
        if self.app.running:
            await self.app.stop()
        await super().stop()


@pytest.fixture
async def down(
    config: Config, clock: FixedClock, db: Database, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Running]:
    """The bot, not started yet, over a Telegram that fails every setMyCommands."""
    monkeypatch.setattr(transport, "PAUSES", (0.01, 0.01))
    monkeypatch.setattr(menus, "PAUSES", (0.05, 0.05, 0.05, 0.05))
    await db.close()
    harness = Running(config, clock)
    yield harness
    if harness.app is not None:
        await harness.stop()


def menus_set(bot: Harness) -> bool:
    """Whether every start-up menu is in place."""
    return all(bot.fake.my_commands(language_code=code) for code in LANGUAGES)


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Errors, and anything with a traceback."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize(
    ("code", "description"),
    [
        (502, None),
        (500, None),
        (400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"),
    ],
)
async def test_menus_refused_at_start_up_are_set_later(
    down: Running, caplog: pytest.LogCaptureFixture, code: int, description: str | None
) -> None:
    bot = down
    bot.fake.inject(code, method="setMyCommands", times=None, description=description)
    await bot.start()  # no exception
    ann = bot.user("Ann", "zh-hans")
    assert "请问您的姓名是？" in await bot.send(ann, "/start")  # served meanwhile
    retry = "command menus (en, zh, ru, default) tried again in 0.05 s"
    await until(lambda: caplog.messages.count(retry) >= 2, "two attempts to fail")
    assert not menus_set(bot)
    bot.fake.clear_faults()  # Telegram recovers
    await until(lambda: menus_set(bot), "the menus to be set")
    assert bot.fake.my_commands(language_code="zh")[0]["description"] == "浏览商品目录"
    assert bot.fake.my_commands()[0]["description"] == "Browse the catalog"
    assert not problems(caplog)


async def test_one_menu_refused_does_not_hold_up_the_others(
    down: Running, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = down
    monkeypatch.setattr(menus, "PAUSES", (0.05,))
    bot.fake.inject(400, method="setMyCommands", times=2, description="Bad Request: too long")
    await bot.start()
    await until(lambda: menus_set(bot), "the menus to be set")
    calls = bot.fake.method_calls("setMyCommands")
    assert [c.get("language_code") for c in calls] == ["en", "zh", "ru", None, "en", "zh"]
    assert "Telegram refused the en command menu: Too long" in caplog.messages


async def test_giving_up_is_logged_and_the_bot_serves_on(
    down: Running, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = down
    monkeypatch.setattr(menus, "PAUSES", (0.01,))
    bot.fake.inject(503, method="setMyCommands", times=None)
    await bot.start()
    gave_up = "gave up setting the command menus (en, zh, ru, default) until the next start"
    await until(lambda: gave_up in caplog.messages, "giving up")
    ann = bot.user("Ann")
    assert "What is your name?" in await bot.send(ann, "/start")
    assert [r.levelno for r in caplog.records if gave_up in r.getMessage()] == [logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_stop_while_menus_wait_for_a_retry_is_prompt_and_quiet(
    down: Running, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = down
    monkeypatch.setattr(menus, "PAUSES", (30.0, 30.0))
    bot.fake.inject(502, method="setMyCommands", times=None)
    await bot.start()
    waiting = "command menus (en, zh, ru, default) tried again in 30 s"
    await until(lambda: waiting in caplog.messages, "a retry to be scheduled")
    began = time.monotonic()
    await bot.stop()
    assert time.monotonic() - began < 2
    await asyncio.sleep(0.1)
    assert not problems(caplog)


async def test_a_stop_before_the_first_try_ends_is_quiet(
    down: Running, caplog: pytest.LogCaptureFixture
) -> None:
    bot = down
    bot.fake.inject(502, method="setMyCommands", times=None)
    await Harness.start(bot)  # initialised, never started: the job queue does not run
    await Harness.stop(bot)
    await asyncio.sleep(0.2)
    assert not problems(caplog)
