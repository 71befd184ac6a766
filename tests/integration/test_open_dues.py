"""/receivables reads the open due dates that migration 0016's triggers keep (open_dues): its
figures must be those of the book itself, the payments allocated to the oldest due date first as
the domain does, whatever changes the book and however it is changed."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from bot.db.payments import OpenBalance
from bot.domain.models import OrderStatus
from bot.domain.payments import Method, bucket, outstanding
from bot.services.finance import TOP, CustomerDebt, Debtor, Receivables
from bot.services.transitions import apply_transition
from tests.integration import test_reminders
from tests.integration.helpers import customer
from tests.integration.test_reminders import SHANGHAI, Book

book = test_reminders.book  # the fixture: a small book with staff and a customer


def expected(balances: list[OpenBalance], today: date) -> Receivables:
    """The receivables worked out order by order from the book (what /receivables computed
    in Python before open_dues)."""
    buckets, total, overdue = [0, 0, 0, 0], 0, 0
    worst: list[Debtor] = []
    customers: dict[int, tuple[str, int, int, int]] = {}  # name, overdue, orders, days
    for b in balances:
        left = outstanding([(d, a) for _, d, a in b.dues], b.paid)
        late = [(d, a) for d, a in left if d < today]
        total += sum(a for _, a in left)
        if not late:
            continue
        days = max((today - d).days for d, _ in late)
        for d, a in late:
            buckets[bucket((today - d).days)] += a
        owed_late = sum(a for _, a in late)
        overdue += owed_late
        worst.append(
            Debtor(
                order_id=b.order_id,
                number=b.number,
                customer=b.customer,
                outstanding=sum(a for _, a in left),
                overdue=owed_late,
                days_overdue=days,
            )
        )
        name, sum_late, orders, most = customers.get(b.customer_id, (b.customer, 0, 0, 0))
        customers[b.customer_id] = (name, sum_late + owed_late, orders + 1, max(most, days))
    worst.sort(key=lambda d: (-d.overdue, d.number))
    ranked = sorted(customers.items(), key=lambda i: (-i[1][1], i[1][0], i[0]))
    return Receivables(
        total=total,
        overdue=overdue,
        buckets=(buckets[0], buckets[1], buckets[2], buckets[3]),
        worst=tuple(worst[:TOP]),
        worst_customers=tuple(
            CustomerDebt(customer_id=cid, name=n, overdue=o, orders=k, days_overdue=d)
            for cid, (n, o, k, d) in ranked[:TOP]
        ),
    )


async def check(book: Book) -> Receivables:
    """/receivables now, compared with the book's own figures; returned."""
    today = book.clock.now().astimezone(SHANGHAI).date()
    async with book.db.reader() as uow:
        balances = await uow.payments.open_balances()
    found = await book.services.finance.receivables(book.finance)
    assert found == expected(balances, today), today
    return found


async def sql(book: Book, statement: str, *params: object) -> None:
    """A change made to the book by some other writer (a script, a repair by hand)."""
    async with book.db.unit_of_work() as uow:
        await book.db.connection.execute(statement, params)
        await uow.commit()


async def another_buyer(book: Book, telegram_id: int) -> Book:
    """The same book, ordering as another customer with net 30 and instalments."""
    buyer = await customer(book.services, telegram_id)
    async with book.db.unit_of_work() as uow:
        c = await uow.customers.by_user(buyer.id)
        assert c is not None
        for code in ("net30", "inst3"):
            await uow.customers.allow_term(c.id, code)
        await uow.customers.set_credit(c.id, 10**9, False)
        await uow.commit()
    return dataclasses.replace(book, buyer=buyer)


