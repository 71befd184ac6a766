"""The WAL is copied back into the database file off the event loop (bot/db/checkpoints.py):
the bot's connection never checkpoints inside a commit; a connection of its own does, after
commits; under steady writes the log still starts over; nothing is left behind at close."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.db import Database
from bot.db.checkpoints import LOG_LIMIT_BYTES


async def test_commits_are_checkpointed_in_the_background_never_by_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.sqlite3"
    db = Database(path)
    await db.open()
    try:
        async with db.connection.execute("PRAGMA wal_autocheckpoint") as cursor:
            assert tuple(await cursor.fetchone() or ()) == (0,), "commits never checkpoint"
        checkpoints = db.checkpoints
        assert checkpoints is not None
        before = checkpoints.done
        for n in range(3):  # ~1,500 pages of WAL: past SQLite's own threshold of 1,000
            async with db.unit_of_work(claims_update=False) as uow:
                await db.connection.execute(
                    "CREATE TABLE IF NOT EXISTS filler (n INTEGER, blob BLOB)"
                )
                await db.connection.executemany(
                    "INSERT INTO filler VALUES (?, randomblob(2000))",
                    [(n,) for _ in range(1000)],
                )
                await uow.commit()
        for _ in range(500):  # the background checkpointer, a moment after the commits
            if checkpoints.done > before:
                break
            await asyncio.sleep(0.01)
        assert checkpoints.done > before
        pages, copied = await checkpoints.checkpoint()
        assert pages == copied, "everything in the log is in the file"
    finally:
        await db.close()
    assert db.checkpoints is None
    assert not Path(f"{path}-wal").exists(), "the last close folds the log in"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM filler").fetchone() == (3000,)


async def test_under_steady_writes_the_log_starts_over_instead_of_growing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite3"
    db = Database(path)
    await db.open()
    checkpoints = db.checkpoints
    assert checkpoints is not None
    checkpoints.restart_pages = 300  # ~1.2 MB: reached within a second here
    written = rows = 0
    try:
        async with db.unit_of_work(claims_update=False) as uow:
            await db.connection.execute("CREATE TABLE filler (n INTEGER, blob BLOB)")
            await uow.commit()
        loop = asyncio.get_running_loop()
        end = loop.time() + 4
        while loop.time() < end:  # a commit every moment: one lands in every checkpoint
            async with db.unit_of_work(claims_update=False) as uow:
                await db.connection.execute("INSERT INTO filler VALUES (1, randomblob(3000))")
                await uow.commit()
            written += 2 * 4096  # the row's page and its overflow page, at least
            rows += 1
            await asyncio.sleep(0.001)
        log = Path(f"{path}-wal").stat().st_size
        async with db.connection.execute("PRAGMA journal_size_limit") as cursor:
            limit = tuple(await cursor.fetchone() or ())
    finally:
        await db.close()
    assert checkpoints.restarts > 0
    assert limit == (LOG_LIMIT_BYTES,), "a log that grew big is cut back when it starts over"
    assert log < written / 2, f"the log started over: {log:,} bytes of {written:,} written"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM filler").fetchone() == (rows,), "none lost"
