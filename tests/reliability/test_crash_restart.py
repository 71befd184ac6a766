"""Crash at any step: the real bot process is SIGKILLed at many points of a whole order's life —
registration, cart, checkout, approval, two shipments, receipt, invoice, two payments — then
restarted on the same database, and the journey goes on as a person would. After each kill the
person must see the step's answer (Telegram delivers the interrupted update again) or be told
it had been done — never silence, never "something went wrong" — and pressing the same button
once more then changes nothing. After every restart and at the end the database is checked:
one order, stock reserved once and never leaked, each shipment and payment once, no status
twice in the audit log. At the end of each journey the other people's chats are checked: every
notice the journey caused (the rep's new order, the customer's approval, shipments, rating,
invoice and receipts, the warehouse's pick list, finance's delivery) arrived, each at most
once more per kill (one in flight when the process died is sent again).

Kill points: "before" a step (everything before it processed), "fetch" (the update fetched, the
bot killed before it could start), "call N" (the handler killed while Telegram has not yet
answered its N-th call: the sandbox answers slowly on purpose). The default set runs in
`make test`; ORDERDESK_CRASH_FULL=1 tries every step at every point.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox import FakeTelegram
from tests.reliability.process import (
    FINANCE,
    REP,
    REPLY_METHODS,
    WAREHOUSE,
    BotProcess,
    bot_text,
    until,
)

JSON = dict[str, object]
FULL = os.environ.get("ORDERDESK_CRASH_FULL") == "1"
FAILURE = "Sorry, something went wrong"
DONE = "this was saved just before OrderDesk restarted"
# Seconds the sandbox waits before answering each call of a handler killed at "call N": the
# kill lands while the N-th call waits for its answer (the sandbox has already applied it).
SLOW = 0.3


@dataclass
class Journey:
    """One customer's order, from /start to paid."""

    customer: int
    number: str = ""


Act = Callable[[FakeTelegram, Journey], tuple[int, JSON]]


def text(who: int | None, words: str | Callable[[Journey], str]) -> Act:
    """Someone sends a text (who None: the customer)."""

    def act(fake: FakeTelegram, j: Journey) -> tuple[int, JSON]:
        uid = who or j.customer
        return uid, fake.send_text(uid, words(j) if callable(words) else words)

    return act


def press(who: int | None, label: str, *, part: bool = False) -> Act:
    """Someone presses the newest button with this label (or containing it)."""

    def act(fake: FakeTelegram, j: Journey) -> tuple[int, JSON]:
        uid = who or j.customer
        wanted = label.replace("{number}", j.number)
        if part:
            for message in reversed(fake.bot_messages(uid)):
                found = [b for row in fake.buttons(message) for b in row if wanted in b]
                if found:
                    return uid, fake.press(uid, found[0])
            raise LookupError(f"no button with {wanted!r} in chat {uid}")
        return uid, fake.press(uid, wanted)

    return act


def deliver(n: int) -> Act:
    """The warehouse marks shipment n delivered: the n-th "Delivered" button (the last if
    fewer) on the newest message that has them (its /order view, or the pick list after it)."""

    def act(fake: FakeTelegram, j: Journey) -> tuple[int, JSON]:
        for message in reversed(fake.bot_messages(WAREHOUSE)):
            found = [
                b["callback_data"]
                for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
                if "📬 Delivered" in b["text"]
            ]
            if found:
                data = found[min(n, len(found)) - 1]
                return WAREHOUSE, fake.press_button(WAREHOUSE, message["message_id"], data)
        raise LookupError("no Delivered button in the warehouse's chat")

    return act


def contact() -> Act:
    """The customer shares their phone (each journey's customer their own: one phone, one
    customer)."""

    def act(fake: FakeTelegram, j: Journey) -> tuple[int, JSON]:
        return j.customer, fake.send_contact(j.customer, f"+86139{j.customer % 10**8:08d}")

    return act


@dataclass(frozen=True)
class Step:
    """One thing someone does, and what they should see then (any of these texts)."""

    name: str
    act: Act
    expect: tuple[str, ...]


def step(name: str, act: Act, *expect: str) -> Step:
    """A step of the journey."""
    return Step(name, act, expect)


