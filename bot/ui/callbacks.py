"""Callback data grammar `<area>:<action>[:<arg>...]`, built and parsed in this one place.

An area's actions are an `Action` enum (all of them in bot/ui/actions.py); views build data
with `pack(Member, *args)` and handlers match it with `pattern(Member, ...)` / `pattern_of(Enum)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

MAX_BYTES = 64
NO_DAY = "none"


class BadCallback(ValueError):
    """Callback data that OrderDesk did not make: forged, stale or from an old version."""


class Action(StrEnum):
    """The action codes of one area: `class Approval(Action, area="apv"): VIEW = "v"`.

    The codes are on the wire (buttons already sent keep them): never change one."""

    area: ClassVar[str]

    def __init_subclass__(cls, *, area: str, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not area or ":" in area:
            raise TypeError(f"{cls.__name__}: an area code is needed, without ':'")
        cls.area = area


def pack(action: Action, *args: object) -> str:
    """Build callback data; refuses anything over Telegram's 64 bytes."""
    data = ":".join([action.area, action.value, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def pattern(*actions: Action) -> str:
    """The pattern matching these actions of one area, with or without arguments."""
    areas = {a.area for a in actions}
    if len(areas) != 1:
        raise ValueError(f"one area per pattern, not {sorted(areas)}")
    codes = "|".join(a.value for a in actions)
    return f"^{areas.pop()}:({codes})(:|$)"


def pattern_of(actions: type[Action]) -> str:
    """The pattern matching every action of an area."""
    return pattern(*actions)


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
