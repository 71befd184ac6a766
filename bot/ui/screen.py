"""A screen: the text and keyboard of one message, and the fitting of long texts into it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

T = TypeVar("T")

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class Screen:
    """What one message shows: HTML text, a keyboard, maybe a photo (path, URL or file id)."""

    text: str
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None
    photo: str | None = None
    # Product the photo belongs to, so Telegram's file id can be remembered after upload.
    photo_product_id: int | None = None


def esc(text: str | None) -> str:
    """User or seller text made safe for HTML messages."""
    return escape(text or "", quote=False)


class CallbackButton(InlineKeyboardButton):
    """An inline button with a text and callback data, and nothing else: it gives its JSON
    directly. PTB's own to_dict looks at each of a button's ten or so optional attributes, and
    a screen of eight product buttons took ~150 µs of CPU to serialize, once per send or edit."""

    __slots__ = ()

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        """What PTB's to_dict gives for such a button."""
        return {"text": self.text, "callback_data": self.callback_data}

    def __hash__(self) -> int:
        """Equal to PTB's button of the same text and data, so hashed as one."""
        return hash((InlineKeyboardButton, self._id_attrs))


def button(text: str, data: str) -> InlineKeyboardButton:
    """An inline button with callback data."""
    return CallbackButton(text, callback_data=data)


def keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard, dropping empty rows; None when no button is left."""
    kept = [list(r) for r in rows if r]
    return InlineKeyboardMarkup(kept) if kept else None


def clip(text: str, limit: int) -> str:
    """Cut plain text to `limit` characters with an ellipsis (before escaping)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fit(
    head: str,
    items: Sequence[T],
    tail: str,
    more: str,
    limit: int = TEXT_LIMIT,
    *,
    render: Callable[[T], str] = str,
) -> str:
    """Join as many items as fit between head and tail; `more` (with %(n)d) counts the rest.
    render: how an item reads, called only for the items reached (a batch of 667 orders
    formats the ~40 that fit: all of them took ~15 ms of the event loop)."""
    budget = limit - len(head) - len(tail) - len(more) - 16
    shown: list[str] = []
    for item in items:
        line = render(item)
        if budget - len(line) - 1 < 0:
            break
        shown.append(line)
        budget -= len(line) + 1
    body = list(shown)
    if len(shown) < len(items):
        body.append(more % {"n": len(items) - len(shown)})
    return "\n".join(part for part in (head, "\n".join(body), tail) if part)


def nav_row(page: int, pages: int, data_for: Callable[[int], str]) -> list[InlineKeyboardButton]:
    """◀ n/m ▶ buttons for a paged list (empty when there is one page)."""
    if pages <= 1:
        return []
    row = []
    if page > 0:
        row.append(button("◀", data_for(page - 1)))
    row.append(button(f"{page + 1}/{pages}", data_for(page)))
    if page < pages - 1:
        row.append(button("▶", data_for(page + 1)))
    return row
