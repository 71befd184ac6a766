"""The money rule holds over random histories. Hypothesis writes sequences of orders of three
customers (prepaid, cash on delivery, net 30), approvals and rejections, discounts, quantity
changes (at once before approval, by request after it), invoices, payments (partial, exact,
more than owed so that they spread over the customer's other orders, a confirmation pressed
twice), refunds (some over what is due), cancellations, shipments, lines found short (ship what
is there, drop the line), deliveries and days passing; each is played through the real services
on a real SQLite file. After every step, whatever was refused:

- every order: paid − refunded + owed − refund due = what it charges (nothing once cancelled or
  rejected), owed and refund due never negative nor both above zero, never more paid back than
  came in; its stored payment status and refund due are ledger() over the raw sums;
- every cent that came in or went out is in the book (a spread payment loses none);
- the staff order view, the customer's own order and both screens say the same;
- an invoiced order's invoice less its credit notes, and its due dates, add up to its charge;
- the receivables summary, each customer's balance and the receivables export add up to what
  the invoiced orders owe; the orders export's figures per order are the ledger's.

ORDERDESK_MONEY_EXAMPLES=500 runs longer."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.errors import DomainError, NotAllowed, OrderNotFound, RefundOverDue
from bot.domain.exports import Dataset, ExportPeriod
from bot.domain.models import Customer, Language, Order, OrderChange, OrderStatus, User
from bot.domain.payments import Ledger, Method, ledger
from bot.domain.roles import Role
from bot.i18n import I18n
from bot.services import Services
from bot.services.shortages import ShortageChoice
from bot.ui import finance_views, labels, order_views, staff_order_views
from tests.conftest import START, load_demo_catalog, make_config
from tests.integration.helpers import customer, draft, product

ADMIN = 1
SKUS = ("STP-24", "STP-REFILL", "NB-A5-DOT", "PAP-A4-80")
TERMS = ("prepaid", "cod", "net30")
METHODS = tuple(Method)
ACTIONS = (
    "order",
    "order",
    "approve",
    "approve",
    "reject",
    "discount",
    "quantity",
    "invoice",
    "pay",
    "pay",
    "pay",
    "refund",
    "refund",
    "cancel",
    "ship",
    "short",
    "deliver",
    "days",
)
EXAMPLES = int(os.environ.get("ORDERDESK_MONEY_EXAMPLES", "60"))
Step = tuple[str, int, int]
STEPS = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 9), st.integers(0, 10**6)),
    min_size=1,
    max_size=40,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with the demo catalog, copied for each example."""
    path = tmp_path_factory.mktemp("money") / "template.sqlite3"

    async def build() -> None:
        config = make_config(path)
        db = Database(config.database.path)
        await db.open()
        await load_demo_catalog(db, config, FixedClock(START))
        await db.close()

    asyncio.run(build())
    return path


@dataclass
class Book:
    """The services over one example's database, its people, and what went in and out."""

    services: Services
    db: Database
    config: Config
    clock: FixedClock
    admin: User
    finance: User
    warehouse: User
    customers: list[User]
    customer_rows: list[Customer]
    orders: list[Order] = field(default_factory=list)
    received: int = 0  # every payment recorded
    paid_back: int = 0  # every refund recorded
    tokens: list[tuple[int, int, str]] = field(default_factory=list)  # payments' confirmations
    refund_tokens: list[tuple[int, int, str]] = field(default_factory=list)

    async def sql(self, query: str, *params: object) -> list[tuple[object, ...]]:
        async with self.db.reader() as uow, uow.audit._conn.execute(query, params) as cursor:
            return [tuple(r) for r in await cursor.fetchall()]

    def owner(self, order: Order) -> User:
        """The customer's user."""
        return self.customers[[c.id for c in self.customer_rows].index(order.customer_id)]


