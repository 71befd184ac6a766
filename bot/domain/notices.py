"""Notices: what an action tells other people, and when a notice that did not arrive is tried
again. Rules only; the outbox table keeps them (bot/db/outbox.py), one sender delivers them."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class NoticeKind(StrEnum):
    """What a notice says (each has one renderer: bot/handlers/notices.py)."""

    NEW_ORDER = "new_order"  # to those who decide it: the approval card
    CUSTOMER_ORDERED = "customer_ordered"  # to the customer's rep who does not decide it
    CARD_DECIDED = "card_decided"  # edits an approval card sent: decided (or changed), by whom
    PICK_LIST = "pick_list"  # to the warehouse: an approved order to pick
    PICK_LIST_CHANGED = "pick_list_changed"  # to the warehouse: an order it picks was changed
    PICK_CANCELLED = "pick_cancelled"  # to the warehouse: an order it picks was cancelled
    APPROVED = "approved"  # to the customer
    REJECTED = "rejected"  # to the customer, with the reason
    PLACED_FOR = "placed_for"  # to the customer: staff placed an order for them
    REQUEST = "request"  # to those who decide a customer's cancel or change request
    REQUEST_DECIDED = "request_decided"  # to the customer
    CANCELLED_FOR = "cancelled_for"  # to the customer: staff cancelled their approved order
    SHIPPED = "shipped"  # to the customer: carrier, tracking, "I received it"
    DELIVERED = "delivered"  # to finance
    HANDED_OVER = "handed_over"  # to the customer: the warehouse marked a shipment delivered
    ASK_RATING = "ask_rating"  # the rating question alone: no longer written, kept for old rows
    RECEIPT = "receipt"  # to the customer: a payment recorded
    INVOICE = "invoice"  # to the customer: the invoice PDF (text if the PDF cannot be made)
    CREDIT_NOTE = "credit_note"  # to the customer: an invoiced total changed (credit/debit note)
    NOTE_ISSUED = "note_issued"  # to finance: the same note's PDF, what the invoice asks now
    REFUND_DUE = "refund_due"  # to finance: money to pay back, with a button to record it
    REFUND = "refund"  # to the customer: money paid back
    PAID_IN_CHAT = "paid_in_chat"  # to finance: a customer paid in chat (Telegram Payments)
    SHORTAGE = "shortage"  # to the customer: a line is short, what would they like
    SHORTAGE_CHOSEN = "shortage_chosen"  # to the warehouse: the customer's choice
    BLOCKED = "blocked"  # to a customer's rep (or the managers): the customer blocked the bot
    BACK_IN_STOCK = "back_in_stock"  # to who asked: a product out of stock is available again
    ARRIVED = "arrived"  # to the customer: units a waiting order wanted arrived and are held
    REMINDER = "reminder"  # a reminder or alert the scan decided (bot/services/reminders.py)
    STATEMENT = "statement"  # to the customer: last month's statement of account (PDF)
    CUSTOM_REQUEST = "custom_request"  # to the customer's rep (or deciders): a custom request
    CUSTOM_QUOTE = "custom_quote"  # to the customer: the quote, Accept / Decline
    CUSTOM_QUESTION = "custom_question"  # to the customer: the rep's question, Answer
    CUSTOM_ANSWER = "custom_answer"  # to the customer's rep (or deciders): the answer
    CUSTOM_DECIDED = "custom_decided"  # to the customer's rep (or deciders): accepted/declined
    LOW_STOCK = "low_stock"  # to the warehouse and admins: available stock fell to the threshold
    INVOICE_ISSUED = "invoice_issued"  # to finance: the invoice PDF, "Record payment"
    SAID_PAID = "said_paid"  # to finance: a customer says they paid what an order owes
    LOW_RATING = "low_rating"  # to the customer's rep and the managers: a low rating, commented
    INVITE_USED = "invite_used"  # to the admin who made an invite: who joined, as what


class NoticeState(StrEnum):
    """Where a notice is: waiting, being sent, or done one way or another."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # it cannot arrive: blocked, chat gone, refused, too old
    DROPPED = "dropped"  # it no longer applies (a reminder of something paid meanwhile)


# Telegram unreachable (5xx, network): tried again after 1, 2, 4 … seconds, at most this far
# apart, so a notice arrives within that long of Telegram's return, however long it was away.
MAX_PAUSE = timedelta(seconds=30)
# A notice still not delivered after this long is given up (and logged): news that old misleads.
MAX_AGE = timedelta(days=2)


def retry_at(now: datetime, attempts: int, asked: timedelta | None = None) -> datetime:
    """When to try a notice again after `attempts` failed tries (Telegram's own wait if it
    asked for one): exponential from one second, capped at MAX_PAUSE."""
    if asked is not None:
        return now + max(asked, timedelta(seconds=1))
    pause = timedelta(seconds=2 ** min(max(attempts - 1, 0), 10))
    return now + min(pause, MAX_PAUSE)


def expired(created: datetime, now: datetime) -> bool:
    """Whether a notice is too old to be tried again."""
    return now - created > MAX_AGE