JOURNEY = (
    step("/start", text(None, "/start"), "What is your name?"),
    step("name", text(None, "Ann Lee"), "phone number"),
    step("contact", contact(), "company name"),
    step("no company", press(None, "Skip — I buy for myself"), "delivery address"),
    step("address", text(None, "1 Garden Road, Shanghai"), "You are registered"),
    step("/search", text(None, "/search STP-24"), "Found 1 product"),
    step("product", press(None, "Stapler No. 24/6 · CN¥35.00"), "SKU: STP-24"),
    step("+5", press(None, "+5"), "In your cart:"),
    step("/checkout", text(None, "/checkout"), "how should we deliver"),
    step("pick-up", press(None, "Pick up at our warehouse · CN¥0.00"), "When would you like it?"),
    step("no date", press(None, "No preference"), "How would you like to pay?"),
    step("term", press(None, "Cash on delivery"), "Any note"),
    step("no note", press(None, "Skip"), "Please check your order"),
    step("confirm", press(None, "✅ Confirm order"), "is submitted", "was already submitted"),
    step(
        "/pending",
        text(REP, "/pending"),
        "wait for your decision, oldest",
        "waits for your decision, oldest",
    ),
    step("open order", press(REP, "{number}", part=True), "Route:"),
    step("approve", press(REP, "✅ Approve"), "Status: ✅ approved", "already"),
    step("/ship", text(WAREHOUSE, "/ship"), "To ship"),
    step("ship order", press(WAREHOUSE, "{number}", part=True), "Which goods leave"),
    step("none", press(WAREHOUSE, "STP-24", part=True), "Which goods leave"),
    step("one", press(WAREHOUSE, "+"), "Which goods leave"),
    step("next", press(WAREHOUSE, "Next ➡"), "Carrier?"),
    step("carrier", press(WAREHOUSE, "SF Express"), "Tracking number?"),
    step("no tracking", press(WAREHOUSE, "No tracking number"), "delivery date?"),
    step("no date", press(WAREHOUSE, "Not known"), "cannot be undone"),
    step("record shipment 1", press(WAREHOUSE, "✅ Record shipment"), "Pick list"),
    step("/ship again", text(WAREHOUSE, "/ship"), "To ship"),
    step("ship rest", press(WAREHOUSE, "{number}", part=True), "Which goods leave"),
    step("next", press(WAREHOUSE, "Next ➡"), "Carrier?"),
    step("carrier", press(WAREHOUSE, "SF Express"), "Tracking number?"),
    step("no tracking", press(WAREHOUSE, "No tracking number"), "delivery date?"),
    step("no date", press(WAREHOUSE, "Not known"), "cannot be undone"),
    step("record shipment 2", press(WAREHOUSE, "✅ Record shipment"), "Pick list"),
    step("/order", text(WAREHOUSE, lambda j: f"/order {j.number}"), "History"),
    step("delivered 1", deliver(1), "Marked as delivered", "Thank you for confirming"),
    step("delivered 2", deliver(2), "Marked as delivered", "Thank you for confirming"),
    step("/invoice", text(FINANCE, lambda j: f"/invoice {j.number}"), "Invoice INV-"),
    step("/payment", text(FINANCE, lambda j: f"/payment {j.number}"), "still owed"),
    step("amount", text(FINANCE, "50"), "How was it paid?"),
    step("method", press(FINANCE, "Bank transfer"), "Paid on which day?"),
    step("today", press(FINANCE, "Today"), "Record CN¥50.00"),
    step("record payment 1", press(FINANCE, "✅ Record payment"), "still owed"),
    step("/payment again", text(FINANCE, lambda j: f"/payment {j.number}"), "still owed"),
    step("all of it", press(FINANCE, "All of it", part=True), "How was it paid?"),
    step("method", press(FINANCE, "Bank transfer"), "Paid on which day?"),
    step("today", press(FINANCE, "Today"), "Record CN¥"),
    step("record payment 2", press(FINANCE, "✅ Record payment"), "still owed CN¥0.00"),
    step("/track", text(None, lambda j: f"/track {j.number}"), "completed"),
)


@dataclass
class Attempt:
    """One action sent to the bot: who, which message they pressed (and the press's query id),
    the newest bot message in their chat then, and where the sandbox's call log stood."""

    uid: int
    pressed: int | None
    query: str | None
    newest: int
    mark: int


def act(bot: BotProcess, j: Journey, s: Step) -> Attempt:
    """Do the step's action in the sandbox (the bot fetches it when it polls)."""
    mark = bot.calls()
    uid, update = s.act(bot.fake, j)
    newest = int((bot.fake.last_bot_message(uid) or {}).get("message_id", 0))
    query = update.get("callback_query")
    if isinstance(query, dict):
        return Attempt(uid, query["message"]["message_id"], query["id"], newest, mark)
    return Attempt(uid, None, None, newest, mark)