async def open_book(path: Path) -> Book:
    """Staff, three customers (net 30 allowed to them), on a fresh copy of the template."""
    config = make_config(
        path,
        business={"admins": [ADMIN]},
        review={"manager_threshold": "100000.00"},
    )
    clock = FixedClock(START)
    db = Database(config.database.path)
    await db.open()
    services = Services.build(db, config, clock)
    admin = await services.users.identify(ADMIN, "Ada", None, "en")
    finance = await services.users.identify(2, "Fay", None, "en")
    warehouse = await services.users.identify(3, "Wu", None, "en")
    async with db.unit_of_work() as uow:
        await uow.staff.grant(finance.id, Role.FINANCE, None, clock.now())
        await uow.staff.grant(warehouse.id, Role.WAREHOUSE, None, clock.now())
        await uow.commit()
    buyers = [await customer(services, 100 + n) for n in range(3)]
    rows = []
    async with db.unit_of_work() as uow:
        for buyer in buyers:
            row = await uow.customers.by_user(buyer.id)
            assert row is not None
            await uow.customers.allow_term(row.id, "net30")
            rows.append(row)
        await uow.commit()
    return Book(services, db, config, clock, admin, finance, warehouse, buyers, rows)


async def fresh(book: Book, order: Order) -> Order:
    async with book.db.reader() as uow:
        found = await uow.orders.by_id(order.id)
    assert found is not None
    return found


