"""What tests ask of the processes and threads of ours that run heavy work."""

from __future__ import annotations

import os
import sys

from bot.runtime.priority import NICENESS


def runs_below_us(tid: int) -> bool:
    """The process or thread `tid` runs below the test's own thread: NICENESS lower, and on
    Linux under SCHED_IDLE (it gives way to any ordinary task)."""
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    if os.getpriority(os.PRIO_PROCESS, tid) != min(19, ours + NICENESS):
        return False
    return not sys.platform.startswith("linux") or os.sched_getscheduler(tid) == os.SCHED_IDLE


def runs_as_us(tid: int) -> bool:
    """The process or thread `tid` runs as the test's own thread does."""
    return os.getpriority(os.PRIO_PROCESS, tid) == os.getpriority(
        os.PRIO_PROCESS, 0
    ) and os.sched_getscheduler(tid) == os.sched_getscheduler(0)
