"""Heavy work in worker processes (bot/runtime/offload.py): it runs in another process, on a
thread when there are no workers, and a worker that dies is replaced."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.models import Language
from bot.i18n import I18n, Texts
from bot.runtime.offload import Offload, WorkerDied
from bot.runtime.priority import NICENESS
from tests.processes import runs_below_us


def where() -> tuple[int, str]:
    """The process and thread this runs in."""
    return os.getpid(), threading.current_thread().name


def die() -> None:
    """A worker killed in the middle of its work (out of memory, say)."""
    os._exit(9)


def translated(t: Texts) -> str:
    """Something only a working catalog says."""
    return f"{t.language.value} {t._('✅ Done.')} {t.money(123450)}"


@pytest.fixture
def pool() -> Iterator[Offload]:
    """One worker process of its own."""
    offload = Offload(1)
    yield offload
    offload.close()


async def test_the_work_runs_in_a_worker_process(pool: Offload) -> None:
    pid, _ = await pool.run(where)
    assert pid != os.getpid()
    assert (await pool.run(where))[0] == pid, "the worker stays for the next work"


async def test_workers_run_below_the_bot(pool: Offload) -> None:
    pid, _ = await pool.run(where)
    assert runs_below_us(pid)


async def test_no_workers_runs_the_work_on_a_thread_of_this_process() -> None:
    offload = Offload(0)
    pid, thread = await offload.run(where)
    assert pid == os.getpid() and thread != threading.current_thread().name
    offload.close()


async def test_a_dead_worker_fails_its_work_and_is_replaced(pool: Offload) -> None:
    first, _ = await pool.run(where)
    with pytest.raises(WorkerDied):
        await pool.run(die)
    second, _ = await pool.run(where)
    assert second not in (first, os.getpid())


def test_texts_pickle_as_their_language_and_settings() -> None:
    t = I18n("CNY", ZoneInfo("Asia/Shanghai")).texts(Language.ZH, "Europe/Moscow")
    again = pickle.loads(pickle.dumps(t))
    assert translated(again) == translated(t) and "Done" not in translated(again)
    assert again.zone == ZoneInfo("Europe/Moscow") and again.currency == "CNY"


async def test_texts_speak_the_same_in_the_worker(pool: Offload) -> None:
    t = I18n("RUB", ZoneInfo("Europe/Moscow")).texts(Language.RU)
    assert await pool.run(translated, t) == translated(t)


def alone() -> tuple[int, int, int, bool, bool]:
    """The process this runs in, its nice value and policy, and whether the libraries only
    PDFs and charts need were loaded into it."""
    policy = os.sched_getscheduler(0) if hasattr(os, "sched_getscheduler") else -1
    heavy = "matplotlib" in sys.modules, "reportlab" in sys.modules
    print("printed, not the answer")
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0), policy, *heavy


def refuse(text: str) -> None:
    raise ValueError(text)


async def test_work_alone_runs_in_a_lean_process_of_its_own_below_the_bot() -> None:
    """An export runs in a process started for it, which loads nothing it does not need."""
    offload = Offload(1)
    first, nice, policy, charts, pdfs = await offload.run_alone(alone)
    second = (await offload.run_alone(alone))[0]
    assert first != os.getpid() and second not in (first, os.getpid()), "a new one each time"
    assert nice == min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)
    if sys.platform.startswith("linux"):
        assert policy == os.SCHED_IDLE
    assert not charts and not pdfs
    with pytest.raises(ValueError, match="no such period"):
        await offload.run_alone(refuse, "no such period")
    with pytest.raises(WorkerDied):
        await offload.run_alone(die)
    assert (await offload.run_alone(alone))[0] != os.getpid(), "and the next one works"
    offload.close()


async def test_work_alone_without_workers_runs_on_a_thread() -> None:
    pid = (await Offload(0).run_alone(alone))[0]
    assert pid == os.getpid()


def _gone(pid: int) -> bool:
    """The process has ended (a zombie counts: it runs nothing and is reaped by its parent)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_workers_and_the_fork_server_end_when_the_bot_is_killed(tmp_path: Path) -> None:
    """A bot killed (SIGKILL, out of memory) while its worker drew a chart left the worker
    waiting for work for ever once done, and the fork server with it (the crash tests left
    five of each behind, ~300 MB apiece)."""
    script = (
        "import asyncio, os, signal, time\n"
        "from bot.runtime.offload import Offload\n"
        "async def main():\n"
        "    offload = Offload(1)\n"
        "    worker = await offload.run(os.getpid)\n"
        "    stat = open(f'/proc/{worker}/stat').read()\n"
        "    print(worker, stat.rsplit(')', 1)[1].split()[1], flush=True)\n"
        "    busy = asyncio.ensure_future(offload.run(time.sleep, 1))\n"
        "    await asyncio.sleep(0.3)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "asyncio.run(main())\n"
    )
    said = tmp_path / "said.txt"  # not a pipe: the worker would keep it open
    with said.open("w") as out:
        bot = subprocess.run([sys.executable, "-c", script], stdout=out, timeout=60, check=False)
    assert bot.returncode == -signal.SIGKILL
    worker, server = (int(n) for n in said.read_text().split())
    deadline = time.monotonic() + 10
    while not (_gone(worker) and _gone(server)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(worker), "the worker ended with the bot"
    assert _gone(server), "and so did the fork server"
