"""Updates per second and latency: a bare PTB echo bot and OrderDesk, each in its own process,
against one sandbox (in this process, with the load generator), on the same machine in one run.

Workloads: (a) echo, (b) OrderDesk browsing (/catalog, categories, product cards, /search),
(c) OrderDesk's mixed order flow: 200 customers register, browse, fill a cart, check out and
confirm. Modes: a burst and paced at 200 updates a second. Latency is measured from the moment
an update is queued in the sandbox to the moment the bot's answer arrives there (the sandbox
times both, sandbox/telegram.py `update_times`, `call_times`)."""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import heapq
import math
import os
import re
import signal
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.report import Row, emit
from sandbox.demo import ADMIN_ID, seed_catalog, write_config
from sandbox.server import SandboxServer
from sandbox.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
USERS, RATE = 200, 200.0  # 25 updates each: 5,000 a run
GOAL_RATIO, GOAL_P99_MS = 0.60, 20.0
ANSWERS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageCaption"}
)
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Step:
    """What a user does (text, press a button by its label, share their phone) and a piece of
    the text of the bot's answer that ends the step."""

    act: str
    arg: str
    expect: str


def text(arg: str, expect: str) -> Step:
    """The user types."""
    return Step("text", arg, expect)


def press(arg: str, expect: str) -> Step:
    """The user presses the newest button with this label."""
    return Step("press", arg, expect)


A4, A3 = "A4 copy paper 80 g (500 sheets) · CN¥25.00", "A3 copy paper 80 g (500 sheets) · CN¥49.00"
TONER, STAPLER = "Toner TN-2420 (black) · CN¥389.00", "Stapler No. 24/6 · CN¥35.00"
CATEGORY, PRODUCTS = "Choose a category", "Choose a product"
BROWSE = [  # 25 screens: categories, product cards (with and without a photo), searches
    text("/catalog", CATEGORY),
    press("Paper (3)", PRODUCTS),
    press(A4, "SKU: PAP-A4-80"),
    press("⬅ Back", PRODUCTS),
    press(A3, "SKU: PAP-A3-80"),
    press("⬅ Back", PRODUCTS),
    press("⬅ Categories", CATEGORY),
    press("Toner & ink (2)", PRODUCTS),
    press(TONER, "SKU: TN-2420"),
    press("⬅ Back", PRODUCTS),
    press("⬅ Categories", CATEGORY),
    press("Office supplies (3)", PRODUCTS),
    press(STAPLER, "SKU: STP-24"),
    press("⬅ Back", PRODUCTS),
    text("/search paper", "Found 2 products"),
    press(A4, "SKU: PAP-A4-80"),
    text("/search stapler", "Found 1 product"),
    press(STAPLER, "SKU: STP-24"),
    text("/search TN-2420", "Found 1 product"),
    press(TONER, "SKU: TN-2420"),
    text("/catalog", CATEGORY),
    press("Office supplies (3)", PRODUCTS),
    press("⬅ Categories", CATEGORY),
    press("Paper (3)", PRODUCTS),
    press(A3, "SKU: PAP-A3-80"),
]
ORDER = [  # 25 updates: register, browse, three products into the cart, check out, confirm
    text("/start", "What is your name?"),
    text("Pat Lee", "Your phone number?"),
    Step("contact", "", "company name"),
    press("Skip — I buy for myself", "delivery address"),
    text("1 Garden Road, Shanghai", "You are registered"),
    text("/catalog", CATEGORY),
    press("Paper (3)", PRODUCTS),
    press(A4, "SKU: PAP-A4-80"),
    press("+10", "In your cart: 10"),
    press("⬅ Back", PRODUCTS),
    press("⬅ Categories", CATEGORY),
    press("Office supplies (3)", PRODUCTS),
    press(STAPLER, "SKU: STP-24"),
    press("+5", "In your cart: 5"),
    text("/search TN-2420", "Found 1 product"),
    press(TONER, "SKU: TN-2420"),
    press("+1", "In your cart: 1"),
    press("🛒 Cart", "Your cart"),
    press("✅ Check out", "how should we deliver"),
    press("Courier · CN¥15.00", "Where to?"),
    press("1 Garden Road, Shanghai", "When would you like it?"),
    press("No preference", "How would you like to pay?"),
    press("Cash on delivery", "Any note"),
    text("Call before delivery", "Please check your order"),
    press("✅ Confirm order", "is submitted"),
]
REORDER = ORDER[5:]  # 20 updates: browse, three products into the cart, check out, confirm


