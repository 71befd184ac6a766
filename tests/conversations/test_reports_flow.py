"""/report through the real Application, offline: a manager picks a period and each view (the
sales chart arrives as an uploaded PNG photo), other dates typed with bad input, refusals for
every other role, and the customer's rating after delivery (once, own orders only)."""

from __future__ import annotations

import os
from io import BytesIO

import pytest
from PIL import Image

from bot.config import PerformanceConfig
from bot.handlers import progress
from bot.handlers.context import OFFLOAD
from bot.ui import charts
from tests.conversations.conftest import Team, query
from tests.conversations.test_finance import delivered_order
from tests.conversations.test_fulfilment import approved_order, ship_rest
from tests.harness import Harness

PERIODS = ["Today", "This week", "This month", "🗓 Other dates…"]
VIEWS = [
    "📈 Sales by day (chart)",
    "🏆 Top products and customers",
    "👥 Sales by rep",
    "📊 KPIs",
    "⭐ Ratings",
    "🗓 Another period",
]


def chart_of(bot: Harness, uid: int) -> bytes:
    """The PNG of the newest photo in the chat, as uploaded."""
    message = bot.last_message(uid)
    assert "photo" in message, message
    content = bot.fake.file_content(message["photo"][-1]["file_id"])
    assert content is not None
    return content


async def test_a_manager_sees_each_view_and_the_chart_as_a_photo(team: Team) -> None:
    bot, mia = team.bot, team.manager
    await delivered_order(team)  # Ann: 5 × 35.00 + 10 × 4.50 + 15.00 = 235.00, today
    assert "which period?" in await bot.send(mia, "/report")
    assert bot.buttons(mia) == PERIODS
    menu = await bot.press(mia, "This week")  # Monday 23 November: the week has begun today
    assert "Report for Nov 23, 2026" in menu
    assert bot.buttons(mia) == VIEWS
    caption = await bot.press(mia, "📈 Sales by day (chart)")
    assert "Sales Nov 23, 2026: CN¥235.00 from 1 order" in caption
    upload = bot.fake.method_calls("sendPhoto")[-1]
    assert upload["chat_id"] == mia and upload["photo"]["mime_type"] == "image/png"
    png = chart_of(bot, mia)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (960, 540)
    assert bot.buttons(mia) == VIEWS  # the views go on from under the chart

    kpis = await bot.press(mia, "📊 KPIs")
    assert "photo" in bot.fake.bot_messages(mia)[-2], "the chart stays; the KPIs come below"
    assert "KPIs, Nov 23, 2026" in kpis
    assert "Time to approval: median 0 min, average 0 min, longest 0 min (1 order)" in kpis
    assert "On-time delivery: 100% (1 of 1 delivered)" in kpis
    assert "Fill rate: 100% (1 of 1 shipped complete and on time)" in kpis
    assert "Cancellation rate: 0% (0 of 1 orders placed)" in kpis
    assert "Outstanding: CN¥0.00" in kpis

    top = await bot.press(mia, "🏆 Top products and customers")
    assert "1. STP-24 Stapler No. 24/6: 5 units, CN¥175.00" in top
    assert "2. STP-REFILL Staples 24/6 (1000 pcs): 10 units, CN¥45.00" in top
    assert "1. Ann Lee: CN¥235.00, 1 order" in top
    by_rep = await bot.press(mia, "👥 Sales by rep")
    assert "• Sam: CN¥235.00 (100%), 1 order" in by_rep
    assert "No ratings in this period." in await bot.press(mia, "⭐ Ratings")
    assert bot.buttons(mia)[-1] == "🗓 Another period"
    assert "which period?" in await bot.press(mia, "🗓 Another period")
    assert "Report for Nov 1, 2026 – Nov 23, 2026" in await bot.press(mia, "This month")


async def test_the_chart_follows_the_data(team: Team) -> None:
    bot, mia = team.bot, team.manager
    await bot.send(mia, "/report")
    await bot.press(mia, "Today")
    await bot.press(mia, "📈 Sales by day (chart)")
    assert "CN¥0.00 from 0 orders" in bot.last(mia)
    empty = chart_of(bot, mia)
    await bot.press(mia, "📈 Sales by day (chart)")
    assert chart_of(bot, mia) == empty, "the same data draws the same picture"
    await approved_order(team)
    await bot.press(mia, "📈 Sales by day (chart)")
    one = chart_of(bot, mia)
    assert one.startswith(b"\x89PNG") and one != empty