def toasts(fake: FakeTelegram, a: Attempt) -> list[str]:
    """The answers (toasts, alerts) to the attempt's button press."""
    return [str(x["text"]) for x in fake.callback_answers if x["callback_query_id"] == a.query]


def shown(fake: FakeTelegram, a: Attempt) -> str:
    """What the person looks at: the newest bot message, the message they pressed and the
    answer to their press."""
    texts = [bot_text(fake.last_bot_message(a.uid))]
    if a.pressed is not None:
        texts.append(bot_text(fake.message(a.uid, a.pressed)))
    return "\n".join(texts + toasts(fake, a))


def reply(fake: FakeTelegram, a: Attempt) -> str:
    """The bot's answer to the attempt: a toast, else a new message, else the pressed one."""
    toast = next((x for x in toasts(fake, a) if x != "None"), "")
    newest = fake.last_bot_message(a.uid) or {}
    if toast or newest.get("message_id", 0) > a.newest or a.pressed is None:
        return toast or bot_text(newest)
    return bot_text(fake.message(a.uid, a.pressed))


def sees(bot: BotProcess, a: Attempt, s: Step) -> bool:
    """The person sees one of the step's expected texts."""
    return any(e in shown(bot.fake, a) for e in s.expect)


def learn_number(bot: BotProcess, j: Journey) -> None:
    """The journey's order number, once there is one."""
    if not j.number:
        rows = bot.sql(
            "SELECT o.number FROM orders o JOIN customers c ON c.id = o.customer_id"
            " JOIN users u ON u.id = c.user_id WHERE u.telegram_id = ?",
            j.customer,
        )
        if rows:
            j.number = str(rows[0][0])


async def processed(bot: BotProcess, a: Attempt) -> None:
    """Wait until the bot has processed the attempt (it confirms updates only then)."""
    await until(lambda: bot.idle() and bool(bot.reply_calls_since(a.mark)), "an answer")


async def plain(bot: BotProcess, j: Journey, s: Step) -> int:
    """Do a step, no kill; return how many calls the bot made to answer it."""
    a = act(bot, j, s)
    await until(
        lambda: bot.idle() and bool(bot.reply_calls_since(a.mark)) and sees(bot, a, s),
        f"step {s.name!r} to show {s.expect}",
    )
    learn_number(bot, j)
    return len(bot.reply_calls_since(a.mark))


async def again(bot: BotProcess, j: Journey, s: Step) -> str:
    """The person does it once more anyway (the same button, left from before the restart):
    nothing may happen twice, and the answer makes sense."""
    try:
        a = act(bot, j, s)
    except LookupError:
        return "the button is gone"
    await processed(bot, a)
    answer = reply(bot.fake, a)
    assert FAILURE not in answer, answer
    return f"again: {answer.splitlines()[0][:60]!r}"


async def crash(bot: BotProcess, j: Journey, s: Step, mode: str) -> str:
    """Do a step with the bot killed at `mode`, restart it on the same database, and go on
    as the person would; return what they saw."""
    if mode == "before":
        await bot.restart()
        await plain(bot, j, s)
        return "answered after the restart"
    if mode == "fetch":
        await bot.client.delay(5, method="getUpdates", times=1)
        a = act(bot, j, s)
        await until(lambda: not bot.server.delays, "the update to be fetched")
    else:
        calls = int(mode.removeprefix("call "))
        for method in REPLY_METHODS:
            await bot.client.delay(SLOW, method=method)
        a = act(bot, j, s)
        await until(
            lambda: (
                len(bot.reply_calls_since(a.mark)) >= calls
                or (bot.idle() and bool(bot.reply_calls_since(a.mark)))
            ),
            f"{s.name!r} to make {calls} calls",
        )
    await bot.kill()
    await bot.client.clear_delays()
    seen = sees(bot, a, s)
    await bot.start()
    await until(bot.idle, "the bot to process the update Telegram delivers again")
    learn_number(bot, j)
    if sees(bot, a, s):
        return "answered before the kill" if seen else "answered after the restart"
    assert DONE in shown(bot.fake, a), f"{s.name} / {mode}: silence; {shown(bot.fake, a)!r}"
    return "told it was done before the restart; " + await again(bot, j, s)


