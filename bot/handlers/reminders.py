"""The reminder job: a scan on a schedule decides what is due (logged once, in the service, and
written to the outbox); the one sender of notices delivers it (bot/handlers/outbox.py)."""

from __future__ import annotations

import logging
from datetime import time, timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import BaseHandler, ChatMemberHandler, JobQueue

from bot.config import Config
from bot.handlers.context import BotContext
from bot.handlers.outbox import sender_of

log = logging.getLogger(__name__)

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
    """Decide what is due now (each reminder becomes a notice in the outbox), then deliver
    everything due; returns how many notices were sent."""
    queued = await context.services.reminders.queue_due()
    if queued:
        log.info("reminders: %d decided", len(queued))
    return await sender_of(context).drain()


async def member_changed(update: Update, context: BotContext) -> None:
    """A person blocked the bot (Telegram tells us): nothing more is tried; their rep hears."""
    member = update.my_chat_member
    if member is None or member.new_chat_member.status != ChatMemberStatus.BANNED:
        return
    if member.chat.type != "private":
        return
    await context.services.reminders.unreachable(context.person.id)  # their rep is told


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Telegram's notice that someone blocked or unblocked the bot."""
    return [ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER)]
