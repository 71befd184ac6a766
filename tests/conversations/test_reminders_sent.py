"""Reminders sent by the real Application, offline, with a fake clock: what each person reads,
the buttons in them, a pause, a customer who blocked the bot (403), Telegram asking to wait
(429), and a stop in the middle of sending."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from bot.handlers import reminders
from bot.handlers.context import CONFIG
from tests.conversations.conftest import Team, query
from tests.conversations.test_finance import delivered_order
from tests.conversations.test_fulfilment import approved_order, ship_rest, submitted_order
from tests.harness import Harness


async def scan(bot: Harness) -> int:
    """One run of the reminder job, as the JobQueue would start it."""
    return await reminders.scan(bot.context)


def sent_to(bot: Harness, uid: int) -> list[str]:
    """Texts of every message the bot sent to a chat."""
    return [str(m.get("text") or "") for m in bot.fake.bot_messages(uid)]


async def invoiced(team: Team) -> int:
    """Ann's order delivered and invoiced (prepaid: due today, 235.00)."""
    order_id = await delivered_order(team)
    await team.bot.press(team.finance, "🧾 Issue invoice")
    return order_id


async def test_payment_reminders_reach_the_customer_and_staff_once(team: Team) -> None:
    bot = team.bot
    await invoiced(team)
    before = len(sent_to(bot, team.customer))
    assert await scan(bot) == 2  # the customer's, and finance's digest
    told = bot.last(team.customer)
    assert "📅 Payment due today: CN¥235.00 for order SO-20261123-0001." in told
    assert "Invoice: INV-20261123-0001" in told
    assert bot.buttons(team.customer) == ["✅ I've paid", "📄 View order"]
    digest = bot.last(team.finance)
    assert "📊 Receivables on Nov 23, 2026" in digest and "Nothing is overdue." in digest
    assert await scan(bot) == 0, "nothing twice"
    assert len(sent_to(bot, team.customer)) == before + 1

    bot.clock.advance(timedelta(days=1))
    assert await scan(bot) == 4  # customer, rep, finance; the new day's digest
    told = bot.last(team.customer)
    assert "🔔 Friendly reminder: your payment for order SO-20261123-0001 is overdue." in told
    assert "CN¥235.00 was due on Nov 23, 2026, 1 day ago." in told
    alert = "🔴 Overdue 1 day: Ann Lee owes CN¥235.00 on order SO-20261123-0001"
    assert alert in bot.last(team.rep)
    assert bot.buttons(team.rep) == ["📄 Open order"]
    assert bot.buttons(team.finance) == ["1. Ann Lee"]  # the digest came after the alert
    finance_alert = bot.fake.bot_messages(team.finance)[-2]
    assert [b for row in bot.fake.buttons(finance_alert) for b in row] == [
        "📄 Open order",
        "💰 What they owe",
    ]
    digest = bot.last(team.finance)
    assert "Overdue: CN¥235.00" in digest and "1. Ann Lee: CN¥235.00, up to 1 day late" in digest
    opened = await bot.press(team.rep, "📄 Open order")
    assert "SO-20261123-0001" in opened

    # finance opens the customer from the digest and pauses their reminders (a dispute)
    balance = await bot.press(team.finance, "1. Ann Lee")
    assert "SO-20261123-0001: owes CN¥235.00, CN¥235.00 overdue by 1 day" in balance
    assert "Reminders: on" in balance
    paused = await bot.press(team.finance, "⏸ Pause reminders")
    assert "Reminders: ⏸ paused" in paused
    bot.clock.advance(timedelta(days=6))
    customer_before = len(sent_to(bot, team.customer))
    await scan(bot)
    assert len(sent_to(bot, team.customer)) == customer_before, "paused: nothing to them"
    assert "Overdue 7 days" in bot.last(team.rep)
    assert "The customer's reminders are paused." in bot.last(team.rep)

    # paid in full: no more reminders of any kind about it
    await bot.send(team.finance, "/payment SO-20261123-0001")
    await bot.press(team.finance, "All of it: CN¥235.00")
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    await bot.press(team.finance, "✅ Record payment")
    await bot.press_data(team.finance, f"fin:rm:{await customer_id(bot)}:0")
    bot.clock.advance(timedelta(days=30))
    rep_before, customer_before = len(sent_to(bot, team.rep)), len(sent_to(bot, team.customer))
    await scan(bot)
    assert len(sent_to(bot, team.rep)) == rep_before
    assert len(sent_to(bot, team.customer)) == customer_before


