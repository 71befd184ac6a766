"""The outbox: notices written with the action that causes them and delivered by one sender.
A stop between saving and telling loses nothing; a long Bot API outage loses nothing and keeps
each chat's order; a blocked person, a refused notice and a notice about something gone each
stop only themselves. The real Application, offline, on a real SQLite file, with a fake clock."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from telegram import Update

from bot.domain.models import User
from bot.domain.notices import MAX_PAUSE, NoticeKind
from bot.domain.payments import Method
from bot.handlers import outbox
from bot.handlers.notices import RENDERERS
from bot.handlers.outbox import OUTBOX, Sender
from bot.runtime import transport
from bot.services import Services
from tests.conversations.conftest import Team, query
from tests.conversations.test_fulfilment import approved_order, submitted_order
from tests.harness import Harness


def texts(bot: Harness, uid: int) -> list[str]:
    """What a chat shows, oldest first: message texts and file captions."""
    return [str(m.get("text") or m.get("caption") or "") for m in bot.fake.bot_messages(uid)]


def sender(bot: Harness) -> Sender:
    assert bot.app is not None
    found: Sender = bot.app.bot_data[OUTBOX]
    return found


async def person(bot: Harness, uid: int) -> User:
    found = await bot.context.services.users.identify(uid, "x", None, "en")
    return found


async def order_id(bot: Harness) -> int:
    return int((await query(bot, "SELECT id FROM orders"))[0][0])


def test_every_kind_of_notice_has_a_renderer() -> None:
    assert set(RENDERERS) == set(NoticeKind)


async def test_a_stop_between_saving_and_telling_loses_no_notice(team: Team) -> None:
    bot = team.bot
    await submitted_order(team)
    await sender(bot).stop()  # the process dies right after the approval is saved
    assert bot.app is not None
    press = bot.fake.press(team.rep, "✅ Approve")
    await bot.app.process_update(Update.de_json(press, bot.app.bot))
    assert "approved" not in texts(bot, team.customer)[-1]
    pending = await query(bot, "SELECT kind, chat_id, state FROM outbox WHERE state != 'sent'")
    assert pending == [
        ("card_decided", team.rep, "pending"),  # the rep's card will say it was approved
        ("approved", team.customer, "pending"),
        ("pick_list", team.warehouse, "pending"),
    ]
    # one was being sent when it died: it goes out again (it may have arrived: at most twice)
    await query(bot, "UPDATE outbox SET state = 'sending' WHERE kind = 'approved'")
    await bot.restart()
    await bot.deliver()
    assert "✅ Your order SO-20261123-0001 is approved" in texts(bot, team.customer)[-1]
    assert "An approved order is ready to pick." in texts(bot, team.warehouse)[-1]
    assert await query(bot, "SELECT DISTINCT state FROM outbox") == [("sent",)]
    await bot.restart()
    assert await bot.deliver() == 0, "nothing sent twice once it was recorded as sent"


async def test_a_ten_minute_outage_loses_nothing_and_keeps_each_chats_order(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    monkeypatch.setattr(transport, "PAUSES", (0.0, 0.0))  # the clock is fake; no real waits
    await submitted_order(team)
    await sender(bot).stop()  # the test drives delivery second by second
    services: Services = bot.context.services
    rep, wu, fay = [await person(bot, u) for u in (team.rep, team.warehouse, team.finance)]
    oid = await order_id(bot)
    customer_before = len(texts(bot, team.customer))
    for method in ("sendMessage", "sendDocument"):
        bot.fake.inject(502, method=method, times=None)  # Telegram is down
    start = bot.clock.now()
    await services.approvals.approve(rep, oid)
    lines = await query(bot, "SELECT id, qty FROM order_lines WHERE order_id = ?", oid)
    shipped = await services.fulfilment.ship(
        wu, oid, {int(i): int(q) for i, q in lines}, "SF Express", "SF1", None
    )
    await services.fulfilment.mark_delivered(wu, shipped.shipment.id)
    invoice = await services.finance.issue_invoice(fay, order_id=oid)
    today = services.finance.today()
    await services.finance.record_payment(fay, oid, 5000, Method.BANK_TRANSFER, today)
    await services.finance.record_payment(fay, oid, invoice.amount - 5000, Method.CASH, today)
    for _ in range(600):  # ten minutes, tried as the sender's pauses come due
        await bot.deliver()
        bot.clock.advance(timedelta(seconds=1))
    assert len(texts(bot, team.customer)) == customer_before, "nothing got through"
    attempts = await query(bot, "SELECT MAX(attempts) FROM outbox")
    bot.fake.clear_faults()  # Telegram is back
    back = bot.clock.now()
    while await query(bot, "SELECT COUNT(*) FROM outbox WHERE state != 'sent'") != [(0,)]:
        await bot.deliver()
        bot.clock.advance(timedelta(seconds=1))
        assert bot.clock.now() - back <= MAX_PAUSE + timedelta(seconds=2), "slow to recover"
    delay = (bot.clock.now() - back).total_seconds()
    new = texts(bot, team.customer)[customer_before:]
    wanted = [
        "✅ Your order SO-20261123-0001 is approved",
        "🚚 Your order SO-20261123-0001 is on its way",
        "📬 Your order SO-20261123-0001 is delivered.",
        "🧾 Invoice INV-20261123-0001",
        "🧾 Payment received: CN¥50.00",
        "🧾 Payment received: CN¥185.00",
    ]
    assert len(new) == len(wanted), new
    for got, prefix in zip(new, wanted, strict=True):
        assert got.startswith(prefix), f"every notice, once, in order: {got!r} is not {prefix!r}"
    assert "An approved order is ready to pick." in texts(bot, team.warehouse)[-1]
    assert "is delivered" in texts(bot, team.finance)[-1]
    assert 10 <= int(str(attempts[0][0])) <= 40, "tried with growing pauses, not hammered"
    print(f"\noutage 600 s from {start:%H:%M:%S}: 0 lost, 0 twice, all sent {delay:.0f} s after")


async def test_a_blocked_customer_stops_only_their_notices_and_their_rep_hears(
    team: Team,
) -> None:
    bot = team.bot
    await submitted_order(team)
    bot.fake.inject(403, method="sendMessage", chat_id=team.customer, times=None)
    await bot.press(team.rep, "✅ Approve")
    assert "An approved order is ready to pick." in texts(bot, team.warehouse)[-1]
    assert "has blocked the bot" in texts(bot, team.rep)[-1]
    rows = await query(
        bot, "SELECT kind, state, error FROM outbox WHERE chat_id = ?", team.customer
    )
    assert rows == [("approved", "failed", "blocked")]
    marked = "SELECT unreachable_at IS NOT NULL FROM users WHERE telegram_id = ?"
    assert await query(bot, marked, team.customer) == [(1,)]


async def test_a_refused_notice_fails_alone_and_the_chat_goes_on(team: Team) -> None:
    bot = team.bot
    oid = await approved_order(team)
    await sender(bot).stop()  # the test delivers
    bot.fake.inject(400, method="sendMessage", chat_id=team.customer, times=1)
    fay = await person(bot, team.finance)
    services: Services = bot.context.services
    await services.finance.record_payment(fay, oid, 1000, Method.CASH, services.finance.today())
    await services.finance.record_payment(fay, oid, 2000, Method.CASH, services.finance.today())
    assert await bot.deliver() == 1
    assert "Payment received: CN¥20.00" in texts(bot, team.customer)[-1]
    rows = await query(bot, "SELECT state FROM outbox WHERE kind = 'receipt' ORDER BY id")
    assert rows == [("failed",), ("sent",)]


async def test_a_notice_about_something_gone_is_dropped(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await sender(bot).stop()
    gone = json.dumps({"order_id": 999})
    await query(
        bot,
        "INSERT INTO outbox (kind, chat_id, user_id, data, created_at, next_at)"
        " SELECT 'approved', telegram_id, id, ?, '2026-01-01', '2026-01-01' FROM users"
        " WHERE telegram_id = ?",
        gone,
        team.customer,
    )
    before = len(texts(bot, team.customer))
    assert await bot.deliver() == 0
    assert len(texts(bot, team.customer)) == before
    assert await query(bot, "SELECT state FROM outbox WHERE data = ?", gone) == [("dropped",)]


async def test_the_background_sender_delivers_without_being_asked(team: Team) -> None:
    bot = team.bot
    await submitted_order(team)
    assert bot.app is not None
    press = bot.fake.press(team.rep, "✅ Approve")
    await bot.app.process_update(Update.de_json(press, bot.app.bot))  # no drain by the test
    for _ in range(500):
        if "is approved" in texts(bot, team.customer)[-1]:
            break
        await asyncio.sleep(0.01)
    assert "is approved" in texts(bot, team.customer)[-1]


async def test_notices_give_way_while_updates_are_processed(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst of notices (a batch's, the month's statements) goes one every
    1/BUSY_PER_SECOND seconds while anyone's update is being processed, and at once when
    nobody's is."""
    bot = team.bot
    assert bot.app is not None
    oid = await approved_order(team)
    await sender(bot).stop()  # the test delivers
    fay = await person(bot, team.finance)
    services: Services = bot.context.services

    async def receipts(count: int) -> None:
        for cents in range(1, count + 1):
            today = services.finance.today()
            await services.finance.record_payment(fay, oid, cents, Method.CASH, today)

    monkeypatch.setattr(outbox, "BUSY_PER_SECOND", 4.0)  # a turn each 0.25 s
    hold = asyncio.Event()
    processing = asyncio.create_task(
        bot.app.update_processor.process_update(object(), hold.wait())
    )
    await asyncio.sleep(0)
    assert bot.app.update_processor.current_concurrent_updates == 1
    await receipts(3)
    loop = asyncio.get_running_loop()
    began = loop.time()
    assert await bot.deliver() == 3
    assert loop.time() - began >= 2 * 0.25 - 0.01, "three turns: two waits between them"
    hold.set()
    await processing

    monkeypatch.setattr(outbox, "BUSY_PER_SECOND", 0.001)  # a turn each 1,000 s if busy
    await receipts(3)
    assert await asyncio.wait_for(bot.deliver(), 30) == 3, "nobody waits: no turns"
    assert sum("Payment received" in t for t in texts(bot, team.customer)) == 6
