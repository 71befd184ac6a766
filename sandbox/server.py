"""HTTP face of the sandbox: the Bot API, file downloads, the web page and a JSON control API."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import math
import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import WSCloseCode, WSMsgType, web

from sandbox.api import JSON
from sandbox.files import FileRecord, Files
from sandbox.flood import FloodLimiter
from sandbox.telegram import MAX_TEXT, FakeTelegram

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
MAX_UPDATES_TIMEOUT = 50.0  # Telegram's own cap for getUpdates long polling
MAX_CHAT_TIMEOUT = 30.0
LIVE_HEARTBEAT = 20.0  # seconds between pings on a chat's WebSocket (dead tabs are noticed)
LIVE_MISSING = 4404  # close code: the chat of a /live socket does not exist
MAX_BODY = 60 * 1024 * 1024  # uploads: documents up to 50 MB plus form overhead
IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"BM", "image/bmp"),
)
PLACEHOLDER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OrderDesk sandbox</title></head>
<body><h1>OrderDesk sandbox</h1>
<p>The Bot API answers at <code>/bot&lt;token&gt;/&lt;method&gt;</code>; the control API at
<code>/control/state</code>. The chat page is not installed (sandbox/web/index.html).</p>
</body></html>
"""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ControlError(Exception):
    """A control API request that cannot be served: answered as {"ok": false, "error": ...}."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class _Delay:
    """A "slow answers" rule: delay matching Bot API answers by seconds."""

    seconds: float
    method: str | None
    remaining: int | None


def default_phone(uid: int) -> str:
    """A made-up but valid phone number for a user (+1 202 555 xxxx): one of 10,000, so users of
    one sandbox have their own (OrderDesk refuses a phone another customer has)."""
    return f"+1202555{uid % 10_000:04d}"


class SandboxServer:
    """Serves a FakeTelegram over HTTP on the loopback interface."""

    def __init__(
        self,
        fake: FakeTelegram | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        flood: bool = False,
        web_root: Path = Path(__file__).parent / "web",
    ) -> None:
        if host not in LOOPBACK_HOSTS:
            raise ValueError(
                f"the sandbox only listens on loopback (127.0.0.1, ::1), not {host!r}"
            )
        self.fake = fake if fake is not None else FakeTelegram()
        self.host = host
        self.port = port
        self.web_root = Path(web_root)
        self.tokens: set[str] = set()
        self.limiter = FloodLimiter(enabled=flood)
        self.fake.gate = self.limiter
        self.delays: list[_Delay] = []
        self.phones: dict[int, str] = {}
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed = asyncio.Event()
        self._closing = False
        self._previous_hook: Callable[[], None] | None = None
        self._sockets: set[web.WebSocketResponse] = set()

    # ------------------------------------------------------------------ lifecycle

    @property
    def flood(self) -> bool:
        """Whether flood limits are enforced."""
        return self.limiter.enabled

    @flood.setter
    def flood(self, enabled: bool) -> None:
        """Switch flood limits on or off (counting starts afresh)."""
        self.limiter.set_enabled(enabled)

    @property
    def base_url(self) -> str:
        """The server's address, e.g. http://127.0.0.1:8080."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """Alias of base_url."""
        return self.base_url

    async def start(self) -> str:
        """Bind and serve; return the base URL (port 0 picks a free port, see .port)."""
        if self._runner is not None:
            raise RuntimeError("the sandbox server is already running")
        self._loop = asyncio.get_running_loop()
        self._closing = False
        self._changed = asyncio.Event()
        self._previous_hook = self.fake.on_change
        self.fake.on_change = self._on_change
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            self.fake.on_change = self._previous_hook
            raise
        self._runner = runner
        addresses = runner.addresses
        if addresses:
            self.port = int(addresses[0][1])
        return self.base_url

    async def stop(self) -> None:
        """Wake pending long polls, close connections and stop listening."""
        if self._runner is None:
            return
        self._closing = True
        self._signal()
        await self.close_live()
        runner, self._runner = self._runner, None
        try:
            await runner.cleanup()
        finally:
            self.fake.on_change = self._previous_hook

    async def close_live(self) -> int:
        """Close every chat's WebSocket (the web chat's tabs connect again); how many."""
        sockets = list(self._sockets)
        for ws in sockets:
            with contextlib.suppress(Exception):
                await ws.close(code=WSCloseCode.GOING_AWAY, message=b"the sandbox closed it")
        return len(sockets)

    async def __aenter__(self) -> SandboxServer:
        """Start the server."""
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Stop the server."""
        await self.stop()

    def _on_change(self) -> None:
        """FakeTelegram.on_change hook, called from any thread: wake waiters on our loop."""
        if self._previous_hook is not None:
            self._previous_hook()
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._signal)

    def _signal(self) -> None:
        """Wake everything waiting for a change (runs on the server's loop)."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _wait_until(self, ready: Callable[[], bool], timeout: float) -> None:
        """Wait until ready() holds, the timeout passes or the server stops."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not ready() and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # ------------------------------------------------------------------ routing

    def _build_app(self) -> web.Application:
        """Create the aiohttp application with every route."""
        app = web.Application(
            client_max_size=MAX_BODY, middlewares=[self._guard, self._control_errors]
        )
        add = app.router.add_route
        add("*", "/bot{token}/{method}", self._bot_api)
        add("GET", "/files/{file_id}", self._file)
        add("GET", "/file/bot{token}/{path:.+}", self._download)
        add("GET", "/", self._index)
        add("GET", "/static/{path:.+}", self._static)
        add("GET", "/control/state", self._state)
        add("GET", "/control/users", self._list_users)
        add("POST", "/control/users", self._create_user)
        add("POST", "/control/users/{uid}/{action}", self._user_action)
        add("GET", "/control/chats/{chat_id}", self._chat)
        add("GET", "/control/chats/{chat_id}/live", self._live)
        add("POST", "/control/faults", self._add_fault)
        add("DELETE", "/control/faults", self._clear_faults)
        add("POST", "/control/delay", self._add_delay)
        add("DELETE", "/control/delay", self._clear_delays)
        add("POST", "/control/flood", self._set_flood)
        add("GET", "/control/calls", self._calls)
        add("POST", "/control/repeat", self._repeat)
        add("GET", "/control/business/{connection_id}/{chat_id}", self._business_chat)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Refuse non-loopback Host headers (DNS rebinding) and cross-origin writes (CSRF)."""
        if request.url.host not in LOOPBACK_HOSTS:
            return _json_error(403, "the sandbox only answers requests addressed to loopback")
        origin = request.headers.get("Origin")
        # A WebSocket opens with a GET but carries writes, and browsers let any page open one.
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        writes = upgrade or request.method not in ("GET", "HEAD", "OPTIONS")
        if writes and origin is not None and origin != f"{request.scheme}://{request.host}":
            return _json_error(403, f"cross-origin request from {origin} refused")
        return await handler(request)

    @web.middleware
    async def _control_errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Answer control API failures as JSON."""
        try:
            return await handler(request)
        except ControlError as exc:
            return _json_error(exc.status, exc.message)
        except web.HTTPException as exc:
            if not request.path.startswith("/control/") or exc.status < 400:
                raise
            return _json_error(exc.status, exc.reason)

    # ------------------------------------------------------------------ Bot API

    async def _bot_api(self, request: web.Request) -> web.Response:
        """/bot{token}/{method}: run the method on the fake, long-polling getUpdates."""
        self.tokens.add(request.match_info["token"])
        method = request.match_info["method"]
        try:
            params, files = await _read_params(request)
        except ValueError as exc:
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
            return web.json_response(body, status=400)
        status, body = self.fake.call(method, params, files)
        if method.lower() == "getupdates" and status == 200 and not body.get("result"):
            timeout = _float_or_zero(params.get("timeout"))
            if timeout > 0:
                status, body = await self._long_poll(method, params, timeout)
        delay = self._take_delay(method)
        if delay > 0:
            await asyncio.sleep(delay)
        return web.json_response(body, status=status)

    async def _long_poll(self, method: str, params: JSON, timeout: float) -> tuple[int, JSON]:
        """Repeat getUpdates whenever updates are queued, until some arrive or time runs out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(timeout, MAX_UPDATES_TIMEOUT)
        status, body = 200, {"ok": True, "result": []}
        while not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self._wait_until(lambda: self.fake.pending_update_count() > 0, remaining)
            if self.fake.pending_update_count() > 0:
                status, body = self.fake.call(method, params)
                if status != 200 or body.get("result"):
                    break
        return status, body

    def _take_delay(self, method: str) -> float:
        """Consume the first "slow answers" rule matching method; return its seconds."""
        for rule in self.delays:
            if rule.method is not None and rule.method.lower() != method.lower():
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self.delays.remove(rule)
            return rule.seconds
        return 0.0

    # ------------------------------------------------------------------ files and page

    async def _file(self, request: web.Request) -> web.Response:
        """/files/{file_id}: the stored bytes of an uploaded photo or document."""
        file_id = request.match_info["file_id"]
        record = self.fake.files.get(file_id)
        if record is None:
            return _json_error(404, f"unknown file_id {file_id}")
        if record.content is None:
            body: JSON = {"ok": False, "error": "the sandbox has no bytes for this file"}
            if record.url:
                body["url"] = record.url
            return web.json_response(body, status=404)
        content_type = _content_type(record)
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "max-age=3600"}
        if record.kind == "document":
            inline = content_type.startswith("image/") or content_type == "application/pdf"
            name = quote(record.file_name or "document")
            disposition = "inline" if inline else "attachment"
            headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{name}"
        return web.Response(body=record.content, content_type=content_type, headers=headers)

    async def _download(self, request: web.Request) -> web.Response:
        """/file/bot{token}/{path}: the bot downloads a file_path it got from getFile."""
        self.tokens.add(request.match_info["token"])
        content = self.fake.download(request.match_info["path"])
        if content is None:
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
            return web.json_response(body, status=404)
        return web.Response(body=content, content_type="application/octet-stream")

    async def _index(self, request: web.Request) -> web.StreamResponse:
        """/: the chat page (or a placeholder while sandbox/web is missing)."""
        index = self.web_root / "index.html"
        if index.is_file():
            return web.FileResponse(index, headers={"Cache-Control": "no-cache"})
        return web.Response(text=PLACEHOLDER_PAGE, content_type="text/html")

    async def _static(self, request: web.Request) -> web.StreamResponse:
        """/static/{path}: a file under web_root/static (never outside it)."""
        root = (self.web_root / "static").resolve()
        target = (root / request.match_info["path"]).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(target, headers={"Cache-Control": "no-cache"})

    # ------------------------------------------------------------------ control: users

    async def _state(self, request: web.Request) -> web.Response:
        """GET /control/state."""
        return _ok(
            bot=self.fake.me(),
            users=self._user_views(),
            flood=self.flood,
            flood_refused=self.limiter.refused,
            version=self.fake.version,
            delays=len(self.delays),
        )

    async def _list_users(self, request: web.Request) -> web.Response:
        """GET /control/users."""
        return _ok(users=self._user_views())

    async def _create_user(self, request: web.Request) -> web.Response:
        """POST /control/users."""
        body = await _json_body(request)
        first_name = _str(body, "first_name", required=True)
        if not first_name or not first_name.strip():
            raise ControlError("first_name must be a non-empty string")
        language = body.get("language_code", "en")
        if language is not None and not isinstance(language, str):
            raise ControlError("language_code must be a string")
        phone = _str(body, "phone_number")
        try:
            uid = self.fake.create_user(
                first_name,
                _str(body, "last_name"),
                username=_str(body, "username"),
                language_code=language or None,
                user_id=_int(body, "id"),
                label=_str(body, "label"),
            )
        except ValueError as exc:
            raise ControlError(str(exc)) from None
        if phone:
            self.phones[uid] = phone
        return _ok(user=self._user_view(uid))

    def _user_views(self) -> list[JSON]:
        """Every user as the control API shows it."""
        return [self._user_view(user["id"]) for user in self.fake.users()]

    def _user_view(self, uid: int) -> JSON:
        """A Telegram User dict plus label, blocked and the default contact phone."""
        return {
            **self.fake.user(uid),
            "label": self.fake.label(uid),
            "blocked": self.fake.is_blocked(uid),
            "phone_number": self.phones.get(uid, default_phone(uid)),
        }

    async def _user_action(self, request: web.Request) -> web.Response:
        """POST /control/users/{uid}/{action}: the user does something in their chat."""
        uid = _path_int(request, "uid")
        body = await _json_body(request)
        update = self._act(uid, request.match_info["action"], body)
        return _ok(update_id=update["update_id"] if update else None)

    def _act(self, uid: int, action: str, body: JSON) -> JSON | None:
        """Run a user action (text, press, pay, ...); ControlError when it cannot be done."""
        actions: dict[str, Callable[[int, JSON], JSON | None]] = {
            "text": self._act_text,
            "contact": self._act_contact,
            "location": self._act_location,
            "sticker": self._act_sticker,
            "document": self._act_document,
            "press": self._act_press,
            "pay": self._act_pay,
            "business_connect": self._act_business_connect,
            "business_text": self._act_business_text,
            "block": lambda u, b: self.fake.block(u),
            "unblock": lambda u, b: self.fake.unblock(u),
        }
        act = actions.get(action)
        if act is None:
            raise ControlError(f"unknown user action {action!r}", 404)
        try:
            self.fake.user(uid)
            return act(uid, body)
        except (KeyError, LookupError, ValueError) as exc:
            raise ControlError(str(exc.args[0]) if exc.args else repr(exc)) from None

    def _act_text(self, uid: int, body: JSON) -> JSON:
        """The user sends a text."""
        text = _str(body, "text", required=True) or ""
        if not 1 <= len(text) <= MAX_TEXT:
            raise ControlError(f"text must be 1..{MAX_TEXT} characters, got {len(text)}")
        return self.fake.send_text(uid, text)

    def _act_contact(self, uid: int, body: JSON) -> JSON:
        """The user shares a contact (their own by default)."""
        own = _bool(body, "own", default=True)
        phone = _str(body, "phone_number")
        if not phone:
            phone = self.phones.get(uid, default_phone(uid)) if own else default_phone(uid + 5_000)
        return self.fake.send_contact(
            uid,
            phone,
            own=own,
            first_name=_str(body, "first_name"),
            last_name=_str(body, "last_name"),
        )

    def _act_location(self, uid: int, body: JSON) -> JSON:
        """The user shares a location."""
        latitude = _float(body, "latitude")
        longitude = _float(body, "longitude")
        return self.fake.send_location(uid, latitude, longitude)

    def _act_sticker(self, uid: int, body: JSON) -> JSON:
        """The user sends a sticker."""
        return self.fake.send_sticker(uid, _str(body, "emoji") or "👍")

    def _act_document(self, uid: int, body: JSON) -> JSON:
        """The user sends a file: its name, its bytes in base64, maybe a MIME type and caption."""
        file_name = _str(body, "file_name", required=True) or ""
        try:
            raw = _str(body, "content_base64", required=True) or ""
            content = base64.b64decode(raw, validate=True)
        except binascii.Error:
            raise ControlError("content_base64 is not valid base64") from None
        return self.fake.send_document_from_user(
            uid,
            file_name,
            content,
            mime_type=_str(body, "mime_type"),
            caption=_str(body, "caption"),
        )

    def _act_press(self, uid: int, body: JSON) -> JSON:
        """The user presses an inline button, by message and callback_data or by its text."""
        if body.get("message_id") is not None or body.get("callback_data") is not None:
            message_id = _int(body, "message_id", required=True)
            data = _str(body, "callback_data", required=True)
            assert message_id is not None and data is not None
            return self.fake.press_button(uid, message_id, data)
        text = _str(body, "text")
        if not text:
            raise ControlError("press needs message_id and callback_data, or text")
        return self.fake.press(uid, text)

    def _act_pay(self, uid: int, body: JSON) -> JSON:
        """The user pays an invoice message (the newest unless message_id is given)."""
        return self.fake.pay_invoice(uid, _int(body, "message_id"))

    def _act_business_connect(self, uid: int, body: JSON) -> JSON:
        """The user connects the bot to their business account (or changes the connection)."""
        return self.fake.business.connect(
            uid,
            enabled=_bool(body, "enabled", default=True),
            can_reply=_bool(body, "can_reply", default=True),
            connection_id=_str(body, "connection_id"),
        )

    def _act_business_text(self, uid: int, body: JSON) -> JSON:
        """A text in a business chat: a customer's, or the owner's into chat `chat`."""
        connection_id = _str(body, "connection_id", required=True) or ""
        text = _str(body, "text", required=True) or ""
        if not 1 <= len(text) <= MAX_TEXT:
            raise ControlError(f"text must be 1..{MAX_TEXT} characters, got {len(text)}")
        return self.fake.business.write(connection_id, uid, text, chat=_int(body, "chat"))

    async def _business_chat(self, request: web.Request) -> web.Response:
        """GET /control/business/{connection_id}/{chat_id}: a business chat's messages."""
        chat_id = _path_int(request, "chat_id")
        try:
            messages = self.fake.business.messages(request.match_info["connection_id"], chat_id)
        except LookupError as exc:
            raise ControlError(str(exc.args[0]), 404) from None
        return _ok(messages=messages)

    async def _repeat(self, request: web.Request) -> web.Response:
        """POST /control/repeat {"update_id": n}: a successful payment delivered again."""
        update_id = _int(await _json_body(request), "update_id", required=True)
        assert update_id is not None
        try:
            update = self.fake.repeat_payment(update_id)
        except LookupError as exc:
            raise ControlError(str(exc.args[0])) from None
        return _ok(update_id=update["update_id"])

    # ------------------------------------------------------------------ control: chats

    async def _chat(self, request: web.Request) -> web.Response:
        """GET /control/chats/{chat_id}?since=V&timeout=S: what the chat shows, long-polled."""
        chat_id = _path_int(request, "chat_id")
        self._known_chat(chat_id)
        since_raw = request.query.get("since")
        since: int | None = None
        if since_raw:
            try:
                since = int(since_raw)
            except ValueError:
                raise ControlError(f"since must be an integer, not {since_raw!r}") from None
        timeout = _query_float(request, "timeout") or 0.0
        if since is not None and since == self.fake.version and timeout > 0:
            await self._wait_until(
                lambda: self.fake.version != since, min(timeout, MAX_CHAT_TIMEOUT)
            )
        return _ok(**self._chat_view(chat_id))

    def _known_chat(self, chat_id: int) -> None:
        """ControlError 404 unless the chat exists."""
        try:
            self.fake.chat_messages(chat_id)
        except KeyError:
            raise ControlError(f"unknown chat {chat_id}", 404) from None

    def _chat_view(self, chat_id: int) -> JSON:
        """What a chat shows: messages, reply keyboard, commands, button answers, checkouts."""
        version = self.fake.version
        messages = [self._message_view(m) for m in self.fake.chat_messages(chat_id)]
        try:
            keyboard = self.fake.reply_keyboard(chat_id)
        except KeyError:
            keyboard = None
        answers = [
            {"text": a["text"], "show_alert": a["show_alert"], "at": a.get("at"), "url": a["url"]}
            for a in list(self.fake.callback_answers)
            if a.get("user_id") == chat_id
        ]
        return {
            "version": version,
            "messages": messages,
            "reply_keyboard": keyboard,
            "commands": self.fake.commands_for_chat(chat_id),
            "answers": answers,
            "checkouts": self.fake.checkouts(chat_id),
        }

    async def _live(self, request: web.Request) -> web.StreamResponse:
        """GET /control/chats/{chat_id}/live: one WebSocket per browser tab.

        The server sends {"type": "chat", ...what GET /control/chats/{id} answers} at once and
        again whenever the chat's view changes. The tab sends its user's actions as
        {"id": n, "action": "text" | "press" | "pay" | ..., "body": {...as the POST takes}} and
        gets {"type": "result", "id": n, "ok": true, "update_id": ...} or
        {"type": "result", "id": n, "ok": false, "error": "..."} back. An unknown chat is
        closed with code 4404. A long poll per tab would hold one of the browser's six
        HTTP/1.1 connections to this host for good: six tabs and no request gets through.
        """
        chat_id = _path_int(request, "chat_id")
        ws = web.WebSocketResponse(heartbeat=LIVE_HEARTBEAT, max_msg_size=MAX_BODY)
        await ws.prepare(request)
        try:
            self._known_chat(chat_id)
        except ControlError as exc:
            await ws.close(code=LIVE_MISSING, message=exc.message.encode()[:120])
            return ws
        lock = asyncio.Lock()

        async def send(payload: JSON) -> None:
            async with lock:
                await ws.send_json(payload)

        pusher = asyncio.create_task(self._push_chat(chat_id, send))
        self._sockets.add(ws)
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                await send(self._live_action(chat_id, message.data))
        finally:
            self._sockets.discard(ws)
            pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError, RuntimeError):
                await pusher
        return ws

    async def _push_chat(self, chat_id: int, send: Callable[[JSON], Awaitable[None]]) -> None:
        """Send the chat's view now and whenever it changes, until the socket or server ends."""
        sent: JSON | None = None
        while not self._closing:
            version = self.fake.version
            view = self._chat_view(chat_id)
            shown = {key: value for key, value in view.items() if key != "version"}
            if shown != sent:
                await send({"type": "chat", **view})
                sent = shown
            await self._wait_until(partial(self._changed_since, version), MAX_CHAT_TIMEOUT)

    def _changed_since(self, version: int) -> bool:
        """Whether anything changed in the fake since `version`."""
        return self.fake.version != version

    def _live_action(self, chat_id: int, raw: str) -> JSON:
        """Run one action a tab sent on its WebSocket; the result to send back."""
        request_id: Any = None
        try:
            try:
                frame = json.loads(raw)
            except ValueError:
                raise ControlError("a frame must be a JSON object") from None
            if not isinstance(frame, dict):
                raise ControlError("a frame must be a JSON object")
            request_id = frame.get("id")
            action = _str(frame, "action", required=True) or ""
            body = frame.get("body") or {}
            if not isinstance(body, dict):
                raise ControlError("body must be a JSON object")
            update = self._act(chat_id, action, body)
        except ControlError as exc:
            return {"type": "result", "id": request_id, "ok": False, "error": exc.message}
        update_id = update["update_id"] if update else None
        return {"type": "result", "id": request_id, "ok": True, "update_id": update_id}

    def _message_view(self, message: JSON) -> JSON:
        """Add photo_url/document_url so the page can show media, invoice_paid to invoices."""
        if message.get("photo"):
            message["photo_url"] = self._file_url(message["photo"][-1]["file_id"])
        if message.get("document"):
            message["document_url"] = self._file_url(message["document"]["file_id"])
        if message.get("invoice"):
            message["invoice_paid"] = self.fake.payments.paid(
                message["chat"]["id"], message["message_id"]
            )
        return message

    def _file_url(self, file_id: str) -> str | None:
        """/files/<id> when the sandbox has the bytes, else the original URL (or None)."""
        record = self.fake.files.get(file_id)
        if record is None:
            return None
        if record.content is not None:
            return f"/files/{quote(file_id)}"
        return record.url

    # ------------------------------------------------------------------ control: faults

    async def _add_fault(self, request: web.Request) -> web.Response:
        """POST /control/faults: make matching Bot API calls fail."""
        body = await _json_body(request)
        error_code = _int(body, "error_code", required=True)
        assert error_code is not None
        if not 400 <= error_code <= 599:
            raise ControlError("error_code must be an HTTP error status (400..599)")
        times = _int(body, "times") if "times" in body else 1
        if times is not None and times < 1:
            raise ControlError("times must be at least 1 (or null: until cleared)")
        retry_after = _int(body, "retry_after")
        self.fake.inject(
            error_code,
            method=_str(body, "method"),
            chat_id=_int(body, "chat_id"),
            times=times,
            retry_after=retry_after,
            description=_str(body, "description"),
        )
        return _ok()

    async def _clear_faults(self, request: web.Request) -> web.Response:
        """DELETE /control/faults."""
        self.fake.clear_faults()
        return _ok()

    async def _add_delay(self, request: web.Request) -> web.Response:
        """POST /control/delay: slow answers for matching Bot API calls."""
        body = await _json_body(request)
        seconds = _float(body, "seconds")
        if not 0 <= seconds <= 300:
            raise ControlError("seconds must be between 0 and 300")
        times = _int(body, "times")
        if times is not None and times < 1:
            raise ControlError("times must be at least 1 (or null: until cleared)")
        self.delays.append(_Delay(seconds, _str(body, "method"), times))
        return _ok()

    async def _clear_delays(self, request: web.Request) -> web.Response:
        """DELETE /control/delay."""
        self.delays.clear()
        return _ok()

    async def _set_flood(self, request: web.Request) -> web.Response:
        """POST /control/flood {"enabled": bool}."""
        body = await _json_body(request)
        if not isinstance(body.get("enabled"), bool):
            raise ControlError("enabled must be true or false")
        self.flood = body["enabled"]
        return _ok(flood=self.flood)

    async def _calls(self, request: web.Request) -> web.Response:
        """GET /control/calls?method=...: the recorded Bot API calls."""
        wanted = request.query.get("method")
        calls = [
            {"method": name, "params": params, "at": at}
            for (name, params), at in zip(
                list(self.fake.calls), list(self.fake.call_times), strict=False
            )
            if wanted is None or name.lower() == wanted.lower()
        ]
        return _ok(calls=calls)