async def test_the_pause_is_between_two_reminders_to_one_chat_not_after_the_last(
    team: Team,
) -> None:
    bot = team.bot
    assert bot.app is not None
    config = bot.app.bot_data[CONFIG]
    hour = config.reminders.model_copy(update={"per_chat_seconds": 3600})
    bot.app.bot_data[CONFIG] = config.model_copy(update={"reminders": hour})
    await invoiced(team)
    # one reminder to each of two chats: done at once, no hour waited after either
    assert await asyncio.wait_for(scan(bot), 60) == 2
    bot.clock.advance(timedelta(days=1))  # the customer, the rep, finance twice (alert, digest)
    finance = len(sent_to(bot, team.finance))
    sending = asyncio.create_task(scan(bot))
    while not ("overdue" in bot.last(team.customer) and "Overdue" in bot.last(team.rep)):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    assert len(sent_to(bot, team.finance)) == finance + 1, "the second waits its pause"
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sending


async def test_only_staff_pause_reminders(team: Team) -> None:
    bot = team.bot
    await invoiced(team)
    cid = await customer_id(bot)
    for uid in (team.customer, team.warehouse):
        await bot.press_data(uid, f"fin:rm:{cid}:1")
        assert "only for staff" in bot.alerts()[-1]
        await bot.press_data(uid, f"cus:rm:{cid}:1")
        assert "only for staff" in bot.alerts()[-1]
    await bot.press_data(team.customer, f"fin:c:{cid}")
    assert "only for staff" in bot.alerts()[-1]
    assert await query(bot, "SELECT reminders_paused_at FROM customers") == [(None,)]
    # the customer's own rep may, from the customer card
    await bot.send(team.rep, "/customer Ann")
    await bot.press(team.rep, bot.buttons(team.rep)[0])
    assert "Reminders: ⏸ paused" in await bot.press(team.rep, "⏸ Pause reminders")


async def test_a_customer_who_blocked_the_bot_is_marked_and_the_rep_told_once(team: Team) -> None:
    bot = team.bot
    await invoiced(team)
    bot.fake.block(team.customer, notify=False)  # Telegram will answer 403
    await scan(bot)
    told = bot.last(team.rep)
    assert "🚫 Ann Lee (+8613800138000) has blocked the bot" in told
    assert bot.buttons(team.rep) == ["👤 Customer card"]
    assert await query(bot, "SELECT status FROM reminders WHERE kind = 'payment'") == [
        ("unreachable",)
    ]
    tries = len(calls_to(bot, team.customer))
    rep_messages = len(sent_to(bot, team.rep))
    bot.clock.advance(timedelta(days=1))
    await scan(bot)
    assert len(calls_to(bot, team.customer)) == tries, "no further sends are tried"
    assert not any("blocked the bot" in m for m in sent_to(bot, team.rep)[rep_messages:])
    # back: they unblock and write; the reminder that is current reaches them
    bot.fake.unblock(team.customer, notify=False)
    await bot.send(team.customer, "/orders")
    await scan(bot)
    assert "Friendly reminder" in bot.last(team.customer)


async def test_blocking_is_noticed_from_telegrams_member_update(team: Team) -> None:
    bot = team.bot
    update = bot.fake.block(team.customer)
    assert update is not None
    await bot.feed(update)
    assert "has blocked the bot" in bot.last(team.rep)
    assert await query(bot, "SELECT COUNT(*) FROM users WHERE unreachable_at IS NOT NULL") == [
        (1,)
    ]
    update = bot.fake.unblock(team.customer)
    assert update is not None
    await bot.feed(update)
    assert await query(bot, "SELECT COUNT(*) FROM users WHERE unreachable_at IS NOT NULL") == [
        (0,)
    ]