async def play(book: Book, n: int, action: str, target: int, r: int) -> None:
    """One step; a refusal (a domain error) is part of the game, NotAllowed never is."""
    s = book.services
    if not book.orders and action != "days":
        action = "order"  # nothing to act on yet
    if action == "order":
        buyer = book.customers[r % 3]
        await s.cart.add(buyer, (await product(s, SKUS[r // 3 % 4])).id, 1 + r // 12 % 4)
        if r // 48 % 2:
            await s.cart.add(buyer, (await product(s, SKUS[(r // 96 + 1) % 4])).id, 1)
        term = TERMS[r // 192 % 3]
        book.orders.append((await s.checkout.submit(buyer, draft(f"o{n}", term=term))).order)
        return
    if action == "days":
        book.clock.advance(timedelta(days=r % 7, hours=r % 5))
        return
    order = await fresh(book, book.orders[target % len(book.orders)])
    buyer = book.owner(order)
    today = s.finance.today()
    async with book.db.reader() as uow:
        lines = [x for x in await uow.orders.lines(order.id)]
    if action == "approve":
        await s.approvals.approve(book.admin, order.id)
    elif action == "reject":
        await s.approvals.reject(book.admin, order.id, "Out of budget")
    elif action == "discount":
        await s.approvals.adjust(book.admin, order.id, discount_bp=r % 31 * 100)
    elif action == "quantity":
        line = lines[r % len(lines)]
        change = OrderChange(line_id=line.id, qty=1 + r // 7 % 6)
        outcome = await s.changes.change(buyer, order.id, change, "Need a different amount")
        if outcome.request_id is not None:
            await s.requests.decide(book.admin, outcome.request_id, approve=r % 3 > 0)
    elif action == "invoice":
        await s.finance.issue_invoice(book.finance, order_id=order.id)
    elif action == "pay":
        if book.tokens and r % 9 == 0:  # a confirmation pressed again: recorded once
            order_id, amount, token = book.tokens[r % len(book.tokens)]
            again = await s.finance.record_payment(
                book.finance, order_id, amount, Method.CASH, today, token
            )
            assert not again.created
            return
        _, owed = await s.finance.owed(book.finance, order_id=order.id)
        amount = [owed, owed // 2 + 1, owed + 1 + r % 9000, 1 + r % 60000][r % 4] or 1 + r % 500
        token = f"p{n}"
        await s.finance.record_payment(
            book.finance, order.id, amount, METHODS[r % 4], today, token
        )
        book.received += amount
        book.tokens.append((order.id, amount, token))
    elif action == "refund":
        if book.refund_tokens and r % 9 == 0:  # a confirmation pressed again: recorded once
            order_id, amount, token = book.refund_tokens[r % len(book.refund_tokens)]
            again = await s.finance.record_refund(
                book.finance, order_id, amount, Method.CASH, today, token
            )
            assert not again.created and again.amount == amount
            return
        due = order.refund_due
        amount = [due, due // 2 + 1, due + 1 + r % 100][r % 3]
        try:
            await s.finance.record_refund(
                book.finance, order.id, amount, METHODS[r % 4], today, f"r{n}"
            )
        except RefundOverDue as refused:
            assert not 0 < amount <= due and refused.due == due, "refused only beyond what is due"
            raise
        assert 0 < amount <= due
        book.paid_back += amount
        book.refund_tokens.append((order.id, amount, f"r{n}"))
    elif action == "cancel":
        outcome = await s.orders.cancel(buyer, order.id, "Changed my mind")
        if outcome.request_id is not None:
            await s.requests.decide(book.admin, outcome.request_id, approve=True)
    elif action == "ship":
        open_lines = [x for x in lines if x.remaining]
        if open_lines:
            line = open_lines[r % len(open_lines)]
            quantity = {line.id: 1 + r // 3 % line.remaining}
            await s.fulfilment.ship(book.warehouse, order.id, quantity, "SF Express", None, None)
    elif action == "short":
        open_lines = [x for x in lines if x.remaining]
        if open_lines:
            line = open_lines[r % len(open_lines)]
            notice = await s.shortages.report(book.warehouse, line.id, r % line.remaining, None)
            choice = (ShortageChoice.SHIP_AVAILABLE, ShortageChoice.CANCEL_LINE)[r // 5 % 2]
            await s.shortages.choose(buyer, notice.shortage_id, choice)
    elif action == "deliver":
        async with book.db.reader() as uow:
            shipments = await uow.shipments.for_order(order.id)
        waiting = [x for x in shipments if x.delivered_at is None]
        if waiting:
            await s.fulfilment.mark_delivered(book.warehouse, waiting[r % len(waiting)].id)


async def check(book: Book) -> None:
    """Every figure of every order, screen, report and export against the one rule."""
    s = book.services
    rows = await book.sql(
        "SELECT o.id, o.customer_id, o.total, o.status, o.payment_status, o.refund_due,"
        " (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE order_id = o.id),"
        " (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = o.id),"
        " (SELECT amount FROM invoices WHERE order_id = o.id),"
        " (SELECT COALESCE(SUM(amount), 0) FROM credit_notes WHERE order_id = o.id),"
        " (SELECT SUM(amount) FROM due_dates WHERE order_id = o.id)"
        " FROM orders o ORDER BY o.id"
    )
    ((received, paid_back),) = await book.sql(
        "SELECT (SELECT COALESCE(SUM(amount), 0) FROM payments),"
        " (SELECT COALESCE(SUM(amount), 0) FROM refunds)"
    )
    assert (received, paid_back) == (book.received, book.paid_back), "a cent lost or made"
    t = I18n(book.config.business.currency, ZoneInfo("Asia/Shanghai")).texts(Language.EN)
    owed_invoiced = 0
    by_customer: dict[int, int] = {}
    money: dict[str, Ledger] = {}
    for order_id, customer_id, total, status, stored, refund_due, paid, refunded, *inv in rows:
        invoiced, credited, dues = inv
        assert isinstance(order_id, int) and isinstance(customer_id, int)
        m = ledger(int(total), OrderStatus(str(status)), int(paid), int(refunded))
        assert m.paid - m.refunded + m.owed - m.refund_due == m.charge, order_id
        assert m.owed >= 0 and m.refund_due >= 0 and not (m.owed and m.refund_due)
        assert m.refunded <= m.paid, "never more paid back than came in"
        assert (stored, refund_due) == (m.status.value, m.refund_due), order_id
        if invoiced is not None:
            assert int(invoiced) - int(credited) == m.charge, order_id
            assert int(dues or 0) == m.charge, order_id
            owed_invoiced += m.owed
            by_customer[customer_id] = by_customer.get(customer_id, 0) + m.owed
        view = await s.staff_orders.view(book.admin, order_id=order_id)
        assert view.money == m, order_id
        number = view.detail.order.number
        money[number] = m
        staff_text = staff_order_views.view(t, book.config, view).text
        for line in finance_views.money_lines(t, view.detail.order, m, book.config):
            assert line in staff_text
        own = await s.orders.detail(book.owner(view.detail.order), order_id=order_id)
        assert own.order.payment_status is m.status and own.order.refund_due == m.refund_due
        assert own.order.totals.total == total
        status_line = t._("Payment: %(status)s") % {"status": t._(labels.PAYMENT_STATUS[m.status])}
        assert status_line in order_views.order_detail(t, book.config, own).text

    receivables = await s.finance.receivables(book.finance)
    assert receivables.total == owed_invoiced
    assert sum(receivables.buckets) == receivables.overdue <= receivables.total
    for row in book.customer_rows:
        balance = await s.finance.customer_balance(book.finance, row.id)
        assert balance.outstanding == by_customer.get(row.id, 0), row.name

    today = s.finance.today()
    period = ExportPeriod.of(START.date() - timedelta(days=1), START.date() + timedelta(days=364))
    assert today <= period.end
    exported = await s.exports.export(book.finance, Dataset.RECEIVABLES, period)
    assert sum(int(r[6]) for r in exported.rows) == owed_invoiced
    table = await s.exports.export(book.finance, Dataset.ORDERS, period)
    keys = [c.key for c in table.columns]
    assert len(table.rows) == len(rows)
    for cells in table.rows:
        row = dict(zip(keys, cells, strict=True))
        m = money[str(row["order"])]
        assert row["payment_status"] == m.status.value
        assert (row["charged"], row["paid"], row["refunded"]) == (m.charge, m.paid, m.refunded)
        assert (row["owed"], row["refund_due"]) == (m.owed, m.refund_due)
    payments = await s.exports.export(book.finance, Dataset.PAYMENTS, period)
    assert sum(int(r[6]) for r in payments.rows) == received - paid_back


@asynccontextmanager
async def copy_of(template: Path) -> AsyncIterator[Book]:
    """A book opened on a fresh copy of the template, closed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orderdesk.sqlite3"
        shutil.copy(template, path)
        book = await open_book(path)
        try:
            yield book
        finally:
            await book.db.close()


async def run(template: Path, steps: list[Step]) -> list[str]:
    """Play the steps on a copy of the template, checking the book after each; returns what
    each step came to (ok, or the refusal)."""
    outcomes = []
    async with copy_of(template) as book:
        for n, (action, target, r) in enumerate(steps):
            try:
                await play(book, n, action, target, r)
                outcomes.append("ok")
            except (NotAllowed, OrderNotFound):
                raise
            except DomainError as refused:
                outcomes.append(type(refused).__name__)
            await check(book)
    return outcomes


# Hypothesis as the money property tests run it: long steps, no example database.
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(steps=STEPS)
# Found by CI: a quantity change asked of a line cut short was taken as a request, and its
# approval said the order did not exist (now refused at once: LineSettled).
@example(steps=[("order", 0, 12), ("approve", 0, 0), ("short", 0, 1), ("quantity", 0, 1)])
def test_money_adds_up_after_every_step(template: Path, steps: list[Step]) -> None:
    asyncio.run(run(template, steps))


def test_a_known_history_adds_up(template: Path) -> None:
    """One history that takes every path at least once, whatever Hypothesis draws."""
    steps: list[Step] = [
        ("order", 0, 0),  # customer 0, prepaid
        ("order", 0, 3 + 48 + 192),  # customer 0, two lines, cash on delivery
        ("order", 0, 1 + 384),  # customer 1, net 30
        ("discount", 0, 10),
        ("quantity", 0, 14),
        ("approve", 0, 0),
        ("approve", 1, 0),
        ("approve", 2, 0),
        ("pay", 0, 4502),  # more than order 0 owes: pays order 1 too, the rest is paid back
        ("pay", 0, 9),  # that confirmation again: recorded once
        ("refund", 0, 2),  # over what is due: refused
        ("refund", 0, 1),  # half
        ("refund", 0, 9),  # that confirmation again: recorded once
        ("invoice", 1, 0),
        ("ship", 1, 0),
        ("short", 1, 5),  # the rest of a line dropped: a credit note, money to pay back
        ("deliver", 1, 0),
        ("invoice", 2, 0),
        ("pay", 2, 1),
        ("days", 0, 6),
        ("quantity", 2, 35),  # a change after approval, by request, accepted
        ("cancel", 2, 0),  # cancelled after an invoice and a payment
        ("refund", 2, 0),
        ("order", 0, 2),
        ("pay", 3, 4),  # paid before approval, then rejected: all of it to pay back
        ("reject", 3, 0),
        ("refund", 3, 0),
        ("order", 0, 5),
        ("pay", 4, 4),
        ("discount", 4, 10),  # a discount after payment: the difference to pay back
    ]
    outcomes = asyncio.run(run(template, steps))
    assert [(s[0], o) for s, o in zip(steps, outcomes, strict=True) if o != "ok"] == [
        ("refund", "RefundOverDue")
    ], "every other step did what it says"