def echo(steps: int) -> list[Step]:
    """Texts the echo bot sends back."""
    return [text(f"ping {i}", f"ping {i}") for i in range(steps)]


@dataclass
class User:
    """A simulated user: their script, how far they are, what they wait for."""

    id: int
    steps: list[Step]
    done: int = 0  # steps sent
    waiting: collections.deque[tuple[str, float]] = field(default_factory=collections.deque)


@dataclass
class Run:
    """The figures of one workload in one mode."""

    bot: str
    workload: str
    mode: str
    answered: int
    seconds: float
    latencies: list[float]
    sandbox_cpu: float
    bot_cpu: float
    missing: int

    @property
    def rate(self) -> float:
        """Updates answered per second."""
        return self.answered / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """A latency percentile in ms."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


class Driver:
    """Feeds scripted users to the sandbox and sees the bot's answers the moment they arrive
    (FakeTelegram's change hook), so a user's next step can follow at once."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.users: dict[int, User] = {}
        self.latencies: list[float] = []
        self.answered_at: list[float] = []  # when each of the latencies ended (sandbox clock)
        self.seen = 0
        self.closed = False
        self.finished = asyncio.Event()
        self.left = 0
        self.first = self.last = 0.0
        fake.on_change = self.changed

    def inject(self, user: User) -> None:
        """The user's next step, as an update queued now."""
        step = user.steps[user.done]
        user.done += 1
        if step.act == "text":
            update = self.fake.send_text(user.id, step.arg)
        elif step.act == "press":
            update = self.fake.press(user.id, step.arg)
        else:
            # Each their own number: a phone another customer has is refused.
            update = self.fake.send_contact(user.id, f"+1{user.id % 10**10:010d}")
        queued = self.fake.update_times[update["update_id"]]
        self.first = self.first or queued
        user.waiting.append((step.expect, queued))

    def changed(self) -> None:
        """A visible change in the sandbox: look at the calls that came since the last one."""
        calls, times = self.fake.calls, self.fake.call_times
        end = min(len(calls), len(times))
        for index in range(self.seen, end):
            name, params = calls[index]
            if name not in ANSWERS:
                continue
            user = self.users.get(_chat(params.get("chat_id")) or 0)
            if user is None or not user.waiting:
                continue
            shown = str(params.get("text") or params.get("caption") or "")
            expect, queued = user.waiting[0]
            if expect not in shown:
                continue
            user.waiting.popleft()
            self.latencies.append(times[index] - queued)
            self.answered_at.append(times[index])
            self.last = times[index]
            self.left -= 1
            if self.closed and user.done < len(user.steps):
                asyncio.get_running_loop().call_soon(self.inject, user)
            if self.left == 0:
                self.finished.set()
        self.seen = end

    async def run(
        self,
        ids: list[int],
        script: list[Step],
        mode: str,
        rate: float,
        timeout: float,
        spread: int = 0,
    ) -> tuple[list[float], float, int]:
        """Play a script for each user: `queued` (every update waiting at once), `burst`
        (every user starts at once, each step the moment the last is answered) or `paced`
        (`rate` updates a second in turn, a user waiting for an answer skipped); latencies,
        seconds from the first update queued to the last answer, steps never answered.
        spread (paced): the users begin over `spread` turns instead of together (see pace)."""
        self.seen = len(self.fake.calls)
        self.users = {uid: User(uid, list(script)) for uid in ids}
        self.latencies, self.answered_at, self.first, self.last = [], [], 0.0, 0.0
        self.left = len(ids) * len(script)
        self.finished = asyncio.Event()
        self.closed = mode == "burst"
        users = list(self.users.values())
        if mode == "queued":
            for _ in script:
                for user in users:
                    self.inject(user)
        elif mode == "burst":
            for user in users:
                self.inject(user)
        paced = mode == "paced"
        pacer = asyncio.create_task(self.pace(users, rate, spread)) if paced else None
        try:
            await asyncio.wait_for(self.finished.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            if pacer is not None:
                pacer.cancel()
        return self.latencies, max(self.last - self.first, 1e-9), self.left

    async def pace(self, users: list[User], rate: float, spread: int = 0) -> None:
        """`rate` updates a second: each user's steps one turn apart (a turn: a step of every
        user, len(users)/rate seconds), the users one after another within a turn. Together
        (spread 0) every user is at the same step at the same moment: 200 customers confirm
        their orders in the same second. Spread over `spread` turns, user i begins i % spread
        turns late, so that once all have begun as many are at each step of a `spread`-step
        cycle (a shop's customers, each at their own point). A user still waiting for an
        answer when their step is due sends it the moment it comes: late, not lost."""
        start, period = time.monotonic(), len(users) / rate
        due = [
            (start + (i % spread if spread else 0) * period + i / rate, i)
            for i in range(len(users))
        ]
        heapq.heapify(due)
        while due:
            when, i = heapq.heappop(due)
            delay = when - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            user = users[i]
            if user.waiting:  # looked at again on the next millisecond, with every other late one
                heapq.heappush(due, (math.floor(time.monotonic() * 1000 + 1) / 1000, i))
                continue
            self.inject(user)
            if user.done < len(user.steps):
                heapq.heappush(due, (when + period, i))


def _chat(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Bench:
    """The sandbox, the driver and whichever bot is running."""

    def __init__(self, folder: Path, users: int, rate: float, timeout: float) -> None:
        self.folder, self.count = folder, users
        self.server = SandboxServer(FakeTelegram(), port=0)
        self.driver = Driver(self.server.fake)
        self.rate, self.timeout = rate, timeout
        self.process: asyncio.subprocess.Process | None = None
        self.next_id = 8_000_001
        self.runs: list[Run] = []
        self.profile: Path | None = None
        self.keep: Path | None = None

    def users(self, n: int) -> list[int]:
        """n new sandbox users."""
        ids = list(range(self.next_id, self.next_id + n))
        self.next_id += n
        for uid in ids:
            self.server.fake.create_user(f"User{uid}", language_code="en", user_id=uid)
        return ids

    async def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        """Start a bot process and wait until it polls."""
        polls = sum(1 for n, _ in self.server.fake.calls if n == "getUpdates")
        log = (self.folder / f"{name}.log").open("wb")
        self.process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log
        )
        for _ in range(400):
            if sum(1 for n, _ in self.server.fake.calls if n == "getUpdates") > polls:
                return
            if self.process.returncode is not None:
                raise RuntimeError(f"{name} exited; see {self.folder / f'{name}.log'}")
            await asyncio.sleep(0.05)
        raise TimeoutError(f"{name} did not start polling")

    async def stop(self) -> None:
        """Stop the running bot (SIGTERM, as a service manager would)."""
        if self.process is None:
            return
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self.process = None

    async def measure(self, bot: str, workload: str, mode: str, script: list[Step]) -> Run:
        """One workload in one mode against the running bot; printed as it ends."""
        assert self.process is not None
        ids = self.users(self.count)
        await asyncio.sleep(0.5)  # let the bot settle
        # The sandbox keeps every call of every run: frozen, its collector's pauses stay short
        # (else later runs, OrderDesk's, would pay for the earlier ones in their latency).
        gc.collect()
        gc.freeze()
        cpu, bot_cpu, wall = time.process_time(), cpu_seconds(self.process.pid), time.monotonic()
        latencies, seconds, missing = await self.driver.run(
            ids, script, mode, self.rate, self.timeout
        )
        wall = time.monotonic() - wall
        run = Run(
            bot,
            workload,
            mode,
            len(latencies),
            seconds,
            latencies,
            (time.process_time() - cpu) / wall,
            (cpu_seconds(self.process.pid) - bot_cpu) / wall,
            missing,
        )
        self.runs.append(run)
        print(
            f"{bot:<10}{workload:<12}{mode:<8}{run.answered:>6}{run.rate:>9.0f}"
            f"{run.percentile(50):>9.1f}{run.percentile(95):>9.1f}{run.percentile(99):>9.1f}"
            f"{run.sandbox_cpu:>9.0%}{run.bot_cpu:>7.0%}{missing:>6}",
            flush=True,
        )
        if missing:
            self.explain(ids)
        return run

    def explain(self, ids: list[int]) -> None:
        """Where users got stuck: what they waited for and what the bot showed last."""
        stuck = [u for u in self.driver.users.values() if u.waiting][:3]
        for user in stuck:
            last = self.server.fake.last_bot_message(user.id) or {}
            shown = str(last.get("text") or last.get("caption") or "")[:120]
            print(f"  user {user.id} waits for {user.waiting[0][0]!r}; last shown: {shown!r}")

    def config(self) -> Path:
        """OrderDesk's example configuration, pointed at the sandbox (as `make demo` does),
        with the production persistence interval; Telegram's flood limits are not applied
        (they would cap every answer at 29 a second), nor per-person flood control (a
        simulated customer acts the instant an answer arrives)."""
        path = write_config(self.folder, self.server.port)
        text = path.read_text(encoding="utf-8")
        for pattern, value in {
            r"^rate_limit = .*$": "rate_limit = false",
            r"^flush_interval = .*$": "flush_interval = 2.0",
        }.items():
            text = re.sub(pattern, value, text, count=1, flags=re.MULTILINE)
        path.write_text(text, encoding="utf-8")
        return path

    async def orderdesk(self, config: Path) -> None:
        """The demo catalog with stock for every order, and the administrator who is told
        of each order."""
        await seed_catalog(config)
        database = self.folder / "orderdesk.sqlite3"
        with sqlite3.connect(database) as conn:
            conn.execute("UPDATE products SET stock_on_hand = 10000000, preorder = 0")
        self.server.fake.create_user("Ada", language_code="en", user_id=ADMIN_ID)


async def warm_up(bench: Bench, script: list[Step]) -> None:
    """A few users through the script first: photos uploaded once, caches filled."""
    _, _, missing = await bench.driver.run(bench.users(3), script, "burst", 0, bench.timeout)
    if missing:
        bench.explain(list(bench.driver.users))
        raise RuntimeError("the warm-up did not finish: the script no longer fits the bot")


async def profile(bench: Bench, seconds: float) -> asyncio.subprocess.Process:
    """py-spy sampling the bot process (its output is read when the run ends)."""
    assert bench.process is not None
    bench.profile = (bench.keep or bench.folder) / "orderdesk.pyspy.txt"
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.profile", str(bench.process.pid), str(seconds),
        str(bench.profile), cwd=ROOT,
    )  # fmt: skip


async def yardsticks(bench: Bench, url: str, modes: list[str], n: int) -> None:
    """The sandbox alone (no PTB), then the bare PTB echo bot."""
    await bench.start("raw", [sys.executable, "-m", "benchmarks.echo_bot", url, "--raw"], {})
    await bench.measure("no PTB", "echo", "queued", echo(n))
    await bench.stop()
    await bench.start("echo", [sys.executable, "-m", "benchmarks.echo_bot", url], {})
    await bench.measure("PTB echo", "echo", "queued", echo(n))
    for mode in modes:
        await bench.measure("PTB echo", "echo", mode, echo(n))
    await bench.stop()


async def orderdesk(
    bench: Bench, modes: list[str], spy_seconds: float, workloads: list[str]
) -> None:
    """OrderDesk as `orderdesk run` on the demo catalog: browsing, then the order flow."""
    config = bench.config()
    await bench.orderdesk(config)
    env = {"ORDERDESK_TOKEN": "123456:BENCH-TOKEN-NOT-SECRET"}
    await bench.start(
        "orderdesk", [sys.executable, "-m", "bot", "--config", str(config), "run"], env
    )
    await warm_up(bench, ORDER)
    for workload, script in (("browse", BROWSE), ("order flow", ORDER)):
        if workload.split()[0] not in workloads:
            continue
        for mode in modes:
            spy = None
            if spy_seconds and workload == "order flow" and mode == "burst":
                spy = await profile(bench, spy_seconds)
            await bench.measure("OrderDesk", workload, mode, script)
            if spy is not None:
                await spy.wait()
    await bench.stop()


async def main(args: argparse.Namespace) -> list[Row]:
    """The sandbox alone, the echo bot, then OrderDesk; the table."""
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp), args.users, args.rate, args.timeout)
        bench.keep = args.profile_dir
        if bench.keep is not None:
            bench.keep.mkdir(parents=True, exist_ok=True)
        url = await bench.server.start()
        modes, n = args.modes.split(","), len(ORDER)
        print(f"{args.users} users, {n} updates each; paced at {args.rate:.0f}/s; sandbox {url}")
        head = f"{'bot':<10}{'workload':<12}{'mode':<8}{'updates':>6}{'upd/s':>9}"
        print(f"{head}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'sandbox':>9}{'bot':>7}{'miss':>6}")
        try:
            if args.only != "orderdesk":
                await yardsticks(bench, url, modes, n)
            if args.only != "echo":
                await orderdesk(bench, modes, args.profile, args.workloads.split(","))
        finally:
            await bench.stop()
            await bench.server.stop()
        if bench.profile is not None and bench.profile.exists():
            print("\nWhere the OrderDesk process spent the order-flow burst (py-spy):")
            print(bench.profile.read_text(encoding="utf-8"))
    return summarise(bench.runs)


