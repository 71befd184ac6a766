"""Reminders decided by the service over a real SQLite file, with a fake clock: each kind fires
at its time and once; payments and cancellations stop them; quiet hours hold and release;
dunning escalates in order; a down period sends the newest step once; overlapping scans and a
second process never log the same reminder twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.models import Order, OrderStatus, User
from bot.domain.payments import Method
from bot.domain.reminders import Kind
from bot.domain.roles import Role
from bot.services import Services
from bot.services.reminders import Planned
from bot.services.transitions import apply_transition
from tests.conftest import BASE_CONFIG, load_demo_catalog, make_config
from tests.integration.helpers import customer, draft, product

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A Shanghai wall-clock moment."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Book:
    services: Services
    db: Database
    clock: FixedClock
    config: Config
    rep: User
    manager: User
    finance: User
    warehouse: User
    buyer: User

    async def order(self, term: str = "net30", sku: str = "STP-24", qty: int = 2) -> Order:
        """A submitted order of the buyer (pick-up, so no delivery fee)."""
        await self.services.cart.add(self.buyer, (await product(self.services, sku)).id, qty)
        token = f"t{self.clock.now().timestamp()}-{sku}-{qty}"
        return (
            await self.services.checkout.submit(
                self.buyer, draft(token, term=term, delivery="pickup", address=None)
            )
        ).order

    async def approve(self, order: Order) -> None:
        await self.services.approvals.approve(self.rep, order.id)

    async def invoiced(self, term: str = "net30", qty: int = 2, *, deliver: bool = True) -> Order:
        """A delivered (or just approved) order with its invoice issued now."""
        order = await self.order(term, qty=qty)
        steps = [OrderStatus.APPROVED]
        if deliver:
            steps += [OrderStatus.SHIPPED, OrderStatus.DELIVERED]
        async with self.db.unit_of_work() as uow:
            for status in steps:
                order = await apply_transition(
                    uow, order, status, config=self.config, actor_id=None, at=self.clock.now()
                )
            await uow.commit()
        await self.services.finance.issue_invoice(self.finance, order_id=order.id)
        return order

    async def scan(self, *, digest: bool = False) -> list[Planned]:
        """What is due now (not held; the daily digest only if asked), then log it as the job
        does."""
        due = await self.services.reminders.due_reminders(self.clock.now())
        await self.services.reminders.queue_due()
        return [p for p in due if p.held_until is None and (digest or p.kind is not Kind.DIGEST)]

    def move(self, moment: datetime) -> None:
        self.clock.advance(moment - self.clock.now())


def summary(planned: list[Planned]) -> list[tuple[str, int, str]]:
    """(kind, level, audience) of each reminder, sorted."""
    return sorted((p.kind.value, p.level, p.recipient.audience.value) for p in planned)


async def _staff(services: Services, db: Database, tid: int, name: str, role: Role) -> User:
    user = await services.users.identify(tid, name, None, "en")
    async with db.unit_of_work() as uow:
        await uow.staff.grant(user.id, role, None, services.reminders.clock.now())
        await uow.commit()
    return user


@pytest.fixture
async def book(tmp_path: Path, clock: FixedClock) -> AsyncIterator[Book]:
    config = book_config(tmp_path / "book.sqlite3")
    db = Database(config.database.path)
    await db.open()
    await load_demo_catalog(db, config, clock)
    services = Services.build(db, config, clock)
    rep = await _staff(services, db, 101, "Sam", Role.SALES_REP)
    manager = await _staff(services, db, 102, "Mia", Role.SALES_MANAGER)
    finance = await _staff(services, db, 103, "Fay", Role.FINANCE)
    warehouse = await _staff(services, db, 104, "Wu", Role.WAREHOUSE)
    buyer = await customer(services, 2)  # (1 is an administrator in the test config)
    async with db.unit_of_work() as uow:
        c = await uow.customers.by_user(buyer.id)
        assert c is not None and c.rep_id == rep.id
        for code in ("net30", "inst3"):
            await uow.customers.allow_term(c.id, code)
        await uow.customers.set_credit(c.id, 10**9, False)  # orders on credit go to the rep
        await uow.commit()
    yield Book(services, db, clock, config, rep, manager, finance, warehouse, buyer)
    await db.close()


def book_config(path: Path, **reminders: object) -> Config:
    """The test configuration plus a three-instalment term."""
    terms = [
        *BASE_CONFIG["payment_terms"],
        {"code": "inst3", "kind": "instalments", "count": 3, "interval_days": 30},
    ]
    return make_config(path, reminders=dict(reminders), payment_terms=terms)


async def test_payment_steps_fire_once_each_and_escalate_in_order(book: Book) -> None:
    order = await book.invoiced()  # 70.00 on net 30: due 2026-12-23
    today = book.clock.now().astimezone(SHANGHAI).date()
    due = today + timedelta(days=30)
    assert summary(await book.scan()) == []
    book.move(at(due - timedelta(days=3), 9))
    first = await book.scan()
    assert summary(first) == [("payment", -3, "customer")]
    assert first[0].order_id == order.id and first[0].ref == 1 and first[0].since == due
    assert await book.scan() == [], "once only"
    book.move(at(due, 9))
    assert summary(await book.scan()) == [("payment", 0, "customer")]
    expected = {
        1: [("overdue", 1, "finance"), ("overdue", 1, "rep"), ("payment", 1, "customer")],
        7: [("overdue", 7, "finance"), ("overdue", 7, "rep"), ("payment", 7, "customer")],
        14: [
            ("overdue", 14, "finance"),
            ("overdue", 14, "managers"),
            ("overdue", 14, "rep"),
            ("payment", 14, "customer"),
        ],
    }
    for days, wanted in expected.items():
        book.move(at(due + timedelta(days=days - 1), 9))
        assert summary(await book.scan()) == [], f"nothing the day before level {days}"
        book.move(at(due + timedelta(days=days), 9))
        assert summary(await book.scan()) == wanted
        assert await book.scan() == []
    rows = await rows_of(book, "SELECT kind, level FROM reminders WHERE kind = 'payment'")
    assert [r[1] for r in rows] == [-3, 0, 1, 7, 14], "in order, each once"


async def test_payment_stops_reminders_and_cancellation_too(book: Book) -> None:
    paid = await book.invoiced()
    cancelled = await book.invoiced(qty=3, deliver=False)
    await book.services.finance.record_payment(
        book.finance, paid.id, paid.totals.total, Method.CASH, book.services.finance.today()
    )
    async with book.db.unit_of_work() as uow:
        order = await uow.orders.by_id(cancelled.id)
        assert order is not None
        await apply_transition(
            uow,
            order,
            OrderStatus.CANCELLED,
            config=book.config,
            actor_id=None,
            at=book.clock.now(),
            reason="test",
        )
        await uow.commit()
    for days in (27, 30, 31, 40, 80):
        book.move(at(date(2026, 11, 23) + timedelta(days=days)))
        assert [p for p in await book.scan() if p.kind is not Kind.SHIP_LATE] == []


async def test_partial_payment_keeps_the_reminder_with_what_is_left(book: Book) -> None:
    order = await book.invoiced()
    await book.services.finance.record_payment(
        book.finance, order.id, 3000, Method.CASH, book.services.finance.today()
    )
    book.move(at(date(2026, 12, 24)))
    planned = await book.scan()
    assert summary(planned) == [
        ("overdue", 1, "finance"),
        ("overdue", 1, "rep"),
        ("payment", 1, "customer"),
    ]
    customer_reminder = next(p for p in planned if p.kind is Kind.PAYMENT)
    outgoing = await book.services.reminders.preview(customer_reminder)
    assert outgoing is not None and outgoing.instalment is not None
    assert outgoing.instalment.owed == 7000 - 3000


async def test_instalments_are_reminded_one_by_one(book: Book) -> None:
    order = await book.invoiced("inst3", qty=3)  # 105.00: 35.00 today, in 30 and in 60 days
    planned = await book.scan()
    assert summary(planned) == [("payment", 0, "customer")]  # the first is due today
    assert planned[0].ref == 1
    book.move(at(date(2026, 11, 24)))
    await book.services.finance.record_payment(
        book.finance, order.id, 3500, Method.CASH, book.services.finance.today()
    )
    book.move(at(date(2026, 12, 20)))
    planned = await book.scan()
    assert [(p.ref, p.level) for p in planned] == [(2, -3)]
    book.move(at(date(2026, 12, 30)))  # the second is a week late, the third far off
    assert summary(await book.scan()) == [
        ("overdue", 7, "finance"),
        ("overdue", 7, "rep"),
        ("payment", 7, "customer"),
    ]
    book.move(at(date(2027, 1, 19)))  # the second two weeks late, the third due in 3 days
    planned = await book.scan()
    assert sorted((p.kind.value, p.ref, p.level, p.recipient.audience.value) for p in planned) == [
        ("overdue", 2, 14, "finance"),
        ("overdue", 2, 14, "managers"),
        ("overdue", 2, 14, "rep"),
        ("payment", 2, 14, "customer"),
        ("payment", 3, -3, "customer"),
    ]


async def test_a_down_period_sends_the_newest_step_once(book: Book) -> None:
    await book.invoiced()
    book.move(at(date(2027, 1, 25)))  # 33 days overdue; nobody scanned for two months
    assert summary(await book.scan()) == [
        ("overdue", 30, "finance"),
        ("overdue", 30, "managers"),
        ("overdue", 30, "rep"),
        ("payment", 30, "customer"),
    ]
    assert await book.scan() == []


async def test_quiet_hours_hold_customer_messages_until_morning(book: Book) -> None:
    order = await book.invoiced("prepaid")  # due today
    book.move(at(date(2026, 11, 23), 22, 30))
    due = await book.services.reminders.due_reminders(book.clock.now())
    assert [(p.kind.value, p.held_until) for p in due if p.kind is not Kind.DIGEST] == [
        ("payment", at(date(2026, 11, 24), 8)),
    ]
    assert len(await book.services.reminders.queue_due()) == 1, "the digest only: held"
    book.move(at(date(2026, 11, 24), 7, 59))
    assert await book.services.reminders.queue_due() == []
    book.move(at(date(2026, 11, 24), 8, 0))
    planned = await book.scan()
    # released in the morning: the newest step, which is now one day overdue
    assert summary(planned) == [
        ("overdue", 1, "finance"),
        ("overdue", 1, "rep"),
        ("payment", 1, "customer"),
    ]
    assert planned[0].order_id == order.id


async def test_quiet_hours_follow_the_customers_time_zone(book: Book) -> None:
    await book.invoiced("prepaid")
    async with book.db.unit_of_work() as uow:
        await uow.users.set_time_zone(book.buyer.id, "Europe/Berlin")
        await uow.commit()
    # 22:30 in Shanghai is 15:30 in Berlin: not quiet for this customer
    book.move(at(date(2026, 11, 23), 22, 30))
    assert summary(await book.scan()) == [("payment", 0, "customer")]


async def test_approval_reminders_go_to_the_rep_then_the_managers(book: Book) -> None:
    order = await book.order("net30")  # not auto-approved: on credit
    assert await book.scan() == []
    book.clock.advance(timedelta(hours=3, minutes=59))
    assert await book.scan() == []
    book.clock.advance(timedelta(minutes=1))
    planned = await book.scan()
    assert summary(planned) == [("approval", 1, "rep")]
    assert planned[0].recipient.user_id == book.rep.id
    book.clock.advance(timedelta(hours=4))
    planned = await book.scan()
    assert summary(planned) == [("approval", 2, "managers")]
    assert planned[0].recipient.user_id == book.manager.id
    book.clock.advance(timedelta(hours=40))
    assert await book.scan() == []
    await book.approve(order)
    assert await book.scan() == []


async def test_late_shipping_alerts_the_warehouse_and_the_rep(book: Book) -> None:
    order = await book.order("net30")
    await book.approve(order)  # Monday: a standard order ships within 2 days
    book.move(at(date(2026, 11, 25), 18))
    assert await book.scan() == []
    book.move(at(date(2026, 11, 26), 9))
    assert summary(await book.scan()) == [("ship_late", 0, "rep"), ("ship_late", 0, "warehouse")]
    assert await book.scan() == []


async def test_a_promised_ship_date_replaces_the_standard_promise(book: Book) -> None:
    order = await book.order("net30")
    await book.services.approvals.adjust(book.rep, order.id, promised=date(2026, 11, 30))
    await book.approve(order)
    book.move(at(date(2026, 11, 30), 9))
    assert await book.scan() == []
    book.move(at(date(2026, 12, 1), 9))
    assert summary(await book.scan()) == [("ship_late", 0, "rep"), ("ship_late", 0, "warehouse")]


async def test_delivery_late_then_confirm_and_none_once_delivered(book: Book) -> None:
    order = await book.order("net30")
    await book.approve(order)
    lines = await line_ids(book, order.id)
    shipped = await book.services.fulfilment.ship(
        book.warehouse, order.id, lines, "SF Express", "SF123456", date(2026, 11, 25)
    )
    book.move(at(date(2026, 11, 25), 20))
    assert await book.scan() == []
    book.move(at(date(2026, 11, 26), 9))
    planned = await book.scan()
    assert summary(planned) == [("delivery", 1, "customer"), ("delivery", 1, "rep")]
    assert {p.ref for p in planned} == {shipped.shipment.id}
    book.move(at(date(2026, 11, 28), 9))
    assert summary(await book.scan()) == [("delivery", 2, "customer")]
    book.move(at(date(2026, 12, 10), 9))
    assert await book.scan() == []

    second = await book.order("net30", qty=1)
    await book.approve(second)
    result = await book.services.fulfilment.ship(
        book.warehouse, second.id, await line_ids(book, second.id), "SF Express", None, None
    )
    await book.services.fulfilment.confirm_receipt(book.buyer, result.shipment.id)
    book.move(at(date(2027, 1, 10), 9))
    assert [p for p in await book.scan() if p.order_id == second.id] == []


async def test_shipments_without_a_date_use_the_usual_transit(book: Book) -> None:
    order = await book.order("net30")
    await book.approve(order)
    await book.services.fulfilment.ship(
        book.warehouse, order.id, await line_ids(book, order.id), "SF Express", None, None
    )
    book.move(at(date(2026, 11, 26), 9))  # expected after 3 days: the 26th
    assert await book.scan() == []
    book.move(at(date(2026, 11, 27), 9))
    assert summary(await book.scan()) == [("delivery", 1, "customer"), ("delivery", 1, "rep")]


async def test_the_digest_is_due_once_a_day_at_its_time(book: Book) -> None:
    book.move(at(date(2026, 11, 24), 8, 29))
    assert await book.scan(digest=True) == []
    book.move(at(date(2026, 11, 24), 8, 30))
    planned = await book.scan(digest=True)
    assert summary(planned) == [("digest", 0, "finance")]
    assert planned[0].ref == 20261124 and planned[0].recipient.user_id == book.finance.id
    book.move(at(date(2026, 11, 24), 23, 0))
    assert await book.scan(digest=True) == []
    book.move(at(date(2026, 11, 25), 8, 31))
    assert [p.ref for p in await book.scan(digest=True)] == [20261125]


async def test_paused_customers_get_nothing_but_staff_are_still_told(book: Book) -> None:
    order = await book.invoiced()
    c = await customer_record(book)
    await book.services.customer_admin.pause_reminders(book.finance, c, True)
    book.move(at(date(2026, 12, 24), 9))
    assert summary(await book.scan()) == [("overdue", 1, "finance"), ("overdue", 1, "rep")]
    book.move(at(date(2026, 12, 31), 9))
    assert summary(await book.scan()) == [("overdue", 7, "finance"), ("overdue", 7, "rep")]
    await book.services.customer_admin.pause_reminders(book.rep, c, False)
    planned = await book.scan()
    assert summary(planned) == [("payment", 7, "customer")], "resumed: the current step, once"
    assert planned[0].order_id == order.id
    history = await rows_of(
        book, "SELECT action, before, after FROM audit_log WHERE action = 'reminders'"
    )
    assert history == [("reminders", "on", "paused"), ("reminders", "paused", "on")]


async def test_only_staff_may_pause_and_a_rep_only_their_own(book: Book) -> None:
    from bot.domain.errors import NotAllowed

    c = await customer_record(book)
    other_rep = await _staff(book.services, book.db, 105, "Sid", Role.SALES_REP)
    for who in (book.buyer, book.warehouse, other_rep):
        with pytest.raises(NotAllowed):
            await book.services.customer_admin.pause_reminders(who, c, True)
    refused = await rows_of(book, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
    assert refused == [(3,)]
    assert (await book.services.customer_admin.pause_reminders(book.rep, c, True)).reminders_paused


async def test_pausing_from_a_balance_is_one_step_refused_before_any_change(book: Book) -> None:
    from bot.domain.errors import NotAllowed, StaffNotFound

    await book.invoiced()
    c = await customer_record(book)
    for who in (book.buyer, book.warehouse):
        with pytest.raises(NotAllowed):
            await book.services.finance.pause_reminders(who, c, True)
    refused = await rows_of(book, "SELECT after FROM audit_log WHERE action = 'denied'")
    assert refused == [("balance",), ("balance",)], "refused as for seeing the balance"
    with pytest.raises(StaffNotFound):
        await book.services.finance.pause_reminders(book.finance, c + 1000, True)
    assert await rows_of(book, "SELECT COUNT(*) FROM audit_log WHERE action = 'reminders'") == [
        (0,)
    ]

    balance = await book.services.finance.pause_reminders(book.finance, c, True)
    assert balance.customer.id == c and balance.customer.reminders_paused
    assert [o.number for o in balance.orders] != []
    history = await rows_of(
        book, "SELECT actor_id, before, after FROM audit_log WHERE action = 'reminders'"
    )
    assert history == [(book.finance.id, "on", "paused")]
    book.move(at(date(2026, 12, 24), 9))
    assert "customer" not in [who for *_, who in summary(await book.scan())]


async def test_unreachable_people_are_not_tried(book: Book) -> None:
    await book.invoiced("prepaid")
    blocked = await book.services.reminders.unreachable(book.buyer.id)
    assert blocked is not None and [r.user_id for r in blocked.tell] == [book.rep.id]
    assert await book.services.reminders.unreachable(book.buyer.id) is None, "told once"
    assert await book.scan() == []
    # they write again: reachable, and the reminder that is current goes out
    await book.services.users.identify(2, "User 2", None, "en")
    assert summary(await book.scan()) == [("payment", 0, "customer")]


async def test_overlapping_scans_log_each_reminder_once(book: Book) -> None:
    for qty in (1, 2, 3):
        await book.invoiced("prepaid", qty=qty)
    results = await asyncio.gather(*(book.services.reminders.queue_due() for _ in range(5)))
    assert sorted(len(r) for r in results) == [0, 0, 0, 0, 4]  # three payments, the digest


async def test_two_processes_scanning_one_file_log_each_reminder_once(book: Book) -> None:
    for qty in (1, 2, 3):
        await book.invoiced("prepaid", qty=qty)
    other = Database(book.config.database.path)
    await other.open()
    try:
        second = Services.build(other, book.config, book.clock)
        results = await asyncio.gather(
            book.services.reminders.queue_due(), second.reminders.queue_due()
        )
    finally:
        await other.close()
    assert sorted(len(r) for r in results) == [0, 4]  # three payments, the digest
    assert await rows_of(book, "SELECT COUNT(*) FROM reminders") == [(4,)]


async def test_a_reminder_taken_is_not_taken_again_and_paid_ones_are_dropped(book: Book) -> None:
    order = await book.invoiced("prepaid")
    first, _digest = await book.services.reminders.queue_due()
    # paid between deciding and sending: dropped, never sent
    await book.services.finance.record_payment(
        book.finance, order.id, order.totals.total, Method.CASH, book.services.finance.today()
    )
    assert await book.services.reminders.take(first) is None
    assert await rows_of(book, "SELECT kind, status FROM reminders") == [
        ("payment", "dropped"),
        ("digest", "queued"),
    ]
    assert await book.services.reminders.take(first) is None


async def line_ids(book: Book, order_id: int) -> dict[int, int]:
    async with book.db.reader() as uow:
        return {x.id: x.remaining for x in await uow.orders.lines(order_id)}


async def customer_record(book: Book) -> int:
    async with book.db.reader() as uow:
        c = await uow.customers.by_user(book.buyer.id)
    assert c is not None
    return c.id


async def rows_of(book: Book, sql: str) -> list[tuple[object, ...]]:
    async with book.db.reader() as uow, book.db.connection.execute(sql) as cursor:
        del uow
        return [tuple(r) for r in await cursor.fetchall()]


async def test_the_digest_figures_against_a_hand_computed_book(book: Book) -> None:
    from bot.i18n import I18n
    from bot.ui.finance_views import digest

    day0 = date(2026, 11, 23)
    a1 = await book.invoiced("net30", qty=2)  # 70.00, due day 30
    a2 = await book.invoiced("inst3", qty=3)  # 105.00: 35.00 on days 0, 30 and 60
    book.move(at(day0 + timedelta(days=5)))
    await book.services.finance.record_payment(
        book.finance, a2.id, 3500, Method.BANK_TRANSFER, book.services.finance.today()
    )
    book.move(at(day0 + timedelta(days=10)))
    b1 = await other_customers_order(book, 3, "NB-A5-DOT", 2, "net30")  # 36.00, due day 40
    book.move(at(day0 + timedelta(days=50)))
    c1 = await other_customers_order(book, 4, "STP-REFILL", 4, "prepaid")  # 18.00, paid
    await book.services.finance.record_payment(
        book.finance, c1.id, 1800, Method.CASH, book.services.finance.today()
    )
    book.move(at(day0 + timedelta(days=75), 9))
    queued = await book.services.reminders.queue_due()
    (row,) = await rows_of(book, "SELECT id FROM reminders WHERE kind = 'digest'")
    digest_id = int(str(row[0]))
    assert digest_id in queued
    outgoing = await book.services.reminders.take(digest_id)
    assert outgoing is not None and outgoing.receivables is not None
    value = outgoing.receivables
    # A1 45 days late (70.00), A2's second instalment 45 days (35.00) and third 15 days
    # (35.00), B1 35 days (36.00); C1 is paid.
    assert value.total == 7000 + 3500 + 3500 + 3600
    assert value.overdue == value.total
    assert value.buckets == (3500, 7000 + 3500 + 3600, 0, 0)
    assert [(c.name, c.overdue, c.orders, c.days_overdue) for c in value.worst_customers] == [
        ("Customer 2", 14000, 2, 45),
        ("Customer 3", 3600, 1, 35),
    ]
    assert {d.order_id for d in value.worst} == {a1.id, a2.id, b1.id}
    t = I18n(book.config.business.currency, SHANGHAI).texts(book.finance.language)
    assert outgoing.day is not None
    text = digest(t, outgoing.day, value).text
    for line in (
        "📊 <b>Receivables on Feb 6, 2027</b>",
        "Outstanding: CN¥176.00",
        "0–30 days: CN¥35.00",
        "31–60 days: CN¥141.00",
        "1. Customer 2: CN¥140.00, up to 45 days late",
        "2. Customer 3: CN¥36.00, up to 35 days late",
    ):
        assert line in text


async def other_customers_order(book: Book, tid: int, sku: str, qty: int, term: str) -> Order:
    """Another customer's order, delivered and invoiced now."""
    buyer = await customer(book.services, tid)
    async with book.db.unit_of_work() as uow:
        c = await uow.customers.by_user(buyer.id)
        assert c is not None
        await uow.customers.allow_term(c.id, term)
        await uow.commit()
    await book.services.cart.add(buyer, (await product(book.services, sku)).id, qty)
    order = (
        await book.services.checkout.submit(
            buyer, draft(f"o{tid}", term=term, delivery="pickup", address=None)
        )
    ).order
    async with book.db.unit_of_work() as uow:
        for status in (OrderStatus.APPROVED, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            order = await apply_transition(
                uow, order, status, config=book.config, actor_id=None, at=book.clock.now()
            )
        await uow.commit()
    await book.services.finance.issue_invoice(book.finance, order_id=order.id)
    return order
