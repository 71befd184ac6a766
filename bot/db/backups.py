"""Backups: a checked copy of the database taken while it is in use, and putting one back;
the full check of a database file (`orderdesk check`).

Both go through SQLite's online backup API, which copies one consistent snapshot page by page;
the bot's file is never copied byte for byte (its write-ahead log would be left behind).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.db.migrations import migration_names
from bot.runtime.connection import (
    PROBLEMS,
    DatabaseUnusable,
    corrupt,
    findings,
    read_only_uri,
    unusable,
)

# Tables whose row counts describe a copy to the operator.
COUNTED = ("customers", "orders", "payments")


class BackupInvalid(Exception):
    """A file that is not a usable OrderDesk backup; the message says why."""


class DatabaseInUse(Exception):
    """Another process (the bot) has the database open: it must be stopped first."""


@dataclass(frozen=True)
class CopyInfo:
    """What a checked copy holds."""

    path: Path
    migrations: int
    pending: int  # migrations this version of OrderDesk would still apply to it
    rows: dict[str, int]
    size: int


def connect(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A plain sqlite3 connection, usable from a worker thread, in autocommit mode."""
    return sqlite3.connect(path, isolation_level=None, timeout=timeout, check_same_thread=False)


def check_copy(path: Path) -> CopyInfo:
    """Open a copy read-only and check it: SQLite says it is intact, and it is an OrderDesk
    database no newer than this version; BackupInvalid otherwise."""
    if not path.is_file():
        raise BackupInvalid(f"{path}: no such file")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        raise BackupInvalid(f"{path}: cannot be opened ({error})") from None
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise BackupInvalid(f"{path}: damaged ({'; '.join(result[:3])})")
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "schema_migrations" not in tables:
            raise BackupInvalid(f"{path}: not an OrderDesk database")
        applied = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
        known = set(migration_names())
        if applied - known:
            newer = ", ".join(sorted(applied - known))
            raise BackupInvalid(f"{path}: made by a newer OrderDesk (migrations {newer})")
        rows = {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in COUNTED
            if table in tables
        }
    except sqlite3.DatabaseError as error:
        raise BackupInvalid(f"{path}: not a SQLite database ({error})") from None
    finally:
        conn.close()
    return CopyInfo(path, len(applied), len(known - applied), rows, path.stat().st_size)


def seal(copy: sqlite3.Connection, *, check: bool = True) -> None:
    """Make a fresh copy one self-contained file (no write-ahead log) and check it."""
    copy.execute("PRAGMA journal_mode = DELETE")
    if not check:
        return
    result = [row[0] for row in copy.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupInvalid(f"the copy failed SQLite's integrity check: {'; '.join(result[:3])}")


def partial_path(target: Path) -> Path:
    """Where a copy is written before it is checked and renamed to `target`."""
    return target.with_name(target.name + ".partial")


def finish(partial: Path, target: Path) -> CopyInfo:
    """Check a written copy and give it its name (atomically: a reader never sees half)."""
    info = check_copy(partial)
    os.replace(partial, target)
    return CopyInfo(target, info.migrations, info.pending, info.rows, info.size)


def restore(
    source: Path, database: Path, now: datetime | None = None
) -> tuple[CopyInfo, Path | None]:
    """Put a checked backup in place of the database, which nobody may have open.

    The database is locked exclusively first (DatabaseInUse if the bot or anything else has
    it open), kept as `<name>.before-restore-<UTC time>`, then overwritten in one transaction
    through the backup API. Returns the copy's description and where the old database went
    (None when there was none).
    """
    info = check_copy(source)
    if database.exists() and database.resolve() == source.resolve():
        raise BackupInvalid(f"{source}: is the database itself")
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    existed = database.is_file() and database.stat().st_size > 0
    kept = database.with_name(f"{database.name}.before-restore-{stamp}") if existed else None
    if existed and not os.access(database, os.W_OK):
        raise DatabaseUnusable(database, PROBLEMS[sqlite3.SQLITE_READONLY])
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        target = connect(database, timeout=0)
    except OSError as error:
        raise DatabaseUnusable(database, error.strerror or str(error)) from None
    except sqlite3.Error as error:
        raise unusable(database, error) from None
    try:
        try:
            # Held until closed: nobody can open the database while it is being replaced. An
            # open connection elsewhere (the running bot's, even idle) makes this fail.
            target.execute("PRAGMA locking_mode = EXCLUSIVE")
            target.execute("BEGIN EXCLUSIVE")
            target.execute("COMMIT")
        except sqlite3.Error as error:
            if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY:
                raise DatabaseInUse(str(database)) from None
            # Not a database at all (a wrong path?), a read-only folder: left as it is.
            raise unusable(database, error) from None
        if kept is not None:
            keep = connect(kept)
            try:
                target.backup(keep)
                seal(keep, check=False)  # a damaged database is kept as it was
            finally:
                keep.close()
        backup = connect(source)
        try:
            backup.backup(target)
        finally:
            backup.close()
        result = [row[0] for row in target.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise BackupInvalid(f"{database}: failed the integrity check after restoring")
    finally:
        target.close()
    return info, kept


@dataclass(frozen=True)
class Health:
    """What `orderdesk check` found in a database file."""

    path: Path
    problems: list[str]  # empty when SQLite finds nothing wrong
    migrations: int
    pages: int
    size: int


def _integrity(conn: sqlite3.Connection, most: int) -> list[str]:
    """integrity_check's findings, at most `most`. Past a malformed page SQLite raises
    instead of reporting: then what a check stopping sooner finds, and that it stopped."""
    stopped: list[str] = []
    for limit in (most, 10, 1):
        try:
            return findings(conn.execute(f"PRAGMA integrity_check({limit})")) + stopped
        except sqlite3.DatabaseError as error:
            if not corrupt(error):
                raise
            stopped = [f"SQLite stopped at a malformed page ({error}); more may be wrong"]
    return stopped


def check_database(path: Path, *, most: int = 100) -> Health:
    """SQLite's full integrity_check and foreign_key_check of a database file, opened
    read-only (the bot may be running); DatabaseUnusable when it cannot be read at all."""
    if not path.is_file():
        raise DatabaseUnusable(path, "no such file")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=5)
    except sqlite3.Error as error:
        raise unusable(path, error) from None
    try:
        problems = [f"integrity: {line}" for line in _integrity(conn, most)]
        try:
            problems += [
                f"foreign key: {table} row {rowid} refers to a missing {parent} row"
                for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
            ][:most]
        except sqlite3.DatabaseError as error:
            if not problems:
                raise
            problems.append(f"foreign keys: not checked ({error})")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        migrations = 0
        if "schema_migrations" in tables:
            migrations = conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
        else:
            problems.append("not an OrderDesk database (it has no schema_migrations table)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    except sqlite3.Error as error:
        raise unusable(path, error) from None
    finally:
        conn.close()
    return Health(path, problems, int(migrations), int(pages), path.stat().st_size)