ENDED = ("rejected", "cancelled")


def check_books(bot: BotProcess, journeys: list[Journey], stock: dict[str, int]) -> None:
    """Nothing lost, nothing twice: orders, reservations, stock, shipments, payments, audit."""
    for j in journeys:
        orders = bot.sql(
            "SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
            " JOIN users u ON u.id = c.user_id WHERE u.telegram_id = ?",
            j.customer,
        )
        assert orders[0][0] == (1 if j.number else 0), f"orders of {j.customer}: {orders}"
    for sku, reserved, held in bot.sql(
        "SELECT p.sku, p.reserved, (SELECT COALESCE(SUM(l.reserved_qty), 0) FROM order_lines l"
        f" JOIN orders o ON o.id = l.order_id WHERE l.product_id = p.id"
        f" AND o.status NOT IN {ENDED}) FROM products p"
    ):
        assert reserved == held, f"{sku}: products.reserved {reserved}, order lines hold {held}"
    for sku, on_hand, shipped in bot.sql(
        "SELECT p.sku, p.stock_on_hand, (SELECT COALESCE(SUM(s.qty), 0) FROM shipment_lines s"
        " JOIN order_lines l ON l.id = s.order_line_id WHERE l.product_id = p.id) FROM products p"
    ):
        assert on_hand + shipped == stock[sku], f"{sku}: {on_hand} on hand + {shipped} shipped"
    for number, qty, reserved, shipped, cancelled, in_shipments in bot.sql(
        "SELECT o.number, l.qty, l.reserved_qty, l.shipped_qty, l.cancelled_qty,"
        " (SELECT COALESCE(SUM(s.qty), 0) FROM shipment_lines s WHERE s.order_line_id = l.id)"
        f" FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status NOT IN {ENDED}"
    ):
        assert shipped == in_shipments, f"{number}: shipped {shipped}, shipments {in_shipments}"
        assert reserved + shipped + cancelled == qty, f"{number}: {qty} ≠ {reserved}+{shipped}"
    for number, total, paid, payments, shipments in bot.sql(
        "SELECT number, total, (SELECT COALESCE(SUM(amount), 0) FROM payments p"
        " WHERE p.order_id = o.id), (SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id),"
        " (SELECT COUNT(*) FROM shipments s WHERE s.order_id = o.id) FROM orders o"
    ):
        assert paid <= total, f"{number}: paid {paid} of {total}"
        assert payments <= 2 and shipments <= 2, (
            f"{number}: {payments} payments, {shipments} shipments"
        )
    twice = bot.sql(
        "SELECT entity_id, action, after, COUNT(*) FROM audit_log WHERE entity = 'order'"
        " AND action IN ('status', 'invoiced', 'shipment', 'payment')"
        " GROUP BY entity_id, action, after HAVING COUNT(*) > 1 AND action != 'payment'"
    )
    assert twice == [], f"recorded twice in the audit log: {twice}"
    for order_id, audited, payments in bot.sql(
        "SELECT o.id, (SELECT COUNT(*) FROM audit_log a WHERE a.entity = 'order'"
        " AND a.entity_id = o.id AND a.action = 'payment'),"
        " (SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id) FROM orders o"
    ):
        assert audited == payments, f"order {order_id}: {payments} payments, {audited} audited"


def check_finished(bot: BotProcess, j: Journey) -> None:
    """The journey's order went all the way: delivered, paid in two payments, shipped twice."""
    rows = bot.sql(
        "SELECT status, payment_status, total, (SELECT GROUP_CONCAT(amount) FROM payments p"
        " WHERE p.order_id = o.id), (SELECT COUNT(*) FROM shipments s WHERE s.order_id = o.id)"
        " FROM orders o WHERE number = ?",
        j.number,
    )
    status, paid, total, amounts, shipments = rows[0]
    assert (status, paid, shipments) == ("completed", "paid", 2), rows
    first, second = (int(a) for a in str(amounts).split(","))
    assert (first, first + second) == (5000, total), rows


# The rep's approval card, as sent or as edited once the order was decided.
NEW_OR_DECIDED = ("🆕 A new order waits for your decision.", "Decided: ✅ approved by")


def has(text: str, words: tuple[str | tuple[str, ...], ...]) -> bool:
    """Every word is in the text (a tuple of words: any one of them)."""
    return all(w in text if isinstance(w, str) else any(x in text for x in w) for w in words)


