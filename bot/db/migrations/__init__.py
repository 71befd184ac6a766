"""Append-only schema migrations, applied in name order and recorded in a table."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import aiosqlite


def migration_names() -> list[str]:
    """All migration files shipped with OrderDesk, oldest first."""
    folder = resources.files(__package__)
    return sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql"))


async def migrate(conn: aiosqlite.Connection) -> list[str]:
    """Apply the migrations not yet recorded; each in its own transaction. Returns their names."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
    )
    async with conn.execute("SELECT name FROM schema_migrations") as cursor:
        done = {row[0] for row in await cursor.fetchall()}
    applied = []
    folder = resources.files(__package__)
    for name in migration_names():
        if name in done:
            continue
        sql = folder.joinpath(name).read_text(encoding="utf-8")
        stamp = datetime.now(UTC).isoformat()
        script = (
            f"BEGIN IMMEDIATE;\n{sql}\n"
            f"INSERT INTO schema_migrations (name, applied_at) VALUES ('{name}', '{stamp}');\n"
            "COMMIT;"
        )
        try:
            await conn.executescript(script)
        except Exception:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