async def test_receivables_follow_every_change_to_the_book(book: Book) -> None:
    """Net 30 and three instalments for three customers (two orders owing as much), paid in part,
    in full, cancelled after invoicing; then payments, due dates, statuses and customers changed
    behind the services' back: after each change, and as the days pass, /receivables equals
    the allocation worked out from the book."""
    services, finance = book.services, book.finance
    second, third = await another_buyer(book, 3), await another_buyer(book, 4)
    net = await book.invoiced("net30")  # 70.00, due in 30 days
    instalments = await book.invoiced("inst3", qty=3)  # 105.00: today, in 30 and in 60 days
    book.clock.advance(timedelta(minutes=1))  # a checkout's token is its time, SKU and qty
    theirs = await second.invoiced("inst3", qty=3)
    tied = await third.invoiced("net30")  # as much as `net`, by the same day
    settled = await book.invoiced("net30", qty=1)
    dropped = await book.invoiced("net30", qty=4, deliver=False)
    await check(book)
    await services.finance.record_payment(
        finance, settled.id, 3500, Method.CASH, services.finance.today()
    )
    async with book.db.unit_of_work() as uow:
        await apply_transition(
            uow,
            dropped,
            OrderStatus.CANCELLED,
            config=book.services.finance.config,
            actor_id=None,
            at=book.clock.now(),
            reason="x",
        )
        await uow.commit()
    # The first instalment in full and 10.00 of the second.
    paid = await services.finance.record_payment(
        finance, instalments.id, 4500, Method.CASH, services.finance.today()
    )
    assert paid.owed == 6000
    for days in (30, 1, 30, 6):  # due, a day late, 31 and 61 days late, then day 67
        book.clock.advance(timedelta(days=days))
        found = await check(book)
    # Day 67: the second instalment is 37 days late (the first one, paid, no longer counts),
    # the third 7; `net` and `tied` owe as much and are ranked by number.
    assert [(d.order_id, d.overdue, d.days_overdue) for d in found.worst] == [
        (theirs.id, 10500, 67),
        (net.id, 7000, 37),
        (tied.id, 7000, 37),
        (instalments.id, 6000, 37),
    ]
    assert [c.name for c in found.worst_customers] == ["Customer 2", "Customer 3", "Customer 4"]
    assert found.buckets == (3500 + 3500, 3500 + 2500 + 7000 + 7000, 3500, 0)

    payment = await services.finance.record_payment(
        finance, net.id, 2000, Method.CARD, services.finance.today()
    )
    assert payment.owed == 5000
    await check(book)
    await sql(book, "DELETE FROM payments WHERE order_id = ?", instalments.id)
    await check(book)
    await sql(book, "UPDATE payments SET amount = 6999 WHERE order_id = ?", net.id)
    await check(book)
    await sql(book, "UPDATE payments SET order_id = ? WHERE order_id = ?", tied.id, net.id)
    await check(book)
    await sql(
        book,
        "UPDATE due_dates SET due_on = ?, amount = 1000 WHERE order_id = ? AND seq = 3",
        "2026-08-01",
        theirs.id,
    )
    await check(book)
    # Paid on the due date now oldest (the third), then on the first.
    await services.finance.record_payment(
        finance, theirs.id, 1500, Method.CASH, services.finance.today()
    )
    await check(book)
    await sql(book, "DELETE FROM due_dates WHERE order_id = ? AND seq = 2", theirs.id)
    await check(book)
    await sql(book, "INSERT INTO due_dates VALUES (?, 2, '2027-01-01', 500)", theirs.id)
    await check(book)
    await sql(
        book,
        "UPDATE orders SET customer_id = (SELECT customer_id FROM orders WHERE id = ?)"
        " WHERE id = ?",
        net.id,
        tied.id,
    )
    await check(book)
    await sql(book, "UPDATE orders SET payment_status = 'refunded' WHERE id = ?", net.id)
    await check(book)
    await sql(book, "UPDATE orders SET status = 'rejected' WHERE id = ?", theirs.id)
    for days in (24, 90):  # day 91: the instalments 91, 61 and 31 days late
        book.clock.advance(timedelta(days=days))
        found = await check(book)
    assert found.total == found.overdue > 0
    await sql(book, "UPDATE orders SET payment_status = 'paid'")
    assert await check(book) == Receivables(
        total=0, overdue=0, buckets=(0, 0, 0, 0), worst=(), worst_customers=()
    )


async def test_the_worst_are_cut_at_ten_with_ties_ranked(book: Book) -> None:
    """Twelve customers owing past due, four of them as much as the ninth and tenth: the ten
    shown are the largest, ties ranked by name (customers) and number (orders)."""
    # (quantity, Telegram id): the last four owe as much; by name "Customer 100" comes first.
    buyers = [(12, 0), (11, 11), (10, 12), (9, 13), (8, 14), (7, 15), (6, 16), (5, 17)]
    buyers += [(4, 9), (4, 300), (4, 20), (4, 100)]
    for qty, telegram_id in buyers:
        buyer = await another_buyer(book, telegram_id) if telegram_id else book
        book.clock.advance(timedelta(minutes=1))  # a checkout's token is its time, SKU and qty
        await buyer.invoiced("net30", qty=qty)
    book.clock.advance(timedelta(days=40))
    found = await check(book)
    owed = [qty * 3500 for qty, _ in buyers[:TOP]]
    assert [c.overdue for c in found.worst_customers] == owed
    assert [c.name for c in found.worst_customers][-2:] == ["Customer 100", "Customer 20"]
    assert [d.overdue for d in found.worst] == owed
