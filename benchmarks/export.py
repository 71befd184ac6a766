"""An export of 100,000 orders (a year of a seller's book, 23 columns) as XLSX and CSV, the
way /export writes it: rows streamed from the database into a file in a process of its own
(Offload.run_alone, bot/runtime/alone.py). Each export runs in a child process of this
benchmark, which reports its peak memory and the export process's (VmHWM, as it starts writing
and at the end), the time, the file's size
and the event loop's worst lag meanwhile (a probe task sleeping 5 ms records how late it
wakes). For comparison, the same export built the old way on a thread: the whole table in
memory, then the file in memory."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.book import NOW, Shape, config, count, load
from benchmarks.memory import Measured, peak_mb, reset_peak, rss_mb
from benchmarks.quick_order import probed
from benchmarks.report import Row, emit
from bot.clock import FixedClock
from bot.db import Database
from bot.domain.exports import Dataset, ExportPeriod
from bot.domain.models import Language
from bot.i18n import I18n
from bot.runtime.offload import Offload
from bot.services.exports import ExportService
from bot.ui import export_files

RSS_GOAL_MB, LAG_GOAL_MS = 100.0, 50.0
ROOT = Path(__file__).resolve().parent.parent


def period() -> ExportPeriod:
    """The year up to the book's today (an export covers at most a year)."""
    today = NOW.date()
    return ExportPeriod(start=today - timedelta(days=364), end=today)


async def child(path: Path, fmt: str, way: str) -> dict[str, Any]:
    """One export in this process: streamed to a file, or the old way (all in memory)."""
    db = Database(path)
    await db.open()
    gc.collect()
    gc.freeze()  # as `orderdesk run` does
    cfg = config(path)
    offload = Offload(1 if way == "stream" else 0)
    service = ExportService(db, cfg, FixedClock(NOW), offload)
    t = I18n(cfg.business.currency, cfg.business.zone).texts(Language.EN)
    form = export_files.Format(fmt)
    before = rss_mb()
    reset = reset_peak()
    durations: list[float] = []
    started = [0.0]

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        elif info["generation"] == 2:
            durations.append((time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(collected)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"export.{fmt}"
        result: dict[str, Any] = {}
        worker = {"worker_before_mb": 0.0, "worker_peak_mb": 0.0}

        async def streamed() -> None:
            write = partial(export_files.write_stream, t, fmt=form, out=out)
            written, before, peak = await service.stream(Dataset.ORDERS, period(), Measured(write))
            result["rows"] = written.rows
            worker["worker_before_mb"], worker["worker_peak_mb"] = before, peak

        async def in_memory() -> None:  # what exports did before they streamed
            table = await service.table(Dataset.ORDERS, period())
            writer = (
                export_files.to_xlsx if form is export_files.Format.XLSX else export_files.to_csv
            )
            out.write_bytes(await asyncio.to_thread(writer, t, table))
            result["rows"] = len(table.rows)

        took, lag = await probed(streamed if way == "stream" else in_memory)
        result |= {"ms": took, "lag": lag, "size": out.stat().st_size}
    offload.close()
    await db.close()
    full = max(durations, default=0.0)
    return (
        result
        | worker
        | {"before_mb": before, "peak_mb": peak_mb(), "reset": reset, "gc2_ms": full}
    )


def run_child(path: Path, fmt: str, way: str) -> dict[str, Any]:
    """One export measured in a fresh process."""
    command = [sys.executable, "-m", "benchmarks.export", "--child", str(path), fmt, way]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


async def build(path: Path, orders: int) -> int:
    """A book of `orders` orders over the last year; how many the export's period holds."""
    db = Database(path)
    await db.open()
    try:
        await load(db, Shape(orders=orders, span_days=360), config(path))
        first = period().start.isoformat()
        return await count(db, f"SELECT COUNT(*) FROM orders WHERE submitted_at >= '{first}'")
    finally:
        await db.close()


def main(orders: int, out: Path | None) -> None:
    """Build the book, then one child per format and way."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.sqlite3"
        start = time.perf_counter()
        in_period = asyncio.run(build(path, orders))
        print(f"book of {orders:,} orders built in {time.perf_counter() - start:.1f} s;"
              f" {in_period:,} in the exported year")  # fmt: skip
        for fmt in ("xlsx", "csv"):
            for way in ("stream", "memory"):
                got = run_child(path, fmt, way)
                print(f"  {fmt} {way:<7} {got}")
                mb = got["size"] / 2**20
                size = f"{got['rows']:,} orders × 23 columns, {mb:.1f} MB {fmt.upper()}"
                what = f"{fmt.upper()} streamed"
                if way == "memory":
                    what = f"{fmt.upper()} all in memory (before)"
                    detail = f"{size}; {got['ms'] / 1000:.1f} s"
                    rows.append(
                        Row("export", f"{what}: peak RSS", detail, got["peak_mb"], None, "", "MB")
                    )
                    continue
                rss_ok = "met" if got["peak_mb"] < RSS_GOAL_MB else "MISSED"
                worker_ok = "met" if got["worker_peak_mb"] < RSS_GOAL_MB else "MISSED"
                lag_ok = "met" if got["lag"] <= LAG_GOAL_MS else "MISSED"
                rows += [
                    Row(
                        "export",
                        f"{what}: peak RSS",
                        f"{size}; {got['before_mb']:.0f} MB before",
                        got["peak_mb"],
                        None,
                        f"< {RSS_GOAL_MB:.0f} MB: {rss_ok}",
                        "MB",
                    ),
                    Row(
                        "export",
                        f"{what}: its own process's peak RSS",
                        f"{size}; {got['worker_before_mb']:.0f} MB before",
                        got["worker_peak_mb"],
                        None,
                        f"< {RSS_GOAL_MB:.0f} MB: {worker_ok}",
                        "MB",
                    ),
                    Row("export", f"{what}: time", size, got["ms"], None, "off the loop"),
                    Row(
                        "export",
                        f"{what}: loop lag (5 ms probe)",
                        size,
                        got["lag"],
                        None,
                        f"<= {LAG_GOAL_MS:.0f} ms: {lag_ok}",
                    ),
                ]
    emit(rows, out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=100_000, help="orders in the year")
    parser.add_argument("--quick", action="store_true", help="20,000 orders")
    parser.add_argument("--json", type=Path, help="also write the table's rows here")
    parser.add_argument(
        "--child", nargs=3, metavar=("DB", "FORMAT", "WAY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        db, fmt, way = args.child
        print(json.dumps(asyncio.run(child(Path(db), fmt, way))))
        sys.exit(0)
    if args.quick:
        args.orders = 20_000
    main(args.orders, args.json)
