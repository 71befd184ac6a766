"""The one sender of notices: it delivers what the outbox holds (bot/services/notices.py), each
chat's notices in the order they were written, chats side by side.

It runs in the background from start-up to stop, woken by every commit that writes notices and
by the clock when a notice waits to be tried again. Telegram unreachable (5xx, network, a
timeout) or asking to wait (429): the notice goes back to pending with a growing pause (at
most 30 s, bot/domain/notices.py), holding back the rest of its chat so the order stays; so an
outage of any length loses nothing and the chat's notices follow within seconds of its end. A
403 marks the person unreachable (their rep is told once); any other refusal fails that notice
alone. A notice is marked sending before it goes and sent after: one interrupted by a crash
goes out again at the next start (it may arrive twice, never zero times)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from pydantic import BaseModel
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.db.outbox import Taken
from bot.domain.errors import DomainError
from bot.domain.notices import NoticeState
from bot.domain.reminders import ReminderStatus
from bot.handlers.context import App, BotContext
from bot.handlers.notices import Document, Edit, read, render, settle
from bot.runtime.foreground import Foreground
from bot.services.notices import Reader
from bot.ui.screen import Screen

log = logging.getLogger(__name__)

OUTBOX = "outbox"
HEADS = 500  # notices taken in one round (one per chat)
PARALLEL_CHATS = 32
POLL_SECONDS = 5.0  # looks at the outbox at least this often (notices written elsewhere)
STOP_SECONDS = 10.0  # a stop waits this long for the notices being sent
# While anyone's update is being processed, notices go out at most this many a second; with
# nobody waiting, as fast as Telegram takes them (10,000 reminders: benchmarks/fanout.py). A
# batch's ~1,300 notices sent at once took the loop from 200 customers ordering (their p99 96
# → 334 ms, benchmarks/no_stall.py); against Telegram they would also queue ahead of every
# answer in the one rate limiter (about 30 calls a second).
BUSY_PER_SECOND = 10.0


class Sender:
    """Delivers the outbox: in the background (`start`), or until nothing is due (`drain`)."""

    def __init__(self, app: App, foreground: Foreground) -> None:
        self._app = app
        self._foreground = foreground  # the updates being processed (bot.runtime.updates)
        self._pass = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._halt = asyncio.Event()  # set by `stop`: pauses end at once
        self._recovered = True
        self._last: dict[tuple[int, int], datetime] = {}  # chat → last written to, this pass
        self._turn = 0.0  # the event loop's time of the next notice's turn while updates wait

    @property
    def _context(self) -> BotContext:
        return BotContext(self._app)

    def start(self) -> None:
        """Keep delivering until `stop`, starting with what a stop interrupted."""
        self._stopping = False
        self._recovered = False  # the first pass sends again what a stop interrupted
        self._halt.clear()
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        """Let the notices being sent finish (a while at most), then stop."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._halt.set()
        self._wake().set()
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_SECONDS)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._stopping = False  # `drain` still delivers when asked (tests, the reminder job)
        self._halt.clear()

    def _wake(self) -> asyncio.Event:
        return self._context.services.outbox.db.notices_posted

    async def _run(self) -> None:
        wake = self._wake()
        while not self._stopping:
            wake.clear()  # before the pass: a commit during it wakes the next one
            try:
                await self.drain()
                pause = await self._pause()
            except Exception:
                log.exception("outbox: a delivery pass failed; trying again shortly")
                pause = POLL_SECONDS
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), pause)

    async def _pause(self) -> float:
        """Seconds until the soonest notice waiting to be tried again (at most POLL_SECONDS)."""
        services = self._context.services
        due = await services.outbox.next_due()
        if due is None:
            return POLL_SECONDS
        left = (due - services.outbox.clock.now()).total_seconds()
        return min(max(left, 0.05), POLL_SECONDS)

    async def drain(self) -> int:
        """Deliver every notice due now (each chat's in turn); returns how many were sent."""
        context = self._context
        outbox = context.services.outbox
        gate = asyncio.Semaphore(PARALLEL_CHATS)
        sent = 0
        async with self._pass:
            if not self._recovered:  # never while a pass sends (one is "sending" only then)
                await outbox.recover()
                self._recovered = True
            self._last.clear()  # a pause is kept between two notices to a chat in one pass
            while True:
                heads = await outbox.heads(HEADS)
                if not heads:
                    break
                done = await asyncio.gather(*(self._one(context, i, gate) for i in heads))
                sent += sum(1 for d in done if d is True)
                if self._stopping or all(d is None for d in done):  # none taken: elsewhere
                    break
        return sent

    async def _one(
        self, context: BotContext, notice_id: int, gate: asyncio.Semaphore
    ) -> bool | None:
        """Send one notice: True sent, False not (retried later, failed or dropped), None if
        it was not there to take."""
        async with gate:
            taken = await context.services.outbox.take(notice_id)
            if taken is None:
                return None
            notice, reader = taken
            try:
                return await self._deliver(context, notice, reader)
            except _Stopped:  # not sent: the next start sends it
                await context.services.outbox.release(notice.id)
                return False
            except Exception:  # never let one notice stop the others
                log.exception("outbox: notice %d could not be handled", notice.id)
                await context.services.outbox.finish(notice.id, NoticeState.FAILED, "error")
                return False

    async def _deliver(self, context: BotContext, notice: Taken, reader: Reader) -> bool:
        outbox = context.services.outbox
        data = read(notice.kind, notice.data)
        if reader.unreachable:
            await outbox.finish(notice.id, NoticeState.FAILED, "unreachable")
            await settle(context, notice.kind, data, ReminderStatus.UNREACHABLE, "blocked")
            return False
        t = context.i18n.texts(reader.language, reader.time_zone)
        try:
            message = await render(context, t, notice.kind, data)
        except DomainError as error:  # what it was about is gone
            log.info("outbox: notice %d no longer applies: %r", notice.id, error)
            message = None
        if message is None:
            await outbox.finish(notice.id, NoticeState.DROPPED)
            return False
        await self._pace(context, notice)
        await self._give_way()
        try:
            message_id = await self._send(context, notice, message)
        except RetryAfter as error:
            asked = _seconds(error.retry_after)
            return await self._later(context, notice, data, str(error), asked)
        except Forbidden as error:
            if reader.user_id is None:  # the bot is no longer in that group
                return await self._failed(context, notice, data, str(error))
            log.info("outbox: user %s has blocked the bot", reader.user_id)
            await outbox.finish(notice.id, NoticeState.FAILED, "blocked")
            await settle(context, notice.kind, data, ReminderStatus.UNREACHABLE, "blocked")
            await context.services.reminders.unreachable(reader.user_id)
            return False
        except BadRequest as error:  # refused as it is: sending it again changes nothing
            return await self._failed(context, notice, data, str(error))
        except NetworkError as error:  # 5xx, network, timeout: Telegram is away
            return await self._later(context, notice, data, str(error))
        except TelegramError as error:
            return await self._failed(context, notice, data, str(error))
        await outbox.finish(notice.id, NoticeState.SENT, message_id=message_id)
        await settle(context, notice.kind, data, ReminderStatus.SENT)
        return True

    async def _pace(self, context: BotContext, notice: Taken) -> None:
        """Telegram wants about a second between two messages to one chat."""
        pause = timedelta(seconds=context.config.reminders.per_chat_seconds)
        if not pause:
            return
        clock = context.services.outbox.clock
        chat = (notice.chat_id, notice.topic_id)
        last = self._last.get(chat)
        if last is not None and (wait := last + pause - clock.now()) > timedelta(0):
            await self._wait(wait.total_seconds())
        self._last[chat] = clock.now()

    async def _give_way(self) -> None:
        """Answers first: while updates are being processed, wait for this notice's turn (one
        every 1/BUSY_PER_SECOND seconds); with none, go at once."""
        loop = asyncio.get_running_loop()
        while self._busy() and (wait := self._turn - loop.time()) > 0:
            await self._wait(wait)
        self._turn = loop.time() + 1 / BUSY_PER_SECOND

    async def _wait(self, seconds: float) -> None:
        """Pause before a notice, ended early by a stop (then _Stopped: it is not sent)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._halt.wait(), seconds)
        if self._stopping:
            raise _Stopped()

    def _busy(self) -> bool:
        """Someone's update is being processed (or waits for its chat's turn)."""
        return self._foreground.running > 0

    async def _send(
        self, context: BotContext, notice: Taken, message: Screen | Document | Edit
    ) -> int:
        """Send (or edit) the message; returns its id."""
        topic = notice.topic_id or None
        if isinstance(message, Edit):
            edited = await self._edit(context, notice, message)
            if edited is not None:
                return edited
            message = message.screen  # the earlier message cannot be edited: a new one
        if isinstance(message, Document):
            sent = await context.bot.send_document(
                notice.chat_id,
                message.content,
                filename=message.filename,
                caption=message.caption,
                reply_markup=message.keyboard,
                message_thread_id=topic,
            )
            return sent.message_id
        if message.photo:  # e.g. a custom request's first photo, the card as its caption
            try:
                sent = await context.bot.send_photo(
                    notice.chat_id,
                    message.photo,
                    caption=message.text,
                    reply_markup=message.keyboard,
                    message_thread_id=topic,
                )
                return sent.message_id
            except BadRequest as error:  # the photo is gone: the card goes as text
                log.warning("outbox: notice %d sent without its photo: %s", notice.id, error)
        sent = await context.bot.send_message(
            notice.chat_id, message.text, reply_markup=message.keyboard, message_thread_id=topic
        )
        return sent.message_id

    async def _edit(self, context: BotContext, notice: Taken, edit: Edit) -> int | None:
        """Edit an earlier message in place; None if it cannot be (deleted, too old, …)."""
        markup = edit.screen.keyboard
        try:
            await context.bot.edit_message_text(
                edit.screen.text,
                chat_id=notice.chat_id,
                message_id=edit.message_id,
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            )
        except BadRequest as error:
            if "not modified" in str(error).lower():  # it already shows this
                return edit.message_id
            log.info(
                "outbox: notice %d could not edit message %d (%s): sent anew",
                notice.id,
                edit.message_id,
                error,
            )
            return None
        return edit.message_id

    async def _later(
        self,
        context: BotContext,
        notice: Taken,
        data: BaseModel,
        error: str,
        asked: float | None = None,
    ) -> bool:
        log.warning("outbox: notice %d to chat %d waits: %s", notice.id, notice.chat_id, error)
        if not await context.services.outbox.later(notice, error[:200], asked):
            log.error("outbox: notice %d given up after %d tries", notice.id, notice.attempts)
            await settle(context, notice.kind, data, ReminderStatus.FAILED, error[:200])
        return False

    async def _failed(
        self, context: BotContext, notice: Taken, data: BaseModel, error: str
    ) -> bool:
        log.warning("outbox: notice %d to chat %d failed: %s", notice.id, notice.chat_id, error)
        await context.services.outbox.finish(notice.id, NoticeState.FAILED, error[:200])
        await settle(context, notice.kind, data, ReminderStatus.FAILED, error[:200])
        return False


class _Stopped(Exception):
    """The sender stopped while a notice waited for its chat's pause."""


def _seconds(delay: int | float | timedelta) -> float:
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


def sender_of(context: BotContext) -> Sender:
    """The application's sender."""
    sender: Sender = context.bot_data[OUTBOX]
    return sender
