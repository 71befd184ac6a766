"""OrderDesk's HTTP transport (bot/runtime/transport.py AiohttpRequest) against the sandbox over
real HTTP: what PTB's own HTTPXRequest does, it does — texts, buttons, photo and document uploads,
file downloads, Telegram's errors, timeouts, a server that is not there, a restart."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from bot.runtime.transport import PIECE, AiohttpRequest, RetryingRequest, _Pieces, answer_unread
from bot.ui.screen import button
from sandbox.client import SandboxClient
from sandbox.server import SandboxServer
from tests.sandbox.images import png

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    server = SandboxServer(port=0)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    request = AiohttpRequest(read_timeout=2, pool_timeout=2)
    async with Bot(TOKEN, f"{server.url}/bot", f"{server.url}/file/bot", request=request) as bot:
        yield bot


@pytest.fixture
def uid(server: SandboxServer) -> int:
    return server.fake.create_user("Ann", language_code="en")


async def test_texts_and_buttons_arrive_as_sent(bot: Bot, server: SandboxServer, uid: int) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ок ✅", callback_data="c:1")]])
    sent = await bot.send_message(
        uid, "<b>Привет</b> &amp; 你好", parse_mode="HTML", reply_markup=keyboard
    )
    assert sent.text == "Привет & 你好" and sent.chat_id == uid
    shown = server.fake.last_bot_message(uid)
    assert shown is not None and shown["text"] == "Привет & 你好"
    assert shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "c:1"
    edited = await bot.edit_message_text("Done", chat_id=uid, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.text == "Done"


async def test_a_call_without_files_is_one_json_document_and_an_upload_a_form(
    bot: Bot, server: SandboxServer, uid: int
) -> None:
    # JSON keeps each value's type (a form would carry "123" and the keyboard as a string).
    keyboard = InlineKeyboardMarkup([[button("Ок ✅", "c:1")], [button("你好", "c:2")]])
    await bot.send_message(uid, "Привет", reply_markup=keyboard, disable_notification=True)
    name, sent = server.fake.calls[-1]
    assert name == "sendMessage"
    assert sent["chat_id"] == uid and sent["disable_notification"] is True
    assert sent["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Ок ✅", "callback_data": "c:1"}],
            [{"text": "你好", "callback_data": "c:2"}],
        ]
    }
    await bot.send_photo(uid, png(8, 8), caption="A4", reply_markup=keyboard)
    name, uploaded = server.fake.calls[-1]
    assert name == "sendPhoto" and uploaded["chat_id"] == str(uid)  # multipart: form fields
    assert uploaded["reply_markup"] == sent["reply_markup"]


async def test_uploads_and_downloads_files(
    bot: Bot, server: SandboxServer, uid: int, tmp_path: Path
) -> None:
    image = png(64, 48)
    photo = await bot.send_photo(uid, image, caption="A4 paper")
    assert photo.caption == "A4 paper" and photo.photo
    record = server.fake.files.get(photo.photo[-1].file_id)
    assert record is not None and record.content == image
    path = tmp_path / "orders.csv"
    path.write_bytes("SKU,数量\nPAP-A4-80,3\n".encode())
    document = await bot.send_document(uid, path, filename="orders.csv")
    assert document.document is not None and document.document.file_name == "orders.csv"
    file = await bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == path.read_bytes()


async def test_a_big_file_goes_whole_in_pieces(bot: Bot, server: SandboxServer, uid: int) -> None:
    """A file over PIECE (an export of 100,000 rows is 17 MB) is written a piece at a time,
    the loop free between two, and arrives byte for byte."""
    content = bytes(range(256)) * (3 * PIECE // 256) + b"end"
    sent = await bot.send_document(uid, content, filename="orders.csv")
    assert sent.document is not None
    record = server.fake.files.get(sent.document.file_id)
    assert record is not None and record.content == content


class Written:
    """What a payload wrote, a write at a time (aiohttp's writer, as the payload sees it)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    async def write(self, chunk: bytes | memoryview) -> None:
        self.writes.append(bytes(chunk))


async def test_pieces_are_never_bigger_than_a_piece() -> None:
    content = b"x" * (3 * PIECE + 5)
    whole, clipped = Written(), Written()
    await _Pieces(content).write(whole)  # type: ignore[arg-type]
    await _Pieces(content).write_with_length(clipped, 2 * PIECE + 1)  # type: ignore[arg-type]
    assert [len(w) for w in whole.writes] == [PIECE, PIECE, PIECE, 5]
    assert b"".join(whole.writes) == content
    assert [len(w) for w in clipped.writes] == [PIECE, PIECE, 1]


async def test_telegram_errors_become_ptb_errors(
    bot: Bot, server: SandboxServer, uid: int
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(987654321, "nobody")
    server.fake.block(uid)
    with pytest.raises(Forbidden):
        await bot.send_message(uid, "blocked")


async def test_an_answer_nobody_reads_is_true_and_failures_still_raise(
    server: SandboxServer, uid: int
) -> None:
    request = RetryingRequest(AiohttpRequest(read_timeout=2, pool_timeout=2))
    async with Bot(TOKEN, f"{server.url}/bot", request=request) as bot:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ok", callback_data="c:1")]])
        with answer_unread():
            sent = await bot.send_message(uid, "Shown", reply_markup=keyboard)
        assert sent is True  # not a Message built from the answer
        shown = server.fake.last_bot_message(uid)
        assert shown is not None and shown["text"] == "Shown"
        assert shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "c:1"
        with answer_unread():
            edited = await bot.edit_message_text("Done", uid, shown["message_id"])
        assert edited is True and server.fake.last_bot_message(uid)["text"] == "Done"
        with answer_unread(), pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(987654321, "nobody")
        after = await bot.send_message(uid, "Read")  # outside: PTB's Message as ever
        assert not isinstance(after, bool) and after.text == "Read"


async def test_a_slow_answer_times_out(bot: Bot, server: SandboxServer, uid: int) -> None:
    async with SandboxClient(server.url) as control:
        await control.delay(1.0, method="sendMessage", times=1)
    with pytest.raises(TimedOut):
        await bot.send_message(uid, "slow", read_timeout=0.2)
    assert (await bot.send_message(uid, "fast again")).text == "fast again"


async def test_a_server_that_is_not_there_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=AiohttpRequest())
    with pytest.raises(NetworkError) as raised:
        await bot.initialize()
    assert not isinstance(raised.value, TimedOut)
    await bot.shutdown()


async def test_shut_down_and_opened_again(server: SandboxServer, uid: int) -> None:
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=f"{server.url}/bot", request=request)
    async with bot:
        await bot.send_message(uid, "one")
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{server.url}/bot{TOKEN}/getMe")
    async with bot:
        assert (await bot.send_message(uid, "two")).text == "two"


def test_proxies_from_the_environment_but_never_for_this_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "botapi.internal")
    request = AiohttpRequest()
    assert request._proxy("https://api.telegram.org/bot1:X/getMe") == "http://proxy.example:3128"
    assert request._proxy("https://botapi.internal/bot1:X/getMe") is None
    assert request._proxy("http://127.0.0.1:8081/bot1:X/getMe") is None
    assert request._proxy("http://localhost:8081/bot1:X/getMe") is None
    monkeypatch.delenv("HTTPS_PROXY")
    assert request._proxy("https://api.telegram.org/bot1:X/sendMessage") == (
        "http://proxy.example:3128"
    ), "looked up once per host"
