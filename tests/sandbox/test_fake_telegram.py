"""Drive a real python-telegram-bot Bot/Application against the in-memory FakeTelegram."""

from __future__ import annotations

import asyncio
import datetime as dtm
import re
from collections.abc import Callable

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from sandbox import FakeTelegram, OfflineRequest
from sandbox.html_entities import EntityParseError, parse_html
from tests.sandbox.images import png


def make_bot(fake: FakeTelegram) -> Bot:
    """A PTB Bot whose requests all go to the fake."""
    return Bot(
        token="123:ABC", request=OfflineRequest(fake), get_updates_request=OfflineRequest(fake)
    )


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    """One row of callback buttons from (text, data) pairs."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


def said(text: str) -> re.Pattern[str]:
    """Match an error text case-insensitively (PTB re-capitalises Telegram's descriptions)."""
    return re.compile(re.escape(text), re.IGNORECASE)


def seconds(value: int | dtm.timedelta) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# ---------------------------------------------------------------- Bot through OfflineRequest


@pytest.mark.asyncio
async def test_initialize_and_get_me(fake: FakeTelegram) -> None:
    async with make_bot(fake) as bot:
        me = await bot.get_me()
        assert (me.id, me.username, me.first_name, me.is_bot) == (
            1000001,
            "orderdesk_bot",
            "OrderDesk",
            True,
        )
        assert bot.username == "orderdesk_bot"
    assert [name for name, _ in fake.calls].count("getMe") == 2


@pytest.mark.asyncio
async def test_send_message_html_with_inline_keyboard(fake: FakeTelegram, uid: int) -> None:
    async with make_bot(fake) as bot:
        sent = await bot.send_message(
            uid,
            '<b>Order #7</b> &amp; <i>more</i>\n<a href="https://example.com">site</a> '
            "<code>x&lt;y</code>",
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(("Confirm", "ok:7"), ("Cancel", "no:7")),
        )
    assert sent.text == "Order #7 & more\nsite x<y"
    kinds = [(e.type, e.offset, e.length) for e in sent.entities]
    assert kinds == [("bold", 0, 8), ("italic", 11, 4), ("text_link", 16, 4), ("code", 21, 3)]
    assert sent.entities[2].url == "https://example.com"
    assert sent.from_user.is_bot and sent.chat.id == uid and sent.message_id == 1
    shown = fake.chat_messages(uid)
    assert len(shown) == 1 and shown[0]["outgoing"] is True
    assert fake.buttons(fake.last_bot_message(uid)) == [["Confirm", "Cancel"]]
    assert fake.message_html(uid, sent.message_id).startswith("<b>Order #7</b>")
    assert "message_html" not in shown[0] and "html" not in shown[0]
    method, params = fake.calls[-1]
    assert method == "sendMessage" and params["parse_mode"] == "HTML"
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok:7"


@pytest.mark.asyncio
async def test_edit_message_text_and_not_modified(fake: FakeTelegram, uid: int) -> None:
    async with make_bot(fake) as bot:
        sent = await bot.send_message(uid, "Cart: 1 item", reply_markup=keyboard(("+", "inc")))
        edited = await bot.edit_message_text(
            "Cart: <b>2</b> items",
            chat_id=uid,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard(("+", "inc")),
        )
        assert edited.text == "Cart: 2 items" and edited.edit_date is not None
        with pytest.raises(BadRequest, match=said("message is not modified")):
            await bot.edit_message_text(
                "Cart: <b>2</b> items",
                chat_id=uid,
                message_id=sent.message_id,
                parse_mode="HTML",
                reply_markup=keyboard(("+", "inc")),
            )
        # Editing without reply_markup removes the inline keyboard, as on Telegram.
        await bot.edit_message_text("Cart: 2 items", chat_id=uid, message_id=sent.message_id)
        assert fake.buttons(fake.last_bot_message(uid)) == []
        await bot.edit_message_reply_markup(
            chat_id=uid, message_id=sent.message_id, reply_markup=keyboard(("Pay", "pay"))
        )
        assert fake.buttons(fake.last_bot_message(uid)) == [["Pay"]]
        with pytest.raises(BadRequest, match=said("message to edit not found")):
            await bot.edit_message_text("x", chat_id=uid, message_id=999)
    assert len(fake.chat_messages(uid)) == 1


@pytest.mark.asyncio
async def test_callback_query_round_trip(fake: FakeTelegram, uid: int) -> None:
    async with make_bot(fake) as bot:
        sent = await bot.send_message(
            uid, "Pick", reply_markup=keyboard(("Yes", "y"), ("No", "n"))
        )
        fake.press(uid, "Yes")
        assert len(fake.unanswered_callbacks()) == 1
        (update,) = await bot.get_updates()
        query = update.callback_query
        assert query.data == "y" and query.message.message_id == sent.message_id
        assert query.from_user.id == uid and query.chat_instance
        assert await bot.answer_callback_query(query.id, text="Saved", show_alert=True)
        assert fake.callback_answers[-1]["text"] == "Saved"
        assert fake.callback_answers[-1]["show_alert"] is True
        assert fake.unanswered_callbacks() == []
        with pytest.raises(BadRequest, match=said("query is too old")):
            await bot.answer_callback_query(query.id)
        with pytest.raises(BadRequest, match=said("query is too old")):
            await bot.answer_callback_query("nope")


def test_press_validation(fake: FakeTelegram, uid: int) -> None:
    status, body = fake.call(
        "sendMessage",
        {
            "chat_id": uid,
            "text": "Hi",
            "reply_markup": '{"inline_keyboard": '
            '[[{"text": "A", "callback_data": "a"}, {"text": "Web", "url": "https://x.org"}]]}',
        },
    )
    assert status == 200
    message_id = body["result"]["message_id"]
    with pytest.raises(LookupError, match=said("['A', 'Web']")):
        fake.press(uid, "B")
    with pytest.raises(ValueError):
        fake.press_button(uid, message_id, "forged")
    update = fake.press_button(uid, message_id, "forged", forge=True)
    assert update["callback_query"]["data"] == "forged"
    stale = fake.press_button(uid, 4242, "old", forge=True)["callback_query"]["message"]
    assert stale["date"] == 0  # InaccessibleMessage shape for a message that does not exist


@pytest.mark.asyncio
async def test_send_photo_upload_url_and_file_id(fake: FakeTelegram, uid: int) -> None:
    image = png(640, 480)
    async with make_bot(fake) as bot:
        uploaded = await bot.send_photo(
            uid, InputFile(image), caption="<b>Latte</b>", parse_mode="HTML"
        )
        largest = uploaded.photo[-1]
        assert (largest.width, largest.height) == (640, 480)
        assert uploaded.caption == "Latte" and uploaded.caption_entities[0].type == "bold"
        assert fake.file_content(largest.file_id) == image
        assert fake.method_calls("sendPhoto")[-1]["photo"]["size"] == len(image)

        by_url = await bot.send_photo(uid, "https://cdn.example.com/latte.jpg")
        assert by_url.photo and by_url.caption is None

        again = await bot.send_photo(uid, largest.file_id)
        assert again.photo[-1].file_id == largest.file_id

        with pytest.raises(BadRequest, match=said("wrong file identifier")):
            await bot.send_photo(uid, "AgACAgIAAxkDAAIunknown")
        with pytest.raises(BadRequest, match=said("IMAGE_PROCESS_FAILED")):
            await bot.send_photo(uid, InputFile(b"not an image"))
        with pytest.raises(BadRequest, match=said("there is no text in the message to edit")):
            await bot.edit_message_text("x", chat_id=uid, message_id=uploaded.message_id)
        edited = await bot.edit_message_caption(
            chat_id=uid, message_id=uploaded.message_id, caption="Latte 2"
        )
        assert edited.caption == "Latte 2"
        with pytest.raises(BadRequest, match=said("caption is too long")):
            await bot.send_photo(uid, largest.file_id, caption="x" * 1025)

        doc = await bot.send_document(
            uid, InputFile(b"id;qty\n1;2\n", filename="orders.csv"), caption="export"
        )
        assert doc.document.file_name == "orders.csv" and doc.document.file_size == 11
        assert doc.document.mime_type == "text/csv"
        with pytest.raises(BadRequest, match=said("type of file mismatch")):
            await bot.send_photo(uid, doc.document.file_id)
    assert len(fake.bot_messages(uid)) == 4


@pytest.mark.asyncio
async def test_get_updates_offset_and_limit(fake: FakeTelegram, uid: int) -> None:
    for text in ("one", "two", "three"):
        fake.send_text(uid, text)
    async with make_bot(fake) as bot:
        first = await bot.get_updates(limit=2)
        assert [u.message.text for u in first] == ["one", "two"]
        rest = await bot.get_updates(offset=first[-1].update_id + 1)
        assert [u.message.text for u in rest] == ["three"]
        # The offset confirmed the first two; asking without offset no longer returns them.
        assert [u.message.text for u in await bot.get_updates()] == ["three"]
        assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    assert fake.pending_updates() == []


@pytest.mark.asyncio
async def test_get_updates_long_polls_until_an_update_arrives(
    fake: FakeTelegram, uid: int
) -> None:
    async with make_bot(fake) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.05)
        assert not poll.done()
        fake.send_text(uid, "hello")
        (update,) = await asyncio.wait_for(poll, 2)
        assert update.message.text == "hello"
        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_api_errors_become_ptb_exceptions(fake: FakeTelegram, uid: int) -> None:
    async with make_bot(fake) as bot:
        with pytest.raises(BadRequest, match=said("message is too long")):
            await bot.send_message(uid, "x" * 4097)
        await bot.send_message(uid, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # tags free
        with pytest.raises(BadRequest, match=said("message text is empty")):
            await bot.send_message(uid, "<b> </b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=said("BUTTON_DATA_INVALID")):
            await bot.send_message(uid, "Hi", reply_markup=keyboard(("Big", "x" * 65)))
        with pytest.raises(BadRequest, match=said("chat not found")):
            await bot.send_message(424242, "Hi")
        with pytest.raises(BadRequest, match=said("can't parse entities")):
            await bot.send_message(uid, "1 < 2", parse_mode="HTML")
        with pytest.raises(BadRequest, match=said("can't parse entities")):
            await bot.send_message(uid, "<br>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=said("not supported")):
            await bot.send_message(uid, "*x*", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match=said("message to delete not found")):
            await bot.delete_message(uid, 999)

        fake.block(uid)
        with pytest.raises(Forbidden, match=said("bot was blocked by the user")):
            await bot.send_message(uid, "Hi")
        with pytest.raises(Forbidden):
            await bot.edit_message_text("Hi", chat_id=uid, message_id=1)
        fake.unblock(uid)

        fake.inject(429, method="sendMessage", retry_after=7)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(uid, "Hi")
        assert seconds(caught.value.retry_after) == 7
        assert (await bot.send_message(uid, "Hi")).text == "Hi"  # times=1 by default

        fake.inject(400, chat_id=uid, description="Bad Request: custom", times=2)
        for _ in range(2):
            with pytest.raises(BadRequest, match=said("custom")):
                await bot.send_chat_action(uid, "typing")
        assert await bot.send_chat_action(uid, "typing")
    updates = fake.pending_updates()
    statuses = [u["my_chat_member"]["new_chat_member"]["status"] for u in updates]
    assert statuses == ["kicked", "member"]


@pytest.mark.asyncio
async def test_reply_keyboards_and_delete(fake: FakeTelegram, uid: int) -> None:
    async with make_bot(fake) as bot:
        await bot.send_message(
            uid,
            "Share your phone",
            reply_markup=ReplyKeyboardMarkup(
                [[KeyboardButton("📱 Send phone", request_contact=True)], ["Cancel"]],
                one_time_keyboard=True,
                resize_keyboard=True,
            ),
        )
        shown = fake.reply_keyboard(uid)
        assert shown["keyboard"][0][0]["request_contact"] is True
        assert shown["keyboard"][1][0] == {"text": "Cancel"}
        assert "reply_markup" not in fake.last_bot_message(uid)  # only inline markup is echoed
        contact = fake.send_contact(uid, "+15550100")["message"]["contact"]
        assert contact["user_id"] == uid and contact["first_name"] == "Ann"
        assert fake.reply_keyboard(uid) is None  # one-time keyboard hides after use

        await bot.send_message(uid, "Menu", reply_markup=ReplyKeyboardMarkup([["Catalog"]]))
        fake.send_text(uid, "Catalog")
        assert fake.reply_keyboard(uid)["keyboard"] == [[{"text": "Catalog"}]]
        gone = await bot.send_message(uid, "Bye", reply_markup=ReplyKeyboardRemove())
        assert fake.reply_keyboard(uid) is None

        assert await bot.delete_message(uid, gone.message_id)
        assert gone.message_id not in [m["message_id"] for m in fake.chat_messages(uid)]
        user_messages = [m for m in fake.chat_messages(uid) if not m["outgoing"]]
        assert [m.get("text") for m in user_messages] == [None, "Catalog"]


@pytest.mark.asyncio
async def test_my_commands_per_scope_and_language(fake: FakeTelegram, uid: int) -> None:
    async with make_bot(fake) as bot:
        await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
        await bot.set_my_commands([BotCommand("start", "Старт")], language_code="ru")
        await bot.set_my_commands([BotCommand("orders", "Orders")], scope=BotCommandScopeChat(uid))
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        assert [c.description for c in await bot.get_my_commands(language_code="ru")] == ["Старт"]
        scoped = await bot.get_my_commands(scope=BotCommandScopeChat(uid))
        assert [c.command for c in scoped] == ["orders"]
        await bot.delete_my_commands(language_code="ru")
        assert await bot.get_my_commands(language_code="ru") == ()
        with pytest.raises(BadRequest, match=said("BOT_COMMAND_INVALID")):
            await bot.set_my_commands([BotCommand("Bad Command", "x")])
    assert fake.my_commands(scope={"type": "chat", "chat_id": uid})[0]["command"] == "orders"


@pytest.mark.asyncio
async def test_application_command_handler_replies(fake: FakeTelegram, uid: int) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_html(
            f"Welcome, <b>{update.effective_user.first_name}</b>!"
        )

    app = (
        Application.builder()
        .token("123:ABC")
        .request(OfflineRequest(fake))
        .get_updates_request(OfflineRequest(fake))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.process_update(Update.de_json(fake.send_text(uid, "/start"), app.bot))
        await app.process_update(
            Update.de_json(fake.send_text(uid, "/start@orderdesk_bot"), app.bot)
        )
    replies = fake.bot_messages(uid)
    assert [m["text"] for m in replies] == ["Welcome, Ann!", "Welcome, Ann!"]
    assert replies[0]["entities"] == [{"type": "bold", "offset": 9, "length": 3}]
    assert [m["outgoing"] for m in fake.chat_messages(uid)] == [False, True, False, True]


@pytest.mark.asyncio
async def test_application_polling_round_trip(fake: FakeTelegram, uid: int) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("Menu", reply_markup=keyboard(("Go", "go")))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Done")
        await update.callback_query.edit_message_text("Gone")

    app = (
        Application.builder()
        .token("123:ABC")
        .request(OfflineRequest(fake))
        .get_updates_request(OfflineRequest(fake))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))

    async def until(check: Callable[[], bool]) -> None:
        async with asyncio.timeout(3):
            while not check():
                await asyncio.sleep(0.01)

    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=10)
        fake.send_text(uid, "/start")
        await until(lambda: bool(fake.bot_messages(uid)))
        fake.press(uid, "Go")
        await until(lambda: fake.last_bot_message(uid)["text"] == "Gone")
        await app.updater.stop()
        await app.stop()
    assert fake.callback_answers[-1]["text"] == "Done"
    assert fake.unanswered_callbacks() == [] and fake.pending_updates() == []


# ---------------------------------------------------------------- FakeTelegram core directly


def test_core_call_shapes_and_hook() -> None:
    pinged: list[int] = []
    fake = FakeTelegram(on_update=lambda: pinged.append(1))
    other = fake.create_user("Bob", language_code=None)
    assert other == 5000001 and fake.create_user("Cy") == 5000002
    update = fake.send_text(other, "hi")
    assert update["update_id"] == 1 and pinged == [1]
    assert fake.send_location(other, 52.5, 13.4)["message"]["location"]["latitude"] == 52.5
    sticker = fake.send_sticker(other)["message"]["sticker"]
    assert sticker["type"] == "regular" and sticker["is_animated"] is False
    assert pinged == [1, 1, 1]
    assert fake.user(other) == {"id": other, "is_bot": False, "first_name": "Bob"}

    assert fake.call("GETME", {})[1]["result"]["username"] == "orderdesk_bot"
    assert fake.call("nosuchMethod", {}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    status, body = fake.call("sendMessage", {"chat_id": str(other), "text": "  padded  "})
    assert status == 200 and body["result"]["text"] == "padded"
    fake.inject(429)
    status, body = fake.call("getUpdates", {})
    assert status == 429 and body["parameters"] == {"retry_after": 1}
    assert body["description"] == "Too Many Requests: retry after 1"


@pytest.mark.asyncio
async def test_unsupported_method_is_404_invalid_token_in_ptb(fake: FakeTelegram) -> None:
    async with make_bot(fake) as bot:
        with pytest.raises(InvalidToken):
            await bot.set_webhook("https://example.com/hook")


def test_html_entities_utf16_and_pre_language() -> None:
    text, entities = parse_html('😀 <b>hi</b> <pre><code class="language-py">x=1</code></pre>')
    assert text == "😀 hi x=1"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 2},
        {"type": "pre", "offset": 6, "length": 3, "language": "py"},
    ]
    text, entities = parse_html(
        '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>&#33;&quot;'
    )
    assert text == 'sq!"'
    assert [e["type"] for e in entities] == ["spoiler", "expandable_blockquote"]
    for bad in ("<b>x", "<b>x</i>", "x</b>", "a & b", "<span>x</span>", "&nbsp;", "<a href=x"):
        with pytest.raises(EntityParseError):
            parse_html(bad)


@pytest.mark.asyncio
async def test_groups_and_forum_topics(fake: FakeTelegram, uid: int) -> None:
    bot = make_bot(fake)
    await bot.initialize()
    forum = fake.create_group("Managers", [uid], forum=True)
    plain = fake.create_group("Warehouse", [uid])
    sent = await bot.send_message(
        forum,
        "<b>New order</b>",
        parse_mode=ParseMode.HTML,
        message_thread_id=7,
        reply_markup=keyboard(("Approve", "apv:ok:1")),
    )
    assert (sent.chat.id, sent.chat.type, sent.message_thread_id) == (forum, "supergroup", 7)
    with pytest.raises(BadRequest, match=said("message thread not found")):
        await bot.send_message(plain, "x", message_thread_id=7)
    update = fake.press_button(uid, sent.message_id, "apv:ok:1", chat_id=forum)
    query = update["callback_query"]
    assert query["from"]["id"] == uid and query["message"]["chat"]["id"] == forum
    stranger = fake.create_user("Stranger")
    with pytest.raises(ValueError, match="not in chat"):
        fake.press_button(stranger, sent.message_id, "apv:ok:1", chat_id=forum)
    assert fake.last_bot_message(forum)["text"] == "New order"  # type: ignore[index]


def test_calls_and_updates_are_timed_by_the_clock() -> None:
    now = [100.0]
    fake = FakeTelegram(clock=lambda: now[0])
    uid = fake.create_user("Ann")
    first = fake.send_text(uid, "hi")
    now[0] = 100.25
    fake.call("sendMessage", {"chat_id": uid, "text": "hello"})
    now[0] = 101.5
    second = fake.send_text(uid, "again")
    fake.call("getUpdates", {"offset": second["update_id"]})
    assert fake.update_times == {first["update_id"]: 100.0, second["update_id"]: 101.5}
    assert [name for name, _ in fake.calls] == ["sendMessage", "getUpdates"]
    assert fake.call_times == [100.25, 101.5], "one time per recorded call, in order"