# ---------------------------------------------------------------------- helpers


def _ok(**fields: Any) -> web.Response:
    """A successful control API answer."""
    return web.json_response({"ok": True, **fields})


def _json_error(status: int, message: str) -> web.Response:
    """A failed control API answer."""
    return web.json_response({"ok": False, "error": message}, status=status)


async def _read_params(request: web.Request) -> tuple[JSON, Files]:
    """Bot API parameters from the query string and a JSON, form or multipart body."""
    params: JSON = dict(request.query)
    files: Files = {}
    if not request.body_exists:
        return params, files
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            raise ValueError("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise ValueError("the JSON body must be an object")
        params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                content_type = value.content_type or "application/octet-stream"
                files[name] = (value.filename, value.file.read(), content_type)
            elif isinstance(value, bytes | bytearray):
                params[name] = bytes(value).decode("utf-8", "replace")
            else:
                params[name] = value
    return params, files


async def _json_body(request: web.Request) -> JSON:
    """The control request's JSON object body ({} when empty)."""
    if not request.body_exists:
        return {}
    raw = await request.text()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ControlError("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def _str(body: JSON, key: str, *, required: bool = False) -> str | None:
    """A string field (None when absent)."""
    value = body.get(key)
    if value is None:
        if required:
            raise ControlError(f"{key} is required")
        return None
    if not isinstance(value, str):
        raise ControlError(f"{key} must be a string")
    return value


def _int(body: JSON, key: str, *, required: bool = False) -> int | None:
    """An integer field (None when absent)."""
    value = body.get(key)
    if value is None:
        if required:
            raise ControlError(f"{key} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(f"{key} must be an integer")
    return value


def _float(body: JSON, key: str) -> float:
    """A required finite number field."""
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ControlError(f"{key} must be a number")
    return float(value)


def _bool(body: JSON, key: str, *, default: bool) -> bool:
    """A boolean field with a default."""
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise ControlError(f"{key} must be true or false")
    return value


def _path_int(request: web.Request, key: str) -> int:
    """An integer path segment."""
    raw = request.match_info[key]
    try:
        return int(raw)
    except ValueError:
        raise ControlError(f"{key} must be an integer, not {raw!r}") from None


def _query_float(request: web.Request, key: str) -> float | None:
    """An optional finite numeric query parameter."""
    raw = request.query.get(key)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ControlError(f"{key} must be a number, not {raw!r}") from None
    if not math.isfinite(value):
        raise ControlError(f"{key} must be finite")
    return value


def _float_or_zero(value: Any) -> float:
    """A getUpdates timeout parameter as seconds (0 when missing or invalid)."""
    try:
        seconds = float(value or 0)
    except (TypeError, ValueError):
        return 0.0
    return seconds if math.isfinite(seconds) and seconds > 0 else 0.0


def _content_type(record: FileRecord) -> str:
    """The Content-Type for a stored file."""
    content = record.content or b""
    if record.kind == "photo" or (record.mime_type or "").startswith("image/"):
        for magic, kind in IMAGE_TYPES:
            if content.startswith(magic):
                return kind
        if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
            return "image/webp"
    if record.mime_type:
        return record.mime_type
    if record.file_name:
        guessed = mimetypes.guess_type(record.file_name)[0]
        if guessed:
            return guessed
    return "application/octet-stream"


__all__ = ["ControlError", "SandboxServer", "default_phone"]
