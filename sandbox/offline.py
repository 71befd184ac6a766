"""PTB request backend that routes every Bot API call to a FakeTelegram in-process."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any
from urllib.parse import unquote

from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from sandbox.files import Files
from sandbox.telegram import FakeTelegram


class OfflineRequest(BaseRequest):
    """A telegram.request.BaseRequest that answers from a FakeTelegram instead of the network."""

    def __init__(
        self,
        fake: FakeTelegram,
        *,
        read_timeout: float | None = 5.0,
        long_poll: bool = True,
        poll_interval: float = 0.01,
    ) -> None:
        self.fake = fake
        self._read_timeout = read_timeout
        self.long_poll = long_poll
        self.poll_interval = poll_interval
        self.initialized = False

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout (only used to cap getUpdates long polling)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open; just remember we were initialised."""
        self.initialized = True

    async def shutdown(self) -> None:
        """Nothing to close."""
        self.initialized = False

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
        """Call the fake with the method named by the URL's last segment; return (status, JSON).

        A file download URL (base_file_url: `…/file/bot<token>/<file_path>`) answers the bytes."""
        if FILE_URL.search(url):
            return _download(self.fake, url)
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        files = _read_files(request_data)
        status, body = self.fake.call(api_method, params, files)
        if self.long_poll and api_method.lower() == "getupdates" and _is_empty_ok(status, body):
            wait = _poll_timeout(params.get("timeout"), read_timeout, self._read_timeout)
            if wait > 0 and await self._wait_for_updates(wait):
                status, body = self.fake.call(api_method, params, files)
        else:
            await asyncio.sleep(0)
        return status, json.dumps(body).encode("utf-8")

    async def _wait_for_updates(self, seconds: float) -> bool:
        """Sleep until the fake has queued updates or the timeout passes."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(self.poll_interval)
            if self.fake.pending_update_count():
                return True
        return False


FILE_URL = re.compile(r"/file/bot[^/]*/(?P<path>.+)$")


def _download(fake: FakeTelegram, url: str) -> tuple[int, bytes]:
    """The bytes of a file_path from getFile, or Telegram's 404."""
    match = FILE_URL.search(url.split("?", 1)[0])
    content = fake.download(unquote(match.group("path"))) if match else None
    if content is None:
        body = {"ok": False, "error_code": 404, "description": "Not Found"}
        return 404, json.dumps(body).encode("utf-8")
    return 200, content


def _is_empty_ok(status: int, body: dict[str, Any]) -> bool:
    """True for a successful getUpdates answer without updates."""
    return status == 200 and body.get("result") == []


def _poll_timeout(timeout: Any, read_timeout: ODVInput[float], default: float | None) -> float:
    """Seconds to long-poll: the getUpdates timeout, capped by the effective read timeout."""
    try:
        wait = max(float(timeout or 0), 0.0)
    except (TypeError, ValueError):
        return 0.0
    cap = default if isinstance(read_timeout, DefaultValue) else read_timeout
    if isinstance(cap, int | float) and cap > 0:
        wait = min(wait, float(cap))
    return wait


def _read_files(request_data: RequestData | None) -> Files:
    """Extract uploaded files as {part_name: (file_name, bytes, mime_type)}."""
    if request_data is None or not request_data.contains_files:
        return {}
    files: Files = {}
    for name, (file_name, content, mime_type) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        files[name] = (file_name, data, mime_type)
    return files
