"""Append-only schema migrations, applied in name order and recorded in a table.

Each file `NNNN_what.sql` runs once, in its own transaction (`BEGIN IMMEDIATE … COMMIT`, with
its row in `schema_migrations`), with the connection's foreign keys as they are (ON in the app).

A migration that rebuilds a table others reference (to change its CHECK or other constraints,
which SQLite cannot alter) says so on its first line, naming the table(s):

    -- rebuilds: orders

and follows SQLite's procedure (https://www.sqlite.org/lang_altertable.html#otheralter):
`CREATE TABLE orders_new (…)`, `INSERT INTO orders_new (…) SELECT … FROM orders`,
`DROP TABLE orders`, `ALTER TABLE orders_new RENAME TO orders`. Around it the runner does the
rest: turns foreign keys off (outside the transaction: SQLite ignores the pragma inside one) and
`legacy_alter_table` on (so the rename leaves alone the views and triggers of other tables that
name the table: they name it again once renamed; without it SQLite re-parses them and refuses,
"error in view dues_outstanding: no such table"); begins; remembers the table's indexes and
triggers; runs the migration; creates again, from their former SQL, those of them the migration
did not create itself under the same name (to change one, create it in the migration; to drop
one, drop it in a later migration); checks that every view still reads; runs
`PRAGMA foreign_key_check` and refuses the migration (rolled back, `MigrationFailed` naming it
and the rows left pointing at nothing) if anything dangles; records it; commits; and puts both
pragmas back as they were, also when it fails. The file neither begins nor commits; a view
the change affects is dropped and created again in it. Tests pass their own (name, sql)
migrations to `migrate(conn, extra)`; the app only ever applies the files here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from importlib import resources

import aiosqlite

REBUILDS = re.compile(r"--\s*rebuilds:\s*(\w+(?:\s*,\s*\w+)*)\s*")
SHOWN = 5  # offending rows named per foreign key in a refusal


class MigrationFailed(Exception):
    """A migration was refused and rolled back; the message names it and why."""


def migration_names() -> list[str]:
    """All migration files shipped with OrderDesk, oldest first."""
    folder = resources.files(__package__)
    return sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql"))


def rebuilt_tables(sql: str) -> list[str]:
    """The tables a migration's first line says it rebuilds (`-- rebuilds: a, b`), or []."""
    lines = sql.lstrip().splitlines()
    found = REBUILDS.fullmatch(lines[0].strip()) if lines else None
    return [t.strip() for t in found.group(1).split(",")] if found else []


async def migrate(conn: aiosqlite.Connection, extra: Sequence[tuple[str, str]] = ()) -> list[str]:
    """Apply the migrations not yet recorded; each in its own transaction. Returns their names.
    extra: (name, sql) migrations taken along with the shipped files, in name order (tests)."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
    )
    async with conn.execute("SELECT name FROM schema_migrations") as cursor:
        done = {row[0] for row in await cursor.fetchall()}
    folder = resources.files(__package__)
    texts: dict[str, str | None] = dict.fromkeys(migration_names())
    clash = sorted(set(texts) & {name for name, _ in extra})
    if clash:
        raise ValueError(f"extra migrations named as shipped ones: {clash}")
    texts.update(extra)
    applied = []
    for name in sorted(texts):
        if name in done:
            continue
        sql = texts[name]
        if sql is None:
            sql = folder.joinpath(name).read_text(encoding="utf-8")
        tables = rebuilt_tables(sql)
        if tables:
            await _rebuild(conn, name, sql, tables)
        else:
            await _run(conn, name, sql)
        applied.append(name)
    return applied


def _record(name: str) -> str:
    """The statement recording a migration as applied now."""
    stamp = datetime.now(UTC).isoformat()
    return f"INSERT INTO schema_migrations (name, applied_at) VALUES ('{name}', '{stamp}')"


async def _run(conn: aiosqlite.Connection, name: str, sql: str) -> None:
    """An ordinary migration: the file and its record in one transaction."""
    try:
        await conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\n{_record(name)};\nCOMMIT;")
    except Exception:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise


async def _pragma(conn: aiosqlite.Connection, name: str) -> int:
    """The value of a flag pragma."""
    async with conn.execute(f"PRAGMA {name}") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


async def _rebuild(conn: aiosqlite.Connection, name: str, sql: str, tables: list[str]) -> None:
    """A migration that rebuilds `tables`: SQLite's twelve steps around the file (module doc)."""
    if conn.in_transaction:
        raise MigrationFailed(f"{name}: a rebuild cannot run inside an open transaction")
    foreign_keys = await _pragma(conn, "foreign_keys")
    legacy = await _pragma(conn, "legacy_alter_table")
    try:
        await conn.execute("PRAGMA foreign_keys = OFF")
        await conn.execute("PRAGMA legacy_alter_table = ON")
        if await _pragma(conn, "foreign_keys"):
            raise MigrationFailed(f"{name}: foreign keys could not be turned off")
        names = ", ".join(f"'{table}'" for table in tables)  # \w+ only: safe to quote
        # Begun by the same script as the migration (executescript commits an open
        # transaction first); the table's indexes and triggers are noted inside it.
        await conn.executescript(
            "BEGIN IMMEDIATE;\n"
            "DROP TABLE IF EXISTS temp.rebuild_kept;\n"
            "CREATE TEMP TABLE rebuild_kept AS SELECT type, name, sql FROM main.sqlite_master"
            f" WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN ({names});"
            f"\n{sql}\n"
        )
        if not conn.in_transaction:
            raise MigrationFailed(f"{name}: a rebuild must not end its transaction itself")
        await _restore_kept(conn, name)
        await _check_views(conn, name)
        await _check_foreign_keys(conn, name, tables)
        await conn.execute("DROP TABLE temp.rebuild_kept")
        await conn.execute(_record(name))
        await conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise
    finally:
        await conn.execute(f"PRAGMA legacy_alter_table = {legacy}")
        await conn.execute(f"PRAGMA foreign_keys = {foreign_keys}")