async def test_other_dates_typed_with_bad_input(team: Team) -> None:
    bot, mia = team.bot, team.manager
    await approved_order(team)
    await bot.send(mia, "/report")
    asked = await bot.press(mia, "🗓 Other dates…")
    assert "Send the first and the last day of the period" in asked
    for bad in (
        "yesterday",
        "2026-11-23 2026-11-01",  # backwards
        "2026-01-01 2027-06-01",  # over 366 days
        "2026-02-30 2026-03-01",  # no such day
        "2026-11-01 2026-11-10 2026-11-20",
        "-3",
        "10^9",
        "7" * 4096,  # the longest message Telegram carries
    ):
        assert "Please send the first and the last day" in await bot.send(mia, bad), bad
        assert "(at most 366 days)" in bot.last(mia)
    await bot.feed(bot.fake.send_sticker(mia))
    assert "Please answer with text" in bot.last(mia)
    menu = await bot.send(mia, "20.11.2026 - 23.11.2026")
    assert "Report for Nov 20, 2026 – Nov 23, 2026" in menu
    assert "CN¥235.00 from 1 order" in await bot.press(mia, "📈 Sales by day (chart)")
    assert "Nothing to cancel" in await bot.send(mia, "/cancel"), "the dates were taken"
    await bot.press(mia, "🗓 Another period")
    await bot.press(mia, "🗓 Other dates…")
    assert "No report then" in await bot.send(mia, "/cancel")
    before = len(bot.fake.bot_messages(mia))
    for forged in (
        "rpt:v:k:20261130:20261101",  # backwards
        "rpt:v:k:20240101:20261101",  # too long
        "rpt:v:z:20261123:20261123",  # no such view
        "rpt:v:k:none:20261123",
        "rpt:p:year",
        "rpt:zz",
    ):
        await bot.press_data(mia, forged)
        assert "This button has expired" in bot.alerts()[-1], forged
    assert len(bot.fake.bot_messages(mia)) == before


async def test_only_managers_and_admins_get_reports(team: Team) -> None:
    bot = team.bot
    for uid in (team.customer, team.rep, team.warehouse, team.finance):
        assert "only for staff" in await bot.send(uid, "/report")
        for data in ("rpt:v:s:20261123:20261123", "rpt:p:week", "rpt:h", "rpt:c"):
            await bot.press_data(uid, data)
            assert "only for staff" in bot.alerts()[-1], (uid, data)
    assert bot.fake.method_calls("sendPhoto") == []
    denied = await query(
        bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND after = 'report'"
    )
    assert denied == [(20,)]


