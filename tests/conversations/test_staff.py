"""Staff through the real Application, offline: invites, roles, rep links, refusals audited."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.db import Database
from bot.handlers import menus
from tests.conftest import make_config
from tests.conversations.conftest import query
from tests.harness import Harness

ADMIN = 9000001


@pytest.fixture
async def staffed(db: Database, clock: FixedClock) -> AsyncIterator[Harness]:
    """The bot with an administrator named in the configuration."""
    await db.close()
    config = make_config(db.path, business={"admins": [ADMIN]})
    bot = await Harness(config, clock).start()
    bot.fake.create_user("Ada", user_id=ADMIN, language_code="en")
    yield bot
    await bot.stop()


async def invite(bot: Harness, role: str) -> str:
    """The admin invites someone; returns the deep-link payload."""
    text = await bot.send(ADMIN, f"/invite {role}")
    match = re.search(r"https://t\.me/orderdesk_bot\?start=(inv_[\w-]+)", text)
    assert match, text
    return match.group(1)


async def test_invite_gives_a_role_once(staffed: Harness, clock: FixedClock) -> None:
    bot = staffed
    payload = await invite(bot, "warehouse")
    assert "It works once" in bot.last(ADMIN)
    wu = bot.user("Wu", "zh-hans")
    assert "仓库" in await bot.send(wu, f"/start {payload}")
    menu = [
        c
        for c in bot.fake.method_calls("setMyCommands")
        if c.get("scope", {}).get("chat_id") == wu
    ]
    assert menu, "the new staff member gets a menu of their own"
    assert await query(bot, "SELECT role FROM user_roles") == [("warehouse",)]
    eve = bot.user("Eve")
    assert "not valid any more" in await bot.send(eve, f"/start {payload}")
    late = await invite(bot, "finance")
    clock.advance(timedelta(hours=73))
    assert "not valid any more" in await bot.send(eve, f"/start {late}")
    assert "not valid any more" in await bot.send(eve, "/start inv_forged")
    assert await query(bot, "SELECT COUNT(*) FROM user_roles") == [(1,)]


async def test_staff_list_grant_and_revoke_with_confirmation(staffed: Harness) -> None:
    bot = staffed
    sam = bot.user("Sam")
    await bot.send(sam, f"/start {await invite(bot, 'rep')}")
    listing = await bot.send(ADMIN, "/staff")
    assert "Sam — sales rep" in listing and "Ada — admin" in listing
    await bot.press(ADMIN, "Sam")
    assert "✅ sales rep" in bot.buttons(ADMIN)
    assert "Roles: sales rep, finance" in await bot.press(ADMIN, "➕ finance")
    assert "Remove the role sales rep from Sam?" in await bot.press(ADMIN, "✅ sales rep")
    assert "Roles: finance" in await bot.press(ADMIN, "Yes, remove the role")
    assert await query(bot, "SELECT role FROM user_roles") == [("finance",)]
    audit = await query(bot, "SELECT action, after FROM audit_log WHERE entity = 'user'")
    assert ("role_granted", "finance") in audit and ("role_revoked", "sales_rep") in audit
    assert "Which role?" in await bot.send(ADMIN, "/invite chef")


async def test_customers_cannot_act_as_staff_and_are_audited(staffed: Harness) -> None:
    bot = staffed
    mallory = bot.user("Mallory")
    await bot.register(mallory)
    (mallory_id,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", mallory))[0]
    for command in ("/invite admin", "/staff", "/mylink", "/invite"):
        assert "only for staff" in await bot.send(mallory, command), command
    for data in (f"stf:gr:{mallory_id}:admin", "stf:inv:admin", "stf:list", "stf:rvok:1:admin"):
        await bot.press_data(mallory, data)
        assert "only for staff" in bot.alerts()[-1], data
    assert await query(bot, "SELECT COUNT(*) FROM user_roles") == [(0,)]
    assert await query(bot, "SELECT COUNT(*) FROM invites") == [(0,)]
    denied = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
    assert denied == [(8,)]


async def test_rep_link_and_round_robin(staffed: Harness) -> None:
    bot = staffed
    reps = []
    for name in ("Sam", "Rex"):
        uid = bot.user(name)
        await bot.send(uid, f"/start {await invite(bot, 'rep')}")
        reps.append(uid)
    text = await bot.send(reps[1], "/mylink")
    link = re.search(r"start=(rep_[\w-]+)", text)
    assert link
    menu = bot.fake.my_commands({"type": "chat", "chat_id": reps[1]})
    assert [c["command"] for c in menu][:7] == [
        "pending",
        "order",
        "orders",  # staff's /orders, in place of the customer's
        "customer",
        "mylink",
        "batch",
        "catalog",
    ]
    ids = {
        tg: row[0]
        for tg in reps
        for row in await query(bot, "SELECT id FROM users WHERE telegram_id = ?", tg)
    }
    linked = bot.user("Linked")
    await bot.register(linked, start=f"/start {link.group(1)}")
    walk_ins = [bot.user(f"Walk-in {n}") for n in range(3)]
    for uid in walk_ins:
        await bot.register(uid)
    rows = await query(bot, "SELECT c.rep_id FROM customers c ORDER BY c.id")
    assert rows[0] == (ids[reps[1]],)
    assert [r[0] for r in rows[1:]] == [ids[reps[0]], ids[reps[1]], ids[reps[0]]]


async def test_the_admin_is_told_when_an_invite_is_used(staffed: Harness) -> None:
    bot = staffed
    payload = await invite(bot, "warehouse")
    before = len(bot.fake.bot_messages(ADMIN))
    wu = bot.user("Wu", "zh-hans")
    await bot.send(wu, f"/start {payload}")
    told = bot.fake.bot_messages(ADMIN)[before:]
    assert len(told) == 1
    assert "Wu joined through your invite as warehouse." in told[0]["text"]
    assert bot.buttons(ADMIN) == ["👥 Staff"]
    (wu_id,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", wu))[0]
    assert await query(bot, "SELECT kind, state FROM outbox WHERE user_id != ?", wu_id) == [
        ("invite_used", "sent")
    ]
    assert "Wu" in await bot.press(ADMIN, "👥 Staff")  # the newcomer's roles, to adjust
    # A stale invite tells nobody.
    await bot.send(bot.user("Eve"), f"/start {payload}")
    assert len(bot.fake.bot_messages(ADMIN)) == before + 1


async def _seed_role(bot: Harness, uid: int, role: str) -> None:
    """A role given outside the bot (a seeding script, the CLI): no invite, no /staff."""
    await bot.send(uid, "/help")  # the bot meets them
    (user_id,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", uid))[0]
    await query(
        bot,
        "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, ?, 'now')",
        user_id,
        role,
    )


def _menu(bot: Harness, uid: int) -> list[str]:
    return [c["command"] for c in bot.fake.commands_for_chat(uid)]


async def test_seeded_staff_get_their_menus_at_start_up(staffed: Harness) -> None:
    bot = staffed
    wu = bot.user("Wu", "zh-hans")
    await _seed_role(bot, wu, "warehouse")
    await bot.send(ADMIN, "/help")
    await menus.settled()
    assert "ship" not in _menu(bot, wu)  # only the customers' menu so far
    assert "invite" not in _menu(bot, ADMIN)
    await bot.restart()
    await menus.settled()
    assert _menu(bot, wu)[:5] == ["ship", "order", "orders", "receive", "adjust"]
    ship = bot.fake.commands_for_chat(wu)[0]
    assert ship["description"] != "Orders to ship"  # in Wu's language
    assert "invite" in _menu(bot, ADMIN)  # an administrator by the configuration
    customer = bot.user("Ann")
    await bot.register(customer)
    await bot.restart()
    await menus.settled()
    assert "ship" not in _menu(bot, customer)
    scoped = {
        c["scope"]["chat_id"]
        for c in bot.fake.method_calls("setMyCommands")
        if c.get("scope", {}).get("type") == "chat"
    }
    assert customer not in scoped


async def test_seeded_staff_get_their_menu_on_start(staffed: Harness) -> None:
    bot = staffed
    await menus.settled()
    fay = bot.user("Fay")
    await _seed_role(bot, fay, "finance")
    assert "payment" not in _menu(bot, fay)
    assert "Welcome back, Fay!" in await bot.send(fay, "/start")
    assert _menu(bot, fay)[:4] == ["order", "orders", "payment", "refund"]
