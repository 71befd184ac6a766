"""Callback data grammar `<area>:<action>[:<arg>...]`, built and parsed in this one place."""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64


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
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise BadCallback(f"argument {index} out of range: {raw!r}")
        return int(raw)

    def text(self, index: int) -> str:
        """Argument `index` as text, or BadCallback."""
        try:
            return self.args[index]
        except IndexError:
            raise BadCallback(f"missing argument {index}") from None


def parse(data: str | None) -> Callback:
    """Split callback data into area, action and arguments."""
    if not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback("empty or too long")
    parts = data.split(":")
    if len(parts) < 2 or not all(parts[:2]):
        raise BadCallback(f"malformed: {data!r}")
    return Callback(parts[0], parts[1], tuple(parts[2:]))