async def test_the_customer_rates_once_and_comments(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await delivered_order(team)
    shown = bot.last(ann)
    assert "Status: 📬 delivered" in shown
    assert "How was your order SO-20261123-0001? Rate it from 1 to 5 stars." in shown
    assert bot.buttons(ann)[:5] == ["1⭐", "2⭐", "3⭐", "4⭐", "5⭐"]
    asked = await bot.press(ann, "4⭐")
    assert "You rated order SO-20261123-0001 ⭐⭐⭐⭐" in asked and "Skip" in bot.buttons(ann)
    await bot.feed(bot.fake.send_sticker(ann))
    assert "Please answer with text" in bot.last(ann)
    assert "1 to 1,000 characters" in await bot.send(ann, "x" * 4096)
    assert "Thank you for your feedback" in await bot.send(ann, "Fast delivery, thanks")
    rows = await query(bot, "SELECT rating, comment FROM order_feedback")
    assert rows == [(4, "Fast delivery, thanks")]

    await bot.press_data(ann, "fb:r:1:1")  # again, or an old button
    assert "recorded already" in bot.alerts()[-1]
    await bot.press_data(ann, "fb:r:1:9")  # forged
    assert "expired" in bot.alerts()[-1]
    eve = bot.user("Eve")
    await bot.register(eve)
    await bot.press_data(eve, "fb:r:1:5")
    assert "No such order among yours" in bot.alerts()[-1]
    await bot.press_data(team.rep, "fb:r:1:5")
    assert "register first" in bot.alerts()[-1]
    assert await query(bot, "SELECT rating, comment FROM order_feedback") == rows

    await bot.send(team.manager, "/report")
    await bot.press(team.manager, "Today")
    ratings = await bot.press(team.manager, "⭐ Ratings")
    assert "Average 4.0 of 5 from 1 rating" in ratings
    assert "★★★★☆  1" in ratings
    assert "• SO-20261123-0001 · Ann Lee · ★★★★: Fast delivery, thanks" in ratings


async def test_asked_when_the_warehouse_marks_delivery_and_only_once(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await approved_order(team)
    await ship_rest(team)
    await bot.press(team.warehouse, "📬 Delivered: shipment 1")
    assert "How was your order SO-20261123-0001?" in bot.last(ann)
    await bot.press(ann, "5⭐")
    assert "Thank you for your feedback" in await bot.press(ann, "Skip")
    assert await query(bot, "SELECT rating, comment FROM order_feedback") == [(5, None)]
    shown = await bot.press_data(ann, "dlv:r:1")  # the old "I received it" button
    assert "How was your order" not in shown
    assert "How was your order" not in bot.last(ann)
    await bot.press_data(ann, "fb:r:1:2")
    assert "recorded already" in bot.alerts()[-1]


async def test_not_before_delivery(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await approved_order(team)
    await bot.press_data(ann, "fb:r:1:5")
    assert "once it is delivered" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM order_feedback") == [(0,)]


WORKING = "⏳ Working on it: this takes a little while…"


def progress_notes(bot: Harness, uid: int) -> tuple[int, list[str]]:
    """How many progress messages were sent to the chat, and what the chat's messages that
    were edited from one now say."""
    sent = [
        c
        for c in bot.fake.method_calls("sendMessage")
        if c["chat_id"] == uid and c["text"] == WORKING
    ]
    now = [m.get("text", "") for m in bot.fake.bot_messages(uid)]
    return len(sent), [
        text for text in now if text in (WORKING, "✅ Done.", "✖️ Stopped: see below.")
    ]


async def test_slow_views_say_they_work_then_edit_that_when_done(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, mia = team.bot, team.manager
    await delivered_order(team)
    await bot.send(mia, "/report")
    await bot.press(mia, "This week")
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0)  # every piece of work counts as slow
    assert await bot.press(mia, "📊 KPIs") == "✅ Done."  # the newest change in the chat
    kpis = [m["text"] for m in bot.fake.bot_messages(mia) if "KPIs" in m.get("text", "")]
    assert len(kpis) == 1 and "Outstanding: CN¥0.00" in kpis[0], "in place of the menu"
    assert progress_notes(bot, mia) == (1, ["✅ Done."])
    edits = [c for c in bot.fake.method_calls("editMessageText") if c["text"] == "✅ Done."]
    assert len(edits) == 1 and edits[0]["chat_id"] == mia
    caption = await bot.press(mia, "📈 Sales by day (chart)")
    assert "Sales Nov 23, 2026: CN¥235.00 from 1 order" in caption
    assert progress_notes(bot, mia) == (2, ["✅ Done."] * 2)
    assert bot.buttons(mia) == VIEWS

    monkeypatch.setattr(progress, "PROGRESS_AFTER", 60.0)  # quick work: nothing extra
    assert "Top products" in await bot.press(mia, "🏆 Top products and customers")
    assert progress_notes(bot, mia) == (2, ["✅ Done."] * 2)


def crash(*_: object) -> bytes:
    """The worker drawing the chart dies (killed, out of memory)."""
    os._exit(9)


async def chart_of_the_week(bot: Harness, uid: int) -> str:
    """/report, this week, the chart: what the chat shows then."""
    await bot.send(uid, "/report")
    await bot.press(uid, "This week")
    return await bot.press(uid, "📈 Sales by day (chart)")


def drawn(bot: Harness, uid: int, caption: str) -> bool:
    """The week's chart arrived, with its caption."""
    png = Image.open(BytesIO(chart_of(bot, uid)))
    return "Sales Nov 23, 2026: CN¥235.00 from 1 order" in caption and png.format == "PNG"


async def test_a_worker_dying_over_the_chart_is_an_apology_and_the_next_chart_comes(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, mia = team.bot, team.manager
    await delivered_order(team)
    with monkeypatch.context() as patched:
        patched.setattr(charts, "sales_chart", crash)  # the worker imports this module: dies
        await chart_of_the_week(bot, mia)
    assert "Sorry, something went wrong" in bot.alerts()[-1]
    assert drawn(bot, mia, await chart_of_the_week(bot, mia)), "a new worker draws it"


async def test_with_no_worker_processes_the_chart_is_drawn_in_the_bot(team: Team) -> None:
    bot, mia = team.bot, team.manager
    await delivered_order(team)
    bot.config = bot.config.model_copy(update={"performance": PerformanceConfig(workers=0)})
    bot.offload = None  # the application's own, as configured
    await bot.restart()
    assert bot.app is not None and bot.app.bot_data[OFFLOAD].workers == 0
    assert drawn(bot, mia, await chart_of_the_week(bot, mia))
