"""One person sending hundreds of updates at once is slowed alone: the excess of theirs is
dropped with one "slow down" notice, while everyone else is answered as usual."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.db import Database
from bot.domain.throttle import NOTICE_EVERY, Throttle, Verdict
from tests.conftest import make_config
from tests.conversations.conftest import query
from tests.harness import Harness

BURST, PER_SECOND = 20, 5.0
SLOW_DOWN = "Slow down, please"


@pytest.fixture
async def guarded(db: Database, clock: FixedClock) -> AsyncIterator[Harness]:
    """The bot with the default flood limits (the other tests run without)."""
    await db.close()
    config = make_config(db.path, telegram={"flood_burst": BURST, "flood_per_second": PER_SECOND})
    bot = await Harness(config, clock).start()
    yield bot
    await bot.stop()


def answers(bot: Harness, uid: int) -> list[str]:
    return [str(m.get("text") or "") for m in bot.fake.bot_messages(uid)]


async def test_a_flooder_is_slowed_alone(guarded: Harness) -> None:
    bot = guarded
    ann, bob = bot.user("Ann"), bot.user("Bob")
    for i in range(300):  # all at the same instant: the clock stands still
        await bot.send(ann, "/help")
        if i % 15 == 0:
            await bot.send(bob, "/help")
    said = answers(bot, ann)
    assert len(said) == BURST + 1, "a burst of answers, then one notice; the rest dropped"
    assert sum(SLOW_DOWN in s for s in said) == 1
    assert all("here is what I can do" in s for s in said if SLOW_DOWN not in s)
    assert [("here is what I can do" in s) for s in answers(bot, bob)] == [True] * 20

    # Presses count too, and are dropped unanswered (an answer would be one more API call).
    before = len(bot.fake.callback_answers)
    await bot.press_data(ann, "cat:home")
    assert len(bot.fake.callback_answers) == before and len(answers(bot, ann)) == BURST + 1

    bot.clock.advance(timedelta(seconds=2))  # 10 tokens back; the notice is not repeated
    for _ in range(15):
        await bot.send(ann, "/help")
    said = answers(bot, ann)
    assert len(said) == BURST + 1 + 10 and sum(SLOW_DOWN in s for s in said) == 1

    bot.clock.advance(timedelta(seconds=NOTICE_EVERY))  # a new flood a minute on: told again
    for _ in range(BURST + 5):
        await bot.send(ann, "/help")
    assert sum(SLOW_DOWN in s for s in answers(bot, ann)) == 2
    assert "here is what I can do" in await bot.send(bob, "/help")


async def test_blocking_the_bot_is_never_dropped(guarded: Harness) -> None:
    bot = guarded
    ann = bot.user("Ann")
    await bot.register(ann)
    for _ in range(BURST * 2):
        await bot.send(ann, "/help")
    await bot.feed(bot.fake.block(ann) or {})
    rows = await query(bot, "SELECT unreachable_at IS NOT NULL FROM users")
    assert rows == [(1,)], "the news of the block got through the flood"


def test_the_bucket_refills_at_its_rate_and_forgets_idle_people() -> None:
    throttle = Throttle(burst=3, per_second=2.0)
    verdicts = [throttle.check(1, 0.0) for _ in range(5)]
    assert verdicts == [Verdict.PASS] * 3 + [Verdict.DROP_AND_NOTICE, Verdict.DROP]
    assert throttle.check(2, 0.0) is Verdict.PASS  # someone else: their own bucket
    assert throttle.check(1, 0.5) is Verdict.PASS  # one token back after half a second
    assert throttle.check(1, 0.5) is Verdict.DROP
    assert throttle.check(1, 0.4) is Verdict.DROP  # a clock set back gives nothing
    assert [throttle.check(1, 100.0) for _ in range(4)][-1] is Verdict.DROP_AND_NOTICE
    for user in range(10, 10_000):
        throttle.check(user, 200.0 + user)  # each gone idle again a couple of seconds later
    assert len(throttle) < 5_000, "idle buckets are swept"
