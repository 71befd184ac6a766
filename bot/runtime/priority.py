"""Heavy work runs below the bot's answers (nice): a chart being drawn, an index built or a
year of KPIs read takes the CPU that everyone's answers leave, not theirs.

On two cores with 200 customers ordering, a worker drawing the sales chart at the bot's own
priority took the customers' p99 from 8 to 79 ms, and the long-read connection's thread
reading a year of KPIs (1,000,000 orders) from ~10 to 111–1,021 ms: the bot's event loop,
the heavy work and whatever else runs shared the two cores equally (benchmarks/no_stall.py).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

# How much lower (nice) heavy work runs than the bot's event loop.
NICENESS = 10


def lower_process() -> None:
    """Run this process (a child of ours, started single-threaded) NICENESS lower, where the
    system lets it."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)


def lower_thread() -> None:
    """Run the calling thread NICENESS lower. Only on Linux, where a thread's nice value is
    its own; elsewhere it is the whole process's, the event loop's too, and this does
    nothing."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    with contextlib.suppress(OSError, AttributeError):
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, now + NICENESS))
