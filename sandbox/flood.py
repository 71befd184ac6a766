"""Telegram-like flood limits for message sends: pure logic with an injectable clock."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from sandbox.api import JSON, ApiError

LIMITED_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
GLOBAL_PER_SECOND = 30
PRIVATE_BURST = 3
PRIVATE_PER_SECOND = 1.0
GROUP_PER_MINUTE = 20


def _wait(seconds: float) -> int:
    """Whole seconds to wait, at least 1 (Telegram never says retry after 0)."""
    return max(1, math.ceil(seconds - 1e-9))


class FloodLimiter:
    """Counts successful sends and tells how long a new send must wait (None: send now).

    Rules, as Telegram applies them to one bot: at most 30 sends in any second overall; in a
    private chat (positive id) a token bucket of 3 refilled at 1 per second; in a group
    (negative id) at most 20 sends in any minute.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, enabled: bool = True) -> None:
        self.clock = clock
        self.enabled = enabled
        self._recent: deque[float] = deque()
        self._buckets: dict[int, tuple[float, float]] = {}
        self._groups: dict[int, deque[float]] = {}
        self._lock = threading.RLock()
        # How many sends were answered 429 since the limits were switched on.
        self.refused = 0

    def reset(self) -> None:
        """Forget every counted send."""
        with self._lock:
            self._recent.clear()
            self._buckets.clear()
            self._groups.clear()

    def set_enabled(self, enabled: bool) -> None:
        """Switch the limits on or off; counting starts afresh either way."""
        with self._lock:
            self.enabled = enabled
            self.refused = 0
            self.reset()

    def retry_after(self, chat_id: int | None) -> int | None:
        """Seconds until a send to chat_id is allowed, or None if it is allowed now."""
        with self._lock:
            return self._retry_after(chat_id, self.clock())

    def _retry_after(self, chat_id: int | None, now: float) -> int | None:
        """retry_after at a given time (lock held)."""
        self._expire(now)
        waits: list[float] = []
        if len(self._recent) >= GLOBAL_PER_SECOND:
            waits.append(self._recent[-GLOBAL_PER_SECOND] + 1.0 - now)
        if chat_id is not None and chat_id > 0:
            tokens = self._tokens(chat_id, now)
            if tokens < 1.0:
                waits.append((1.0 - tokens) / PRIVATE_PER_SECOND)
        elif chat_id is not None and chat_id < 0:
            sent = self._groups.get(chat_id, deque())
            if len(sent) >= GROUP_PER_MINUTE:
                waits.append(sent[-GROUP_PER_MINUTE] + 60.0 - now)
        return _wait(max(waits)) if waits else None

    def record(self, chat_id: int | None) -> None:
        """Count one send to chat_id at the current time."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            self._recent.append(now)
            if chat_id is not None and chat_id > 0:
                self._buckets[chat_id] = (self._tokens(chat_id, now) - 1.0, now)
            elif chat_id is not None and chat_id < 0:
                self._groups.setdefault(chat_id, deque()).append(now)

    def acquire(self, chat_id: int | None) -> int | None:
        """Count a send if allowed now and return None; otherwise return retry_after."""
        with self._lock:
            wait = self.retry_after(chat_id)
            if wait is None:
                self.record(chat_id)
            return wait

    # ------------------------------------------------------------------ FakeTelegram gate

    def admit(self, method: str, params: JSON) -> ApiError | None:
        """CallGate hook: refuse a limited send with Telegram's 429 answer."""
        if not self.enabled or method.lower() not in LIMITED_METHODS:
            return None
        wait = self.retry_after(_chat_id(params.get("chat_id")))
        if wait is None:
            return None
        with self._lock:
            self.refused += 1
        return ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    def succeeded(self, method: str, params: JSON) -> None:
        """CallGate hook: count a limited send that went through."""
        if self.enabled and method.lower() in LIMITED_METHODS:
            self.record(_chat_id(params.get("chat_id")))

    # ------------------------------------------------------------------ internals

    def _tokens(self, chat_id: int, now: float) -> float:
        """Tokens in a private chat's bucket after refilling up to now."""
        tokens, updated = self._buckets.get(chat_id, (float(PRIVATE_BURST), now))
        return min(float(PRIVATE_BURST), tokens + (now - updated) * PRIVATE_PER_SECOND)

    def _expire(self, now: float) -> None:
        """Drop sends that no longer count (older than a second / a minute)."""
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        for chat_id in list(self._groups):
            sent = self._groups[chat_id]
            while sent and sent[0] <= now - 60.0:
                sent.popleft()
            if not sent:
                del self._groups[chat_id]


def _chat_id(value: object) -> int | None:
    """A chat_id parameter as an int (None for @channel names and junk)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None
