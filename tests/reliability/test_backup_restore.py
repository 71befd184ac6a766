"""`orderdesk backup` copies the database consistently while another process writes to it;
`orderdesk restore` puts a checked copy back, and only while nobody has the database open."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.models import Language
from bot.services import Services
from tests.conftest import ROOT, ROOT_CONFIG
from tests.e2e.conftest import Stack
from tests.reliability.db_writer import PRODUCTS

COPIES = 3


def config_file(folder: Path, database: Path) -> Path:
    """The example configuration with this database."""
    text = ROOT_CONFIG.read_text(encoding="utf-8").replace(
        'path = "var/orderdesk.sqlite3"', f'path = "{database}"'
    )
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def orderdesk(*args: str) -> tuple[int, str]:
    """Run the orderdesk command in its own process; its exit code and output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def count(db: Database, sql: str) -> int:
    """One number read from the database."""
    async with db.reader(), db.connection.execute(sql) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


def one(path: Path, sql: str) -> object:
    """One value read from a database file (closed right after)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def stock(path: Path) -> list[tuple[int, int]]:
    """Units on hand and reserved of the products the writer orders."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT stock_on_hand, reserved FROM products ORDER BY id LIMIT ?", (PRODUCTS,)
        ).fetchall()
    finally:
        conn.close()
    return [(int(a), int(b)) for a, b in rows]


def consistent_orders(copy: Path, before: list[tuple[int, int]]) -> int:
    """Check a copy as SQLite and as the writer's invariants; the orders it holds."""
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
        orders = conn.execute("SELECT COUNT(*) FROM orders WHERE number LIKE 'SO-W-%'").fetchone()
        torn = conn.execute(
            "SELECT COUNT(*) FROM orders o WHERE o.number LIKE 'SO-W-%'"
            " AND (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id) != 3"
        ).fetchone()
    finally:
        conn.close()
    assert torn == (0,), "a copy holds an order without all its lines"
    n = int(orders[0])
    assert stock(copy) == [(on_hand + n, reserved + n) for on_hand, reserved in before]
    assert not Path(f"{copy}-wal").exists()
    return n


async def test_backup_while_another_process_writes_is_consistent_and_usable(
    db: Database, config: Config, clock: FixedClock, tmp_path: Path
) -> None:
    before = stock(db.path)
    stop = tmp_path / "stop"
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.reliability.db_writer",
        str(db.path),
        str(stop),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert writer.stdout is not None
    try:
        assert await asyncio.wait_for(writer.stdout.readline(), 30) == b"ready\n"
        orders = "SELECT COUNT(*) FROM orders"
        while await count(db, orders) < 20:
            await asyncio.sleep(0.01)
        copies = []
        for i in range(COPIES):  # through the API, on a connection of this process
            low = await count(db, orders)
            info = await db.backup(tmp_path / f"copy-{i}.sqlite3")
            high = await count(db, orders)
            n = consistent_orders(info.path, before)
            assert low <= n <= high
            assert info.rows["orders"] == n
            copies.append(n)
        # And as an operator would, from another process with the command line.
        low = await count(db, orders)
        cli_copy = tmp_path / "cli.sqlite3"
        code, output = await orderdesk(
            "--config", str(config_file(tmp_path, db.path)), "backup", str(cli_copy)
        )
        assert code == 0, output
        assert f"written to {cli_copy}" in output and "integrity ok" in output
        n = consistent_orders(cli_copy, before)
        assert low <= n <= await count(db, orders)
        copies.append(n)
        # The writer was never held up for long: it goes on well past the last copy.
        while await count(db, orders) < max(copies) + 20:
            await asyncio.sleep(0.01)
    finally:
        stop.touch()
        output, _ = await asyncio.wait_for(writer.communicate(), 30)
    assert writer.returncode == 0
    written = int(output.decode().split()[-1])
    assert all(20 <= n <= written for n in copies)
    assert len(set(copies)) > 1, "every copy saw the same moment: the writer was stopped"
    # A copy is a working OrderDesk database.
    restored = Database(cli_copy)
    await restored.open()
    try:
        services = Services.build(restored, config, clock)
        assert (await services.catalog.search("STP-24", 0, Language.EN)).items
        assert await count(restored, orders) == copies[-1]
    finally:
        await restored.close()


