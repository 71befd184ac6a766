"""Files users send to the bot: the document message, getFile and the file download URL, in
process (OfflineRequest) and over HTTP (the server and its control API)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, Update
from telegram.error import BadRequest

from sandbox import FakeTelegram, OfflineRequest
from sandbox.client import SandboxClient, SandboxError
from sandbox.server import SandboxServer
from tests.sandbox.images import png

TOKEN = "123456:TEST-TOKEN"
CSV = b"customer,sku,qty\n+8613800138000,STP-24,5\n"


def offline_bot(fake: FakeTelegram) -> Bot:
    return Bot(TOKEN, request=OfflineRequest(fake), get_updates_request=OfflineRequest(fake))


async def test_document_from_user_get_file_and_download(fake: FakeTelegram, uid: int) -> None:
    raw = fake.send_document_from_user(uid, "orders.csv", CSV, caption="November")
    async with offline_bot(fake) as bot:
        update = Update.de_json(raw, bot)
        assert update is not None and update.message is not None
        document = update.message.document
        assert document is not None and update.message.caption == "November"
        assert (document.file_name, document.mime_type, document.file_size) == (
            "orders.csv",
            "text/csv",
            len(CSV),
        )
        assert document.file_unique_id
        file = await bot.get_file(document.file_id)
        assert re.fullmatch(
            r".*/file/bot123456:TEST-TOKEN/documents/file_\d+\.csv", file.file_path
        )
        assert file.file_size == len(CSV) and file.file_unique_id == document.file_unique_id
        assert bytes(await file.download_as_bytearray()) == CSV
        again = await bot.get_file(document.file_id)
        assert again.file_path == file.file_path, "a file keeps its path"
        with pytest.raises(BadRequest, match=re.compile("invalid file_id", re.I)):
            await bot.get_file("no-such-file")
    calls = fake.method_calls("getFile")
    assert [c["file_id"] for c in calls] == [document.file_id] * 2 + ["no-such-file"]
    assert fake.download("documents/nothing.csv") is None


async def test_voice_note_from_user_get_file_and_download(fake: FakeTelegram, uid: int) -> None:
    audio = b"OggS\x00\x02 a voice note"
    raw = fake.send_voice_from_user(uid, audio, duration=4)
    async with offline_bot(fake) as bot:
        update = Update.de_json(raw, bot)
        assert update is not None and update.message is not None
        voice = update.message.voice
        assert voice is not None
        assert (voice.duration.total_seconds(), voice.mime_type, voice.file_size) == (
            4,
            "audio/ogg",
            len(audio),
        )
        file = await bot.get_file(voice.file_id)
        assert file.file_path is not None and re.fullmatch(
            r".*/voice/file_\d+\.oga", file.file_path
        )
        assert bytes(await file.download_as_bytearray()) == audio
    with pytest.raises(ValueError, match="empty"):
        fake.send_voice_from_user(uid, b"")


async def test_photos_stickers_and_bad_documents(fake: FakeTelegram, uid: int) -> None:
    image = png(20, 10)
    photo = fake.send_photo_from_user(uid, image)["message"]["photo"][-1]
    sticker = fake.send_sticker(uid)["message"]["sticker"]
    async with offline_bot(fake) as bot:
        file = await bot.get_file(photo["file_id"])
        assert file.file_path.endswith(".jpg")
        assert bytes(await file.download_as_bytearray()) == image
        with pytest.raises(BadRequest, match=re.compile("temporarily unavailable", re.I)):
            await bot.get_file(sticker["file_id"])  # the sandbox has no bytes for it
    with pytest.raises(ValueError, match="empty"):
        fake.send_document_from_user(uid, "empty.csv", b"")
    with pytest.raises(ValueError, match="file_name"):
        fake.send_document_from_user(uid, "", CSV)
    with pytest.raises(KeyError):
        fake.send_document_from_user(424242, "orders.csv", CSV)


async def test_mime_type_given_and_odd_names(fake: FakeTelegram, uid: int) -> None:
    message = fake.send_document_from_user(
        uid, "report.final.XLSX", b"PK\x03\x04...", mime_type="application/octet-stream"
    )["message"]
    assert message["document"]["mime_type"] == "application/octet-stream"
    odd = fake.send_document_from_user(uid, "../../etc/pass wd.c$v", CSV)["message"]
    async with offline_bot(fake) as bot:
        path = (await bot.get_file(message["document"]["file_id"])).file_path
        assert path.endswith(".XLSX")
        odd_path = (await bot.get_file(odd["document"]["file_id"])).file_path
        assert re.search(r"/documents/file_\d+$", odd_path), "no foreign extension or folder"


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    server = SandboxServer(port=0)
    await server.start()
    yield server
    await server.stop()


async def test_upload_by_control_api_and_download_over_http(server: SandboxServer) -> None:
    async with SandboxClient(server.url) as client:
        user = await client.create_user("Ann")
        uid = int(user["id"])
        assert await client.document(uid, "orders.csv", CSV) is not None
        (message,) = (await client.chat(uid))["messages"]
        assert message["document"]["file_name"] == "orders.csv" and not message["outgoing"]
        assert message["document_url"] == f"/files/{message['document']['file_id']}"
        with pytest.raises(SandboxError, match="base64"):
            await client.request(
                "POST",
                f"/control/users/{uid}/document",
                {"file_name": "x.csv", "content_base64": "***"},
            )
        with pytest.raises(SandboxError, match="empty"):
            await client.request(
                "POST",
                f"/control/users/{uid}/document",
                {"file_name": "x.csv", "content_base64": ""},
            )
    async with Bot(
        TOKEN, base_url=f"{server.url}/bot", base_file_url=f"{server.url}/file/bot"
    ) as bot:
        file = await bot.get_file(message["document"]["file_id"])
        assert file.file_path.startswith(f"{server.url}/file/bot{TOKEN}/documents/")
        assert bytes(await file.download_as_bytearray()) == CSV
    async with httpx.AsyncClient(base_url=server.url) as http:
        missing = await http.get(f"/file/bot{TOKEN}/documents/file_99.csv")
        assert missing.status_code == 404 and missing.json()["error_code"] == 404
