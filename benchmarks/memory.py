"""A process's resident memory, now and at its peak (Linux: /proc/self/status), and a sink
that notes both in the export's own process (benchmarks/export.py). Imports nothing of the
bot's: unpickled in that process, it must not weigh it down."""

from __future__ import annotations

import resource
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def reset_peak() -> bool:
    """Forget this process's peak resident memory so far (Linux: VmHWM), if the kernel lets."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mb() -> float:
    """This process's peak resident memory (since reset_peak; else ru_maxrss: since start)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident memory now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass(frozen=True)
class Measured:
    """A sink run in the export's own process that notes that process's resident memory as
    it starts writing and its peak when done: (what the sink returned, before MB, peak MB)."""

    sink: Callable[..., Any]

    def __call__(self, *args: Any) -> tuple[Any, float, float]:
        before = rss_mb()
        reset_peak()
        return self.sink(*args), before, peak_mb()
