"""Every `orderdesk` command on a file that cannot serve as its database (text, random bytes,
a page overwritten, read-only file or folder, locked by another process) prints one line on
standard error naming the file and what is wrong, and exits 3: never a traceback, never a hang.
`orderdesk check` runs SQLite's full integrity and foreign key checks."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import EXIT_DATABASE
from bot.db import Database
from sandbox.demo import DEMO, TOKEN, write_config
from sandbox.server import SandboxServer
from tests.conftest import ROOT
from tests.reliability.test_database_locked import LOCKER

TIMEOUT = 40  # a hang fails the test (the locked cases wait out SQLite's 5 s busy timeout)
PARALLEL = 4  # processes at once: each spends about a second importing
ORDERS = 200
# Each command as an operator types it; {folder} is the case's folder.
COMMANDS: dict[str, list[str]] = {
    "migrate": ["migrate"],
    "backup": ["backup", "{folder}/copy.sqlite3"],
    "export": [
        *("export", "orders", "--from", "2026-11-01", "--to", "2026-11-30"),
        *("--out", "{folder}/orders.csv"),
    ],
    "remind": ["remind", "--dry-run"],
    "catalog import": ["catalog", "import", str(DEMO / "products.csv")],
    "run": ["run"],
    "restore": ["restore", "{folder}/../backup.sqlite3"],
    "check": ["check"],
}
NOT_A_DATABASE = "not a SQLite database"
DAMAGED = "damaged ("
READ_ONLY = "read-only (OrderDesk writes to it)"
NO_OPEN = "cannot be opened (no permission, or a missing or read-only folder)"
LOCKED = "locked by another process"


_slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}  # one a test (event loop)


@dataclass(frozen=True)
class Ran:
    """What one command did."""

    code: int
    out: str
    err: str

    def one_line(self, database: Path, problem: str) -> None:
        """Exit code 3 and the database error line alone on standard error."""
        assert "Traceback" not in self.out + self.err, self
        assert self.code == EXIT_DATABASE, self
        assert self.err.count("\n") == 1, self
        assert self.err.startswith(f"orderdesk: database error: {database}: {problem}"), self


async def orderdesk(config: Path, *args: str, parallel: int = PARALLEL) -> Ran:
    """One command in its own process; fails the test if it does not end within TIMEOUT."""
    async with _slots.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(parallel)):
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "--config", str(config), *args),
            cwd=ROOT,
            env={**os.environ, "ORDERDESK_TOKEN": TOKEN},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            pytest.fail(f"orderdesk {' '.join(args)} hung")
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())


async def every_command(
    config: Path, names: list[str] | None = None, *, parallel: int = PARALLEL
) -> dict[str, Ran]:
    """The commands (all by default) side by side, on one configuration."""
    names = names or list(COMMANDS)
    folder = str(config.parent)
    runs = [
        orderdesk(
            config, *(a.replace("{folder}", folder) for a in COMMANDS[name]), parallel=parallel
        )
        for name in names
    ]
    return dict(zip(names, await asyncio.gather(*runs), strict=True))


async def migrated(path: Path) -> None:
    """A migrated database with a customer and ORDERS orders, closed."""
    db = Database(path)
    await db.open()
    await db.close()
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            "INSERT INTO users (telegram_id, first_name, language, created_at)"
            " VALUES (1, 'Ann', 'en', '2026-11-01T00:00:00+00:00')"
        )
        conn.execute(
            "INSERT INTO customers (user_id, name, phone, created_at)"
            " VALUES (1, 'Ann Co', '+8613800138000', '2026-11-01T00:00:00+00:00')"
        )
        conn.executemany(
            "INSERT INTO orders (number, customer_id, status, order_type, delivery_method,"
            " payment_term, subtotal, discount, delivery_fee, tax, tax_included, total,"
            " currency, submit_token, submitted_at, updated_at) VALUES (?, 1, 'submitted',"
            " 'standard', 'pickup', 'prepaid', 1000, 0, 0, 0, 0, 1000, 'CNY', ?,"
            " '2026-11-02T00:00:00+00:00', '2026-11-02T00:00:00+00:00')",
            [(f"SO-20261102-{n}", f"token-{n}") for n in range(ORDERS)],
        )
        conn.commit()
    finally:
        conn.close()


def backup_of(path: Path, target: Path) -> None:
    """A self-contained copy, as `orderdesk backup` writes."""
    source, copy = sqlite3.connect(path), sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        source.close()
        copy.close()


def overwrite_page(path: Path) -> None:
    """Garbage over the orders table's first page (SQLite cannot read that table any more)."""
    conn = sqlite3.connect(path)
    try:
        (page,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'orders'"
        ).fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    assert page >= 2
    with path.open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(random.Random(12).randbytes(size))


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file or folder read-only, for root too (the immutable attribute)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("root without chattr: nothing is read-only")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def case(folder: Path, port: int, fill: str) -> tuple[Path, Path]:
    """A folder with a configuration whose database is made by `fill`; (config, database)."""
    folder.mkdir()
    config = write_config(folder, port)
    database = folder / "orderdesk.sqlite3"
    if fill == "text":
        database.write_text("[telegram]\ntoken = 'not a database'\n", encoding="utf-8")
    elif fill == "random":
        database.write_bytes(random.Random(7).randbytes(64 * 1024))
    else:
        shutil.copyfile(folder.parent / "healthy.sqlite3", database)
        if fill == "damaged":
            overwrite_page(database)
    return config, database