def notices(j: Journey) -> list[tuple[int | None, tuple[str | tuple[str, ...], ...], int]]:
    """What the journey tells other people (chat, texts that all appear, how many times)."""
    n = j.number
    return [
        (REP, (NEW_OR_DECIDED, n), 1),
        (None, (f"Your order {n} is approved",), 1),
        (WAREHOUSE, ("An approved order is ready to pick.", n), 1),
        (None, ("is on its way", n), 2),
        (FINANCE, (f"Order {n} (", "is delivered"), 1),
        (None, (f"How was your order {n}?",), 1),
        (None, ("🧾 Invoice INV-", f"for your order {n}"), 1),
        (None, ("Payment received:", n), 2),
    ]


async def check_notices(bot: BotProcess, j: Journey, kills: int) -> list[str]:
    """Every notice to other people arrived once — twice at most for each kill — and none
    failed; returns how many duplicates each kind had."""
    open_ = "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')"
    await until(lambda: bot.sql(open_) == [(0,)], "the outbox to be delivered", timeout=60)
    assert bot.sql("SELECT kind, error FROM outbox WHERE state = 'failed'") == []
    doubles = []
    for chat, words, wanted in notices(j):
        said = [bot_text(m) for m in bot.fake.bot_messages(chat or j.customer)]
        got = sum(1 for text in said if has(text, words))
        assert wanted <= got <= wanted + kills, f"{words}: {got} in chat {chat}, {kills} kills"
        if got > wanted:
            doubles.append(
                f"{words[-1] if isinstance(words[0], tuple) else words[0]} ×{got - wanted}"
            )
    return doubles


# (step, kill point) tried in `make test`: each kind of kill, and every step that writes
# (registration, cart, order, decision, shipment, delivery, invoice, payment) killed while
# Telegram has not answered its first call; the order, the decision, a shipment and a payment
# also at their second (a second journey).
DEFAULT = (
    ("/start", "call 1"),
    ("name", "before"),
    ("contact", "call 1"),
    ("address", "call 1"),
    ("+5", "call 1"),
    ("/checkout", "fetch"),
    ("term", "call 1"),
    ("confirm", "call 1"),
    ("approve", "call 1"),
    ("ship order", "call 1"),
    ("record shipment 1", "call 1"),
    ("record shipment 2", "call 2"),
    ("delivered 1", "call 1"),
    ("/invoice", "call 1"),
    ("amount", "fetch"),
    ("record payment 1", "call 1"),
    ("record payment 2", "call 2"),
    ("/track", "before"),
    ("confirm", "call 2"),
    ("approve", "call 2"),
    ("record shipment 1", "call 2"),
    ("record payment 1", "call 2"),
)
Plan = dict[int, str]  # step index → kill point, for one journey


def journeys(points: list[tuple[int, str]]) -> list[Plan]:
    """Kill points grouped into journeys: at most one kill per step and journey."""
    plans: list[Plan] = []
    for index, mode in points:
        plan = next((p for p in plans if index not in p), None)
        if plan is None:
            plans.append(plan := {})
        plan[index] = mode
    return plans


async def every_point(bot: BotProcess) -> list[tuple[int, str]]:
    """ORDERDESK_CRASH_FULL=1: every step before it, at its fetch and at each of its calls
    (counted on a journey without kills)."""
    j, points = Journey(bot.fake.create_user("Cal")), []
    for index, s in enumerate(JOURNEY):
        calls = await plain(bot, j, s)
        points += [(index, "before"), (index, "fetch")]
        points += [(index, f"call {n}") for n in range(1, calls + 1)]
    return points


async def test_kill_at_every_step_loses_and_doubles_nothing(running: BotProcess) -> None:
    bot = running
    stock = dict(bot.sql("SELECT sku, stock_on_hand FROM products"))
    names = [s.name for s in JOURNEY]
    points = await every_point(bot) if FULL else [(names.index(n), mode) for n, mode in DEFAULT]
    done: list[Journey] = []
    report: list[str] = []
    started = time.monotonic()
    for plan in journeys(points):
        j = Journey(bot.fake.create_user("Ann"))
        done.append(j)
        for index, s in enumerate(JOURNEY):
            if index not in plan:
                await plain(bot, j, s)
                continue
            report.append(f"{s.name} / {plan[index]}: {await crash(bot, j, s, plan[index])}")
            check_books(bot, done, stock)
        check_finished(bot, j)
        doubles = await check_notices(bot, j, len(plan))
        report.append(f"notices: all arrived; twice after a kill: {doubles or 'none'}")
    elapsed = time.monotonic() - started
    print(
        f"\n{len(points)} kill points, {bot.starts - 1} restarts, {elapsed:.1f} s",
        *report,
        sep="\n",
    )
    log = bot.log()
    assert "Traceback" not in log, log[-5000:]
    for j in done:
        said = [bot_text(m) for m in bot.fake.bot_messages(j.customer)]
        assert not [m for m in said if FAILURE in m], said


