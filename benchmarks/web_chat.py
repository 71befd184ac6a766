"""The sandbox's web chat with six tabs open (issue 15): one headless Chromium, one tab per
person (as the README invites), every tab sends a text at the same moment and waits for the
bot's answer on its page. The bot is the echo bot of benchmarks/echo_bot.py (PTB, long
polling), so the figures are the web chat's and the sandbox's, not OrderDesk's handlers'.
Prints the reply latency (median, 95th percentile, worst) and how many texts got no answer
within the time allowed. `--web-root` serves another copy of sandbox/web (an older page, for a
before-and-after comparison). Needs Debian's Chromium (`make browser`)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.report import Row, emit
from sandbox.client import SandboxClient
from sandbox.server import SandboxServer

if TYPE_CHECKING:
    from playwright.async_api import Page

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # background tabs are not slowed down: all six are "in front", as in six windows
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
ANSWERED = """(text) => [...document.querySelectorAll(
  '[data-testid="message"][data-outgoing="true"]')].some((n) => n.textContent.includes(text))"""


async def wait_polling(client: SandboxClient, bot: asyncio.subprocess.Process) -> None:
    """Until the echo bot has asked for updates."""
    for _ in range(400):
        if bot.returncode is not None:
            raise RuntimeError(f"the echo bot exited with {bot.returncode}")
        if await client.calls("getUpdates"):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the echo bot did not start polling within 20 s")


async def measure(tabs: int, rounds: int, allowed: float, web_root: Path | None) -> list[Row]:
    """Open the tabs, then `rounds` times: every tab sends, each answer is timed."""
    from playwright.async_api import async_playwright

    server = (
        SandboxServer(port=0) if web_root is None else SandboxServer(port=0, web_root=web_root)
    )
    url = await server.start()
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.echo_bot", url, stdout=asyncio.subprocess.DEVNULL
    )
    latencies: list[float] = []
    unanswered = 0
    try:
        async with SandboxClient(url) as client:
            await wait_polling(client, bot)
            people = [
                int((await client.create_user(first_name=f"Tab {n + 1}"))["id"])
                for n in range(tabs)
            ]
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            try:
                context = await browser.new_context(viewport={"width": 1000, "height": 700})
                pages = []
                for uid in people:  # one browser, one profile: its connection limits are shared
                    page = await context.new_page()
                    await page.goto(f"{url}/#user={uid}")
                    await page.get_by_test_id("composer").wait_for(state="visible")
                    pages.append(page)
                await asyncio.sleep(1)  # every tab settled into its steady state

                async def one(page: Page, text: str) -> float | None:
                    composer = page.get_by_test_id("composer")
                    await composer.fill(text)
                    started = time.perf_counter()
                    await composer.press("Enter")
                    try:
                        await page.wait_for_function(
                            ANSWERED, arg=text, polling=20, timeout=allowed * 1000
                        )
                    except Exception:  # playwright's TimeoutError: no answer in time
                        return None
                    return (time.perf_counter() - started) * 1000

                for r in range(rounds):
                    got = await asyncio.gather(
                        *(one(page, f"ping {r}-{n}") for n, page in enumerate(pages))
                    )
                    latencies += [ms for ms in got if ms is not None]
                    unanswered += sum(ms is None for ms in got)
                    print(
                        f"round {r + 1}: "
                        + ", ".join("—" if ms is None else f"{ms:.0f}" for ms in got)
                        + " ms",
                        flush=True,
                    )
            finally:
                await browser.close()
    finally:
        bot.terminate()
        await bot.wait()
        await server.stop()
    sent = tabs * rounds
    latencies.sort()
    median = statistics.median(latencies) if latencies else float("nan")
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0
    worst = latencies[-1] if latencies else None
    detail = f"{tabs} tabs × {rounds} rounds, all tabs send at once; echo bot"
    return [
        Row("web_chat", "reply latency, median", detail, median, worst, ""),
        Row("web_chat", "reply latency, 95th percentile", detail, p95, None, ""),
        Row(
            "web_chat",
            "texts not answered",
            f"of {sent}, within {allowed:.0f} s",
            unanswered,
            None,
            "0: " + ("met" if unanswered == 0 else "MISSED"),
            "",
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tabs", type=int, default=6, help="browser tabs, one person each")
    parser.add_argument("--rounds", type=int, default=10, help="times every tab sends")
    parser.add_argument("--allowed", type=float, default=30, help="seconds to wait for a reply")
    parser.add_argument("--web-root", type=Path, help="serve this copy of sandbox/web")
    parser.add_argument("--quick", action="store_true", help="3 rounds")
    parser.add_argument("--json", type=Path, help="also write the table's rows here")
    args = parser.parse_args()
    if not CHROMIUM.exists():  # nothing to measure: no rows (make bench goes on)
        print(f"{CHROMIUM} is missing: run `make browser` as root; web_chat skipped")
        emit([], args.json)
        sys.exit(0)
    rounds = 3 if args.quick else args.rounds
    emit(asyncio.run(measure(args.tabs, rounds, args.allowed, args.web_root)), args.json)
