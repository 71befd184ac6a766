"""Async client of the sandbox control API, for tests and scripts."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from typing import Any

import httpx

from sandbox.api import JSON

MessageCheck = Callable[[JSON], bool] | str


class SandboxError(Exception):
    """The control API refused a request ({"ok": false, "error": ...})."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"{status}: {error}")
        self.status = status
        self.error = error


def message_text(message: JSON | None) -> str:
    """A message's text or caption ("" for none)."""
    if not message:
        return ""
    return str(message.get("text") or message.get("caption") or "")


class SandboxClient:
    """Drives users and inspects chats of a running SandboxServer over HTTP."""

    def __init__(self, base_url: str, *, timeout: float = 40.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)

    async def __aenter__(self) -> SandboxClient:
        """Use as `async with SandboxClient(url) as client:`."""
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close the HTTP connection pool."""
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._http.aclose()

    async def request(
        self, verb: str, path: str, body: JSON | None = None, query: JSON | None = None
    ) -> JSON:
        """Call a control route; return its JSON or raise SandboxError."""
        params = {k: v for k, v in (query or {}).items() if v is not None}
        response = await self._http.request(verb, path, json=body, params=params or None)
        try:
            data = response.json()
        except ValueError:
            raise SandboxError(response.status_code, response.text[:200]) from None
        if response.status_code >= 400 or not data.get("ok"):
            raise SandboxError(response.status_code, str(data.get("error", data)))
        return dict(data)

    # ------------------------------------------------------------------ users

    async def state(self) -> JSON:
        """GET /control/state."""
        return await self.request("GET", "/control/state")

    async def users(self) -> list[JSON]:
        """Every sandbox user."""
        return list((await self.request("GET", "/control/users"))["users"])

    async def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        *,
        username: str | None = None,
        language_code: str | None = "en",
        id: int | None = None,
        label: str | None = None,
        phone_number: str | None = None,
    ) -> JSON:
        """Create a user (and their private chat); return the user dict."""
        body: JSON = {"first_name": first_name, "language_code": language_code}
        optional = {
            "last_name": last_name,
            "username": username,
            "id": id,
            "label": label,
            "phone_number": phone_number,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return dict((await self.request("POST", "/control/users", body))["user"])

    async def _act(self, uid: int, action: str, body: JSON | None = None) -> int | None:
        """POST a user action; return the queued update_id."""
        result = await self.request("POST", f"/control/users/{uid}/{action}", body or {})
        update_id = result.get("update_id")
        return int(update_id) if update_id is not None else None

    async def text(self, uid: int, text: str) -> int | None:
        """The user sends a text message."""
        return await self._act(uid, "text", {"text": text})

    async def contact(
        self, uid: int, phone_number: str | None = None, *, own: bool = True
    ) -> int | None:
        """The user shares a contact (their own, with their default phone, unless told)."""
        body: JSON = {"own": own}
        if phone_number is not None:
            body["phone_number"] = phone_number
        return await self._act(uid, "contact", body)

    async def location(self, uid: int, latitude: float, longitude: float) -> int | None:
        """The user shares a location."""
        return await self._act(uid, "location", {"latitude": latitude, "longitude": longitude})

    async def sticker(self, uid: int) -> int | None:
        """The user sends a sticker."""
        return await self._act(uid, "sticker")

    async def document(
        self, uid: int, file_name: str, content: bytes, mime_type: str | None = None
    ) -> int | None:
        """The user sends a file (e.g. a spreadsheet)."""
        body: JSON = {
            "file_name": file_name,
            "content_base64": base64.b64encode(content).decode("ascii"),
        }
        if mime_type:
            body["mime_type"] = mime_type
        return await self._act(uid, "document", body)

    async def press(
        self,
        uid: int,
        text: str | None = None,
        *,
        message_id: int | None = None,
        callback_data: str | None = None,
    ) -> int | None:
        """The user presses an inline button: by text (newest such) or by message and data."""
        if text is not None:
            return await self._act(uid, "press", {"text": text})
        return await self._act(
            uid, "press", {"message_id": message_id, "callback_data": callback_data}
        )

    async def pay(self, uid: int, message_id: int | None = None) -> int | None:
        """The user pays an invoice (the newest, unless told): the bot is asked to confirm
        (pre_checkout_query); returns that update's id."""
        return await self._act(uid, "pay", {"message_id": message_id})

    async def checkout(self, uid: int, timeout: float = 10) -> JSON:
        """Wait until the user's newest payment is settled (the bot answered, or its 10 s
        passed); returns it: {"state": "paid" | "refused" | "expired", "error_message",
        "charge_id", "update_id" (of the successful payment), ...}."""
        deadline = time.monotonic() + timeout
        state = await self.chat(uid)
        while True:
            found = state.get("checkouts") or []
            newest = found[-1] if found else None
            if newest is not None and newest["state"] != "pending":
                return dict(newest)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"chat {uid}: no payment settled within {timeout}s: {newest}")
            state = await self.chat(uid, since=state["version"], timeout=min(remaining, 1))

    async def repeat_payment(self, update_id: int) -> int:
        """Telegram delivers a successful payment (by the update that brought it) again."""
        result = await self.request("POST", "/control/repeat", {"update_id": update_id})
        return int(result["update_id"])

    async def block(self, uid: int) -> int | None:
        """The user blocks the bot."""
        return await self._act(uid, "block")

    async def unblock(self, uid: int) -> int | None:
        """The user unblocks (restarts) the bot."""
        return await self._act(uid, "unblock")

    # ------------------------------------------------------------------ chats

    async def chat(self, chat_id: int, since: int | None = None, timeout: float = 0) -> JSON:
        """What a chat shows; with since, wait up to timeout seconds for a newer version."""
        query: dict[str, Any] = {"since": since, "timeout": timeout if since is not None else None}
        return await self.request("GET", f"/control/chats/{chat_id}", query=query)

    async def last_bot_message(self, chat_id: int) -> JSON | None:
        """The newest message the bot sent to the chat, or None."""
        return _last_bot_message(await self.chat(chat_id))

    async def last_text(self, chat_id: int) -> str:
        """The newest bot message's text or caption ("" when the bot has said nothing)."""
        return message_text(await self.last_bot_message(chat_id))

    async def wait_for(self, chat_id: int, check: MessageCheck, timeout: float = 10) -> JSON:
        """Long-poll until the newest bot message matches; return the chat (see chat()).

        check is a substring of the message's text or caption, or a predicate on the message
        dict. The returned chat dict also holds the matching message under "message".
        Raises TimeoutError naming the newest bot message seen.
        """
        matches = _matcher(check)
        deadline = time.monotonic() + timeout
        state = await self.chat(chat_id)
        while True:
            message = _last_bot_message(state)
            if message is not None and matches(message):
                return {**state, "message": message}
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = message_text(message) if message else "no bot message"
                raise TimeoutError(
                    f"chat {chat_id}: no bot message matching {check!r} within {timeout}s; "
                    f"last saw {seen!r}"
                )
            state = await self.chat(chat_id, since=state["version"], timeout=min(remaining, 30))
            await asyncio.sleep(0)

    async def wait_seen(self, chat_id: int, check: MessageCheck, timeout: float = 10) -> JSON:
        """Long-poll until any bot message in the chat matches (not only the newest: notices
        sent at the same moment arrive in any order); returns it."""
        matches = _matcher(check)
        deadline = time.monotonic() + timeout
        state = await self.chat(chat_id)
        while True:
            for message in reversed(state.get("messages", [])):
                if message.get("outgoing") and matches(message):
                    return dict(message)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"chat {chat_id}: no bot message matching {check!r} within {timeout}s"
                )
            state = await self.chat(chat_id, since=state["version"], timeout=min(remaining, 30))

    # ------------------------------------------------------------------ faults and calls

    async def fault(
        self,
        error_code: int,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        times: int | None = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next `times` matching Bot API calls fail (times=None: until cleared)."""
        body: JSON = {"error_code": error_code, "times": times}
        optional = {
            "method": method,
            "chat_id": chat_id,
            "retry_after": retry_after,
            "description": description,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        await self.request("POST", "/control/faults", body)

    async def clear_faults(self) -> None:
        """Drop every injected fault."""
        await self.request("DELETE", "/control/faults")

    async def delay(
        self, seconds: float, *, method: str | None = None, times: int | None = None
    ) -> None:
        """Slow down matching Bot API answers (times=None: until cleared)."""
        body: JSON = {"seconds": seconds, "method": method, "times": times}
        await self.request("POST", "/control/delay", body)

    async def clear_delays(self) -> None:
        """Answer at full speed again."""
        await self.request("DELETE", "/control/delay")

    async def flood(self, enabled: bool) -> None:
        """Switch flood limits on or off."""
        await self.request("POST", "/control/flood", {"enabled": enabled})

    async def calls(self, method: str | None = None) -> list[JSON]:
        """The recorded Bot API calls ({"method", "params"}), optionally of one method."""
        return list(
            (await self.request("GET", "/control/calls", query={"method": method}))["calls"]
        )


def _last_bot_message(state: JSON) -> JSON | None:
    """The newest outgoing message in a /control/chats answer."""
    for message in reversed(state.get("messages", [])):
        if message.get("outgoing"):
            return dict(message)
    return None


def _matcher(check: MessageCheck) -> Callable[[JSON], bool]:
    """A predicate on message dicts from a predicate or a substring of the text/caption."""
    if isinstance(check, str):
        return lambda message: check in message_text(message)
    return check
