"""Screens of feedback: the rating question with its stars, the comment, the thanks."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.feedback import STARS
from bot.domain.models import Customer, Order
from bot.i18n import Texts
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, clip, esc, keyboard


def _question(t: Texts, order: Order) -> str:
    return t._("⭐ How was your order %(number)s? Rate it from 1 to 5 stars.") % {
        "number": order.number
    }


def _stars(order: Order) -> list[InlineKeyboardButton]:
    return [button(f"{n}⭐", pack(actions.Feedback.RATE, order.id, n)) for n in STARS]


def ask_rating(t: Texts, order: Order) -> Screen:
    """The question sent after delivery, with a button per star."""
    return Screen(_question(t, order), keyboard([_stars(order)]))


def with_rating(t: Texts, screen: Screen, order: Order) -> Screen:
    """A screen (the order just confirmed as received) with the rating question below it."""
    rows = [_stars(order)]
    if isinstance(screen.keyboard, InlineKeyboardMarkup):
        rows += [list(row) for row in screen.keyboard.inline_keyboard]
    return Screen(screen.text + "\n\n" + _question(t, order), keyboard(rows))


def ask_comment(t: Texts, order: Order, rating: int) -> Screen:
    """Thanks for the rating; a comment, typed, or Skip."""
    text = t._("Thank you! You rated order %(number)s %(stars)s.") % {
        "number": order.number,
        "stars": "⭐" * rating,
    }
    text += "\n" + t._("Anything to add? Type a comment, or press Skip.")
    return Screen(text, keyboard([[button(t._("Skip"), pack(actions.Feedback.SKIP))]]))


def thanks(t: Texts) -> Screen:
    """The end of the feedback."""
    return Screen(t._("Thank you for your feedback! It helps us do better."))


def low_rating(t: Texts, order: Order, customer: Customer, rating: int, comment: str) -> Screen:
    """To the customer's rep and the managers: a low rating and what the customer wrote."""
    text = t._(
        "⚠️ Low rating: %(customer)s rated order %(number)s %(stars)s.\nComment: %(comment)s"
    ) % {
        "customer": esc(customer.name),
        "number": order.number,
        "stars": "⭐" * rating,
        "comment": esc(clip(comment, 1000)),
    }
    rows = [[button(t._("📄 Open order"), pack(actions.Staff.ORDER, order.id))]]
    return Screen(text, keyboard(rows))
