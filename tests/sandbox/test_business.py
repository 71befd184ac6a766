"""Telegram Business in the sandbox, over real HTTP with PTB's own Bot: a connection, a
customer's and the owner's messages in a business chat, replies with business_connection_id,
and the refusals of a chat that never wrote, a disconnected account or one without reply rights."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden

from sandbox.client import SandboxClient


async def test_connection_messages_and_replies(bot: Bot, client: SandboxClient) -> None:
    owner = int((await client.create_user("Sue"))["id"])
    customer = int((await client.create_user("Ann"))["id"])
    stranger = int((await client.create_user("Zed"))["id"])
    await client.request("POST", f"/control/users/{owner}/business_connect", {})
    (update,) = await bot.get_updates(allowed_updates=["business_connection", "business_message"])
    bc = update.business_connection
    assert bc is not None and bc.user.id == owner and bc.user_chat_id == owner
    assert bc.is_enabled and bc.rights is not None and bc.rights.can_reply
    assert (await bot.get_business_connection(bc.id)).id == bc.id

    body = {"connection_id": bc.id, "text": "status"}
    await client.request("POST", f"/control/users/{customer}/business_text", body)
    body = {"connection_id": bc.id, "text": "/orderdesk off", "chat": customer}
    await client.request("POST", f"/control/users/{owner}/business_text", body)
    updates = await bot.get_updates(offset=update.update_id + 1)
    asked, own = (u.business_message for u in updates)
    assert asked is not None and own is not None
    assert asked.from_user is not None and asked.from_user.id == customer
    assert asked.chat.id == customer and asked.business_connection_id == bc.id
    assert own.from_user is not None and own.from_user.id == owner and own.chat.id == customer

    sent = await bot.send_message(customer, "Your orders", business_connection_id=bc.id)
    assert sent.business_connection_id == bc.id and sent.from_user is not None
    assert sent.from_user.id == owner and sent.sender_business_bot is not None
    chat = await client.request("GET", f"/control/business/{bc.id}/{customer}")
    assert [m["text"] for m in chat["messages"]] == ["status", "/orderdesk off", "Your orders"]
    own_chat = await client.request("GET", f"/control/chats/{customer}")
    assert own_chat["messages"] == [], "the bot's own chat with her is another chat"

    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(stranger, "hi", business_connection_id=bc.id)
    with pytest.raises(BadRequest, match=r"(?i)business_connection_invalid"):
        await bot.send_message(customer, "hi", business_connection_id="bc-forged")
    body = {"connection_id": bc.id, "can_reply": False}
    await client.request("POST", f"/control/users/{owner}/business_connect", body)
    with pytest.raises(Forbidden, match=r"(?i)bot_business_missing"):
        await bot.send_message(customer, "hi", business_connection_id=bc.id)
    body = {"connection_id": bc.id, "enabled": False}
    await client.request("POST", f"/control/users/{owner}/business_connect", body)
    assert not (await bot.get_business_connection(bc.id)).is_enabled
    with pytest.raises(Forbidden):
        await bot.send_document(customer, b"%PDF-1.4", business_connection_id=bc.id)
