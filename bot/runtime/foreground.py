"""People's updates first: work that can wait (a batch's 667 orders) goes between them.

The event loop serves everyone on one core. A batch written in transactions of two orders,
resting six times as long as each took, still met moments when the loop was already behind
(a burst of customers, the machine busy elsewhere): its transactions then came on top, and
the customers' answers queued behind them (benchmarks/no_stall.py). `Foreground` keeps the
updates being processed (ChatOrder tells it); background work asks for a `lull`, a moment when
none is but the caller's own, and waits for one up to a limit (so that it still moves on under
a load that never pauses). An update in progress for over LONG seconds is long work of its own
(a year's report waiting for its thread, an export): it holds nobody's answer, so it does not
keep a lull from coming. The outbox asks `running` too: notices slow down while anyone's update
is being processed (bot/handlers/outbox.py)."""

from __future__ import annotations

import asyncio
import contextlib
import time

from bot.db.updates import CURRENT_UPDATE

LONG = 1.0  # seconds: an update in progress this long is not someone waiting for an answer


class Foreground:
    """The updates being processed, and a wait for a moment when none is."""

    def __init__(self) -> None:
        self._running: dict[int, float] = {}  # update id -> when it began (monotonic)
        self._ended: asyncio.Event | None = None  # made on the loop, at the first wait

    @property
    def running(self) -> int:
        """How many updates are being processed."""
        return len(self._running)

    def began(self, update_id: int) -> None:
        """An update started being processed."""
        self._running[update_id] = time.monotonic()

    def ended(self, update_id: int) -> None:
        """An update was processed."""
        self._running.pop(update_id, None)
        if self._ended is not None:
            self._ended.set()

    def _busy_until(self, own: int | None) -> float | None:
        """While others' updates are being processed: when the youngest turns LONG."""
        now = time.monotonic()
        young = [t for u, t in self._running.items() if u != own and now - t < LONG]
        return max(young) + LONG if young else None

    async def lull(self, longest: float) -> bool:
        """Return once no update is being processed but the caller's own (work started by
        an update) and those over LONG seconds old, or after `longest` seconds: whether the
        lull came."""
        own = CURRENT_UPDATE.get()
        if self._busy_until(own) is None:
            return True
        if self._ended is None:
            self._ended = asyncio.Event()
        deadline = time.monotonic() + longest
        while (until := self._busy_until(own)) is not None:
            now = time.monotonic()
            if now >= deadline:
                return False
            self._ended.clear()
            with contextlib.suppress(TimeoutError):  # deadline, or the youngest turned LONG
                await asyncio.wait_for(self._ended.wait(), min(deadline, until) - now)
        return True
