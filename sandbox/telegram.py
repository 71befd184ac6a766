"""In-memory stand-in for the Telegram Bot API: users, private chats, updates and bot methods."""

from __future__ import annotations

import contextlib
import copy
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sandbox.api import JSON, ApiError, as_bool, as_int, bad_request, json_param
from sandbox.business import Business
from sandbox.files import FileRecord, Files, FileStore, image_size
from sandbox.html_entities import EntityParseError, parse_html, strip_formatted, utf16_len
from sandbox.markup import parse_reply_markup
from sandbox.payments import Payments

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
SCOPE_TYPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
DEFAULT_ALLOWED_UPDATES = None  # None means "all types except chat_member and reactions"
NOT_DEFAULT_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
OBJECT_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "scope",
    "commands",
    "allowed_updates",
    "reply_parameters",
    "link_preview_options",
}
COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?")
BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a content and reply markup of the current content and reply markup of "
    "the message"
)
OLD_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"
READ_ONLY_METHODS = {"getme", "getupdates", "getmycommands", "sendchataction", "getfile"}
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses larger files, as Telegram's cloud Bot API does
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected error",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class CallGate(Protocol):
    """Admits or refuses Bot API calls before they run (e.g. flood limits)."""

    def admit(self, method: str, params: JSON) -> ApiError | None:
        """Return an error to refuse the call, or None to let it run."""

    def succeeded(self, method: str, params: JSON) -> None:
        """Learn that an admitted call succeeded."""


@dataclass
class _StoredMessage:
    """A message in a chat: its API shape plus sandbox-only bookkeeping."""

    data: JSON
    outgoing: bool
    html: str | None = None


