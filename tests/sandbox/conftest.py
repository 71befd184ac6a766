"""Fixtures for the sandbox tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from sandbox import FakeTelegram
from sandbox.client import SandboxClient
from sandbox.server import SandboxServer

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
def fake() -> FakeTelegram:
    """A fresh fake Telegram with a fixed clock."""
    return FakeTelegram(clock=lambda: 1_700_000_000.0)


@pytest.fixture
def uid(fake: FakeTelegram) -> int:
    """A user with a private chat."""
    return fake.create_user("Ann", "Lee", username="ann")


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    """A sandbox server on a free loopback port."""
    server = SandboxServer(port=0)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(server: SandboxServer) -> AsyncIterator[SandboxClient]:
    """A control API client of the server."""
    async with SandboxClient(server.url) as client:
        yield client


@pytest.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    """A PTB Bot talking real HTTP to the server (default HTTPXRequest)."""
    async with Bot(TOKEN, base_url=f"{server.url}/bot") as bot:
        yield bot
