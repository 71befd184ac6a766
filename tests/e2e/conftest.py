"""End to end: the real bot process talks HTTP to the sandbox server, as it would to Telegram."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.config import load_config
from bot.db import Database
from bot.services.catalog_import import CatalogImportService
from sandbox.client import SandboxClient
from sandbox.demo import DEMO, ROOT, TOKEN, write_config
from sandbox.server import SandboxServer


@dataclass
class Stack:
    """A running sandbox, a running bot process and a client of the sandbox's control API."""

    server: SandboxServer
    client: SandboxClient
    config: Path
    bot: asyncio.subprocess.Process


async def _seed_catalog(config_path: Path) -> None:
    config = load_config(config_path, environ={})
    db = Database(config.database.path)
    await db.open()
    try:
        text = (DEMO / "products.csv").read_text(encoding="utf-8")
        await CatalogImportService(db, config, SystemClock()).import_csv(text, DEMO)
    finally:
        await db.close()


async def _wait_until_polling(client: SandboxClient, bot: asyncio.subprocess.Process) -> None:
    for _ in range(200):
        if bot.returncode is not None:
            raise RuntimeError(f"the bot exited with {bot.returncode}")
        if await client.calls("getUpdates"):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the bot did not start polling within 10 s")


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    """Sandbox on a free port, the demo catalog, `python -m bot run` pointed at the sandbox."""
    server = SandboxServer(port=0)
    url = await server.start()
    config = write_config(tmp_path, server.port)
    await _seed_catalog(config)
    env = {**os.environ, "ORDERDESK_TOKEN": TOKEN}
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "run",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    client = SandboxClient(url)
    try:
        await _wait_until_polling(client, bot)
        yield Stack(server, client, config, bot)
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGTERM)
        try:
            output, _ = await asyncio.wait_for(bot.communicate(), 20)
        except TimeoutError:
            bot.kill()
            output, _ = await bot.communicate()
        await client.aclose()
        await server.stop()
    log = output.decode(errors="replace")
    assert bot.returncode == 0, f"the bot did not stop cleanly:\n{log[-3000:]}"
    assert TOKEN not in log, "the token leaked into the log"
    assert "Traceback" not in log, log[-3000:]
