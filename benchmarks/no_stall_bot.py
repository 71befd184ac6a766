"""OrderDesk as `orderdesk run` serves it, with an event-loop lag probe beside it (for
benchmarks/no_stall.py; nothing in bot/ knows of the probe).

    python -m benchmarks.no_stall_bot CONFIG LAGS

The probe is a task on the bot's event loop that sleeps 5 ms at a time and notes how late
each wake-up was. The samples go to LAGS about once a second, as lines of "<wall-clock
second of the wake-up> <lag in ms>" (wall clock: the sandbox times updates and answers with
time.time() in the other process)."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import time
from pathlib import Path

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import load_config

TICK = 0.005  # the probe's sleep, in seconds


async def probe(lags: Path) -> None:
    """Sleep TICK at a time, noting (when it woke, how late in ms) each time; written out
    about once a second (a bot killed at the end keeps what it measured)."""
    loop = asyncio.get_running_loop()
    with lags.open("w", encoding="utf-8") as out:
        while True:
            lines = []
            for _ in range(200):
                start = loop.time()
                await asyncio.sleep(TICK)
                late = (loop.time() - start - TICK) * 1000
                lines.append(f"{time.time():.6f} {max(0.0, late):.3f}\n")
            out.write("".join(lines))
            out.flush()


def main(config_path: Path, lags: Path) -> int:
    """Run the bot until SIGTERM with the probe; write the samples."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    config = load_config(config_path)
    app = build_application(config)
    tasks: list[asyncio.Task[None]] = []
    started, finished = app.post_init, app.post_shutdown
    assert started is not None and finished is not None

    async def post_init(application: object) -> None:
        await started(app)
        tasks.append(asyncio.create_task(probe(lags)))

    async def post_shutdown(application: object) -> None:
        for task in tasks:
            task.cancel()
        await finished(app)

    app.post_init = post_init
    app.post_shutdown = post_shutdown
    gc.collect()
    gc.freeze()  # as `orderdesk run` does
    app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