@pytest.fixture
async def book(tmp_path: Path) -> Path:
    """A healthy database and its backup, beside the cases' folders."""
    await migrated(tmp_path / "healthy.sqlite3")
    backup_of(tmp_path / "healthy.sqlite3", tmp_path / "backup.sqlite3")
    return tmp_path


async def test_not_a_database_or_damaged_one_line_each_command(book: Path) -> None:
    async with SandboxServer(port=0) as server:
        cases = {fill: case(book / fill, server.port, fill) for fill in ("text", "random")}
        cases["damaged"] = case(book / "damaged", server.port, "damaged")
        before = {fill: db.read_bytes() for fill, (_, db) in cases.items()}
        everything_but_restore = [name for name in COMMANDS if name != "restore"]
        results = await asyncio.gather(
            *(every_command(c) for c, _ in list(cases.values())[:2]),
            every_command(cases["damaged"][0], everything_but_restore),
        )
        # Restore is the way out of a damaged database (after the others: it replaces it).
        restored = await every_command(cases["damaged"][0], ["restore"])
    for (fill, (_, database)), runs in zip(cases.items(), results, strict=True):
        problem = DAMAGED if fill == "damaged" else NOT_A_DATABASE
        for name, ran in runs.items():
            if fill == "damaged" and name == "check":
                continue
            ran.one_line(database, problem)
            assert not (database.parent / "copy.sqlite3").exists()
            assert not (database.parent / "orders.csv").exists()
        if fill != "damaged":
            assert database.read_bytes() == before[fill]  # restore left it alone
    _, damaged = cases["damaged"]
    runs = results[2]
    assert "`orderdesk check` lists every problem" in runs["run"].err
    check = runs["check"]
    check.one_line(damaged, "")
    assert "problems found (listed above)" in check.err
    assert "  integrity: Page " in check.out, check
    # The backup goes in, the damaged file is kept aside as it was.
    assert restored["restore"].code == 0, restored
    (kept,) = damaged.parent.glob("orderdesk.sqlite3.before-restore-*")
    assert kept.stat().st_size > 0
    conn = sqlite3.connect(damaged)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT COUNT(*) FROM orders").fetchone() == (ORDERS,)
    finally:
        conn.close()


async def test_read_only_file_or_folder_one_line(book: Path) -> None:
    async with SandboxServer(port=0) as server:
        config, database = case(book / "file", server.port, "healthy")
        folder_config, in_folder = case(book / "folder", server.port, "healthy")
        with read_only(database), read_only(in_folder.parent):
            file_runs, folder_runs = await asyncio.gather(
                every_command(config),
                every_command(folder_config, ["migrate", "run", "restore", "check"]),
            )
    for name, ran in file_runs.items():
        if name == "check":  # reading is all it does
            assert ran.code == 0 and "integrity ok, foreign keys ok" in ran.out, ran
        else:
            ran.one_line(database, READ_ONLY)
    for ran in folder_runs.values():
        ran.one_line(in_folder, NO_OPEN)
    assert not list(database.parent.glob("*.before-restore-*"))


async def test_locked_by_another_process_one_line_each_command(book: Path) -> None:
    async with SandboxServer(port=0) as server:
        config, database = case(book / "locked", server.port, "healthy")
        locker = await asyncio.create_subprocess_exec(
            *(sys.executable, "-c", LOCKER, str(database)),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert locker.stdin is not None and locker.stdout is not None
        try:
            assert await asyncio.wait_for(locker.stdout.readline(), 30) == b"locked\n"
            runs = await every_command(config, parallel=len(COMMANDS))  # waiting, mostly
        finally:
            locker.stdin.close()
            await locker.wait()
    restore = runs.pop("restore")
    assert restore.code == EXIT_DATABASE and "Traceback" not in restore.err, restore
    assert restore.err.count("\n") == 1 and "is in use" in restore.err, restore
    for ran in runs.values():
        ran.one_line(database, LOCKED)


async def test_check_a_healthy_database_and_a_broken_reference(book: Path) -> None:
    ok_config, _ = case(book / "ok", 1, "healthy")
    broken_config, broken = case(book / "broken", 1, "healthy")
    conn = sqlite3.connect(broken)  # foreign keys off, as any other program may write
    try:
        conn.execute("DELETE FROM customers")
        conn.commit()
    finally:
        conn.close()
    ok, found = await asyncio.gather(
        orderdesk(ok_config, "check"), orderdesk(broken_config, "check")
    )
    assert ok.code == 0 and ok.err == "", ok
    assert ok.out.startswith("database ") and "integrity ok, foreign keys ok" in ok.out, ok
    found.one_line(broken, "100 problems found")
    assert "  foreign key: orders row 1 refers to a missing customers row" in found.out
