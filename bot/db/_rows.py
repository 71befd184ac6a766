"""Conversions between SQLite values and Python values."""

from __future__ import annotations

from datetime import UTC, date, datetime

import aiosqlite

from bot.domain.models import Language


def ts(value: datetime) -> str:
    """A UTC timestamp as stored."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_ts(value: str) -> datetime:
    """A stored timestamp, timezone-aware."""
    return datetime.fromisoformat(value)


def day_or_none(value: str | None) -> date | None:
    """A stored ISO date, or None."""
    return date.fromisoformat(value) if value else None


def localized(column: str, language: Language, alias: str = "") -> str:
    """SQL for a per-language column that falls back to English when empty."""
    prefix = f"{alias}." if alias else ""
    return f"COALESCE(NULLIF({prefix}{column}_{language.value}, ''), {prefix}{column}_en)"


def placeholders(count: int) -> str:
    """`?, ?, ?` for an IN list."""
    return ", ".join("?" * count)


def like_pattern(words: str) -> str:
    """A LIKE pattern matching text that contains the words literally (ESCAPE '\\')."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


DAILY_COUNTERS = frozenset({"order_counters", "invoice_counters"})


async def next_in_day(conn: aiosqlite.Connection, table: str, day: str) -> int:
    """The next number of a business day (YYYYMMDD) in one of the daily counter tables."""
    if table not in DAILY_COUNTERS:
        raise ValueError(f"not a counter table: {table}")
    async with conn.execute(
        f"INSERT INTO {table} (day, last) VALUES (?, 1)"
        " ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last",
        (day,),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])
