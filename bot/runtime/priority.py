"""Heavy work runs only on the CPU the bot's answers leave: a chart being drawn, an index
built, a year of KPIs read.

Where Linux offers it the heavy process or thread takes the SCHED_IDLE policy: it runs when
no ordinary task wants the core, and gives way the moment one does. A nice value alone is not
enough: the scheduler lets a niced task finish its slice before the woken event loop gets the
core back, and the loop wakes many times for each answer (every Bot API call). Measured with
200 customers ordering on two cores (benchmarks/no_stall.py, customers' p99): a spinning
process beside the bot at nice 19, 265 ms; at SCHED_IDLE, 26 ms; none, 30 ms. Elsewhere the
work runs NICENESS lower, as much as the system allows.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

# How much lower (nice) heavy work runs where there is no SCHED_IDLE.
NICENESS = 10


def _idle(tid: int) -> None:
    """Put the thread `tid` (0: the calling one) under SCHED_IDLE, where there is one."""
    if hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))


def lower_process() -> None:
    """Run this process (a child of ours, started single-threaded: threads it starts later
    inherit it) below the bot."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)
    _idle(0)


def lower_thread() -> None:
    """Run the calling thread below the bot. Only on Linux, where a thread's policy and nice
    value are its own; elsewhere they are the whole process's, the event loop's too, and this
    does nothing."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    with contextlib.suppress(OSError, AttributeError):
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, now + NICENESS))
    _idle(tid)
