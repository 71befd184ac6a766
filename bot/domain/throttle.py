"""Flood control per person: a token bucket each, so one person's flood slows only them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

NOTICE_EVERY = 60.0  # seconds: at most one "slow down" notice per person in this time
PRUNE_EVERY = 4096  # checks between two sweeps of idle buckets (memory stays bounded)


class Verdict(Enum):
    """What to do with one update."""

    PASS = "pass"
    DROP = "drop"
    DROP_AND_NOTICE = "drop_and_notice"  # dropped; tell the person (once per NOTICE_EVERY)


@dataclass
class _Bucket:
    tokens: float
    at: float
    noticed: float | None = None


class Throttle:
    """Up to `burst` updates at once, then `per_second` a second, per key (a Telegram user)."""

    def __init__(self, burst: int, per_second: float) -> None:
        self.burst = burst
        self.per_second = per_second
        self._buckets: dict[int, _Bucket] = {}
        self._checks = 0

    def check(self, key: int, now: float) -> Verdict:
        """Spend one token of this key's bucket at `now` (seconds), if it has one."""
        self._checks += 1
        if self._checks % PRUNE_EVERY == 0:
            self._prune(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        elapsed = max(0.0, now - bucket.at)  # a clock set back refills nothing
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.PASS
        if bucket.noticed is None or now - bucket.noticed >= NOTICE_EVERY:
            bucket.noticed = now
            return Verdict.DROP_AND_NOTICE
        return Verdict.DROP

    def _prune(self, now: float) -> None:
        """Forget buckets that are full again and have no recent notice."""
        full = self.burst / self.per_second
        for key in [
            k
            for k, b in self._buckets.items()
            if now - b.at >= full and (b.noticed is None or now - b.noticed >= NOTICE_EVERY)
        ]:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
