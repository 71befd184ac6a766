"""The reminder scan's agenda: a scan looks only at the orders whose time has come (a step, the
end of quiet hours) or that changed since, and still leaves nothing due undecided; every
change that matters puts an order back on the agenda; orders with nothing ahead leave it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.db._rows import ts
from bot.domain.payments import Method
from bot.domain.reminders import (
    next_approval_nudge,
    next_delivery_step,
    next_payment_step,
)
from bot.domain.roles import Role
from tests.integration import test_reminders
from tests.integration.test_reminders import (
    SHANGHAI,
    Book,
    _staff,
    at,
    customer_record,
    line_ids,
    rows_of,
    summary,
)

book = test_reminders.book  # the fixture: a small book with staff and a customer


async def undecided_after_scan(book: Book) -> list[str]:
    """Scan as the job does, then ask the full plan what is still due and not logged (held
    ones aside): each such reminder is one the agenda made the scan miss."""
    await book.services.reminders.queue_due()
    planned = await book.services.reminders.due_reminders(book.clock.now(), everything=True)
    return [f"{p.kind}:{p.level}:{p.recipient.audience}" for p in planned if p.held_until is None]


async def agenda(book: Book) -> dict[int, str]:
    """The agenda's rows: order id → when to look."""
    rows = await rows_of(book, "SELECT order_id, look_at FROM reminder_agenda")
    return {int(str(r[0])): str(r[1]) for r in rows}


def midnight(day: date) -> str:
    """A Shanghai midnight as the agenda stores it."""
    return ts(datetime.combine(day, time(0), tzinfo=SHANGHAI))


def test_next_steps_of_each_kind() -> None:
    due = date(2026, 12, 23)
    before, dunning = [3], [1, 7, 14, 30]
    assert next_payment_step(due, date(2026, 11, 23), before, dunning) == date(2026, 12, 20)
    assert next_payment_step(due, date(2026, 12, 20), before, dunning) == due
    assert next_payment_step(due, due, before, dunning) == date(2026, 12, 24)
    assert next_payment_step(due, date(2026, 12, 31), before, dunning) == date(2027, 1, 6)
    assert next_payment_step(due, date(2027, 1, 22), before, dunning) is None, "after the last"
    submitted = datetime(2026, 11, 23, 2, 0, tzinfo=SHANGHAI)
    assert next_approval_nudge(submitted, submitted, 4) == submitted + timedelta(hours=4)
    later = submitted + timedelta(hours=5)
    assert next_approval_nudge(submitted, later, 4) == submitted + timedelta(hours=8)
    assert next_approval_nudge(submitted, submitted + timedelta(hours=8), 4) is None
    arrival = date(2026, 11, 25)
    assert next_delivery_step(arrival, date(2026, 11, 24), 1, 3) == date(2026, 11, 26)
    assert next_delivery_step(arrival, date(2026, 11, 26), 1, 3) == date(2026, 11, 28)
    assert next_delivery_step(arrival, date(2026, 11, 28), 1, 3) is None


async def test_every_scan_leaves_nothing_due_undecided(book: Book) -> None:
    """Seventy days of a small book with every kind of reminder, payments, a pause, the
    customer blocking the bot and coming back, shipments: after each scan (morning, evening,
    night) the full plan has nothing left that the agenda-driven scan should have logged."""
    services, start = book.services, date(2026, 11, 23)
    net = await book.invoiced("net30")
    instalments = await book.invoiced("inst3", qty=3)
    await book.order("net30", qty=1)  # waits for a decision
    unshipped = await book.order("net30", sku="STP-24", qty=4)
    await book.approve(unshipped)
    in_transit = await book.order("net30", qty=5)
    await book.approve(in_transit)
    await services.fulfilment.ship(
        book.warehouse,
        in_transit.id,
        await line_ids(book, in_transit.id),
        "SF Express",
        "SF123456",
        start + timedelta(days=4),
    )
    c = await customer_record(book)
    events = {
        6: lambda: services.finance.record_payment(
            book.finance, net.id, 2000, Method.CASH, services.finance.today()
        ),
        12: lambda: services.customer_admin.pause_reminders(book.finance, c, True),
        33: lambda: services.customer_admin.pause_reminders(book.finance, c, False),
        38: lambda: services.reminders.unreachable(book.buyer.id),
        41: lambda: services.users.identify(2, "User 2", None, "en"),  # writes again
        45: lambda: services.finance.record_payment(
            book.finance, instalments.id, 3000, Method.CASH, services.finance.today()
        ),
    }
    for day in range(70):
        for hour, minute in ((0, 30), (8, 5), (9, 0), (15, 0), (23, 0)):
            moment = at(start + timedelta(days=day), hour, minute)
            if moment < book.clock.now():
                continue
            book.move(moment)
            if hour == 9 and day in events:
                await events[day]()
            assert await undecided_after_scan(book) == [], f"day {day} {hour}:{minute:02}"
    logged = await rows_of(book, "SELECT kind, COUNT(*) FROM reminders GROUP BY kind")
    kinds = {str(kind) for kind, _ in logged}
    assert kinds == {"payment", "overdue", "approval", "ship_late", "delivery", "digest"}