async def test_telegram_asking_to_wait_is_waited_out(team: Team) -> None:
    bot = team.bot
    await invoiced(team)
    bot.fake.inject(429, method="sendMessage", chat_id=team.customer, retry_after=1, times=1)
    before = len(sent_to(bot, team.customer))
    await scan(bot)
    assert len(sent_to(bot, team.customer)) == before, "it waits the second Telegram asked"
    waiting = "SELECT state, error FROM outbox WHERE kind = 'reminder' ORDER BY chat_id"
    assert await query(bot, waiting) == [
        ("sent", None),  # finance's digest
        ("pending", "Flood control exceeded. Retry in 0:00:01"),
    ]
    bot.clock.advance(timedelta(seconds=1))
    assert await bot.deliver() == 1
    assert len(sent_to(bot, team.customer)) == before + 1
    assert "Payment due today" in bot.last(team.customer)
    assert await query(bot, "SELECT status FROM reminders WHERE kind = 'payment'") == [("sent",)]


async def test_other_errors_are_recorded_and_not_retried(team: Team) -> None:
    bot = team.bot
    await invoiced(team)
    bot.fake.inject(400, method="sendMessage", chat_id=team.customer, times=1)
    await scan(bot)
    assert await query(bot, "SELECT status FROM reminders WHERE kind = 'payment'") == [("failed",)]
    before = len(calls_to(bot, team.customer))
    await scan(bot)
    assert len(calls_to(bot, team.customer)) == before


async def test_a_stop_in_the_middle_of_sending_loses_nothing(team: Team) -> None:
    bot = team.bot
    await invoiced(team)
    bot.clock.advance(timedelta(days=1))
    queued = await bot.context.services.reminders.queue_due()
    assert len(queued) == 4  # the customer, the rep, finance twice (alert and digest)
    sends = len(bot.fake.method_calls("sendMessage"))
    sending = asyncio.create_task(bot.deliver())
    while len(bot.fake.method_calls("sendMessage")) == sends:
        await asyncio.sleep(0)
    sending.cancel()  # stopped right after a message left, before it was recorded as sent
    await asyncio.gather(sending, return_exceptions=True)
    await bot.restart()  # those left "sending" go out again: at most one twice
    await scan(bot)
    sent = [(m["chat_id"], m["text"]) for m in bot.fake.method_calls("sendMessage")[sends:]]
    assert len(set(sent)) == 4, "every reminder arrived"
    for chat in {c for c, _ in sent}:  # chats are written to side by side: one each in flight
        mine = [x for x in sent if x[0] == chat]
        assert len(mine) - len(set(mine)) <= 1, "at most the one in flight twice"
    statuses = dict(await query(bot, "SELECT status, COUNT(*) FROM reminders GROUP BY status"))
    assert statuses == {"sent": 4}
    left = await query(bot, "SELECT COUNT(*) FROM outbox WHERE state != 'sent'")
    assert left == [(0,)]


