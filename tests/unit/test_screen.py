"""Screens' buttons give the same JSON as PTB's own and compare equal to PTB's buttons."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.ui.screen import button, keyboard

LABELS = [
    ("Ок ✅", "c:1"),
    ("📦 订书机 · ¥12.50", "cat:p:104217:3"),
    ('<b>&amp;</b> "quoted"', "x" * 64),
    ("", "y"),
]


@pytest.mark.parametrize(("text", "data"), LABELS)
def test_a_button_gives_what_ptb_gives(text: str, data: str) -> None:
    ours, ptb = button(text, data), InlineKeyboardButton(text, callback_data=data)
    assert ours.to_dict() == ptb.to_dict()
    assert ours == ptb and ptb == ours and hash(ours) == hash(ptb)


def test_a_keyboard_of_them_with_other_buttons_gives_what_ptb_gives() -> None:
    link = InlineKeyboardButton("Open", url="https://example.com/o/1")
    ours = keyboard([[button(t, d) for t, d in LABELS[:2]], [link], [], [button(*LABELS[2])]])
    ptb = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t, callback_data=d) for t, d in LABELS[:2]],
            [link],
            [InlineKeyboardButton(LABELS[2][0], callback_data=LABELS[2][1])],
        ]
    )
    assert ours is not None and ours.to_dict() == ptb.to_dict()
    assert ours == ptb