async def test_a_scan_looks_only_at_orders_whose_time_has_come(book: Book) -> None:
    order = await book.invoiced("net30")  # due 2026-12-23: first step three days before
    assert await agenda(book) == {order.id: ""}, "a change: looked at by the next scan"
    await book.services.reminders.queue_due()
    assert await agenda(book) == {order.id: midnight(date(2026, 12, 20))}
    assert await book.services.reminders.queue_due() == [], "nothing looked at, nothing new"
    book.move(at(date(2026, 12, 20), 9))
    assert summary(await book.scan()) == [("payment", -3, "customer")]
    assert await agenda(book) == {order.id: midnight(date(2026, 12, 23))}
    await book.services.finance.record_payment(
        book.finance, order.id, order.totals.total, Method.CASH, book.services.finance.today()
    )
    assert await agenda(book) == {order.id: ""}, "paid: looked at again"
    await book.services.reminders.queue_due()
    assert await agenda(book) == {}, "paid in full: nothing ahead, off the agenda"


async def test_quiet_hours_and_changes_bring_an_order_back(book: Book) -> None:
    order = await book.invoiced("net30")
    book.move(at(date(2026, 12, 20), 0, 30))  # the step is reached in the customer's night
    await book.services.reminders.queue_due()
    assert await agenda(book) == {order.id: ts(at(date(2026, 12, 20), 8, 0))}, "held till 8"
    book.move(at(date(2026, 12, 20), 8, 1))
    assert summary(await book.scan()) == [("payment", -3, "customer")]
    c = await customer_record(book)
    await book.services.customer_admin.pause_reminders(book.finance, c, True)
    assert (await agenda(book))[order.id] == "", "paused: looked at again"
    await book.services.reminders.queue_due()
    await book.db.connection.execute(
        "UPDATE customers SET rep_id = ? WHERE id = ?", (book.manager.id, c)
    )
    assert (await agenda(book))[order.id] == "", "another rep: looked at again"


async def test_staff_given_a_role_later_hear_of_the_next_step(book: Book) -> None:
    """A step is decided for the people who hold the roles when it is reached: a finance
    person added the same day is told of the next step, not of the one already sent."""
    await book.invoiced("net30")
    book.move(at(date(2026, 12, 24), 9))
    assert summary(await book.scan()) == [
        ("overdue", 1, "finance"),
        ("overdue", 1, "rep"),
        ("payment", 1, "customer"),
    ]
    newcomer = await _staff(book.services, book.db, 106, "Fen", Role.FINANCE)
    book.move(at(date(2026, 12, 24), 10))
    logged = await book.services.reminders.queue_due()
    kinds = await rows_of(
        book, f"SELECT kind FROM reminders WHERE id IN ({', '.join(map(str, logged))})"
    )
    assert kinds == [("digest",)], "only today's digest: today's step was decided before"
    book.move(at(date(2026, 12, 30), 9))
    planned = await book.scan()
    to_finance = [p.recipient.user_id for p in planned if p.recipient.audience == "finance"]
    assert sorted(to_finance) == sorted([book.finance.id, newcomer.id])
