"""A chat's WebSocket (/control/chats/<id>/live): what a web chat tab holds open instead of a
long poll, carrying the chat's news to the tab and the tab's user actions to the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.client import SandboxClient
from sandbox.server import LIVE_MISSING, SandboxServer


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client that speaks WebSocket."""
    async with aiohttp.ClientSession() as session:
        yield session


async def receive(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    """The next frame of this type (others skipped), within 5 s."""
    while True:
        frame = await asyncio.wait_for(ws.receive_json(), 5)
        if frame["type"] == kind:
            return dict(frame)


def texts(view: dict[str, Any]) -> list[str]:
    """The texts in a chat view."""
    return [str(m.get("text")) for m in view["messages"]]


async def test_the_chat_arrives_at_once_then_with_every_change(
    server: SandboxServer, client: SandboxClient, bot: Bot, http: aiohttp.ClientSession
) -> None:
    ann = int((await client.create_user("Ann"))["id"])
    await bot.send_message(ann, "Welcome")
    async with http.ws_connect(f"{server.url}/control/chats/{ann}/live") as ws:
        first = await receive(ws, "chat")
        assert texts(first) == ["Welcome"]
        assert first["commands"] == [] and first["reply_keyboard"] is None
        yes = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
        await bot.send_message(ann, "Choose", reply_markup=yes)
        pushed = await receive(ws, "chat")
        assert texts(pushed) == ["Welcome", "Choose"] and pushed["version"] > first["version"]


async def test_the_tabs_actions_go_over_the_socket_with_a_result_each(
    server: SandboxServer, client: SandboxClient, bot: Bot, http: aiohttp.ClientSession
) -> None:
    ann = int((await client.create_user("Ann"))["id"])
    yes = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    asked = await bot.send_message(ann, "Sure?", reply_markup=yes)
    async with http.ws_connect(f"{server.url}/control/chats/{ann}/live") as ws:
        await receive(ws, "chat")
        await ws.send_json({"id": 1, "action": "text", "body": {"text": "hello"}})
        result = await receive(ws, "result")
        assert result["id"] == 1 and result["ok"] is True and isinstance(result["update_id"], int)
        shown = await receive(ws, "chat")
        assert texts(shown) == ["Sure?", "hello"]
        body = {"message_id": asked.message_id, "callback_data": "y"}
        await ws.send_json({"id": 2, "action": "press", "body": body})
        assert (await receive(ws, "result"))["ok"] is True
        await ws.send_json({"id": 3, "action": "sticker"})
        assert (await receive(ws, "result"))["ok"] is True

        # refused actions: an answer each, nothing done, the socket stays open
        await ws.send_json({"id": 4, "action": "text", "body": {"text": ""}})
        empty = await receive(ws, "result")
        assert empty == {"type": "result", "id": 4, "ok": False, "error": empty["error"]}
        assert "text must be 1..4096 characters" in empty["error"]
        await ws.send_json({"id": 5, "action": "fly", "body": {}})
        assert (await receive(ws, "result"))["error"] == "unknown user action 'fly'"
        await ws.send_json({"id": 6, "action": "text", "body": ["not", "an", "object"]})
        assert (await receive(ws, "result"))["error"] == "body must be a JSON object"
        await ws.send_str("{not json")
        assert await receive(ws, "result") == {
            "type": "result",
            "id": None,
            "ok": False,
            "error": "a frame must be a JSON object",
        }
        await ws.send_json({"id": 7, "action": "text", "body": {"text": "still here"}})
        assert (await receive(ws, "result"))["ok"] is True
    updates = server.fake.call("getUpdates", {})[1]["result"]
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["message", "callback_query", "message", "message"]
    assert [u["message"].get("text") for u in updates if "message" in u] == [
        "hello",
        None,
        "still here",
    ]


async def test_only_changes_to_this_chat_are_pushed(
    server: SandboxServer, client: SandboxClient, bot: Bot, http: aiohttp.ClientSession
) -> None:
    ann = int((await client.create_user("Ann"))["id"])
    bob = int((await client.create_user("Bob"))["id"])
    async with http.ws_connect(f"{server.url}/control/chats/{ann}/live") as ws:
        await receive(ws, "chat")
        await bot.send_message(bob, "for Bob")
        await bot.send_message(ann, "for Ann")
        assert texts(await receive(ws, "chat")) == ["for Ann"]  # nothing came for Bob's


async def test_an_unknown_chat_is_closed_with_4404(
    server: SandboxServer, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(f"{server.url}/control/chats/424242/live") as ws:
        frame = await asyncio.wait_for(ws.receive(), 5)
        assert frame.type == aiohttp.WSMsgType.CLOSE and ws.close_code == LIVE_MISSING


async def test_cross_origin_sockets_refused(
    server: SandboxServer, client: SandboxClient, http: aiohttp.ClientSession
) -> None:
    """Any web page may open a WebSocket to localhost: one from another origin could act as
    every user, so it is refused like a cross-origin write."""
    ann = int((await client.create_user("Ann"))["id"])
    url = f"{server.url}/control/chats/{ann}/live"
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.ws_connect(url, origin="http://evil.example")
    assert refused.value.status == 403
    async with http.ws_connect(url, origin=server.url) as ws:
        assert texts(await receive(ws, "chat")) == []


async def test_stop_closes_the_sockets(
    server: SandboxServer, client: SandboxClient, http: aiohttp.ClientSession
) -> None:
    ann = int((await client.create_user("Ann"))["id"])
    async with http.ws_connect(f"{server.url}/control/chats/{ann}/live") as ws:
        await receive(ws, "chat")
        await asyncio.wait_for(server.stop(), 2)
        frame = await asyncio.wait_for(ws.receive(), 2)
        assert frame.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
