"""open_dues (the table migration 0016's triggers keep from the view of migration 0030) holds,
for every open order and due date, what bot.domain.payments.remaining says is still owed: the
one allocation rule, the oldest due date first and due dates on the same day in instalment
order. Hypothesis writes invoiced orders of three customers whose due dates are then set anew
at random (few days, so that several fall on the same day, with amounts in any order), and
payments (partial, exact, more than owed so that they spread to other orders), refunds,
discounts after invoicing (credit notes move the due dates) and cancellations, played through
the real services on a real SQLite file; after every step the table equals the Python rule
order by order, due date by due date.

ORDERDESK_MONEY_EXAMPLES=500 runs longer."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import DomainError, NotAllowed, OrderNotFound
from bot.domain.models import OrderStatus, PaymentStatus
from bot.domain.payments import Method, remaining
from tests.integration import test_money_property
from tests.integration.helpers import draft, product
from tests.integration.test_money_property import SETTINGS, Book, copy_of, fresh

template = test_money_property.template  # the fixture: a migrated database with the catalog

ACTIONS = ("order", "dues", "dues", "pay", "pay", "pay", "refund", "discount", "cancel")
Step = tuple[str, int, int]
STEPS = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 9), st.integers(0, 10**6)),
    min_size=1,
    max_size=25,
)


async def play(book: Book, n: int, action: str, target: int, r: int) -> None:
    """One step; a refusal (a domain error) is part of the game, NotAllowed never is."""
    s = book.services
    if not book.orders:
        action = "order"
    if action == "order":
        buyer = book.customers[r % 3]
        await s.cart.add(buyer, (await product(s, "STP-24")).id, 1 + r // 3 % 5)
        book.orders.append((await s.checkout.submit(buyer, draft(f"o{n}", term="net30"))).order)
        order = book.orders[-1]
        if order.status is OrderStatus.SUBMITTED:
            await s.approvals.approve(book.admin, order.id)
        await s.finance.issue_invoice(book.finance, order_id=order.id)
        return
    order = await fresh(book, book.orders[target % len(book.orders)])
    today = s.finance.today()
    if action == "dues":
        # Due dates set anew (as a repair or a changed term would): 1-5 of them over few days.
        count, amounts, left = 1 + r % 5, [], order.totals.total
        for i in range(count - 1):
            part = left * (1 + (r >> (3 + i)) % 7) // 10
            amounts.append(part)
            left -= part
        amounts.append(left)
        dues = [
            (today + timedelta(days=(r >> (7 + 2 * i)) % 3 - 1), a)
            for i, a in enumerate(amounts)
            if a > 0
        ]
        async with book.db.unit_of_work() as uow:
            await uow.payments.replace_dues(order.id, dues)
            await uow.commit()
    elif action == "pay":
        _, owed = await s.finance.owed(book.finance, order_id=order.id)
        amount = [owed, owed // 3 + 1, owed + 1 + r % 9000, 1 + r % 6000][r % 4] or 1 + r % 500
        await s.finance.record_payment(book.finance, order.id, amount, Method.CASH, today)
    elif action == "refund":
        due = order.refund_due
        await s.finance.record_refund(
            book.finance, order.id, due // (1 + r % 2), Method.CASH, today
        )
    elif action == "discount":
        await s.approvals.adjust(book.admin, order.id, discount_bp=r % 31 * 100)
    elif action == "cancel":
        outcome = await s.orders.cancel(book.owner(order), order.id, "Changed my mind")
        if outcome.request_id is not None:
            await s.requests.decide(book.admin, outcome.request_id, approve=True)


async def check(book: Book) -> None:
    """open_dues, order by order, is the Python allocation of the book's payments."""
    for order in book.orders:
        order = await fresh(book, order)
        async with book.db.reader() as uow:
            dues = await uow.payments.dues(order.id)
            paid, refunded = await uow.payments.sums(order.id)
        kept = await book.sql(
            "SELECT seq, owed FROM open_dues WHERE order_id = ? ORDER BY seq", order.id
        )
        is_open = order.payment_status in (PaymentStatus.UNPAID, PaymentStatus.PARTIALLY_PAID)
        is_open = is_open and order.status not in (OrderStatus.CANCELLED, OrderStatus.REJECTED)
        left = remaining(dues, paid - refunded) if is_open else []
        assert kept == [(seq, owed) for seq, owed in enumerate(left, 1) if owed], (dues, paid)


async def run(template: Path, steps: list[Step]) -> None:
    async with copy_of(template) as book:
        for n, (action, target, r) in enumerate(steps):
            try:
                await play(book, n, action, target, r)
            except (NotAllowed, OrderNotFound):
                raise
            except DomainError:
                pass
            await check(book)


@SETTINGS
@given(steps=STEPS)
def test_open_dues_is_the_python_allocation(template: Path, steps: list[Step]) -> None:
    asyncio.run(run(template, steps))


async def one_day_twice(template: Path) -> None:
    async with copy_of(template) as book:
        await play(book, 0, "order", 0, 3 * 4)  # customer 0, 5 × STP-24, invoiced
        order = book.orders[0]
        total, today = order.totals.total, book.services.finance.today()
        later = today + timedelta(days=1)
        dues = [(today, total // 4), (later, total // 2), (later, total - total * 3 // 4)]
        async with book.db.unit_of_work() as uow:
            await uow.payments.replace_dues(order.id, dues)
            await uow.commit()
        paid = total // 4 + total // 8
        await book.services.finance.record_payment(
            book.finance, order.id, paid, Method.CASH, today
        )
        kept = await book.sql("SELECT seq, owed FROM open_dues WHERE order_id = ?", order.id)
        # the second instalment (the larger) is paid before the third, due the same day
        assert sorted(kept) == [(2, total // 2 - total // 8), (3, total - total * 3 // 4)]
        await check(book)


def test_due_dates_on_one_day_are_paid_in_instalment_order(template: Path) -> None:
    """Three due dates, the second and third on the same day, the second the larger: a
    payment covering the first and part of that day pays the second (the earlier instalment)
    first, in open_dues as in Python (migrations 0016 and 0018 paid the smaller first)."""
    asyncio.run(one_day_twice(template))
