"""Reminders over real HTTP: OrderDesk's Application with PTB's own HTTP client and rate limiter
against the sandbox server, whose control API injects 429 and blocks a customer (403)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.db import Database
from bot.services.checkout import CheckoutDraft
from sandbox import FakeTelegram
from sandbox.client import SandboxClient
from sandbox.server import SandboxServer
from tests.conftest import load_demo_catalog, make_config
from tests.conversations.conftest import ADMIN, Team, _grant, query
from tests.conversations.test_reminders_sent import invoiced, scan
from tests.harness import Harness


@pytest.fixture
async def http_team(
    tmp_path: Path, clock: FixedClock
) -> AsyncIterator[tuple[Team, SandboxClient]]:
    """The conversation tests' team, but every Bot API call goes over HTTP to the sandbox."""
    fake = FakeTelegram(clock=lambda: clock.now().timestamp())
    server = SandboxServer(fake, port=0)
    url = await server.start()
    config = make_config(
        tmp_path / "http.sqlite3",
        telegram={
            "token": "123456:TEST-TOKEN",
            "base_url": f"{url}/bot",
            "base_file_url": f"{url}/file/bot",
            "rate_limit": True,  # AIORateLimiter, as in production
        },
        business={"admins": [ADMIN]},
        review={"manager_threshold": "1000.00", "auto_approve_limit": "200.00"},
        shipping={"carriers": ["SF Express", "JD Logistics"]},
    )
    db = Database(config.database.path)
    await db.open()
    await load_demo_catalog(db, config, clock)
    await db.close()
    bot = await Harness(config, clock, fake, http=True).start()
    people = {}
    for name, role in (
        ("Sam", "sales_rep"),
        ("Mia", "sales_manager"),
        ("Max", "sales_manager"),
        ("Wu", "warehouse"),
        ("Fay", "finance"),
    ):
        people[name] = bot.user(name)
        await _grant(bot, people[name], role)
    ann = bot.user("Ann")
    await bot.register(ann)
    team = Team(bot, people["Sam"], people["Mia"], people["Max"], people["Wu"], people["Fay"], ann)
    client = SandboxClient(url)
    try:
        yield team, client
    finally:
        await client.aclose()
        await bot.stop()
        await server.stop()


async def test_429_is_waited_out_and_403_marks_the_customer(
    http_team: tuple[Team, SandboxClient],
) -> None:
    team, client = http_team
    bot = team.bot
    await invoiced(team)
    await client.fault(429, method="sendMessage", chat_id=team.customer, retry_after=1)
    await scan(bot)
    assert "📅 Payment due today: CN¥235.00" in await client.last_text(team.customer)
    tried = [
        c
        for c in await client.calls("sendMessage")
        if str(c["params"].get("chat_id")) == str(team.customer)
        and "Payment due today" in str(c["params"].get("text"))
    ]
    assert len(tried) == 2, "refused once with 429, then sent"
    shown = [m for m in bot.fake.bot_messages(team.customer) if "Payment due" in m.get("text", "")]
    assert len(shown) == 1, "the customer reads it once"
    assert await query(bot, "SELECT status FROM reminders WHERE kind = 'payment'") == [("sent",)]

    await client.block(team.customer)
    bot.clock.advance(timedelta(days=1))
    await scan(bot)
    assert "has blocked the bot" in await client.last_text(team.rep)
    assert await query(bot, "SELECT status FROM reminders WHERE kind = 'payment' ORDER BY id") == [
        ("sent",),
        ("unreachable",),
    ]
    tries = len(await client.calls("sendMessage"))
    bot.clock.advance(timedelta(days=7))
    await scan(bot)
    later = (await client.calls("sendMessage"))[tries:]
    assert all(str(c["params"].get("chat_id")) != str(team.customer) for c in later)
    assert not any("blocked the bot" in str(c["params"].get("text")) for c in later)


async def test_a_fan_out_in_flood_mode_keeps_to_telegrams_limits(
    http_team: tuple[Team, SandboxClient],
) -> None:
    """Sixty customers owe today; the sandbox enforces 30 messages a second: every reminder
    arrives once and Telegram never has to answer 429."""
    team, client = http_team
    bot = team.bot
    services = bot.context.services
    finance = await services.users.identify(team.finance, "Fay", None, "en")
    rep = await services.users.identify(team.rep, "Sam", None, "en")
    customers = []
    for n in range(60):
        uid = bot.fake.create_user(f"Buyer {n}")
        user = await services.users.identify(uid, f"Buyer {n}", None, "en")
        await services.customers.register(
            user, name=f"Buyer {n}", phone=f"+86139{n:08d}", company=None, address="Road 1"
        )
        product = (await services.catalog.search("STP-24", 0, user.language)).items[0]
        await services.cart.add(user, product.id, 1)
        draft = CheckoutDraft(
            token=f"fan-{n}",
            delivery="pickup",
            address=None,
            date_chosen=True,
            term="cod",
            note_chosen=True,
        )
        order = (await services.checkout.submit(user, draft)).order
        await services.approvals.approve(rep, order.id)
        await services.finance.issue_invoice(finance, order_id=order.id)
        customers.append(uid)
    await bot.deliver()  # the notices the orders caused (new orders, approvals, invoices)
    await client.flood(True)
    await scan(bot)
    statuses = await services.reminders.statuses()
    assert set(statuses) == {"sent"} and statuses["sent"] >= 60, statuses
    assert (await client.state())["flood_refused"] == 0, "never over Telegram's limits"
    for uid in customers:
        assert "Payment due today" in await client.last_text(uid)