@dataclass
class _Chat:
    """A private chat between the bot and one user, or a group (members) with the bot in it."""

    info: JSON
    members: set[int] = field(default_factory=set)
    messages: dict[int, _StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: JSON | None = None
    blocked: bool = False


@dataclass
class _Fault:
    """An injected failure waiting for matching calls."""

    error_code: int
    method: str | None
    chat_id: int | None
    remaining: int | None
    retry_after: int | None
    description: str | None

    def error(self) -> ApiError:
        """Return the ApiError this fault produces."""
        params = {"retry_after": self.retry_after} if self.retry_after is not None else None
        if self.description:
            desc = self.description
        elif self.error_code == 429:
            desc = f"Too Many Requests: retry after {self.retry_after}"
        else:
            desc = DEFAULT_DESCRIPTIONS.get(self.error_code, f"Error {self.error_code}")
        return ApiError(self.error_code, desc, params)


class FakeTelegram:
    """A synchronous, in-memory Telegram Bot API server for one bot and its private chats."""

    def __init__(
        self,
        bot_id: int = 1000001,
        bot_username: str = "orderdesk_bot",
        bot_first_name: str = "OrderDesk",
        clock: Callable[[], float] = time.time,
        on_update: Callable[[], None] | None = None,
        strict_images: bool = True,
    ) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.clock = clock
        self.on_update = on_update
        self.on_change: Callable[[], None] | None = None  # any visible state change
        self.gate: CallGate | None = None
        self.version = 0  # increases on every visible state change
        self.calls: list[tuple[str, JSON]] = []
        # When each recorded call arrived (clock(), same index as `calls`), and when each
        # update was queued: what latency is measured between (benchmarks/throughput.py).
        self.call_times: list[float] = []
        self.update_times: dict[int, float] = {}
        self.callback_answers: list[JSON] = []
        self.files = FileStore(bot_id, strict_images=strict_images)
        self.broken_urls = self.files.broken_urls
        self._lock = threading.RLock()
        self._users: dict[int, JSON] = {}
        self._labels: dict[int, str | None] = {}
        self._chats: dict[int, _Chat] = {}
        self._updates: list[JSON] = []
        self._allowed_updates: list[str] | None = DEFAULT_ALLOWED_UPDATES
        self._next_update_id = 1
        self._next_user_id = 5000001
        self._next_query = 1
        self._callbacks: dict[str, JSON] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._faults: list[_Fault] = []
        self._methods: dict[str, tuple[str, Callable[[JSON, Files], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in (
                ("getMe", self._get_me),
                ("getUpdates", self._get_updates),
                ("deleteWebhook", self._delete_webhook),
                ("setMyCommands", self._set_my_commands),
                ("getMyCommands", self._get_my_commands),
                ("deleteMyCommands", self._delete_my_commands),
                ("sendMessage", self._send_message),
                ("editMessageText", self._edit_message_text),
                ("editMessageReplyMarkup", self._edit_message_reply_markup),
                ("editMessageCaption", self._edit_message_caption),
                ("answerCallbackQuery", self._answer_callback_query),
                ("deleteMessage", self._delete_message),
                ("sendPhoto", self._send_photo),
                ("sendDocument", self._send_document),
                ("sendChatAction", self._send_chat_action),
                ("getFile", self._get_file),
            )
        }
        self.payments = Payments(self)
        self._methods.update((name.lower(), (name, h)) for name, h in self.payments.methods())
        self.business = Business(self)  # sandbox/business.py
        self._methods.update((name.lower(), (name, h)) for name, h in self.business.methods())

    # ------------------------------------------------------------------ users and chats

    @property
    def bot_user(self) -> JSON:
        """Return the bot as a Telegram User dict."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        user_id: int | None = None,
        label: str | None = None,
    ) -> int:
        """Create a user (optionally with a chosen id and a persona label); return the id."""
        with self._lock:
            if user_id is None:
                while self._next_user_id in self._users:
                    self._next_user_id += 1
                uid = self._next_user_id
                self._next_user_id += 1
            else:
                if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
                    raise ValueError("user_id must be a positive integer")
                if user_id in self._users or user_id == self.bot_id:
                    raise ValueError(f"user id {user_id} is already taken")
                uid = user_id
            user: JSON = {"id": uid, "is_bot": False, "first_name": first_name}
            chat: JSON = {"id": uid, "first_name": first_name}
            if last_name:
                user["last_name"] = chat["last_name"] = last_name
            if username:
                user["username"] = chat["username"] = username
            if language_code:
                user["language_code"] = language_code
            chat["type"] = "private"
            self._users[uid] = user
            self._labels[uid] = label
            self._chats[uid] = _Chat(info=chat)
            self.version += 1
        self._changed()
        return uid

    def create_group(
        self, title: str, members: list[int], *, chat_id: int | None = None, forum: bool = False
    ) -> int:
        """A supergroup (a forum with topics if asked) holding the bot and these users."""
        with self._lock:
            for uid in members:
                self._require_user(uid)
            gid = chat_id if chat_id is not None else -1_001_000_000_000 - len(self._chats)
            if gid >= 0 or gid in self._chats:
                raise ValueError(f"group id {gid} must be negative and unused")
            info: JSON = {"id": gid, "type": "supergroup", "title": title}
            if forum:
                info["is_forum"] = True
            self._chats[gid] = _Chat(info=info, members=set(members))
            self.version += 1
        self._changed()
        return gid

    def users(self) -> list[JSON]:
        """Return copies of every user's Telegram User dict, in creation order."""
        with self._lock:
            return [copy.deepcopy(user) for user in self._users.values()]

    def label(self, uid: int) -> str | None:
        """Return the persona label of a user (e.g. "Customer"), or None."""
        with self._lock:
            self._require_user(uid)
            return self._labels.get(uid)

    def is_blocked(self, uid: int) -> bool:
        """Tell whether the user has blocked the bot."""
        with self._lock:
            return self._user_chat(uid).blocked

    def user(self, uid: int) -> JSON:
        """Return a copy of the Telegram User dict for uid."""
        with self._lock:
            if uid not in self._users:
                raise KeyError(f"unknown user {uid}")
            return copy.deepcopy(self._users[uid])

    def block(self, uid: int, *, notify: bool = True) -> JSON | None:
        """Make uid block the bot; with notify a my_chat_member update is queued and returned."""
        return self._set_blocked(uid, True, notify)

    def unblock(self, uid: int, *, notify: bool = True) -> JSON | None:
        """Make uid unblock (restart) the bot; with notify the queued update is returned."""
        return self._set_blocked(uid, False, notify)

    def _set_blocked(self, uid: int, blocked: bool, notify: bool) -> JSON | None:
        """Flip the blocked flag and optionally report the membership change to the bot."""
        with self._lock:
            chat = self._user_chat(uid)
            if chat.blocked == blocked:
                return None
            chat.blocked = blocked
            self.version += 1
            if blocked:
                chat.reply_keyboard = None
            if not notify:
                self._changed()
                return None
            old, new = ("member", "kicked") if blocked else ("kicked", "member")
            new_member: JSON = {"user": self.bot_user, "status": new}
            if blocked:
                new_member["until_date"] = 0
            old_member: JSON = {"user": self.bot_user, "status": old}
            if not blocked:
                old_member["until_date"] = 0
            payload = {
                "chat": copy.deepcopy(chat.info),
                "from": copy.deepcopy(self._users[uid]),
                "date": self._now(),
                "old_chat_member": old_member,
                "new_chat_member": new_member,
            }
            update = self._push_update("my_chat_member", payload)
        self._notify()
        return update

    # ------------------------------------------------------------------ user actions

    def send_text(self, uid: int, text: str) -> JSON:
        """The user sends a text message; return the queued Update dict."""
        if not 1 <= len(text) <= MAX_TEXT:
            raise ValueError("user text must be 1..4096 characters")
        content: JSON = {"text": text}
        match = COMMAND_RE.match(text)
        if match and (len(text) == match.end() or text[match.end()].isspace()):
            content["entities"] = [
                {"offset": 0, "length": utf16_len(match.group()), "type": "bot_command"}
            ]
        return self._user_message(uid, content)

    def send_contact(
        self,
        uid: int,
        phone_number: str,
        *,
        own: bool = True,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> JSON:
        """The user shares a contact (their own by default); return the queued Update dict."""
        with self._lock:
            user = self._require_user(uid)
            contact: JSON = {"phone_number": phone_number}
            if own:
                contact["first_name"] = first_name or user["first_name"]
                if last_name or user.get("last_name"):
                    contact["last_name"] = last_name or user["last_name"]
                contact["user_id"] = uid
            else:
                contact["first_name"] = first_name or "Someone"
                if last_name:
                    contact["last_name"] = last_name
                contact["user_id"] = 7000000 + self._next_user_id
        return self._user_message(uid, {"contact": contact})

    def send_location(self, uid: int, latitude: float, longitude: float) -> JSON:
        """The user shares a location; return the queued Update dict."""
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError("latitude/longitude out of range")
        location = {"latitude": float(latitude), "longitude": float(longitude)}
        return self._user_message(uid, {"location": location})

    def send_sticker(self, uid: int, emoji: str = "👍") -> JSON:
        """The user sends a regular sticker; return the queued Update dict."""
        with self._lock:
            file_id, unique = self.files.new_ids("CAACAgIAAxkBAAI")
            sticker = {
                "file_id": file_id,
                "file_unique_id": unique,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "file_size": 24576,
            }
            self.files.add(file_id, FileRecord("sticker", None, meta=sticker))
        return self._user_message(uid, {"sticker": sticker})

    def send_photo_from_user(
        self, uid: int, content: bytes | None = None, caption: str | None = None
    ) -> JSON:
        """The user sends a photo (optionally with bytes and caption); return the Update dict."""
        with self._lock:
            size = image_size(content) if content else None
            record = self.files.register_photo(content, None, size or (1280, 960))
            message: JSON = {"photo": copy.deepcopy(record.meta)}
            if caption:
                message["caption"] = caption
        return self._user_message(uid, message)

    def send_document_from_user(
        self,
        uid: int,
        file_name: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> JSON:
        """The user sends a file (a document, e.g. a spreadsheet); return the queued Update dict.

        The message carries `document` {file_id, file_unique_id, file_name, mime_type,
        file_size}; the bot fetches the bytes with getFile and the file download URL."""
        if not content:
            raise ValueError("a document must not be empty")
        if not file_name or len(file_name) > 255:
            raise ValueError("file_name must be 1..255 characters")
        if caption is not None and len(caption) > MAX_CAPTION:
            raise ValueError(f"caption must be at most {MAX_CAPTION} characters")
        with self._lock:
            record = self.files.register_document(content, None, file_name, mime_type)
            message: JSON = {"document": copy.deepcopy(record.meta)}
            if caption:
                message["caption"] = caption
        return self._user_message(uid, message)

    def press_button(
        self,
        uid: int,
        message_id: int,
        callback_data: str,
        *,
        forge: bool = False,
        chat_id: int | None = None,
    ) -> JSON:
        """The user presses an inline button (in their private chat, or in a group they are in);
        return the queued callback_query Update dict."""
        with self._lock:
            chat = self._user_chat(uid) if chat_id is None else self._group_of(uid, chat_id)
            if chat.blocked:
                raise ValueError(f"user {uid} has blocked the bot")
            stored = chat.messages.get(message_id)
            if not forge:
                if stored is None:
                    raise ValueError(f"no message {message_id} in chat {uid}")
                datas = [
                    b.get("callback_data")
                    for row in stored.data.get("reply_markup", {}).get("inline_keyboard", [])
                    for b in row
                ]
                if callback_data not in datas:
                    raise ValueError(
                        f"message {message_id} has no button with callback_data "
                        f"{callback_data!r}; available: {[d for d in datas if d]}"
                    )
            if stored is not None:
                message = copy.deepcopy(stored.data)
            else:  # InaccessibleMessage shape, as Telegram sends for unavailable messages
                message = {"chat": copy.deepcopy(chat.info), "message_id": message_id, "date": 0}
            query_id = str(4_000_000_000_000_000_000 + self._next_query)
            self._next_query += 1
            query = {
                "id": query_id,
                "from": copy.deepcopy(self._users[uid]),
                "message": message,
                "chat_instance": str(-(8_000_000_000_000_000_000 + uid)),
                "data": callback_data,
            }
            self._callbacks[query_id] = {"query": query, "answered": False}
            update = self._push_update("callback_query", query)
        self._notify()
        return update

    def press(self, uid: int, text: str) -> JSON:
        """Press the inline button labelled text on the newest bot message that has one."""
        with self._lock:
            chat = self._user_chat(uid)
            shown: list[str] = []
            target: tuple[int, str] | None = None
            for stored in reversed(list(chat.messages.values())):
                if not stored.outgoing or target is not None:
                    continue
                for row in stored.data.get("reply_markup", {}).get("inline_keyboard", []):
                    for button in row:
                        shown.append(button["text"])
                        if target is None and button["text"] == text and "callback_data" in button:
                            target = (stored.data["message_id"], button["callback_data"])
            if target is None:
                raise LookupError(
                    f"no inline callback button {text!r} in chat {uid}; shown: {shown}"
                )
        return self.press_button(uid, *target)

    def pay_invoice(self, uid: int, message_id: int | None = None) -> JSON:
        """The user pays an invoice message (the newest, unless told); return the queued
        pre_checkout_query Update (sandbox/payments.py)."""
        return self.payments.pay(uid, message_id)

    def repeat_payment(self, update_id: int) -> JSON:
        """Deliver a successful payment's message again, as a new update; return it."""
        return self.payments.repeat(update_id)

    def checkouts(self, chat_id: int) -> list[JSON]:
        """How each payment in a chat went: pending, paid, refused (error_message), expired."""
        return self.payments.checkouts(chat_id)

    def reply_keyboard(self, uid: int) -> JSON | None:
        """Return the reply keyboard currently shown to the user, or None."""
        with self._lock:
            return copy.deepcopy(self._user_chat(uid).reply_keyboard)

    # ------------------------------------------------------------------ views for tests

    def chat_messages(self, chat_id: int) -> list[JSON]:
        """Return the chat's current messages (oldest first), each with an "outgoing" flag."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                raise KeyError(f"unknown chat {chat_id}")
            return [
                {**copy.deepcopy(m.data), "outgoing": m.outgoing} for m in chat.messages.values()
            ]

    def bot_messages(self, chat_id: int) -> list[JSON]:
        """Return the chat's current messages sent by the bot."""
        return [m for m in self.chat_messages(chat_id) if m["outgoing"]]

    def last_bot_message(self, chat_id: int) -> JSON | None:
        """Return the newest message the bot sent to the chat, or None."""
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """Return one current message (with "outgoing"), or None if missing or deleted."""
        with self._lock:
            chat = self._chats.get(chat_id)
            stored = chat.messages.get(message_id) if chat else None
            if stored is None:
                return None
            return {**copy.deepcopy(stored.data), "outgoing": stored.outgoing}

    def message_html(self, chat_id: int, message_id: int) -> str | None:
        """Return the raw HTML the bot sent for a message's text/caption (None if not HTML)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            stored = chat.messages.get(message_id) if chat else None
            return stored.html if stored else None

    @staticmethod
    def buttons(message: JSON | None) -> list[list[str]]:
        """Return the inline button texts of a message dict, row by row."""
        if not message:
            return []
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        return [[button["text"] for button in row] for row in rows]

    def unanswered_callbacks(self) -> list[JSON]:
        """Return the callback queries the bot has not answered yet."""
        with self._lock:
            return [
                copy.deepcopy(c["query"]) for c in self._callbacks.values() if not c["answered"]
            ]

    def pending_updates(self) -> list[JSON]:
        """Return copies of the queued, not yet confirmed updates."""
        with self._lock:
            return copy.deepcopy(self._updates)

    def pending_update_count(self) -> int:
        """Return how many updates are queued (cheap check for long-polling wrappers)."""
        return len(self._updates)

    def method_calls(self, method: str) -> list[JSON]:
        """Return the params of every recorded call of method (case-insensitive)."""
        wanted = method.lower()
        return [params for name, params in list(self.calls) if name.lower() == wanted]

    def my_commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Return the commands stored for a scope and language (as getMyCommands would)."""
        with self._lock:
            key = (self._scope_key(scope), language_code or "")
            return copy.deepcopy(self._commands.get(key, []))

    def commands_for_chat(self, chat_id: int) -> list[JSON]:
        """Return the command menu a private chat sees, resolving scopes as Telegram does."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                raise KeyError(f"unknown chat {chat_id}")
            user = self._users.get(chat_id, {})
            language = str(user.get("language_code") or "")[:2].lower()
            scopes: list[JSON] = [
                {"type": "chat", "chat_id": chat_id},
                {"type": "all_private_chats"},
                {"type": "default"},
            ]
            for scope in scopes:
                for lang in (language, "") if language else ("",):
                    commands = self._commands.get((self._scope_key(scope), lang))
                    if commands:
                        return copy.deepcopy(commands)
            return []

    def download(self, file_path: str) -> bytes | None:
        """The bytes behind a file_path from getFile (the file download URL), or None."""
        with self._lock:
            record = self.files.by_path(file_path)
            return record.content if record is not None else None

    def file_content(self, file_id: str) -> bytes | None:
        """Return uploaded bytes for a file_id (None for URL/user files without content)."""
        with self._lock:
            record = self.files.get(file_id)
            if record is None:
                raise KeyError(f"unknown file_id {file_id}")
            return record.content

    # ------------------------------------------------------------------ faults

    def inject(
        self,
        error_code: int,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        times: int | None = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next `times` matching calls fail (times=None: until clear_faults())."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(
                _Fault(error_code, method, chat_id, times, retry_after, description)
            )

    def clear_faults(self) -> None:
        """Drop all injected faults."""
        with self._lock:
            self._faults.clear()

    def _take_fault(self, method: str, params: JSON) -> _Fault | None:
        """Consume and return the first injected fault matching this call."""
        for fault in self._faults:
            if fault.method is not None and fault.method.lower() != method.lower():
                continue
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
            return fault
        return None

    # ------------------------------------------------------------------ Bot API entry point

    def call(
        self, method: str, params: JSON | None = None, files: Files | None = None
    ) -> tuple[int, JSON]:
        """Execute a Bot API method; return (http_status, Telegram JSON body)."""
        params = dict(params or {})
        status, body = self._call_locked(method, params, files)
        if status == 200 and method.lower() not in READ_ONLY_METHODS:
            self._changed()
        return status, body

    def _call_locked(self, method: str, params: JSON, files: Files | None) -> tuple[int, JSON]:
        """Record, gate and run one Bot API call under the lock."""
        with self._lock:
            name, handler = self._methods.get(method.lower(), (method, None))
            recorded = self._recordable(params)
            for part, (file_name, content, mime_type) in (files or {}).items():
                recorded.setdefault(
                    part, {"upload": file_name, "mime_type": mime_type, "size": len(content)}
                )
            self.calls.append((name, recorded))
            self.call_times.append(self.clock())
            fault = self._take_fault(name, params)
            if fault is not None:
                return fault.error_code, fault.error().body()
            if handler is None:
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            gate = self.gate
            if gate is not None:
                refusal = gate.admit(name, params)
                if refusal is not None:
                    return refusal.code, refusal.body()
            try:
                result = handler(params, files or {})
            except ApiError as exc:
                return exc.code, exc.body()
            if gate is not None:
                gate.succeeded(name, params)
            if name.lower() not in READ_ONLY_METHODS:
                self.version += 1
            return 200, {"ok": True, "result": result}

    @staticmethod
    def _recordable(params: JSON) -> JSON:
        """Copy params for `calls`, decoding JSON-string objects for easier assertions."""
        recorded = copy.deepcopy(params)
        for key in OBJECT_PARAMS & recorded.keys():
            if isinstance(recorded[key], str):
                with contextlib.suppress(ValueError):
                    recorded[key] = json.loads(recorded[key])
        return recorded

    # ------------------------------------------------------------------ method handlers

    def _get_me(self, params: JSON, files: Files) -> JSON:
        """getMe."""
        return self.me()

    def me(self) -> JSON:
        """Return what getMe answers, without recording a call."""
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": True,  # sandbox/business.py
            "has_main_web_app": False,
        }

    def _get_updates(self, params: JSON, files: Files) -> list[JSON]:
        """getUpdates: confirm by offset, filter by allowed_updates, never block."""
        offset = as_int(params["offset"], "offset") if params.get("offset") is not None else None
        limit = as_int(params.get("limit", 100), "limit")
        limit = min(max(limit, 1), 100)
        if params.get("timeout") is not None:
            as_int(params["timeout"], "timeout")
        allowed = json_param(params, "allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed updates")
            self._allowed_updates = [str(a) for a in allowed] or None
        if offset is not None:
            if offset < 0:
                self._updates = self._updates[offset:]
            else:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._updates = [u for u in self._updates if self._is_allowed(u)]
        return copy.deepcopy(self._updates[:limit])

    def _is_allowed(self, update: JSON) -> bool:
        """Check an update's type against the stored allowed_updates setting."""
        kind = next(k for k in update if k != "update_id")
        if self._allowed_updates is None:
            return kind not in NOT_DEFAULT_UPDATES
        return kind in self._allowed_updates

    def _delete_webhook(self, params: JSON, files: Files) -> bool:
        """deleteWebhook (there is never a webhook); may drop pending updates."""
        if as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    def _set_my_commands(self, params: JSON, files: Files) -> bool:
        """setMyCommands per scope and language_code."""
        commands = json_param(params, "commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        clean = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand")
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            if not BOT_COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise bad_request("command description must be non-empty")
            clean.append({"command": name, "description": description})
        key = self._commands_key(params)
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSON, files: Files) -> list[JSON]:
        """getMyCommands for exactly the given scope and language_code."""
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSON, files: Files) -> bool:
        """deleteMyCommands for the given scope and language_code."""
        self._commands.pop(self._commands_key(params), None)
        return True

    def _commands_key(self, params: JSON) -> tuple[str, str]:
        """Validate scope/language_code params and return the storage key."""
        scope = json_param(params, "scope")
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        if scope is not None:
            if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
                raise bad_request("wrong bot command scope type specified")
            if "chat_id" in scope or scope["type"] in ("chat", "chat_administrators"):
                self._chat(scope.get("chat_id"))
        return self._scope_key(scope), language

    @staticmethod
    def _scope_key(scope: JSON | None) -> str:
        """Normalise a BotCommandScope dict to a hashable key."""
        scope = dict(scope or {"type": "default"})
        for key in ("chat_id", "user_id"):
            if key in scope and str(scope[key]).lstrip("-").isdigit():
                scope[key] = int(scope[key])
        return json.dumps(scope, sort_keys=True)

    def _send_message(self, params: JSON, files: Files) -> JSON:
        """sendMessage (message_thread_id posts into a forum topic)."""
        chat = self._target(params)
        text, entities, html = self._formatted(params, "text", "entities")
        self._check_text(text)
        markup = parse_reply_markup(params)
        reply = self._reply_to(chat, params)
        self._check_blocked(chat)
        content: JSON = {"text": text}
        thread = params.get("message_thread_id")
        if thread is not None:
            if not chat.info.get("is_forum"):
                raise bad_request("message thread not found")
            content["message_thread_id"] = as_int(thread, "message_thread_id")
            content["is_topic_message"] = True
        if entities:
            content["entities"] = entities
        return self._sent(params, self._bot_message(chat, content, markup, html, reply))

    def _send_photo(self, params: JSON, files: Files) -> JSON:
        """sendPhoto with a file_id, an http(s) URL or an uploaded file."""
        return self._send_media(params, files, "photo")

    def _send_document(self, params: JSON, files: Files) -> JSON:
        """sendDocument with a file_id, an http(s) URL or an uploaded file."""
        return self._send_media(params, files, "document")

    def _send_media(self, params: JSON, files: Files, kind: str) -> JSON:
        """Shared implementation of sendPhoto and sendDocument."""
        chat = self._target(params)
        record = self.files.resolve(params, files, kind)
        caption, entities, html = self._formatted(params, "caption", "caption_entities")
        if len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        markup = parse_reply_markup(params)
        reply = self._reply_to(chat, params)
        self._check_blocked(chat)
        content: JSON = {kind: copy.deepcopy(record.meta)}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self._sent(params, self._bot_message(chat, content, markup, html, reply))

    def _get_file(self, params: JSON, files: Files) -> JSON:
        """getFile: a file_path to download a file the bot knows (sent to it or by it)."""
        file_id = params.get("file_id")
        if not file_id or not isinstance(file_id, str):
            raise bad_request("file_id not specified")
        record = self.files.get(file_id)
        if record is None:
            raise bad_request("invalid file_id")
        if record.content is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if len(record.content) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": self.files.unique_id(record, file_id),
            "file_size": len(record.content),
            "file_path": self.files.path_for(file_id),
        }

    def _edit_message_text(self, params: JSON, files: Files) -> JSON:
        """editMessageText."""
        chat, stored = self._editable(params)
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        text, entities, html = self._formatted(params, "text", "entities")
        self._check_text(text)
        markup = parse_reply_markup(params, inline_only=True)
        self._check_blocked(chat)
        new_markup = markup[1] if markup else None
        data = stored.data
        if (text, entities, new_markup) == (
            data["text"],
            data.get("entities", []),
            data.get("reply_markup"),
        ):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        data["text"] = text
        self._set_optional(data, "entities", entities)
        return self._finish_edit(stored, new_markup, html)

    def _edit_message_caption(self, params: JSON, files: Files) -> JSON:
        """editMessageCaption."""
        chat, stored = self._editable(params)
        if "text" in stored.data:
            raise bad_request("there is no caption in the message to edit")
        caption, entities, html = self._formatted(params, "caption", "caption_entities")
        if len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        markup = parse_reply_markup(params, inline_only=True)
        self._check_blocked(chat)
        new_markup = markup[1] if markup else None
        data = stored.data
        if (caption, entities, new_markup) == (
            data.get("caption", ""),
            data.get("caption_entities", []),
            data.get("reply_markup"),
        ):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._set_optional(data, "caption", caption)
        self._set_optional(data, "caption_entities", entities)
        return self._finish_edit(stored, new_markup, html)

    def _edit_message_reply_markup(self, params: JSON, files: Files) -> JSON:
        """editMessageReplyMarkup."""
        chat, stored = self._editable(params)
        markup = parse_reply_markup(params, inline_only=True)
        self._check_blocked(chat)
        new_markup = markup[1] if markup else None
        if new_markup == stored.data.get("reply_markup"):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        return self._finish_edit(stored, new_markup, stored.html)

    def _finish_edit(self, stored: _StoredMessage, markup: JSON | None, html: str | None) -> JSON:
        """Apply the new inline markup and edit_date; return the edited message."""
        self._set_optional(stored.data, "reply_markup", markup)
        stored.data["edit_date"] = self._now()
        stored.html = html
        return copy.deepcopy(stored.data)

    def _answer_callback_query(self, params: JSON, files: Files) -> bool:
        """answerCallbackQuery: each query can be answered once."""
        query_id = str(params.get("callback_query_id", ""))
        entry = self._callbacks.get(query_id)
        if entry is None or entry["answered"]:
            raise bad_request(OLD_QUERY.removeprefix("Bad Request: "))
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        entry["answered"] = True
        query = entry["query"]
        self.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": text,
                "show_alert": as_bool(params.get("show_alert", False)),
                "url": params.get("url"),
                "cache_time": params.get("cache_time"),
                "user_id": query["from"]["id"],
                "data": query.get("data"),
                "at": self.clock(),
            }
        )
        return True

    def _delete_message(self, params: JSON, files: Files) -> bool:
        """deleteMessage (bot or user message in the private chat)."""
        chat = self._chat(params.get("chat_id"))
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        message_id = as_int(params["message_id"], "message_id")
        if chat.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        return True

    def _send_chat_action(self, params: JSON, files: Files) -> bool:
        """sendChatAction."""
        chat = self._chat(params.get("chat_id"))
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._check_blocked(chat)
        return True

    # ------------------------------------------------------------------ helpers

    def _now(self) -> int:
        """Return the current clock value as Telegram's integer date."""
        return int(self.clock())

    def _notify(self) -> None:
        """Call the on_update and on_change hooks (outside the lock)."""
        if self.on_update is not None:
            self.on_update()
        self._changed()

    def _changed(self) -> None:
        """Call the on_change hook (outside the lock)."""
        if self.on_change is not None:
            self.on_change()

    def _push_update(self, kind: str, payload: JSON) -> JSON:
        """Queue a new Update and return a copy of it."""
        update = {"update_id": self._next_update_id, kind: payload}
        self.update_times[self._next_update_id] = self.clock()
        self._next_update_id += 1
        self.version += 1
        self._updates.append(update)
        return copy.deepcopy(update)

    def _require_user(self, uid: int) -> JSON:
        """Return the stored user dict or raise KeyError."""
        if uid not in self._users:
            raise KeyError(f"unknown user {uid}")
        return self._users[uid]

    def _group_of(self, uid: int, chat_id: int) -> _Chat:
        """Return a group chat the user is a member of."""
        self._require_user(uid)
        chat = self._chats.get(chat_id)
        if chat is None or uid not in chat.members:
            raise ValueError(f"user {uid} is not in chat {chat_id}")
        return chat

    def _user_chat(self, uid: int) -> _Chat:
        """Return the private chat of a known user."""
        self._require_user(uid)
        return self._chats[uid]

    def _user_message(self, uid: int, content: JSON) -> JSON:
        """Store a message sent by the user, queue its Update and return the Update."""
        with self._lock:
            chat = self._user_chat(uid)
            if chat.blocked:
                raise ValueError(f"user {uid} has blocked the bot; unblock() first")
            message = {
                "message_id": chat.next_message_id,
                "from": copy.deepcopy(self._users[uid]),
                "chat": copy.deepcopy(chat.info),
                "date": self._now(),
                **copy.deepcopy(content),
            }
            chat.next_message_id += 1
            chat.messages[message["message_id"]] = _StoredMessage(message, outgoing=False)
            if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
                chat.reply_keyboard = None
            update = self._push_update("message", message)
        self._notify()
        return update

    def _bot_message(
        self,
        chat: _Chat,
        content: JSON,
        markup: tuple[str, JSON] | None,
        html: str | None,
        reply: JSON | None,
    ) -> JSON:
        """Store a message sent by the bot, update the chat's keyboard, return the Message."""
        message: JSON = {
            "message_id": chat.next_message_id,
            "from": self.bot_user,
            "chat": copy.deepcopy(chat.info),
            "date": self._now(),
        }
        if reply is not None:
            message["reply_to_message"] = reply
        message.update(content)
        if markup is not None:
            kind, value = markup
            if kind == "inline":
                message["reply_markup"] = value
            elif kind == "keyboard":
                chat.reply_keyboard = copy.deepcopy(value)
            elif kind == "remove":
                chat.reply_keyboard = None
        chat.next_message_id += 1
        chat.messages[message["message_id"]] = _StoredMessage(message, outgoing=True, html=html)
        return copy.deepcopy(message)

    def _target(self, params: JSON) -> _Chat:
        """The chat a send goes to: a business chat (business_connection_id) or the bot's."""
        return self.business.target(params) or self._chat(params.get("chat_id"))

    def _sent(self, params: JSON, message: JSON) -> JSON:
        """A message just sent, as the business owner's when sent on their behalf."""
        if params.get("business_connection_id"):
            return self.business.sent(params, message)
        return message

    def _chat(self, chat_id: Any) -> _Chat:
        """Resolve a chat_id parameter or fail with "chat not found"."""
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        try:
            key = as_int(chat_id, "chat_id")
        except ApiError:
            raise bad_request("chat not found") from None
        chat = self._chats.get(key)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    @staticmethod
    def _check_blocked(chat: _Chat) -> None:
        """Fail with 403 if the user blocked the bot."""
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    @staticmethod
    def _check_text(text: str) -> None:
        """Enforce message text limits (after entity parsing)."""
        if not text:
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")

    @staticmethod
    def _set_optional(data: JSON, key: str, value: Any) -> None:
        """Set data[key] to value, removing the key when value is empty."""
        if value:
            data[key] = value
        else:
            data.pop(key, None)

    def _editable(self, params: JSON) -> tuple[_Chat, _StoredMessage]:
        """Resolve chat_id/message_id of an edit request to a bot message."""
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(params.get("chat_id"))
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        stored = chat.messages.get(as_int(params["message_id"], "message_id"))
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.outgoing:
            raise bad_request("message can't be edited")
        return chat, stored

    def _formatted(
        self, params: JSON, text_key: str, entities_key: str
    ) -> tuple[str, list[JSON], str | None]:
        """Apply parse_mode/entities to a text or caption; return (text, entities, raw_html)."""
        raw = params.get(text_key)
        raw = "" if raw is None else str(raw)
        explicit = json_param(params, entities_key)
        mode = str(params.get("parse_mode") or "").lower()
        if explicit:
            if not isinstance(explicit, list):
                raise bad_request(f"can't parse {entities_key} JSON object")
            return (*self._explicit_entities(raw, explicit), None)
        if not mode:
            text, _ = strip_formatted(raw, [])
            return text, [], None
        if mode in ("markdown", "markdownv2"):
            raise bad_request(f"parse_mode {params['parse_mode']} is not supported by the sandbox")
        if mode != "html":
            raise bad_request("unsupported parse_mode")
        try:
            text, entities = parse_html(raw)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        return text, entities, raw

    @staticmethod
    def _explicit_entities(raw: str, entities: list[Any]) -> tuple[str, list[JSON]]:
        """Validate caller-supplied MessageEntity dicts against the text."""
        total = utf16_len(raw)
        clean = []
        for entity in entities:
            if not isinstance(entity, dict) or "type" not in entity:
                raise bad_request("can't parse entities: entity type is missing")
            offset, length = int(entity.get("offset", -1)), int(entity.get("length", 0))
            if offset < 0 or length <= 0 or offset + length > total:
                continue
            clean.append(dict(entity))
        return strip_formatted(raw, clean)

    def _reply_to(self, chat: _Chat, params: JSON) -> JSON | None:
        """Resolve reply_parameters / reply_to_message_id to the replied message dict."""
        reply = json_param(params, "reply_parameters")
        allow = as_bool(params.get("allow_sending_without_reply", False))
        message_id = params.get("reply_to_message_id")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = as_bool(reply.get("allow_sending_without_reply", allow))
        if message_id is None:
            return None
        stored = chat.messages.get(as_int(message_id, "message_id"))
        if stored is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        target = copy.deepcopy(stored.data)
        target.pop("reply_to_message", None)
        return target
