"""Conversions between SQLite values and Python values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Generic, NamedTuple, TypeVar

import aiosqlite

from bot.domain.models import Language

CHUNK = 500  # ids in one IN list

T = TypeVar("T")


class Slice(NamedTuple, Generic[T]):
    """Some rows of a longer list (a page), and how many the whole list holds."""

    items: list[T]
    total: int


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


DAILY_COUNTERS = frozenset({"order_counters", "invoice_counters", "credit_note_counters"})


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


async def among_orders(
    conn: aiosqlite.Connection,
    sql: str,
    params: Sequence[object],
    among: Sequence[int] | None,
    order: str = "",
) -> list[aiosqlite.Row]:
    """The rows of a query whose WHERE clause ends the statement (before `order`): all of
    them, or only those of some orders (`o.id`), asked for in chunks."""
    if among is None:
        async with conn.execute(f"{sql}{order}", params) as cursor:
            return list(await cursor.fetchall())
    rows: list[aiosqlite.Row] = []
    for start in range(0, len(among), CHUNK):
        part = list(among[start : start + CHUNK])
        async with conn.execute(
            f"{sql} AND o.id IN ({placeholders(len(part))}){order}", [*params, *part]
        ) as cursor:
            rows.extend(await cursor.fetchall())
    return rows