async def test_a_burst_is_saved_before_telegram_is_told(running: BotProcess) -> None:
    bot = running
    people = [bot.fake.create_user(f"Guest {n}") for n in range(30)]
    for uid in people:  # fetched in one batch: their states are written in one transaction
        bot.fake.send_text(uid, "/start")
    await until(bot.idle, "the burst to be processed and confirmed")
    await bot.restart()  # killed the moment Telegram was told
    for uid in people:
        bot.fake.send_text(uid, f"Name {uid}")
    await until(bot.idle, "the names to be processed")
    asked = [uid for uid in people if "phone number" in bot_text(bot.fake.last_bot_message(uid))]
    assert asked == people, "every registration went on where it was"


# A second journey: the order is paid in part, then cancelled at the customer's request; the
# kills land while the payment, the request and the decision (with its refund due) are saved
# and while their notices are on their way.
CANCEL_JOURNEY = (
    *JOURNEY[: [s.name for s in JOURNEY].index("approve") + 1],
    step("/payment", text(FINANCE, lambda j: f"/payment {j.number}"), "still owed"),
    step("amount", text(FINANCE, "50"), "How was it paid?"),
    step("method", press(FINANCE, "Bank transfer"), "Paid on which day?"),
    step("today", press(FINANCE, "Today"), "Record CN¥50.00"),
    step("record payment", press(FINANCE, "✅ Record payment"), "still owed"),
    step("/track", text(None, lambda j: f"/track {j.number}"), "approved"),
    step("ask to cancel", press(None, "✖️ Ask to cancel"), "Why do you want to cancel"),
    step("reason", text(None, "Budget was cut"), "is sent to our team"),
    step("cancel it", press(REP, "✅ Cancel the order"), "for good?"),
    step("yes", press(REP, "Yes, cancel it"), "Cancellation request"),
)
CANCEL_KILLS = {
    "confirm": "call 1",
    "record payment": "call 1",
    "reason": "call 1",
    "yes": "call 1",
}


async def test_kill_while_paying_and_cancelling_loses_no_notice(running: BotProcess) -> None:
    bot = running
    stock = dict(bot.sql("SELECT sku, stock_on_hand FROM products"))
    j = Journey(bot.fake.create_user("Bea"))
    for s in CANCEL_JOURNEY:
        if s.name == "cancel it":  # the request reaches the rep through the outbox
            await until(
                lambda: any("✅ Cancel the order" in str(m) for m in bot.fake.bot_messages(REP)),
                "the request to reach the rep",
            )
        if s.name in CANCEL_KILLS:
            await crash(bot, j, s, CANCEL_KILLS[s.name])
            check_books(bot, [j], stock)
        else:
            await plain(bot, j, s)
    rows = bot.sql("SELECT status, refund_due FROM orders WHERE number = ?", j.number)
    assert rows == [("cancelled", 5000)]
    open_ = "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')"
    await until(lambda: bot.sql(open_) == [(0,)], "the outbox to be delivered", timeout=60)
    kills = len(CANCEL_KILLS)
    for chat, words, wanted in (
        (REP, ("🆕 A new order waits for your decision.", j.number), 1),
        (None, ("Your order", j.number, "is approved"), 1),
        (None, ("Payment received:", j.number), 1),
        (REP, ("Cancellation request", j.number), 1),
        (None, (f"Order {j.number} is cancelled, as you asked.", "We will refund CN¥50.00."), 1),
    ):
        sent = [  # what was sent (the rep's card is edited in place afterwards)
            str(p.get("text"))
            for p in bot.fake.method_calls("sendMessage")
            if str(p.get("chat_id")) == str(chat or j.customer)
        ]
        got = sum(1 for t in sent if all(w in t for w in words))
        assert wanted <= got <= wanted + kills, f"{words}: {got} in chat {chat}"
