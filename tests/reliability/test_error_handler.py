"""One error handler for every exception: a bug in a handler, in identifying the person, in
sending an answer or in the apology itself. The person gets a short apology in their language
(never raw exception text), PTB never logs an "uncaught error while handling the error", and a
step whose answer could not be sent is still taken — its change saved once, its conversation
moved on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from telegram.ext import ExtBot

from bot.handlers import common
from bot.services.users import UserService
from tests.conversations.conftest import query
from tests.harness import Harness
from tests.reliability.test_telegram_faults import Shop, shop, state, to_confirm

__all__ = ["shop"]

SORRY = {
    "en": "Sorry, something went wrong. Please try again.",
    "zh-hans": "抱歉，出了点问题，请重试。",
    "ru": "Извините, что-то пошло не так. Попробуйте ещё раз.",
}
NOT_SHOWN = "Sorry, I could not show the answer to your last step"


def uncaught(caplog: pytest.LogCaptureFixture) -> list[str]:
    """PTB's complaints about an error handler that raised."""
    return [m for m in caplog.messages if "uncaught error" in m or "Error while building" in m]


def boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("boom")


def failing(
    monkeypatch: pytest.MonkeyPatch, method: str, when: Callable[[str], bool] = lambda _: True
) -> list[str]:
    """Make ExtBot.<method> raise a non-Telegram exception for texts matching `when`."""
    original = getattr(ExtBot, method)
    refused: list[str] = []

    async def call(self: ExtBot[None], *args: Any, **kwargs: Any) -> Any:
        text = str(kwargs.get("text") or (args[1] if len(args) > 1 else ""))
        if when(text):
            refused.append(text)
            raise RuntimeError("not a Telegram error")
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(ExtBot, method, call)
    return refused


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
async def test_a_bug_in_a_handler_is_apologised_for_in_the_persons_language(
    bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    uid = bot.user("Ann", language)
    await bot.send(uid, "/language")
    monkeypatch.setattr(common, "help_screen", boom)
    assert await bot.send(uid, "/help") == SORRY[language]
    assert "unexpected error while handling an update" in caplog.messages
    assert not uncaught(caplog)


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
async def test_a_person_who_cannot_be_looked_up_gets_one_apology_in_telegrams_language(
    bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    uid = bot.user("Ann", language)
    monkeypatch.setattr(UserService, "identify", boom)
    await bot.send(uid, "/help")
    said = [m["text"] for m in bot.fake.bot_messages(uid)]
    assert said == [SORRY[language]]  # once: no handler runs on without knowing who it is
    assert not uncaught(caplog)


async def test_an_apology_that_cannot_be_sent_is_only_logged(
    bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    uid = bot.user("Ann")
    monkeypatch.setattr(common, "help_screen", boom)
    refused = failing(monkeypatch, "send_message")
    await bot.feed(bot.fake.send_text(uid, "/help"))
    assert refused == [SORRY["en"]]
    assert "could not tell the user about an error" in caplog.messages
    assert not uncaught(caplog)
    monkeypatch.undo()
    assert "/catalog" in await bot.send(uid, "/help")  # and the next update is served


async def test_an_alert_that_cannot_be_answered_becomes_a_message(
    bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    uid = bot.user("Ann", "ru")
    await bot.send(uid, "/language")
    failing(monkeypatch, "answer_callback_query")
    monkeypatch.setattr(common, "help_screen", boom)
    await bot.feed(bot.fake.press_button(uid, bot.last_message(uid)["message_id"], "lang:set:zh"))
    assert bot.last(uid) == SORRY["zh-hans"]  # the language was set before the failure
    assert not uncaught(caplog)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_answer_that_cannot_be_sent_is_said_and_the_step_goes_on(
    bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    uid = bot.user("Ann", language)
    failing(monkeypatch, "send_message", lambda text: "/catalog" in text)
    await bot.send(uid, "/help")
    notice = {"en": NOT_SHOWN, "ru": "/help"}[language]
    assert notice in bot.last(uid) and "⚠️" in bot.last(uid)
    assert "could not show a screen" in caplog.messages
    assert not uncaught(caplog)


async def test_an_order_confirmed_whose_answer_fails_is_saved_once_and_ends_checkout(
    shop: Shop, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, ann = shop, shop.customer
    await to_confirm(bot)
    summary = bot.last_message(ann)
    confirm = next(
        b["callback_data"]
        for row in summary["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "✅ Confirm order"
    )
    submitted = lambda text: "is submitted" in text  # noqa: E731
    failing(monkeypatch, "edit_message_text", submitted)
    failing(monkeypatch, "send_message", submitted)
    await bot.feed(bot.fake.press(ann, "✅ Confirm order"))
    assert NOT_SHOWN in bot.last(ann)
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(1,)]
    assert await state(bot) is None  # the conversation moved on with the database
    monkeypatch.undo()
    # pressed again (the summary keeps no buttons: an old copy of it): nothing doubles
    await bot.press_data(ann, confirm, summary["message_id"])
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(1,)]
    assert not uncaught(caplog)
    assert not [m for m in caplog.messages if "Sorry" in m]