def summarise(runs: list[Run]) -> list[Row]:
    """One row per run (updates a second; latencies and CPU in the detail), with OrderDesk's
    ratio to the echo bot in the same mode and the goals."""
    echo_runs = {r.mode: r for r in runs if r.bot == "PTB echo"}
    rows = []
    for r in runs:
        latency = "/".join(f"{r.percentile(p):.1f}" for p in (50, 95, 99))
        detail = (
            f"{r.workload}, {r.mode}: {r.answered} updates; p50/p95/p99 {latency} ms;"
            f" CPU bot {r.bot_cpu:.0%}, sandbox {r.sandbox_cpu:.0%}"
        )
        if r.missing:
            detail += f"; {r.missing} NOT ANSWERED"
        goal = ""
        base = echo_runs.get(r.mode)
        if r.bot == "OrderDesk" and base is not None and r.mode == "burst":
            goal = f"{r.rate / base.rate:.0%} of echo"
            if r.workload == "order flow":
                met = r.rate / base.rate >= GOAL_RATIO and not r.missing
                goal += f" (≥ 60%): {'met' if met else 'MISSED'}"
        if r.bot == "OrderDesk" and r.mode == "paced" and r.workload == "order flow":
            met = r.percentile(99) <= GOAL_P99_MS and not r.missing
            goal = f"p99 ≤ 20 ms: {'met' if met else 'MISSED'}"
        rows.append(Row("throughput", r.bot, detail, r.rate, None, goal, "upd/s"))
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=USERS, help="simulated users per run")
    parser.add_argument("--rate", type=float, default=RATE, help="paced updates a second")
    parser.add_argument("--timeout", type=float, default=180, help="seconds a run may take")
    parser.add_argument("--quick", action="store_true", help="40 users: 1,000 updates a run")
    parser.add_argument("--profile", type=float, default=0, metavar="SECONDS",
                        help="py-spy the bot during the order-flow burst")  # fmt: skip
    parser.add_argument("--profile-dir", type=Path, help="keep py-spy's output here")
    parser.add_argument("--only", choices=["echo", "orderdesk"], help="one bot only")
    parser.add_argument("--modes", default="burst,paced", help="burst, paced or both")
    parser.add_argument("--workloads", default="browse,order", help="OrderDesk's: browse, order")
    parser.add_argument("--json", type=Path, help="also write the table's rows here")
    args = parser.parse_args()
    if args.quick:
        args.users = 40
    emit(asyncio.run(main(args)), args.json)
