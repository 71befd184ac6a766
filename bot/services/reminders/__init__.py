"""Reminders and alerts, in three parts: planning (what is due at a moment: one function of the
database and that moment), recipients (who gets each), and queueing (the log that lets each
reminder out once, and the notices it queues); describing reads what a queued one says."""

from bot.services.reminders.describing import Instalment, Outgoing
from bot.services.reminders.planning import Planned
from bot.services.reminders.queueing import Blocked, ReminderService
from bot.services.reminders.recipients import Recipient

__all__ = ["Blocked", "Instalment", "Outgoing", "Planned", "Recipient", "ReminderService"]
