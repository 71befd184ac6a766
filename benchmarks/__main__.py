"""`make bench`: every benchmark, one after another (each in its own process, its own output
as it goes), then one table of all their figures. `--quick` runs them small (a few minutes)."""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import Row, load, table

BENCHMARKS = (
    "throughput",
    "fanout",
    "scale",
    "reminder_scan",
    "search",
    "quick_order",
    "ocr",
    "export",
    "no_stall",
    "web_chat",
)
ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    """The machine, for the record."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    cores = len(
        [x for x in Path("/proc/cpuinfo").read_text(encoding="utf-8").split("\n\n") if x.strip()]
    )
    memory = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()[0].split()[1]
    return (
        f"{cpu}, {cores} cores, {int(memory) // 1024 // 1024} GB; Linux {platform.release()};"
        f" Python {platform.python_version()}"
    )


def main() -> int:
    """Run them all, then print the table (and write it to --out)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a few minutes")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="some of them")
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    args = parser.parse_args()
    rows: list[Row] = []
    failed = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or BENCHMARKS:
            out = Path(tmp) / f"{name}.json"
            command = [sys.executable, "-m", f"benchmarks.{name}", "--json", str(out)]
            command += ["--quick"] if args.quick else []
            print(f"\n===== {name} =====", flush=True)
            begun = time.monotonic()
            done = subprocess.run(command, cwd=ROOT, check=False)
            print(f"===== {name}: {time.monotonic() - begun:.0f} s", flush=True)
            if done.returncode != 0 or not out.exists():
                failed.append(name)
                continue
            rows += load(out)
    took = time.monotonic() - started
    summary = (
        f"{machine()}\n{'quick run' if args.quick else 'full run'}, {took / 60:.1f} minutes\n\n"
        f"{table(rows)}\n"
    )
    print(f"\n{summary}")
    if args.out is not None:
        args.out.write_text(summary, encoding="utf-8")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