async def test_reminder_buttons_lead_where_they_say(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    await ship_rest(team)  # no expected date: expected after 3 days
    bot.clock.advance(timedelta(days=4))
    await scan(bot)
    late = bot.last(team.customer)
    assert "📦 Your shipment of order SO-20261123-0001 was expected on Nov 26, 2026." in late
    assert "Carrier: SF Express, tracking number: —" in late
    assert "was expected on Nov 26, 2026 and is not confirmed as delivered" in bot.last(team.rep)
    bot.clock.advance(timedelta(days=2))
    await scan(bot)
    assert "📬 Has your order SO-20261123-0001 arrived?" in bot.last(team.customer)
    await bot.press(team.customer, "✅ I received it")
    assert await query(bot, "SELECT status FROM orders") == [("delivered",)]
    before = len(sent_to(bot, team.customer))
    bot.clock.advance(timedelta(days=5))
    await scan(bot)
    assert not any("shipment" in m for m in sent_to(bot, team.customer)[before:])


async def test_approval_and_shipping_reminders_open_the_work(team: Team) -> None:
    bot = team.bot
    await submitted_order(team)
    bot.clock.advance(timedelta(hours=4))
    await scan(bot)
    nudge = bot.last(team.rep)
    assert "⏳ Order SO-20261123-0001 from Ann Lee (CN¥235.00) has waited 4 hours" in nudge
    card = await bot.press(team.rep, "🔎 Review")
    assert "SO-20261123-0001" in card
    bot.clock.advance(timedelta(hours=4))
    await scan(bot)
    assert "It is still undecided" in bot.last(team.manager)
    assert "It is still undecided" in bot.last(team.manager2)
    await bot.press(team.manager, "🔎 Review")
    await bot.press(team.manager, "✅ Approve")
    bot.clock.advance(timedelta(days=3))
    await scan(bot)
    late = bot.last(team.warehouse)
    assert "🚚 Order SO-20261123-0001 (Ann Lee) should have shipped by Nov 25, 2026" in late
    assert "CN¥" not in late
    await bot.press(team.warehouse, "📦 Ship it")
    assert "STP-24 5/5" in bot.buttons(team.warehouse), "the shipment starts"


def calls_to(bot: Harness, uid: int) -> list[dict[str, object]]:
    """Every sendMessage tried towards a chat, refused ones included."""
    return [c for c in bot.fake.method_calls("sendMessage") if str(c.get("chat_id")) == str(uid)]


async def customer_id(bot: Harness) -> int:
    return int((await query(bot, "SELECT id FROM customers"))[0][0])


async def test_customers_choose_their_time_zone_and_quiet_hours_follow_it(team: Team) -> None:
    bot = team.bot
    await invoiced(team)  # 10:00 in Shanghai is 03:00 in Berlin
    assert "Your time zone: Asia/Shanghai" in await bot.send(team.customer, "/timezone")
    assert "Unknown time zone" in await bot.send(team.customer, "/timezone Mars/Olympus")
    told = await bot.send(team.customer, "/timezone berlin")
    assert "Your time zone: Europe/Berlin (now Nov 23, 2026, 3:00\u202fAM)." in told
    before = len(sent_to(bot, team.customer))
    await scan(bot)
    assert len(sent_to(bot, team.customer)) == before, "night in Berlin: held"
    bot.clock.advance(timedelta(hours=5))  # 08:00 in Berlin
    await scan(bot)
    assert "Payment due today" in bot.last(team.customer)
    assert "Asia/Shanghai" in await bot.send(team.customer, "/timezone reset")


async def test_after_a_down_period_one_reminder_tells_the_real_delay(team: Team) -> None:
    bot = team.bot
    await invoiced(team)
    bot.clock.advance(timedelta(days=10))  # nobody scanned for ten days
    before = len(sent_to(bot, team.customer))
    await scan(bot)
    new = sent_to(bot, team.customer)[before:]
    assert len(new) == 1, "the newest step only"
    assert "⚠️ Second reminder: your payment for order SO-20261123-0001 is still overdue." in new[0]
    assert "CN¥235.00 was due on Nov 23, 2026, 10 days ago." in new[0]
    assert "🔴 Overdue 10 days: Ann Lee owes CN¥235.00" in bot.last(team.rep)


async def test_the_job_queue_runs_the_scan_and_the_digest(team: Team) -> None:
    assert team.bot.app is not None and team.bot.app.job_queue is not None
    jobs = {job.name: job for job in team.bot.app.job_queue.jobs()}
    assert set(jobs) == {reminders.SCAN, reminders.DIGEST}
    scan_trigger = jobs[reminders.SCAN].job.trigger
    assert scan_trigger.interval == timedelta(minutes=5)
    digest_trigger = jobs[reminders.DIGEST].job.trigger
    assert "hour='8', minute='30'" in str(digest_trigger)
    assert str(digest_trigger.timezone) == "Asia/Shanghai"
