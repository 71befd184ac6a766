"""The sandbox over real HTTP: PTB's own HTTPXRequest, the control API, faults and flood limits."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from pathlib import Path

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from sandbox.client import SandboxClient, SandboxError
from sandbox.flood import FloodLimiter
from sandbox.server import SandboxServer, default_phone
from tests.sandbox.conftest import TOKEN
from tests.sandbox.images import png

# RetryAfter.retry_after warns that it will become a timedelta; seconds() handles both.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def seconds(value: int | dtm.timedelta) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class Clock:
    """A hand-driven clock for FloodLimiter."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def uid(client: SandboxClient) -> int:
    """A user with a private chat."""
    user = await client.create_user("Ann", "Lee", username="ann", label="Customer")
    return int(user["id"])


# ---------------------------------------------------------------- server basics


async def test_only_loopback() -> None:
    for host in ("0.0.0.0", "192.168.1.2", "::"):
        with pytest.raises(ValueError, match="loopback"):
            SandboxServer(host=host, port=0)


async def test_port_zero_and_state(server: SandboxServer, client: SandboxClient) -> None:
    assert server.port > 0 and server.url == f"http://127.0.0.1:{server.port}"
    user = await client.create_user("Sam", id=7000011, label="Sales rep", language_code="ru")
    assert user == {
        "id": 7000011,
        "is_bot": False,
        "first_name": "Sam",
        "language_code": "ru",
        "label": "Sales rep",
        "blocked": False,
        "phone_number": default_phone(7000011),
    }
    state = await client.state()
    assert state["bot"]["username"] == "orderdesk_bot" and state["flood"] is False
    assert state["users"] == [user] and state["version"] >= 1
    assert await client.users() == [user]
    with pytest.raises(SandboxError, match="already taken"):
        await client.create_user("Sam again", id=7000011)


