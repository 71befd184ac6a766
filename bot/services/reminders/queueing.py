"""The reminder log: what is due is logged once and queued for the one sender of notices; each
queued reminder is taken to be sent (or dropped), and what became of it recorded."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.db.reminders import Logged
from bot.domain.models import Customer
from bot.domain.notices import NoticeKind
from bot.domain.reminders import Audience, ReminderStatus
from bot.services.base import Service
from bot.services.notices import CustomerRef, post_to_chat
from bot.services.reminders.describing import NotNow, Outgoing, Skip, compose
from bot.services.reminders.planning import Planned, earliest, plan
from bot.services.reminders.recipients import Directory, Recipient, Unreachable, recipients


class Blocked(BaseModel):
    """A customer who blocked the bot, and the staff to tell (once)."""

    model_config = ConfigDict(frozen=True)

    customer: Customer
    tell: tuple[Recipient, ...]


class ReminderService(Service):
    """Decides (planning), logs (here) and describes (describing) reminders; sending them is
    the caller's."""

    async def due_reminders(self, now: datetime, *, everything: bool = False) -> list[Planned]:
        """Every reminder due at `now` and not yet logged, held ones included: reads only.
        What a scan at that moment would decide (of the orders on the agenda by then); with
        `everything`, by the rules over the whole book, which also names staff given a role
        after a step was decided (the scan tells them of the next step)."""
        async with self.db.reader(long=True) as uow:
            if everything:
                return await plan(uow, self.config, now)
            return await plan(uow, self.config, now, await uow.reminders.agenda(now), {})

    async def queue_due(self) -> list[int]:
        """Decide what is due now and log it as queued, in one transaction: a reminder is
        logged once (the log's unique key), however many scans overlap or restarts happen.

        Only the orders on the agenda whose time has come are looked at (what changed since
        the last scan, and what reached a step or the end of quiet hours); each is put back
        for its next step, or dropped from the agenda when no step is left."""
        now = self.clock.now()
        async with self.db.unit_of_work(long=True) as uow:
            among = await uow.reminders.agenda(now)
            looks: dict[int, datetime | None] = dict.fromkeys(among)
            planned = await plan(uow, self.config, now, among, looks)
            due = [p for p in planned if p.held_until is None]
            for p in planned:
                if p.held_until is not None and p.order_id in looks:
                    looks[p.order_id] = earliest(looks[p.order_id], p.held_until)
            queued = await uow.reminders.add_all(
                [(p.key, p.recipient.user_id, p.recipient.audience) for p in due], now
            )
            await uow.outbox.add_reminders(queued, now)  # sent by the one sender of notices
            await uow.reminders.reschedule(looks)
            await uow.commit()
        return queued

    async def take(self, reminder_id: int) -> Outgoing | None:
        """Take a reminder to send it (again, if a try failed): None if it was sent or no
        longer applies (then it is dropped, or forgotten to be decided again later)."""
        async with self.db.unit_of_work() as uow:
            logged = await uow.reminders.claim(reminder_id)
            if logged is None:
                return None
            try:
                outgoing: Outgoing | None = await compose(
                    uow, self.config, self.clock, logged, self.today()
                )
            except Skip:
                await uow.reminders.finish(reminder_id, ReminderStatus.DROPPED, self.clock.now())
                outgoing = None
            except (NotNow, Unreachable):
                await uow.reminders.forget(reminder_id)
                outgoing = None
            await uow.commit()
        return outgoing

    async def preview(self, planned: Planned) -> Outgoing | None:
        """What a planned reminder would say (for dry runs); None if it would be dropped."""
        async with self.db.reader() as uow:
            logged = Logged(0, planned.key, planned.recipient.user_id, planned.recipient.audience)
            try:
                return await compose(uow, self.config, self.clock, logged, self.today())
            except (Skip, NotNow, Unreachable):
                return None

    async def finish(
        self, reminder_id: int, status: ReminderStatus, error: str | None = None
    ) -> None:
        """Record what became of a reminder: sent, failed or unreachable."""
        async with self.db.unit_of_work(claims_update=False) as uow:
            await uow.reminders.finish(reminder_id, status, self.clock.now(), error)
            await uow.commit()

    async def unreachable(self, user_id: int) -> Blocked | None:
        """Telegram refused a message to this person (they blocked the bot): mark them so
        nothing more is tried; the first time, their rep (or the managers) is told."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            newly = await uow.users.set_unreachable(user_id, now)
            customer = await uow.customers.by_user(user_id)
            tell: list[Recipient] = []
            if newly and customer is not None:
                contacts = await uow.reminders.contacts([customer.id])
                tell = await recipients(
                    uow, self.config, Audience.REP, contacts[customer.id], None, Directory()
                )
                ref = CustomerRef(customer_id=customer.id)
                for to in tell:
                    chat = (to.chat_id, to.topic_id, to.user_id)
                    await post_to_chat(uow, NoticeKind.BLOCKED, ref, chat, now)
            await uow.commit()
        if customer is None or not tell:
            return None
        return Blocked(customer=customer, tell=tuple(tell))

    async def statuses(self) -> dict[ReminderStatus, int]:
        """How many reminders are queued, sent, failed…"""
        async with self.db.reader() as uow:
            return await uow.reminders.statuses()