async def test_restore_waits_for_the_bot_to_stop_then_puts_the_backup_back(
    stack: Stack, tmp_path: Path
) -> None:
    config, client = str(stack.config), stack.client
    database = stack.config.parent / "orderdesk.sqlite3"
    copy = tmp_path / "nightly.sqlite3"
    code, output = await orderdesk("--config", config, "backup", str(copy))
    assert code == 0, output
    assert "0 customers, 0 orders, 0 payments" in output
    # After the backup, someone new talks to the running bot: a row the backup does not have.
    uid = int((await client.create_user("Zoe", language_code="en"))["id"])
    await client.text(uid, "/start")
    await client.wait_for(uid, "name")
    code, output = await orderdesk("--config", config, "restore", str(copy))
    assert code == 3
    assert "is in use (is the bot running? stop it first); nothing was changed" in output
    assert not list(database.parent.glob("*.before-restore-*"))
    stack.bot.send_signal(signal.SIGTERM)
    await asyncio.wait_for(stack.bot.wait(), 20)
    users = f"SELECT COUNT(*) FROM users WHERE telegram_id = {uid}"
    assert one(database, users) == 1

    code, output = await orderdesk("--config", config, "restore", str(copy))
    assert code == 0, output
    (kept,) = database.parent.glob("orderdesk.sqlite3.before-restore-*")
    assert f"the database it replaced is kept as {kept}" in output
    assert one(kept, users) == 1
    db = Database(database)
    await db.open()  # the bot's way in: WAL again, nothing left to migrate
    try:
        assert await count(db, users) == 0
        assert await count(db, "SELECT COUNT(*) FROM products") == 8
        async with db.connection.execute("PRAGMA journal_mode") as cursor:
            assert tuple(await cursor.fetchone() or ()) == ("wal",)
    finally:
        await db.close()


def test_restore_refuses_what_is_not_a_good_backup(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(config_file(tmp_path, db_path))
    assert main(["--config", config, "migrate"]) == 0
    good = tmp_path / "good.sqlite3"
    assert main(["--config", config, "backup", str(good)]) == 0
    capsys.readouterr()
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(good.read_bytes())
    data[4096 * 3 : 4096 * 3 + 512] = b"\xff" * 512  # a page in the middle
    damaged.write_bytes(bytes(data))
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(good.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_migrations VALUES ('9999_future.sql', 'later')")
    conn.commit()
    conn.close()
    text = tmp_path / "notes.txt"
    text.write_text("not a database " * 100)
    foreign = tmp_path / "foreign.sqlite3"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    expected = {
        damaged: ("damaged", "not a SQLite database"),
        newer: ("made by a newer OrderDesk (migrations 9999_future.sql)",),
        text: ("not a SQLite database",),
        foreign: ("not an OrderDesk database",),
        tmp_path / "missing.sqlite3": ("no such file",),
        db_path: ("is the database itself",),
    }
    before = db_path.read_bytes()
    for path, reasons in expected.items():
        assert main(["--config", config, "restore", str(path)]) == 1, path
        err = capsys.readouterr().err
        assert err.startswith(f"orderdesk: restore: {path}: "), err
        assert any(reason in err for reason in reasons), err
    assert db_path.read_bytes() == before
    assert not list(tmp_path.glob("*.before-restore-*"))
    assert main(["--config", config, "restore", str(good)]) == 0


def test_backup_needs_a_database_and_never_overwrites_it(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(config_file(tmp_path, db_path))
    assert main(["--config", config, "backup", str(tmp_path / "b.sqlite3")]) == 2
    assert f"there is no database at {db_path}" in capsys.readouterr().err
    assert main(["--config", config, "migrate"]) == 0
    assert main(["--config", config, "backup", str(db_path)]) == 1
    assert "is the database itself" in capsys.readouterr().err
    assert main(["--config", config, "backup", str(tmp_path / "no" / "b.sqlite3")]) == 2
    assert "no such folder" in capsys.readouterr().err
    folder = tmp_path / "nightly"
    folder.mkdir()
    assert main(["--config", config, "backup", str(folder)]) == 0  # a dated name inside
    (made,) = folder.glob("orderdesk-*.sqlite3")
    assert f"written to {made}" in capsys.readouterr().out
    assert not list(folder.glob("*.partial"))
