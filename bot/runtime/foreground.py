"""People's updates first: work that can wait (a batch's 667 orders) goes between them.

The event loop serves everyone on one core. A batch written in transactions of two orders,
resting six times as long as each took, still met moments when the loop was already behind
(a burst of customers, the machine busy elsewhere): its transactions then came on top, and
the customers' answers queued behind them (benchmarks/no_stall.py). `Foreground` counts the
updates being processed (ChatOrder tells it); background work asks for a `lull`, a moment when
nobody's update but its own is, and waits for one up to a limit (so that it still moves on
under a load that never pauses)."""

from __future__ import annotations

import asyncio

from bot.db.updates import CURRENT_UPDATE


class Foreground:
    """How many updates are being processed, and a wait for a moment when none is."""

    def __init__(self) -> None:
        self.running = 0
        self._ended: asyncio.Event | None = None  # made on the loop, at the first wait

    def began(self) -> None:
        """An update started being processed."""
        self.running += 1

    def ended(self) -> None:
        """An update was processed."""
        self.running -= 1
        if self._ended is not None:
            self._ended.set()

    async def lull(self, longest: float) -> bool:
        """Return once no update is being processed but the caller's own (work started by
        an update), or after `longest` seconds: whether the lull came."""
        own = 0 if CURRENT_UPDATE.get() is None else 1
        if self.running <= own:
            return True
        if self._ended is None:
            self._ended = asyncio.Event()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + longest
        while self.running > own:
            left = deadline - loop.time()
            if left <= 0:
                return False
            self._ended.clear()
            try:
                await asyncio.wait_for(self._ended.wait(), left)
            except TimeoutError:
                return self.running <= own
        return True
