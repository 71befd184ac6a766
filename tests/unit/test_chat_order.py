"""Updates side by side (bot/runtime/updates.py ChatOrder): different chats overlap, one chat's and
one person's updates run one after another in arrival order, and nothing is left locked; the
updates in progress are counted for work that waits for a lull (bot/runtime/foreground.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Chat, Message, Update, User

from bot.db.updates import CURRENT_UPDATE
from bot.runtime import foreground as foreground_module
from bot.runtime.foreground import Foreground
from bot.runtime.updates import ChatOrder

DAY = 1_700_000_000


def text(update_id: int, user_id: int, chat_id: int | None = None) -> Update:
    """A text message from a person, in their private chat or in a group."""
    chat_id = user_id if chat_id is None else chat_id
    chat = Chat(chat_id, Chat.PRIVATE if chat_id == user_id else Chat.GROUP)
    person = User(user_id, f"U{user_id}", is_bot=False)
    message = Message(update_id, DAY, chat, from_user=person, text=str(update_id))  # type: ignore[arg-type]
    return Update(update_id, message=message)


class Recorder:
    """Coroutines that note when they start and end, and wait for a signal to end."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.gates: dict[int, asyncio.Event] = {}

    async def work(self, update: Update) -> None:
        self.log.append(f"start {update.update_id}")
        gate = self.gates.setdefault(update.update_id, asyncio.Event())
        await gate.wait()
        self.log.append(f"end {update.update_id}")

    def finish(self, update_id: int) -> None:
        self.gates.setdefault(update_id, asyncio.Event()).set()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def run(processor: ChatOrder, recorder: Recorder, updates: list[Update]) -> list[Any]:
    tasks = [asyncio.create_task(processor.process_update(u, recorder.work(u))) for u in updates]
    await settle()
    return tasks


async def test_different_chats_overlap_one_chat_waits_its_turn() -> None:
    processor, recorder = ChatOrder(8), Recorder()
    tasks = await run(processor, recorder, [text(1, 10), text(2, 20), text(3, 10), text(4, 10)])
    assert recorder.log == ["start 1", "start 2"], "chat 20 does not wait for chat 10"
    recorder.finish(4)  # done before its turn: still waits for 1 and 3
    recorder.finish(3)
    await settle()
    assert "start 3" not in recorder.log
    recorder.finish(1)
    await settle()
    assert recorder.log[2:] == ["end 1", "start 3", "end 3", "start 4", "end 4"]
    recorder.finish(2)
    await asyncio.gather(*tasks)
    assert processor._locks == {}, "no lock left behind"


async def test_a_person_in_a_group_and_in_private_is_one_at_a_time() -> None:
    processor, recorder = ChatOrder(8), Recorder()
    group = -100
    tasks = await run(processor, recorder, [text(1, 10, group), text(2, 10), text(3, 30, group)])
    assert recorder.log == ["start 1"], "same person (2) and same group (3) wait"
    recorder.finish(1)
    await settle()
    assert recorder.log[1] == "end 1" and sorted(recorder.log[2:]) == ["start 2", "start 3"]
    recorder.finish(2)
    recorder.finish(3)
    await asyncio.gather(*tasks)
    assert processor._locks == {}


async def test_at_most_the_limit_side_by_side() -> None:
    processor, recorder = ChatOrder(2), Recorder()
    tasks = await run(processor, recorder, [text(i, 100 + i) for i in range(1, 5)])
    assert recorder.log == ["start 1", "start 2"]
    for update_id in range(1, 5):
        recorder.finish(update_id)
    await asyncio.gather(*tasks)
    assert len([e for e in recorder.log if e.startswith("end")]) == 4


async def test_cancelled_while_waiting_leaves_nothing_locked() -> None:
    processor, recorder = ChatOrder(8), Recorder()
    tasks = await run(processor, recorder, [text(1, 10), text(2, 10)])
    tasks[1].cancel()
    await settle()
    recorder.finish(1)
    await asyncio.gather(*tasks, return_exceptions=True)
    assert recorder.log == ["start 1", "end 1"] and processor._locks == {}
    later = await run(processor, recorder, [text(3, 10)])
    recorder.finish(3)
    await asyncio.gather(*later)
    assert recorder.log[-2:] == ["start 3", "end 3"]


async def test_updates_in_progress_are_counted_and_background_work_waits_for_a_lull() -> None:
    processor, recorder = ChatOrder(8), Recorder()
    foreground = processor.foreground
    tasks = await run(processor, recorder, [text(1, 10), text(2, 10), text(3, 30)])
    assert foreground.running == 3, "waiting for its chat's turn counts too"
    lull = asyncio.create_task(foreground.lull(60))
    recorder.finish(1)
    recorder.finish(3)
    await settle()
    assert not lull.done() and foreground.running == 1
    recorder.finish(2)
    await asyncio.gather(*tasks)
    assert await lull is True and foreground.running == 0
    cancelled = await run(processor, recorder, [text(4, 40)])
    cancelled[0].cancel()
    await asyncio.gather(*cancelled, return_exceptions=True)
    assert foreground.running == 0, "a cancelled update is no longer counted"


async def test_a_lull_leaves_out_the_callers_own_update_and_gives_up_in_time() -> None:
    foreground = Foreground()
    assert await foreground.lull(60) is True, "nothing running"
    foreground.began(7)
    token = CURRENT_UPDATE.set(7)
    try:
        assert await foreground.lull(60) is True, "the one running is the caller's own"
        foreground.began(8)  # someone else's
        loop = asyncio.get_running_loop()
        began = loop.time()
        assert await foreground.lull(0.05) is False
        assert loop.time() - began >= 0.04, "waited about as long as allowed, then went on"
    finally:
        CURRENT_UPDATE.reset(token)


async def test_long_work_in_progress_does_not_keep_a_lull_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(foreground_module, "LONG", 0.05)
    foreground = Foreground()
    foreground.began(1)  # a year's report, waiting for its thread
    assert await asyncio.wait_for(foreground.lull(60), 5) is True, "once it is LONG old"
    foreground.began(2)  # a customer's button
    assert await foreground.lull(0.01) is False
    foreground.ended(2)
    assert await foreground.lull(0.01) is True and foreground.running == 1
