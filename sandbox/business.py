"""Telegram Business in the sandbox: a user connects the bot to their business account (the
bot gets a `business_connection` update), their customers write to them (the bot gets
`business_message` updates from those chats, and from the owner's own outgoing messages), and
the bot answers there with `business_connection_id` on sendMessage, sendPhoto and
sendDocument (the messages appear as the owner's, sent by the bot).

Part of FakeTelegram (its lock, users and update queue). Business chats are kept apart from
the bot's own chats: a customer's chat with the owner has the customer's id as its chat id,
as the bot's private chat with that customer does. Error texts of refused sends are the
sandbox's approximation of Telegram's."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.api import JSON, ApiError, bad_request
from sandbox.files import Files

if TYPE_CHECKING:
    from sandbox.telegram import FakeTelegram, _Chat


@dataclass
class _Connection:
    """A business account connected to the bot, and its chats with customers."""

    id: str
    owner: int
    enabled: bool = True
    can_reply: bool = True
    date: int = 0
    chats: dict[int, _Chat] = field(default_factory=dict)


class Business:
    """Business connections and their chats, on a FakeTelegram."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self._connections: dict[str, _Connection] = {}
        self._next = 1

    def methods(self) -> list[tuple[str, Callable[[JSON, Files], Any]]]:
        """The Bot API methods of business connections."""
        return [("getBusinessConnection", self.get_business_connection)]

    # ------------------------------------------------------------------ the owner's side

    def connect(
        self,
        uid: int,
        *,
        enabled: bool = True,
        can_reply: bool = True,
        connection_id: str | None = None,
    ) -> JSON:
        """The user connects the bot to their business account (or changes the connection:
        pass its id); return the queued business_connection Update."""
        fake = self.fake
        with fake._lock:
            fake._require_user(uid)
            if connection_id is None:
                connection_id = f"bc-{uid}-{self._next}"
                self._next += 1
            connection = self._connections.get(connection_id)
            if connection is None:
                connection = _Connection(connection_id, uid, date=fake._now())
                self._connections[connection_id] = connection
            elif connection.owner != uid:
                raise ValueError(f"connection {connection_id} belongs to {connection.owner}")
            connection.enabled, connection.can_reply = enabled, can_reply
            update = fake._push_update("business_connection", self._describe(connection))
        fake._notify()
        return update

    def disconnect(self, connection_id: str) -> JSON:
        """The owner removes the bot from their business account."""
        connection = self._connection(connection_id)
        return self.connect(
            connection.owner,
            enabled=False,
            can_reply=connection.can_reply,
            connection_id=connection_id,
        )

    def write(self, connection_id: str, uid: int, text: str, *, chat: int | None = None) -> JSON:
        """A message in a business chat: from a customer `uid` (in their chat with the owner),
        or from the owner (uid = owner, into the chat with customer `chat`); return the
        queued business_message Update."""
        fake = self.fake
        with fake._lock:
            connection = self._connection(connection_id)
            customer = chat if uid == connection.owner else uid
            if customer is None or customer == connection.owner:
                raise ValueError("the owner writes into a customer's chat: pass chat=")
            stored = self._chat(connection, customer)
            message: JSON = {
                "message_id": stored.next_message_id,
                "from": copy.deepcopy(fake._require_user(uid)),
                "chat": copy.deepcopy(stored.info),
                "date": fake._now(),
                "business_connection_id": connection_id,
                "text": text,
            }
            stored.next_message_id += 1
            stored.messages[message["message_id"]] = _stored(message, outgoing=False)
            update = fake._push_update("business_message", message)
        fake._notify()
        return update

    def messages(self, connection_id: str, chat_id: int) -> list[JSON]:
        """Every message of a business chat, oldest first."""
        with self.fake._lock:
            chat = self._connection(connection_id).chats.get(chat_id)
            return [copy.deepcopy(m.data) for m in chat.messages.values()] if chat else []

    def replies(self, connection_id: str, chat_id: int) -> list[JSON]:
        """The messages the bot sent into a business chat, oldest first."""
        with self.fake._lock:
            chat = self._connection(connection_id).chats.get(chat_id)
            if chat is None:
                return []
            return [copy.deepcopy(m.data) for m in chat.messages.values() if m.outgoing]

    # ------------------------------------------------------------------ Bot API

    def target(self, params: JSON) -> _Chat | None:
        """The business chat a send method names with business_connection_id (None without
        one); refused as Telegram would when the bot may not reply there."""
        connection_id = params.get("business_connection_id")
        if not connection_id:
            return None
        connection = self._connections.get(str(connection_id))
        if connection is None:
            raise bad_request("BUSINESS_CONNECTION_INVALID")
        if not connection.enabled or not connection.can_reply:
            raise ApiError(403, "Forbidden: BOT_BUSINESS_MISSING")
        try:
            chat_id = int(params.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = connection.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")  # bots answer chats that wrote first
        return chat

    def sent(self, params: JSON, message: JSON) -> JSON:
        """A message the bot sent into a business chat shows as the owner's, sent by the bot."""
        connection = self._connections[str(params["business_connection_id"])]
        chat = connection.chats[message["chat"]["id"]]
        stored = chat.messages[message["message_id"]].data
        for data in (stored, message):
            data["from"] = copy.deepcopy(self.fake._users[connection.owner])
            data["sender_business_bot"] = self.fake.bot_user
            data["business_connection_id"] = connection.id
        return message

    def get_business_connection(self, params: JSON, files: Files) -> JSON:
        """getBusinessConnection."""
        connection = self._connections.get(str(params.get("business_connection_id") or ""))
        if connection is None:
            raise bad_request("BUSINESS_CONNECTION_INVALID")
        return self._describe(connection)

    # ------------------------------------------------------------------ helpers

    def _connection(self, connection_id: str) -> _Connection:
        connection = self._connections.get(connection_id)
        if connection is None:
            raise LookupError(f"no business connection {connection_id!r}")
        return connection

    def _chat(self, connection: _Connection, customer: int) -> _Chat:
        """The owner's chat with a customer, as the bot sees it (the customer's side)."""
        from sandbox.telegram import _Chat

        chat = connection.chats.get(customer)
        if chat is None:
            user = self.fake._require_user(customer)
            info: JSON = {"id": customer, "type": "private", "first_name": user["first_name"]}
            chat = connection.chats[customer] = _Chat(info=info)
        return chat

    def _describe(self, connection: _Connection) -> JSON:
        """The BusinessConnection object of Bot API 9."""
        rights: JSON = {"can_reply": True} if connection.can_reply else {}
        return {
            "id": connection.id,
            "user": copy.deepcopy(self.fake._require_user(connection.owner)),
            "user_chat_id": connection.owner,
            "date": connection.date,
            "is_enabled": connection.enabled,
            "rights": rights,
        }


def _stored(message: JSON, *, outgoing: bool) -> Any:
    from sandbox.telegram import _StoredMessage

    return _StoredMessage(message, outgoing=outgoing)
