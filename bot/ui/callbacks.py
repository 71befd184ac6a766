"""Callback data grammar `<area>:<action>[:<arg>...]`, built and parsed in this one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

MAX_BYTES = 64
NO_DAY = "none"


class BadCallback(ValueError):
    """Callback data that OrderDesk did not make: forged, stale or from an old version."""


def pack(area: str, action: str, *args: object) -> str:
    """Build callback data; refuses anything over Telegram's 64 bytes."""
    data = ":".join([area, action, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


@dataclass(frozen=True)
class Callback:
    """Parsed callback data."""

    area: str
    action: str
    args: tuple[str, ...]

    def number(self, index: int, *, low: int = 0, high: int = 2**53) -> int:
        """Argument `index` as a whole number in [low, high], or BadCallback."""
        try:
            raw = self.args[index]
        except IndexError:
            raise BadCallback(f"missing argument {index}") from None
        # str.isdigit() also holds for "²", which int() refuses: ASCII digits only.
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            raise BadCallback(f"argument {index} out of range: {raw!r}")
        return int(raw)

    def day(self, index: int) -> date | None:
        """Argument `index` as a day written by day_arg (None for "none"), or BadCallback."""
        raw = self.text(index)
        if raw == NO_DAY:
            return None
        try:
            return datetime.strptime(raw, "%Y%m%d").date()
        except ValueError:
            raise BadCallback(f"argument {index} is not a day: {raw!r}") from None

    def text(self, index: int) -> str:
        """Argument `index` as text, or BadCallback."""
        try:
            return self.args[index]
        except IndexError:
            raise BadCallback(f"missing argument {index}") from None


def day_arg(day: date | None) -> str:
    """A day (or none) as a callback argument: 20261124."""
    return day.strftime("%Y%m%d") if day else NO_DAY


def parse(data: str | None) -> Callback:
    """Split callback data into area, action and arguments."""
    if not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback("empty or too long")
    parts = data.split(":")
    if len(parts) < 2 or not all(parts[:2]):
        raise BadCallback(f"malformed: {data!r}")
    return Callback(parts[0], parts[1], tuple(parts[2:]))
