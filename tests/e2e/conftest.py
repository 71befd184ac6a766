"""End to end: the real bot process talks HTTP to the sandbox server, as it would to Telegram."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.client import SandboxClient
from sandbox.demo import TOKEN, seed_catalog, start_bot, write_config
from sandbox.server import SandboxServer


@dataclass
class Stack:
    """A running sandbox, a running bot process and a client of the sandbox's control API."""

    server: SandboxServer
    client: SandboxClient
    config: Path
    bot: asyncio.subprocess.Process


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
    await seed_catalog(config)
    bot = await start_bot(config, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
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
