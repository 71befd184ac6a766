"""The real bot process (`python -m bot run`) against an in-test sandbox, started, killed and
restarted at will; waits that read the sandbox's state directly (no sleeping on guesses)."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.clock import SystemClock
from bot.config import load_config
from bot.db import Database
from bot.domain.roles import Role
from bot.services import Services
from sandbox import FakeTelegram
from sandbox.client import SandboxClient
from sandbox.demo import ADMIN_ID, TOKEN, seed_catalog, start_bot, write_config
from sandbox.server import SandboxServer

JSON = dict[str, Any]
REP, WAREHOUSE, FINANCE = 7000011, 7000013, 7000014
STAFF = (
    (REP, "Sam", Role.SALES_REP),
    (WAREHOUSE, "Wu", Role.WAREHOUSE),
    (FINANCE, "Fay", Role.FINANCE),
)
# Every Bot API method a handler may call to answer someone (not getUpdates, not set-up).
QUIET = 0.0  # seconds without a Bot API call after which the bot counts as quiet
REPLY_METHODS = (
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
    "answerCallbackQuery",
    "deleteMessage",
    "sendPhoto",
    "sendDocument",
    "sendChatAction",
)


def bot_text(message: JSON | None) -> str:
    """A bot message's text or caption."""
    return str((message or {}).get("text") or (message or {}).get("caption") or "")


async def until(check: Callable[[], bool], what: str, timeout: float = 15) -> None:
    """Wait until check() holds (polling the in-process sandbox), or fail naming what."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}")
        await asyncio.sleep(0.01)


@dataclass
class BotProcess:
    """`python -m bot --config FILE run`, talking HTTP to the sandbox served by this test."""

    config: Path
    server: SandboxServer
    client: SandboxClient
    process: asyncio.subprocess.Process | None = None
    logs: list[str] = field(default_factory=list)
    starts: int = 0
    _quiet: tuple[int, float] = (0, 0.0)

    @property
    def fake(self) -> FakeTelegram:
        """The sandbox's Telegram."""
        return self.server.fake

    @property
    def db_path(self) -> Path:
        """The bot's SQLite file."""
        return load_config(self.config, environ={}).database.path

    def calls(self) -> int:
        """How many Bot API calls the sandbox has answered so far."""
        return len(self.fake.calls)

    def reply_calls_since(self, mark: int) -> list[tuple[str, JSON]]:
        """Calls made to answer someone since `mark` (see calls())."""
        return [(m, p) for m, p in self.fake.calls[mark:] if m in REPLY_METHODS]

    async def start(self) -> None:
        """Start the process and wait until it polls for updates."""
        polls = len(self.fake.method_calls("getUpdates"))
        log = self.config.parent / f"bot-{self.starts}.log"
        self.starts += 1
        with log.open("wb") as out:
            self.process = await start_bot(
                self.config, stdout=out, stderr=asyncio.subprocess.STDOUT
            )
        self.logs.append(str(log))

        def polling() -> bool:
            assert self.process is not None
            if self.process.returncode is not None:
                raise RuntimeError(f"the bot exited with {self.process.returncode}:\n{self.log()}")
            return len(self.fake.method_calls("getUpdates")) > polls

        await until(polling, "the bot to poll for updates", timeout=30)

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.process = None

    async def terminate(self, timeout: float = 30) -> int:
        """SIGTERM and wait for the exit; return the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), timeout)
        self.process = None
        return code

    async def restart(self) -> None:
        """Kill and start again on the same database."""
        await self.kill()
        await self.start()

    def log(self) -> str:
        """Everything the process printed, over all its starts."""
        return "\n".join(
            Path(path).read_text(encoding="utf-8", errors="replace") for path in self.logs
        )

    def idle(self) -> bool:
        """No update waits, neither at Telegram nor in OrderDesk's inbox (fetched, not yet
        done), and the bot has been quiet for a moment (nothing still on its way out)."""
        if self.fake.pending_update_count() or self.sql("SELECT 1 FROM inbox LIMIT 1"):
            return False
        calls, now = len(self.fake.calls), time.monotonic()
        if calls != self._quiet[0]:
            self._quiet = (calls, now)
        return now - self._quiet[1] >= QUIET

    def sql(self, statement: str, *params: object) -> list[tuple[Any, ...]]:
        """Read the database as another process would."""
        with sqlite3.connect(self.db_path, timeout=10) as conn:
            return [tuple(row) for row in conn.execute(statement, params)]


async def seed_staff(config: Path) -> None:
    """A sales rep, a warehouse clerk and a finance clerk, all in English."""
    settings = load_config(config, environ={})
    db = Database(settings.database.path)
    await db.open()
    try:
        services = Services.build(db, settings, SystemClock())
        admin = await services.users.identify(ADMIN_ID, "Ada", None, "en")
        for uid, name, role in STAFF:
            user = await services.users.identify(uid, name, None, "en")
            await services.staff.set_role(admin, user.id, role, held=True)
    finally:
        await db.close()


def set_option(config: Path, key: str, value: str) -> None:
    """Change one `key = value` line of the configuration file."""
    text = config.read_text(encoding="utf-8")
    text, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, count=1, flags=re.MULTILINE)
    assert n == 1, key
    config.write_text(text, encoding="utf-8")


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The sandbox, the demo catalog, three staff, and the bot process polling it."""
    server = SandboxServer(port=0)
    await server.start()
    config = write_config(tmp_path, server.port)
    set_option(config, "enabled", "false")  # no reminder scan in the middle of the journeys
    await seed_catalog(config)
    await seed_staff(config)
    server.fake.create_user("Ada", "Admin", user_id=ADMIN_ID)
    for uid, name, _ in STAFF:
        server.fake.create_user(name, user_id=uid)
    bot = BotProcess(config, server, SandboxClient(server.url))
    await bot.start()
    try:
        yield bot
    finally:
        if bot.process is not None and bot.process.returncode is None:
            await bot.kill()
        await bot.client.aclose()
        await server.stop()
    log = bot.log()
    assert TOKEN not in log, "the token leaked into the log"
