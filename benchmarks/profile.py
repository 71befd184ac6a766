"""Where a running process spends its time: py-spy samples it for a while, and the stacks are
summed per function (own time, and time including what it calls)."""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = ("asyncio/", "selectors.py", "threading.py", "<module>", "run_polling", "runners.py")


def summary(collapsed: str, top: int = 25) -> str:
    """The busiest functions in py-spy's collapsed stacks ("frame;frame;frame count")."""
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if not f.startswith("process ")]
        n = int(count)
        samples += n
        if frames:
            own[frames[-1]] += n
        for frame in set(frames):
            total[frame] += n
    lines = [f"{samples} samples; own time (the function itself):"]
    lines += [f"  {100 * n / samples:5.1f}%  {f}" for f, n in own.most_common(top)]
    lines.append("OrderDesk's own functions, including what they call:")
    ours = [(f, n) for f, n in total.most_common() if "(bot/" in f]
    lines += [f"  {100 * n / samples:5.1f}%  {f}" for f, n in ours[:top]]
    lines.append("libraries, including what they call (event loop plumbing left out):")
    busy = [(f, n) for f, n in total.most_common() if "(bot/" not in f]
    busy = [(f, n) for f, n in busy if not any(s in f for s in SKIP)]
    lines += [f"  {100 * n / samples:5.1f}%  {f}" for f, n in busy[:top]]
    return "\n".join(lines)


def record(pid: int, seconds: float, out: Path) -> None:
    """Sample the process (idle waits left out), then write the summary."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "stacks.txt"
        spy = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
        if spy is None:
            out.write_text("py-spy is not installed (pip install py-spy)", encoding="utf-8")
            return
        command = [spy, "record", "--pid", str(pid), "--duration",
                   str(max(1, round(seconds))), "--format", "raw", "--output", str(raw),
                   "--nonblocking", "--rate", "250"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if not raw.exists():
            out.write_text(f"py-spy failed: {done.stderr[-500:]}", encoding="utf-8")
            return
        stacks = raw.read_text(encoding="utf-8")
        out.with_suffix(".stacks").write_text(stacks, encoding="utf-8")
        out.write_text(summary(stacks), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pid", type=int)
    parser.add_argument("seconds", type=float)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    record(args.pid, args.seconds, args.out)