async def _restore_kept(conn: aiosqlite.Connection, name: str) -> None:
    """Create again the rebuilt tables' indexes and triggers the migration did not."""
    async with conn.execute(
        "SELECT name, sql FROM temp.rebuild_kept"
        " WHERE name NOT IN (SELECT name FROM main.sqlite_master) ORDER BY rowid"
    ) as cursor:
        missing = [(row[0], row[1]) for row in await cursor.fetchall()]
    for kept, statement in missing:
        try:
            await conn.execute(statement)
        except aiosqlite.Error as error:
            raise MigrationFailed(
                f"{name}: {kept} cannot be created again on the rebuilt table ({error});"
                " create it anew in the migration"
            ) from error


async def _check_views(conn: aiosqlite.Connection, name: str) -> None:
    """Every view still reads (a rebuilt table may have lost a column one names)."""
    async with conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'view'") as cursor:
        views = [row[0] for row in await cursor.fetchall()]
    for view in views:
        try:
            await conn.execute(f'SELECT * FROM main."{view}" LIMIT 0')
        except aiosqlite.Error as error:
            raise MigrationFailed(f"{name}: view {view} no longer reads: {error}") from error


async def _check_foreign_keys(conn: aiosqlite.Connection, name: str, tables: list[str]) -> None:
    """Refuse the migration if any row points at nothing (PRAGMA foreign_key_check)."""
    async with conn.execute("PRAGMA foreign_key_check") as cursor:
        found = [(row[0], row[1], row[2], row[3]) for row in await cursor.fetchall()]
    if not found:
        return
    groups: dict[tuple[str, str, int], list[int | None]] = {}
    for table, rowid, parent, fkid in found:
        groups.setdefault((table, parent, fkid), []).append(rowid)
    parts = []
    for (table, parent, fkid), rowids in groups.items():
        column = await _fk_column(conn, table, fkid)
        shown = ", ".join(str(r) for r in rowids[:SHOWN])
        more = f" and {len(rowids) - SHOWN} more" if len(rowids) > SHOWN else ""
        parts.append(f"{table}.{column} -> {parent}: rowid {shown}{more}")
    raise MigrationFailed(
        f"{name}: rebuilding {', '.join(tables)} would leave {len(found)} rows pointing at"
        f" nothing ({'; '.join(parts)}); rolled back, nothing changed"
    )


async def _fk_column(conn: aiosqlite.Connection, table: str, fkid: int) -> str:
    """The column(s) of a table's foreign key number `fkid`."""
    async with conn.execute(f'PRAGMA foreign_key_list("{table}")') as cursor:
        rows: Iterable[aiosqlite.Row] = await cursor.fetchall()
    columns = [str(row[3]) for row in rows if row[0] == fkid]
    return ",".join(columns) or "?"
