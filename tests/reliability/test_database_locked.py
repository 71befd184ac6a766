"""A database another process holds locked stops `migrate`, `run` and `backup` with one clear
line and exit code 3 (after SQLite's busy timeout), never a traceback."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sandbox.demo import TOKEN, seed_catalog, write_config
from sandbox.server import SandboxServer
from tests.conftest import ROOT

# Another program holding the file: exclusive locking mode keeps even readers out, in WAL too.
LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("UPDATE products SET updated_at = updated_at")
print("locked", flush=True)
sys.stdin.read()
"""


async def orderdesk(config: Path, *args: str) -> tuple[int, str]:
    """The command in its own process (with a token for `run`); exit code and all output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        *args,
        cwd=ROOT,
        env={**os.environ, "ORDERDESK_TOKEN": TOKEN},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_a_locked_database_is_named_not_a_traceback(tmp_path: Path) -> None:
    async with SandboxServer(port=0) as server:
        config = write_config(tmp_path, server.port)
        await seed_catalog(config)
        database = tmp_path / "orderdesk.sqlite3"
        locker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            LOCKER,
            str(database),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert locker.stdin is not None and locker.stdout is not None
        try:
            assert await asyncio.wait_for(locker.stdout.readline(), 30) == b"locked\n"
            results = await asyncio.gather(
                orderdesk(config, "migrate"),
                orderdesk(config, "run"),
                orderdesk(config, "backup", str(tmp_path / "copy.sqlite3")),
            )
        finally:
            locker.stdin.close()
            await locker.wait()
    for command, (code, output) in zip(("migrate", "run", "backup"), results, strict=True):
        assert code == 3, (command, output)
        assert f"orderdesk: database error: {database}: locked by another process" in output, (
            command,
            output,
        )
        assert "Traceback" not in output, (command, output)
        assert TOKEN not in output and TOKEN.split(":")[1] not in output
    assert not (tmp_path / "copy.sqlite3").exists()
    assert not (tmp_path / "copy.sqlite3.partial").exists()
