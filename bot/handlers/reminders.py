"""The reminder job: a scan on a schedule decides what is due (logged once, in the service) and
this thin adapter sends what is queued: chats side by side, each chat's messages in turn."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import time, timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import BaseHandler, ChatMemberHandler, JobQueue

from bot.config import Config
from bot.handlers.context import BotContext
from bot.handlers.notify import send_to, tell_blocked
from bot.ui import reminder_views

log = logging.getLogger(__name__)

PARALLEL_CHATS = 32
RETRIES = 3
SCAN, DIGEST = "reminder-scan", "receivables-digest"


def schedule(job_queue: JobQueue[Any], config: Config) -> None:
    """The repeating scan, plus one at the digest's time so the digest is on time."""
    settings = config.reminders
    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    job_queue.run_repeating(
        scan,
        interval=timedelta(minutes=settings.scan_minutes),
        first=timedelta(seconds=5),
        name=SCAN,
        job_kwargs=options,
    )
    at = time(settings.digest_time.hour, settings.digest_time.minute, tzinfo=config.business.zone)
    job_queue.run_daily(scan, time=at, name=DIGEST, job_kwargs=options)


async def scan(context: BotContext) -> int:
    """Decide what is due now, then send everything queued; returns how many were sent."""
    queued = await context.services.reminders.queue_due()
    if queued:
        log.info("reminders: %d decided", len(queued))
    return await deliver(context)


async def deliver(context: BotContext) -> int:
    """Send every queued reminder; a chat's messages go one by one, a pause apart."""
    chats: dict[tuple[int, int], list[int]] = defaultdict(list)
    for reminder_id, chat_id, topic_id in await context.services.reminders.queued():
        chats[(chat_id, topic_id)].append(reminder_id)
    gate = asyncio.Semaphore(PARALLEL_CHATS)
    sent = await asyncio.gather(*(_chat(context, ids, gate) for ids in chats.values()))
    return sum(sent)


async def _chat(context: BotContext, ids: list[int], gate: asyncio.Semaphore) -> int:
    """One chat's reminders, a pause between two (not after the last: the chat's place among
    those sent side by side goes to the next chat at once)."""
    pause = context.config.reminders.per_chat_seconds
    sent = 0
    async with gate:
        for reminder_id in ids:
            if sent and pause:
                await asyncio.sleep(pause)
            if await _send(context, reminder_id):
                sent += 1
    return sent


async def _send(context: BotContext, reminder_id: int) -> bool:
    """Send one reminder: sent, failed, or (Telegram asked to wait too long) back in line."""
    reminders = context.services.reminders
    outgoing = await reminders.take(reminder_id)
    if outgoing is None:
        return False
    to = outgoing.recipient
    screen = reminder_views.render(
        context.i18n.texts(to.language, to.time_zone), context.config, outgoing
    )
    for _ in range(RETRIES):
        try:
            await send_to(context, to, screen)
        except RetryAfter as error:
            await asyncio.sleep(_seconds(error.retry_after))
            continue
        except Forbidden as error:
            if to.user_id is None:
                await reminders.finish(reminder_id, "failed", str(error)[:200])
            else:
                blocked = await reminders.unreachable(to.user_id, reminder_id)
                if blocked is not None:
                    await tell_blocked(context, blocked)
            return False
        except TelegramError as error:  # not retried: it may have arrived (never twice)
            log.warning("reminder %d to chat %d failed: %s", reminder_id, to.chat_id, error)
            await reminders.finish(reminder_id, "failed", str(error)[:200])
            return False
        await reminders.finish(reminder_id, "sent")
        return True
    await reminders.release(reminder_id)  # decided again at the next scan
    return False


def _seconds(delay: int | float | timedelta) -> float:
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


async def member_changed(update: Update, context: BotContext) -> None:
    """A person blocked the bot (Telegram tells us): nothing more is tried; their rep hears."""
    member = update.my_chat_member
    if member is None or member.new_chat_member.status != ChatMemberStatus.BANNED:
        return
    if member.chat.type != "private":
        return
    blocked = await context.services.reminders.unreachable(context.person.id)
    if blocked is not None:
        await tell_blocked(context, blocked)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Telegram's notice that someone blocked or unblocked the bot."""
    return [ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER)]
