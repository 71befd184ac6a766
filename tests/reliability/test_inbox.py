"""The inbox: OrderDesk writes the updates it fetched to its database before Telegram is told it
has them, so one slow update never holds back everybody else's (the bot asks for the next ones
at once), and an update that was in the middle of its work when the bot died is done after the
restart, though Telegram had been told it arrived."""

from __future__ import annotations

import time

from tests.reliability.process import BotProcess, bot_text, until

SLOW = 8.0  # seconds the sandbox takes to answer the slow person's first message


def asked_name(bot: BotProcess, uid: int) -> bool:
    """The newcomer was asked their name."""
    return "What is your name?" in bot_text(bot.fake.last_bot_message(uid))


async def slow_start(bot: BotProcess) -> tuple[int, float]:
    """Ann's /start while the answer to it takes SLOW seconds to come back from Telegram:
    her update is in the middle of its work from then on. Returns her id and when she sent it."""
    await until(bot.idle, "the bot to settle after its start")
    ann = bot.fake.create_user("Ann")
    await bot.client.delay(SLOW, method="sendMessage", times=1)
    began = time.monotonic()
    bot.fake.send_text(ann, "/start")
    await until(lambda: asked_name(bot, ann), "Ann's question to be sent (its answer is slow)")
    return ann, began


async def test_a_slow_update_does_not_hold_back_the_others(running: BotProcess) -> None:
    bot = running
    ann, began = await slow_start(bot)
    bob = bot.fake.create_user("Bob")
    bot.fake.send_text(bob, "/start")
    await until(lambda: asked_name(bot, bob), "Bob to be answered while Ann's update still runs")
    assert time.monotonic() - began < SLOW, "Bob waited for Ann's slow update"
    # Bob's update leaves the inbox a moment after his answer was sent; Ann's is still running,
    # so it stays there. Telegram was told about both.
    await until(
        lambda: bot.sql("SELECT COUNT(*) FROM inbox") == [(1,)], "Bob's update to leave the inbox"
    )
    assert time.monotonic() - began < SLOW, "Ann's update ended before Bob's was checked"
    assert bot.fake.pending_update_count() == 0
    await until(bot.idle, "Ann's update to end", timeout=SLOW + 15)
    assert bot.sql("SELECT COUNT(*) FROM inbox") == [(0,)]
    bot.fake.send_text(ann, "Ann Lee")
    await until(lambda: "phone" in bot_text(bot.fake.last_bot_message(ann)), "Ann to go on")


async def test_an_update_running_when_the_bot_dies_is_done_after_the_restart(
    running: BotProcess,
) -> None:
    bot = running
    ann, _ = await slow_start(bot)
    await until(lambda: bot.fake.pending_update_count() == 0, "Telegram to be told")
    assert bot.sql("SELECT COUNT(*) FROM inbox") == [(1,)]
    await bot.client.clear_delays()
    await bot.restart()  # killed while her update waits for Telegram's answer
    await until(bot.idle, "the kept update to be done after the restart")
    assert bot.sql("SELECT COUNT(*) FROM inbox") == [(0,)]
    assert asked_name(bot, ann)
    bot.fake.send_text(ann, "Ann Lee")  # her registration goes on from the kept update's step
    await until(lambda: "phone" in bot_text(bot.fake.last_bot_message(ann)), "Ann to go on")
    assert "processed first" in bot.log()
