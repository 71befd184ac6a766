"""The connection to Telegram's Bot API: a passing failure is tried again before anyone sees it.

Telegram's servers sometimes answer 5xx (502 Bad Gateway, 500) or the network drops a request;
trying again a moment later almost always works. A 5xx means the call was not carried out, so
any call is tried again; a timeout may come after Telegram did carry it out, so only calls that
change nothing the second time (editing, answering a button, deleting, reading) are repeated —
a message is never sent twice. 429 (flood control) is left to PTB's AIORateLimiter, which
waits as long as Telegram asks and slows every other call meanwhile."""

from __future__ import annotations

import asyncio
import logging

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

PAUSES = (0.5, 1.5)  # seconds before the second and the third attempt
REPEATABLE = ("edit", "answer", "delete", "get", "set")  # method name prefixes


def repeatable(method: str) -> bool:
    """Whether a call may be made twice without a second effect."""
    return method.startswith(REPEATABLE)


class RetryingRequest(BaseRequest):
    """Wraps the request used for every call but getUpdates (which PTB's polling retries)."""

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
        name = url.rstrip("/").rsplit("/", 1)[-1]
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
