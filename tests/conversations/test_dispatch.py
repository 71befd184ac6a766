"""Conversations turn away presses none of their handlers take without asking each handler
(bot/conversations/common.py Conversation), and answer every update as PTB's own check does."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.conversations.common import Conversation
from bot.ui import actions
from bot.ui.callbacks import Action, pack
from tests.harness import Harness

# Every button of every area, bare and with arguments, and data that is nobody's.
DATA = [
    data
    for area in Action.__subclasses__()
    for action in area
    for data in (pack(action), pack(action, 7), pack(action, 7, 2, "x"))
] + ["", "cat", "cat:", "zzz:1", ":", "co:zz", "Cat:p:1", "catalog:p:1", "\u0000", "x" * 64]


def press(bot: Harness, uid: int, data: str) -> Update:
    return Update.de_json(
        {
            "update_id": 1,
            "callback_query": {
                "id": "q1",
                "from": {"id": uid, "is_bot": False, "first_name": "Ann"},
                "chat_instance": "c",
                "data": data,
                "message": {
                    "message_id": 5,
                    "date": 0,
                    "chat": {"id": uid, "type": "private"},
                    "text": "/catalog",  # a command at the start: CommandHandlers look at it
                    "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
                },
            },
        },
        bot.app.bot if bot.app else None,
    )


def conversations(bot: Harness) -> list[Conversation]:
    assert bot.app is not None
    found = [h for group in bot.app.handlers.values() for h in group]
    return [h for h in found if isinstance(h, ConversationHandler)]  # type: ignore[misc]


def test_every_conversation_turns_away_presses_it_cannot_take(bot: Harness) -> None:
    found = conversations(bot)
    assert len(found) > 20
    assert all(isinstance(c, Conversation) and c._presses is not None for c in found)
    catalog = pack(actions.Catalog.PRODUCT, 7, 1)
    assert all(c.check_update(press(bot, 1, catalog)) is None for c in found)


def test_the_answer_is_ptbs_out_of_and_in_every_state(bot: Harness, ann: int) -> None:
    for conversation in conversations(bot):
        updates = [press(bot, ann, data) for data in DATA]
        key = (ann, ann)
        states: list[Any] = [None, *conversation.states]
        for state in states:
            kept = conversation._conversations
            if state is None:
                kept.pop(key, None)
            else:
                kept[key] = state
            for update in updates:
                ours = conversation.check_update(update)
                ptbs = ConversationHandler.check_update(conversation, update)
                assert (ours is None) == (ptbs is None), (conversation.name, state, update)
                if ours is not None:
                    assert ours[:3] == ptbs[:3]  # type: ignore[index]
            kept.pop(key, None)