async def test_get_me_records_the_token(server: SandboxServer, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (1000001, "orderdesk_bot", True)
    assert TOKEN in server.tokens


async def test_page_and_static_files(tmp_path: Path) -> None:
    root = tmp_path / "web"
    (root / "static").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>chat</title>", encoding="utf-8")
    (root / "static" / "app.js").write_text("export {};", encoding="utf-8")
    (root / "secret.txt").write_text("no", encoding="utf-8")
    server = SandboxServer(port=0, web_root=root)
    async with server, httpx.AsyncClient(base_url=server.url) as http:
        index = await http.get("/")
        assert index.text.endswith("<title>chat</title>")
        assert index.headers["content-type"].startswith("text/html")
        script = await http.get("/static/app.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        for path in ("/static/..%2Fsecret.txt", "/static/../secret.txt", "/static/missing.js"):
            assert (await http.get(path)).status_code == 404


async def test_stop_ends_pending_long_polls(server: SandboxServer) -> None:
    async with httpx.AsyncClient() as http:
        url = f"{server.url}/bot{TOKEN}/getUpdates"
        poll = asyncio.create_task(http.post(url, data={"timeout": "20"}))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await server.stop()
        answer = await asyncio.wait_for(poll, 3)
    assert answer.json() == {"ok": True, "result": []}
    assert time.monotonic() - started < 1.5


async def test_placeholder_page_without_web_root(tmp_path: Path) -> None:
    server = SandboxServer(port=0, web_root=tmp_path / "missing")
    async with server, httpx.AsyncClient() as http:
        page = await http.get(f"{server.url}/")
    assert page.status_code == 200 and "OrderDesk sandbox" in page.text


async def test_foreign_host_and_cross_origin_writes_refused(server: SandboxServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        rebound = await http.get("/control/state", headers={"Host": "evil.example"})
        assert rebound.status_code == 403
        body = {"first_name": "Eve"}
        csrf = await http.post("/control/users", json=body, headers={"Origin": "http://evil.ex"})
        assert csrf.status_code == 403 and csrf.json()["ok"] is False
        same = await http.post("/control/users", json=body, headers={"Origin": server.url})
        assert same.status_code == 200


# ---------------------------------------------------------------- Bot API over HTTP


async def test_send_html_with_keyboard_press_and_answer(
    bot: Bot, client: SandboxClient, uid: int
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    sent = await bot.send_message(uid, "<b>Order</b> ready?", ParseMode.HTML, reply_markup=markup)
    assert sent.text == "Order ready?" and sent.entities[0].type == "bold"
    chat = await client.chat(uid)
    shown = chat["messages"][-1]
    assert shown["outgoing"] and shown["reply_markup"]["inline_keyboard"][0][0]["text"] == "Yes"
    assert await client.last_text(uid) == "Order ready?"

    update_id = await client.press(uid, "Yes")
    (update,) = await bot.get_updates(timeout=0)
    assert update.update_id == update_id and update.callback_query is not None
    assert update.callback_query.data == "y"
    await update.callback_query.answer("Noted", show_alert=True)
    answers = (await client.chat(uid))["answers"]
    assert [(a["text"], a["show_alert"]) for a in answers] == [("Noted", True)]
    assert isinstance(answers[0]["at"], float)

    by_data = await client.press(uid, message_id=sent.message_id, callback_data="y")
    assert by_data == update_id + 1
    with pytest.raises(SandboxError, match="no button") as caught:
        await client.press(uid, message_id=sent.message_id, callback_data="nope")
    assert caught.value.status == 400


async def test_edit_and_reply_keyboard(bot: Bot, client: SandboxClient, uid: int) -> None:
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Share", request_contact=True)]])
    await bot.send_message(uid, "Phone?", reply_markup=keyboard)
    sent = await bot.send_message(uid, "Draft")
    await bot.edit_message_text("Final", chat_id=uid, message_id=sent.message_id)
    chat = await client.chat(uid)
    assert chat["messages"][-1]["text"] == "Final" and "edit_date" in chat["messages"][-1]
    assert chat["reply_keyboard"]["keyboard"][0][0]["request_contact"] is True


async def test_photo_upload_download_and_url_photo(
    server: SandboxServer, bot: Bot, client: SandboxClient, uid: int
) -> None:
    image = png(40, 30)
    sent = await bot.send_photo(uid, image, caption="Stapler")
    largest = sent.photo[-1]
    assert (largest.width, largest.height) == (40, 30)
    assert (await client.calls("sendPhoto"))[0]["params"]["photo"]["size"] == len(image)
    async with httpx.AsyncClient(base_url=server.url) as http:
        got = await http.get(f"/files/{largest.file_id}")
        assert got.status_code == 200 and got.content == image
        assert got.headers["content-type"] == "image/png"
        assert (await http.get("/files/no-such-file")).status_code == 404

        await bot.send_photo(uid, "https://example.com/p.jpg")
        await bot.send_document(uid, b"a,b\n1,2\n", filename="order.csv")
        photo, by_url, document = (await client.chat(uid))["messages"]
        assert photo["photo_url"] == f"/files/{largest.file_id}"
        assert by_url["photo_url"] == "https://example.com/p.jpg"
        missing = await http.get(f"/files/{by_url['photo'][-1]['file_id']}")
        assert missing.status_code == 404
        assert missing.json()["url"] == "https://example.com/p.jpg"
        csv = await http.get(document["document_url"])
        assert csv.content == b"a,b\n1,2\n" and csv.headers["content-type"].startswith("text/csv")
    assert await client.last_text(uid) == ""


async def test_recorded_calls_tell_when_they_arrived(
    bot: Bot, client: SandboxClient, uid: int
) -> None:
    before = time.time()
    await bot.send_message(uid, "one")
    await bot.send_message(uid, "two")
    calls = await client.calls("sendMessage")
    assert [c["params"]["text"] for c in calls] == ["one", "two"]
    assert before <= calls[0]["at"] <= calls[1]["at"] <= time.time()


async def test_json_form_and_query_parameters(
    server: SandboxServer, client: SandboxClient, uid: int
) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    base = f"{server.url}/bot{TOKEN}"
    async with httpx.AsyncClient() as http:
        as_json = await http.post(
            f"{base}/sendMessage", json={"chat_id": uid, "text": "j", "reply_markup": markup}
        )
        assert as_json.json()["result"]["reply_markup"] == markup
        as_query = await http.get(f"{base}/sendMessage", params={"chat_id": uid, "text": "q"})
        assert as_query.json()["ok"] is True
        unknown = await http.post(f"{base}/sendSticker", data={"chat_id": str(uid)})
        assert unknown.status_code == 404
        broken = await http.post(
            f"{base}/sendMessage",
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        )
        assert broken.status_code == 400 and broken.json()["error_code"] == 400
    assert [m["text"] for m in (await client.chat(uid))["messages"]] == ["j", "q"]


async def test_get_updates_long_poll_wakes_on_user_text(
    bot: Bot, client: SandboxClient, uid: int
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    await client.text(uid, "hello")
    (update,) = await asyncio.wait_for(poll, 5)
    assert update.message is not None and update.message.text == "hello"
    assert time.monotonic() - started < 2

    started = time.monotonic()
    assert await bot.get_updates(offset=update.update_id + 1, timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_chat_long_poll(client: SandboxClient, uid: int) -> None:
    chat = await client.chat(uid)
    started = time.monotonic()
    waiting = asyncio.create_task(client.chat(uid, since=chat["version"], timeout=10))
    await asyncio.sleep(0.1)
    await client.sticker(uid)
    changed = await asyncio.wait_for(waiting, 5)
    assert changed["version"] > chat["version"] and "sticker" in changed["messages"][-1]
    assert time.monotonic() - started < 2
    stale = await client.chat(uid, since=chat["version"], timeout=10)
    assert stale["version"] == changed["version"]


async def test_commands_the_chat_sees(bot: Bot, client: SandboxClient, uid: int) -> None:
    ivan = int((await client.create_user("Ivan", language_code="ru"))["id"])
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("start", "Начать")], language_code="ru")
    await bot.set_my_commands(
        [BotCommand("orders", "Orders")], scope=BotCommandScopeChat(chat_id=uid)
    )
    assert (await client.chat(uid))["commands"] == [{"command": "orders", "description": "Orders"}]
    assert (await client.chat(ivan))["commands"] == [{"command": "start", "description": "Начать"}]
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=uid))
    assert (await client.chat(uid))["commands"] == [{"command": "start", "description": "Start"}]


async def test_user_actions_and_bad_input(bot: Bot, client: SandboxClient, uid: int) -> None:
    await client.contact(uid)
    await client.contact(uid, "+12025550177", own=False)
    await client.location(uid, 31.23, 121.47)
    updates = await bot.get_updates()
    own, other, place = (u.message for u in updates)
    assert own is not None and own.contact is not None
    assert (own.contact.phone_number, own.contact.user_id) == (default_phone(uid), uid)
    assert other is not None and other.contact is not None
    assert other.contact.phone_number == "+12025550177" and other.contact.user_id != uid
    assert place is not None and place.location is not None
    assert place.location.latitude == pytest.approx(31.23)

    with pytest.raises(SandboxError, match="unknown user") as unknown:
        await client.text(999, "hi")
    assert unknown.value.status == 400
    with pytest.raises(SandboxError, match="4096"):
        await client.text(uid, "x" * 4097)
    with pytest.raises(SandboxError, match="latitude"):
        await client.location(uid, 95, 0)
    with pytest.raises(SandboxError, match="no inline callback button"):
        await client.press(uid, "Missing")
    with pytest.raises(SandboxError) as no_chat:
        await client.chat(424242)
    assert no_chat.value.status == 404
    with pytest.raises(SandboxError, match="first_name is required"):
        await client.request("POST", "/control/users", {"last_name": "Nobody"})
    async with httpx.AsyncClient(base_url=client.base_url) as http:
        junk = await http.post(f"/control/users/{uid}/text", content=b"[1, 2]")
        assert junk.status_code == 400 and junk.json() == {
            "ok": False,
            "error": "the body must be a JSON object",
        }
        unknown_route = await http.get("/control/nothing")
        assert unknown_route.status_code == 404 and unknown_route.json()["ok"] is False


async def test_block_makes_sends_forbidden(bot: Bot, client: SandboxClient, uid: int) -> None:
    update_id = await client.block(uid)
    (update,) = await bot.get_updates()
    assert update.update_id == update_id and update.my_chat_member is not None
    with pytest.raises(Forbidden):
        await bot.send_message(uid, "still there?")
    assert (await client.users())[0]["blocked"] is True
    await client.unblock(uid)
    await bot.send_message(uid, "welcome back")


# ---------------------------------------------------------------- faults and slow answers


async def test_injected_faults(bot: Bot, client: SandboxClient, uid: int) -> None:
    await client.fault(429, method="sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(uid, "x")
    assert seconds(flood.value.retry_after) == 7
    await client.fault(403, chat_id=uid, times=None)
    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_message(uid, "x")
    await client.clear_faults()
    await bot.send_message(uid, "through")
    assert await client.last_text(uid) == "through"
    with pytest.raises(SandboxError, match="error_code"):
        await client.fault(200)


async def test_slow_answers(bot: Bot, client: SandboxClient) -> None:
    await client.delay(0.4, method="getMe", times=1)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started < 0.3
    await client.delay(0.3)
    assert (await client.state())["delays"] == 1
    await client.clear_delays()
    assert (await client.state())["delays"] == 0


# ---------------------------------------------------------------- flood limits


async def test_flood_per_chat_burst(
    server: SandboxServer, bot: Bot, client: SandboxClient, uid: int
) -> None:
    await client.flood(True)
    assert (await client.state())["flood"] is True
    for n in range(3):
        await bot.send_message(uid, f"burst {n}")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(uid, "one too many")
    assert seconds(refused.value.retry_after) >= 1
    last = await client.last_bot_message(uid)
    assert last is not None and last["text"] == "burst 2"
    await bot.edit_message_text("edited", chat_id=uid, message_id=last["message_id"])
    await client.flood(False)
    await bot.send_message(uid, "free again")


async def test_flood_overall_per_second(server: SandboxServer, bot: Bot) -> None:
    users = [server.fake.create_user(f"U{n}") for n in range(40)]
    server.flood = True
    refused: list[RetryAfter] = []
    for user in users:
        try:
            await bot.send_message(user, "news")
        except RetryAfter as exc:
            refused.append(exc)
    assert refused and all(seconds(exc.retry_after) >= 1 for exc in refused)
    assert sum(len(server.fake.bot_messages(u)) for u in users) == 40 - len(refused)


def test_flood_limiter_private_bucket() -> None:
    clock = Clock()
    limiter = FloodLimiter(clock)
    assert [limiter.acquire(7) for _ in range(4)] == [None, None, None, 1]
    clock.now += 0.5
    assert limiter.acquire(7) == 1
    clock.now += 0.5
    assert limiter.acquire(7) is None and limiter.acquire(7) == 1
    assert limiter.acquire(8) is None
    clock.now += 10
    assert [limiter.acquire(7) for _ in range(4)] == [None, None, None, 1]


def test_flood_limiter_overall_and_groups() -> None:
    clock = Clock()
    limiter = FloodLimiter(clock)
    for chat_id in range(1, 31):
        assert limiter.acquire(chat_id) is None
        clock.now += 0.01
    assert limiter.acquire(99) == 1
    clock.now += 1
    for _ in range(20):
        assert limiter.acquire(-100) is None
        clock.now += 1
    assert limiter.acquire(-100) == 40
    assert limiter.acquire(-200) is None
    clock.now += 39.5
    assert limiter.acquire(-100) == 1
    clock.now += 0.6
    assert limiter.acquire(-100) is None


def test_flood_limiter_gate() -> None:
    clock = Clock()
    limiter = FloodLimiter(clock, enabled=False)
    params = {"chat_id": "7", "text": "x"}
    for _ in range(5):
        assert limiter.admit("sendMessage", params) is None
        limiter.succeeded("sendMessage", params)
    limiter.set_enabled(True)
    for _ in range(3):
        assert limiter.admit("sendPhoto", params) is None
        limiter.succeeded("sendPhoto", params)
    error = limiter.admit("sendMessage", params)
    assert error is not None and error.body() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert limiter.admit("editMessageText", params) is None
    assert limiter.admit("answerCallbackQuery", params) is None


# ---------------------------------------------------------------- client and Application


async def test_client_wait_for(bot: Bot, client: SandboxClient, uid: int) -> None:
    async def reply_later() -> None:
        await asyncio.sleep(0.2)
        await bot.send_message(uid, "Your order SO-1 is confirmed")

    task = asyncio.create_task(reply_later())
    chat = await client.wait_for(uid, "SO-1", timeout=5)
    await task
    assert chat["message"]["text"] == "Your order SO-1 is confirmed"
    assert chat["messages"][-1] == chat["message"]
    same = await client.wait_for(uid, lambda m: m["text"].endswith("confirmed"), timeout=1)
    assert same["version"] == chat["version"]
    with pytest.raises(TimeoutError, match="last saw 'Your order SO-1 is confirmed'"):
        await client.wait_for(uid, "never", timeout=0.3)


async def test_application_polling_round_trip(
    server: SandboxServer, client: SandboxClient, uid: int
) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_text(f"Hello, {update.effective_user.first_name}!")

    app = Application.builder().token(TOKEN).base_url(f"{server.url}/bot").build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        try:
            await client.text(uid, "/start")
            chat = await client.wait_for(uid, "Hello, Ann!", timeout=5)
            assert [m["text"] for m in chat["messages"]] == ["/start", "Hello, Ann!"]
        finally:
            await app.updater.stop()
            await app.stop()
