"""Customers' ratings of delivered orders: the scale and the comment."""

from __future__ import annotations

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.parsing import clean_text

STARS = (1, 2, 3, 4, 5)
COMMENT_MAX = 1000
LOW_RATING = 2  # this many stars or fewer, with a comment, alerts the rep and the managers


def is_low(rating: int) -> bool:
    """Whether a rating is low enough that staff should hear about it."""
    return rating <= LOW_RATING


def parse_comment(text: str) -> str:
    """A comment on an order: 1 to 1000 characters, line breaks kept."""
    value = clean_text(text, multiline=True)
    if not 1 <= len(value) <= COMMENT_MAX:
        raise InvalidInput(InputProblem.COMMENT_LENGTH, 1, COMMENT_MAX)
    return value
