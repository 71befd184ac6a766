"""`make demo`: seeds, serves the sandbox and the bot, and stops both cleanly on Ctrl-C."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

from sandbox.client import SandboxClient
from sandbox.demo import ROOT


async def test_demo_starts_seeded_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    demo = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox.demo",
        "--port",
        "0",
        "--dir",
        str(tmp_path / "demo"),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert demo.stdout is not None
    seen = b""
    while b"Ctrl-C stops" not in seen:
        line = await asyncio.wait_for(demo.stdout.readline(), 30)
        assert line, seen.decode()
        seen += line
    match = re.search(rb"open (http://127\.0\.0\.1:\d+)", seen)
    assert match
    async with SandboxClient(match.group(1).decode()) as client:
        state = await client.state()
        labels = {u["label"] for u in state["users"]}
        assert {
            "Customer",
            "Sales rep",
            "Sales manager",
            "Warehouse",
            "Finance",
            "Admin",
        } <= labels
        ann = next(u["id"] for u in state["users"] if u["first_name"] == "Ann")
        await client.text(ann, "/orders")
        await client.wait_for(ann, "Your orders (1)", timeout=10)
        sam = next(u["id"] for u in state["users"] if u["label"] == "Sales rep")
        await client.text(sam, "/pending")
        await client.wait_for(sam, "1 order waits for your decision", timeout=10)
        # the seeded unpaid order is ten days overdue: the reminder job chases it, in Chinese
        li = next(u["id"] for u in state["users"] if u["first_name"] == "李雷")
        await client.wait_for(li, "再次提醒", timeout=30)
        await client.wait_for(sam, "Overdue 10 days", timeout=30)
    demo.send_signal(signal.SIGINT)
    rest, _ = await asyncio.wait_for(demo.communicate(), 30)
    assert demo.returncode == 0, rest.decode()
    assert b"OrderDesk demo stopped." in rest
