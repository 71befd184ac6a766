"""The bot token and customers' phone numbers never reach the logs: not at DEBUG offline, not in
the real process's output at INFO or with -v, not in warnings quoting Telegram's errors."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FixedClock, SystemClock
from bot.config import load_config
from bot.db import Database
from bot.domain.roles import Role
from bot.services import Services
from sandbox.client import SandboxClient
from sandbox.demo import TOKEN as DEMO_TOKEN
from sandbox.demo import seed_catalog, write_config
from sandbox.server import SandboxServer
from tests.conftest import ROOT
from tests.conversations.conftest import Team
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.e2e.test_customer_journey import step
from tests.harness import Harness
from tests.reliability.helpers import make_team

TEST_TOKEN = "123456:TEST-TOKEN"
# Ann shares her contact (Telegram sends it without "+"); Bob types his number locally.
ANN_CONTACT, ANN_PHONE = "8613800138000", "+8613800138000"
BOB_TYPED, BOB_PHONE = "138 0013 8001", "+8613800138001"
PHONE_FORMS = (
    ANN_CONTACT,
    ANN_PHONE,
    "13800138000",
    BOB_TYPED,
    BOB_PHONE,
    "8613800138001",
    "13800138001",
)


def leaks(text: str, token: str) -> list[str]:
    """Which secrets the text shows."""
    secret = token.split(":", 1)[1]
    return [s for s in (token, secret, *PHONE_FORMS) if s in text]


@pytest.fixture
async def logged(
    db: Database, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Team]:
    """The team, built with every logger at DEBUG (PTB logs its Bot API URL while building)."""
    caplog.set_level(logging.DEBUG)
    await db.close()
    team = await make_team(db.path, clock)
    yield team
    await team.bot.stop()


async def register(
    bot: Harness, uid: int, name: str, *, contact: str = "", typed: str = ""
) -> None:
    await bot.send(uid, "/start")
    await bot.send(uid, name)
    if contact:
        await bot.feed(bot.fake.send_contact(uid, contact))
    else:
        await bot.send(uid, typed)
    await bot.press(uid, "Skip — I buy for myself")
    assert "You are registered" in await bot.send(uid, "1 Garden Road, Shanghai")


async def test_offline_at_debug_nothing_secret_is_logged(
    logged: Team, caplog: pytest.LogCaptureFixture
) -> None:
    team, bot = logged, logged.bot
    ann, bob = bot.user("Ann"), bot.user("Bob")
    await register(bot, ann, "Ann Lee", contact=ANN_CONTACT)
    await register(bot, bob, "Bob Wu", typed=BOB_TYPED)
    assert "138 0013 8001" not in caplog.text, "what people type is not logged"

    await fill_cart(bot, ann, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await to_summary(bot, ann)
    await bot.press(ann, "✅ Confirm order")
    found = await bot.send(team.manager, "/customer 13800138")  # a search by phone
    assert ANN_PHONE in await bot.press(team.manager, bot.buttons(team.manager)[0])
    # Telegram refuses the pick list to the warehouse, quoting (say) a phone number; and Ann
    # has blocked the bot, so her rep is told with her phone number.
    refusal = f"Bad Request: chat {ANN_PHONE} not found"
    bot.fake.inject(400, method="sendMessage", chat_id=team.warehouse, description=refusal)
    bot.fake.inject(403, method="sendMessage", chat_id=ann)
    await bot.press(team.rep, "✅ Approve")
    assert found and ANN_PHONE in bot.last(team.rep)

    records = caplog.get_records("setup") + caplog.records  # building the bot logs too
    text = "\n".join(logging.Formatter().format(r) for r in records)
    messages = [r.getMessage() for r in records]
    assert leaks(text, TEST_TOKEN) == []
    assert any(m.startswith("Calling Bot API endpoint") for m in messages), "DEBUG was on"
    assert any("outbox: notice" in m and "failed" in m and "<phone>" in m for m in messages)
    assert any("Set Bot API URL" in m and "<token>" in m for m in messages)


def test_a_failure_quoting_the_token_is_masked_in_the_traceback(
    caplog: pytest.LogCaptureFixture, clock: FixedClock, tmp_path: Path
) -> None:
    from bot.app import build_application
    from tests.conftest import make_config

    build_application(make_config(tmp_path / "od.sqlite3"), clock=clock)  # protects the token
    caplog.set_level(logging.INFO)
    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{TEST_TOKEN}/getMe for {ANN_PHONE}")
    except RuntimeError:
        logging.getLogger("bot.test").exception("while calling %s", f"bot{TEST_TOKEN}")
    assert leaks(caplog.text, TEST_TOKEN) == []
    assert "<token>" in caplog.text and "<phone>" in caplog.text


async def _start(config: Path, log: Path, *flags: str) -> asyncio.subprocess.Process:
    """The bot process, its output (stdout and stderr) into a file: a pipe nobody reads while
    it runs would fill up with DEBUG lines and stall it."""
    with log.open("wb") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(config),
            *flags,
            "run",
            env={**os.environ, "ORDERDESK_TOKEN": DEMO_TOKEN},
            cwd=ROOT,
            start_new_session=True,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )


async def _with_a_rep(config_path: Path, rep_id: int) -> None:
    config = load_config(config_path, environ={})
    db = Database(config.database.path)
    await db.open()
    try:
        services = Services.build(db, config, SystemClock())
        admin = await services.users.identify(config.business.admins[0], "Ada", None, "en")
        rep = await services.users.identify(rep_id, "Sam", None, "en")
        await services.staff.set_role(admin, rep.id, Role.SALES_REP, held=True)
    finally:
        await db.close()


@pytest.mark.parametrize("flags", [(), ("-v",)], ids=["info", "verbose"])
async def test_the_real_process_logs_no_token_and_no_phone(
    tmp_path: Path, flags: tuple[str, ...]
) -> None:
    async with SandboxServer(port=0) as server:
        config = write_config(tmp_path, server.port)
        await seed_catalog(config)
        client = SandboxClient(server.url)
        sam = int((await client.create_user("Sam", language_code="en"))["id"])
        await _with_a_rep(config, sam)
        output = tmp_path / "bot.log"
        bot = await _start(config, output, *flags)
        try:
            ann = int((await client.create_user("Ann", language_code="en"))["id"])
            bob = int((await client.create_user("Bob", language_code="en"))["id"])
            await step(_Stack(client), ann, "What is your name?", text="/start")
            await step(_Stack(client), ann, "Your phone number?", text="Ann Lee")
            await client.contact(ann, phone_number=ANN_CONTACT)
            await step(_Stack(client), ann, "company name")
            await step(_Stack(client), ann, "delivery address", press="Skip — I buy for myself")
            await step(_Stack(client), ann, "You are registered", text="1 Garden Road, Shanghai")
            await step(_Stack(client), bob, "What is your name?", text="/start")
            await step(_Stack(client), bob, "Your phone number?", text="Bob Wu")
            await step(_Stack(client), bob, "company name", text=BOB_TYPED)
            await step(_Stack(client), bob, "delivery address", press="Skip — I buy for myself")
            await step(_Stack(client), bob, "You are registered", text="2 Garden Road, Shanghai")
            await step(_Stack(client), ann, "Found", text="/search stapler")
            await step(_Stack(client), ann, "SKU: STP-24", press="Stapler No. 24/6 · CN¥35.00")
            await step(_Stack(client), ann, "In your cart: 5", press="+5")
            await step(_Stack(client), ann, "how should we deliver", text="/checkout")
            await step(
                _Stack(client),
                ann,
                "When would you like it?",
                press="Pick up at our warehouse · CN¥0.00",
            )
            await step(_Stack(client), ann, "How would you like to pay?", press="No preference")
            await step(_Stack(client), ann, "Any note", press="Prepaid (we ship after payment)")
            await step(_Stack(client), ann, "Please check your order", press="Skip")
            # The rep's card cannot be delivered: Telegram's error (quoting a phone) is logged.
            refusal = f"Bad Request: chat {ANN_PHONE} not found"
            await client.fault(400, method="sendMessage", chat_id=sam, description=refusal)
            await step(_Stack(client), ann, "is submitted", press="✅ Confirm order")
            # Updates are handled one after the other: once /help is answered, so is the order.
            await step(_Stack(client), ann, "here is what I can do", text="/help")
        finally:
            bot.send_signal(signal.SIGTERM)
            await asyncio.wait_for(bot.wait(), 30)
            await client.aclose()
    log = output.read_text(errors="replace")
    assert bot.returncode == 0, log[-3000:]
    assert leaks(log, DEMO_TOKEN) == [], log[-3000:]
    assert "outbox: notice" in log and "<phone>" in log, log[-3000:]
    if flags:
        assert "Processing update" in log and "Calling Bot API endpoint `sendMessage`" in log


class _Stack:
    """What tests.e2e.test_customer_journey.step needs of a stack: the client."""

    def __init__(self, client: SandboxClient) -> None:
        self.client = client
