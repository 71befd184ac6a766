"""The connection to Telegram's Bot API: HTTP through aiohttp, and a passing failure tried again
before anyone sees it.

PTB's default HTTPXRequest costs about 880 µs of CPU per Bot API call on the development
machine (httpx, httpcore and anyio layered over asyncio); AiohttpRequest does the same call in
about 380 µs. A button press is two calls (answer it, edit the screen), so this is most of the
difference between OrderDesk and a bare echo bot (benchmarks/throughput.py, docs/performance.md).
A call without files goes as one JSON document rather than a form, and screens' buttons give
their JSON directly (bot/ui/screen.py CallbackButton): a message with eight buttons went from
~750 to ~515 µs of CPU a call (measured 2026-12-06 with the machine at about half its speed).

Telegram's servers sometimes answer 5xx (502 Bad Gateway, 500) or the network drops a request;
trying again a moment later almost always works. A 5xx means the call was not carried out, so
any call is tried again; a timeout may come after Telegram did carry it out, so only calls that
change nothing the second time (editing, answering a button, deleting, reading) are repeated —
a message is never sent twice. 429 (flood control) is left to PTB's AIORateLimiter, which
waits as long as Telegram asks and slows every other call meanwhile.

A call whose answer nobody reads (a screen sent or edited) is made inside `answer_unread()`:
its answer is taken as `True` instead of being turned into a Message, keyboard and all (~5 %
of the order flow's CPU, benchmarks/throughput.py --profile)."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractStreamWriter
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

PAUSES = (0.5, 1.5)  # seconds before the second and the third attempt
# A file is written to the connection this much at a time, the loop free between two pieces:
# in one write a 17 MB export held it ~80 ms (benchmarks/no_stall.py).
PIECE = 256 * 1024
REPEATABLE = ("edit", "answer", "delete", "get", "set")  # method name prefixes
_UNREAD: ContextVar[bool] = ContextVar("answer_unread", default=False)
_DONE = re.compile(rb'\s*\{\s*"ok"\s*:\s*true\b')  # how a successful answer begins


@contextmanager
def answer_unread() -> Iterator[None]:
    """Calls made inside return True for a successful answer instead of what Telegram sent
    back (PTB returns True for some edits anyway). Failures raise as ever."""
    token = _UNREAD.set(True)
    try:
        yield
    finally:
        _UNREAD.reset(token)


def repeatable(method: str) -> bool:
    """Whether a call may be made twice without a second effect."""
    return method.startswith(REPEATABLE)


def method_of(url: str) -> str:
    """The Bot API method a request URL calls (its last segment)."""
    return url.rstrip("/").rsplit("/", 1)[-1]


class WrappedRequest(BaseRequest):
    """A request that adds to another: opened, closed and timed out as the wrapped one."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        """The wrapped request's read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Open the wrapped request."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Close the wrapped request."""
        await self._inner.shutdown()


class RetryingRequest(WrappedRequest):
    """Wraps the request used for every call but getUpdates (which PTB's polling retries).
    Inside `answer_unread()` a successful answer is not parsed."""

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """PTB's parsing, but a successful answer nobody reads is just `True`."""
        if _UNREAD.get() and _DONE.match(payload):
            return {"ok": True, "result": True}
        return BaseRequest.parse_json_payload(payload)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """The call, tried again after a 5xx answer, a lost connection or (for repeatable
        calls) a timeout."""
        name = method_of(url)
        for pause in (*PAUSES, None):
            try:
                code, payload = await self._inner.do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
            except TimedOut as error:
                if pause is None or not repeatable(name):
                    raise
                log.warning("%s timed out (%s); trying again in %g s", name, error, pause)
            except NetworkError as error:
                if pause is None:
                    raise
                log.warning("%s failed (%s); trying again in %g s", name, error, pause)
            else:
                if code < 500 or pause is None:
                    return code, payload
                log.warning("Telegram answered %s to %s; trying again in %g s", code, name, pause)
            await asyncio.sleep(pause)
        raise AssertionError("unreachable")


class AiohttpRequest(BaseRequest):
    """PTB's requests over one aiohttp session: its connections kept open and reused, its
    timeouts as HTTPXRequest's (seconds; None waits for ever), its failures as PTB's errors
    (TimedOut, NetworkError), files sent as multipart form data."""

    def __init__(
        self,
        connections: int = 256,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._connections = connections
        self._read, self._write, self._connect = read_timeout, write_timeout, connect_timeout
        self._pool, self._media_write = pool_timeout, media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}  # by scheme and host

    @property
    def read_timeout(self) -> float | None:
        """Seconds to wait for an answer unless a call says otherwise."""
        return self._read

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for this URL (HTTPS_PROXY, NO_PROXY…), looked up
        once per host — aiohttp's trust_env reads the environment and ~/.netrc on every
        request. Never for a Bot API server on this machine."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._proxies:
            host = parts.hostname or ""
            local = host == "localhost" or _loopback(host) or urllib.request.proxy_bypass(host)
            self._proxies[key] = None if local else urllib.request.getproxies().get(parts.scheme)
        return self._proxies[key]

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP request: the status and the body of the answer."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        headers = {"User-Agent": self.USER_AGENT}
        body: aiohttp.FormData | bytes = b""
        if request_data is not None and files:
            body = aiohttp.FormData(request_data.json_parameters)
            for name, (filename, content, mimetype) in files.items():
                big = isinstance(content, bytes) and len(content) > PIECE
                value = _Pieces(content) if big else content  # type: ignore[arg-type]
                body.add_field(name, value, filename=filename, content_type=mimetype)
        elif request_data is not None:
            # One JSON document, which the Bot API takes as well as a form: nothing to
            # form-encode, and no parameter JSON-encoded into a string of its own first.
            body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        read = _given(read_timeout, self._read)
        write = _given(write_timeout, self._media_write if files else self._write)
        connect, pool = _given(connect_timeout, self._connect), _given(pool_timeout, self._pool)
        parts = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(p for p in parts if p is not None),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(
                method,
                url,
                data=body,
                timeout=timeout,
                headers=headers,
                proxy=self._proxy(url),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut(f"Timed out: {error}" if str(error) else "Timed out") from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _loopback(host: str) -> bool:
    """Whether a host is an address of this machine (127.x, ::1)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout a call gave, or the default when it gave none."""
    return default if isinstance(value, DefaultValue) else value


class _Pieces(aiohttp.BytesPayload):
    """File content written PIECE bytes at a time (its length known as a whole: no chunked
    encoding), each piece waited for: the loop serves others between two."""

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Every piece in turn."""
        await self.write_with_length(writer, None)

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """The pieces up to `content_length` bytes (all of them: None)."""
        view = memoryview(self._value)
        end = len(view) if content_length is None else min(content_length, len(view))
        for start in range(0, end, PIECE):
            await writer.write(view[start : min(start + PIECE, end)])
            await asyncio.sleep(0)
