"""Every report figure against a week of orders built by hand through the services, with a
moving clock: sales by day, product, customer and rep; time to approval and to shipment;
on-time delivery; fill rate; cancellations with reasons; receivables ageing; ratings. The
arithmetic of each expected number is written beside it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.errors import (
    FeedbackGiven,
    FeedbackNotOpen,
    NotAllowed,
    OptionNotOffered,
    OrderNotFound,
    StaffNotFound,
    TransitionRefused,
)
from bot.domain.models import Order, OrderStatus, User
from bot.domain.payments import Method
from bot.domain.reports import (
    SHORT_REASON,
    CancelStage,
    CustomerSales,
    DaySales,
    Period,
    PeriodKind,
    ProductSales,
    RepSales,
)
from bot.domain.roles import Role
from bot.services import Services
from bot.services.shortages import ShortageChoice
from tests.conftest import BASE_CONFIG, load_demo_catalog, make_config
from tests.integration.helpers import customer, draft, product

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = Period(date(2026, 11, 23), date(2026, 11, 29))  # Monday to Sunday


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Shanghai wall-clock moment in November 2026 (or another month)."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Shop:
    services: Services
    db: Database
    clock: FixedClock
    config: Config
    sam: User  # sales rep of Ann
    rex: User  # sales rep of Bob
    mia: User  # sales manager
    fay: User  # finance
    wu: User  # warehouse
    ann: User
    bob: User
    cy: User  # registered before there was any rep: has none
    orders: dict[str, Order] = field(default_factory=dict)

    def move(self, moment: datetime) -> None:
        self.clock.advance(moment - self.clock.now())

    async def order(
        self,
        name: str,
        buyer: User,
        items: list[tuple[str, int]],
        *,
        delivery: str = "pickup",
        term: str = "cod",
        desired: date | None = None,
    ) -> Order:
        for sku, qty in items:
            await self.services.cart.add(buyer, (await product(self.services, sku)).id, qty)
        address = "1 Garden Road, Shanghai" if delivery == "courier" else None
        submitted = await self.services.checkout.submit(
            buyer,
            draft(name, delivery=delivery, address=address, term=term, desired_date=desired),
        )
        self.orders[name] = submitted.order
        return submitted.order

    async def approve(self, name: str) -> None:
        await self.services.approvals.approve(self.mia, self.orders[name].id)

    async def ship(self, name: str, units: dict[str, int] | None = None) -> int:
        """Ship these units per SKU (default: everything left); returns the shipment id."""
        lines = (await self.services.fulfilment.pick_list(self.wu, self.orders[name].id)).lines
        chosen = {x.id: (units or {}).get(x.sku, x.remaining) for x in lines}
        result = await self.services.fulfilment.ship(
            self.wu, self.orders[name].id, chosen, "SF Express", None, None
        )
        return result.shipment.id

    async def short(self, name: str, sku: str, buyer: User) -> None:
        """The warehouse finds none of a line; the customer drops it."""
        lines = (await self.services.fulfilment.pick_list(self.wu, self.orders[name].id)).lines
        line = next(x for x in lines if x.sku == sku)
        notice = await self.services.shortages.report(self.wu, line.id, 0, None)
        self.move(self.clock.now() + timedelta(minutes=30))
        await self.services.shortages.choose(buyer, notice.shortage_id, ShortageChoice.CANCEL_LINE)


async def _staff(services: Services, db: Database, tid: int, name: str, role: Role) -> User:
    user = await services.users.identify(tid, name, None, "en")
    async with db.unit_of_work() as uow:
        await uow.staff.grant(user.id, role, None, services.reports.clock.now())
        await uow.commit()
    return user


async def _set_rep(db: Database, buyer: User, rep: User) -> None:
    async with db.unit_of_work() as uow:
        c = await uow.customers.by_user(buyer.id)
        assert c is not None
        await uow.staff.set_customer_rep(c.id, rep.id)
        await uow.customers.allow_term(c.id, "net30")
        await uow.customers.set_credit(c.id, 10**9, False)
        await uow.commit()


@pytest.fixture
async def shop(tmp_path: Path, clock: FixedClock) -> AsyncIterator[Shop]:
    """The shop before the week: staff, three customers, the demo catalog."""
    config = make_config(tmp_path / "reports.sqlite3", payment_terms=BASE_CONFIG["payment_terms"])
    db = Database(config.database.path)
    await db.open()
    await load_demo_catalog(db, config, clock)
    services = Services.build(db, config, clock)
    cy = await customer(services, 4)  # no rep exists yet
    sam = await _staff(services, db, 101, "Sam", Role.SALES_REP)
    rex = await _staff(services, db, 105, "Rex", Role.SALES_REP)
    mia = await _staff(services, db, 102, "Mia", Role.SALES_MANAGER)
    fay = await _staff(services, db, 103, "Fay", Role.FINANCE)
    wu = await _staff(services, db, 104, "Wu", Role.WAREHOUSE)
    ann, bob = await customer(services, 2), await customer(services, 3)
    await _set_rep(db, ann, sam)
    await _set_rep(db, bob, rex)
    yield Shop(services, db, clock, config, sam, rex, mia, fay, wu, ann, bob, cy)
    await db.close()


async def live_the_week(s: Shop) -> None:
    """Monday 23 to Monday 30 November 2026, in Shanghai time, hour by hour."""
    fulfilment, feedback = s.services.fulfilment, s.services.feedback
    s.move(at(23, 10))
    await s.order("O1", s.ann, [("STP-24", 2)], term="net30")  # 2 × 35.00 = 70.00
    s.move(at(23, 11))
    # 10 × 4.50 = 45.00 + courier 15.00 = 60.00, wanted by Thursday 26
    await s.order(
        "O2", s.bob, [("STP-REFILL", 10)], delivery="courier", desired=date(2026, 11, 26)
    )
    s.move(at(23, 12))
    await s.approve("O1")  # 2 h after submission
    s.move(at(23, 14))
    await s.services.approvals.adjust(s.mia, s.orders["O2"].id, promised=date(2026, 11, 24))
    s.move(at(23, 15))
    await s.approve("O2")  # 4 h, promised to ship by Tuesday 24
    s.move(at(24, 9))
    await s.order("O3", s.cy, [("TN-2420", 1)])  # 389.00
    s.move(at(24, 10))
    await s.order("O4", s.ann, [("NB-A5-DOT", 3)])
    o1_shipment = await s.ship("O1")  # all of O1
    o2_first = await s.ship("O2", {"STP-REFILL": 4})  # part of O2
    s.move(at(24, 11))
    await s.services.orders.cancel(s.ann, s.orders["O4"].id, "Ordered by mistake")
    s.move(at(24, 17))
    await s.approve("O3")  # 8 h
    s.move(at(24, 18))
    await s.services.finance.issue_invoice(s.fay, order_id=s.orders["O3"].id)  # due at once
    await s.services.finance.record_payment(
        s.fay, s.orders["O3"].id, 8900, Method.BANK_TRANSFER, date(2026, 11, 24)
    )
    s.move(at(25, 10))
    await s.order("O5", s.bob, [("STP-24", 1)])
    await fulfilment.confirm_receipt(s.ann, o1_shipment)  # O1 delivered on Wednesday 25
    s.move(at(25, 11))
    await feedback.rate(s.ann, s.orders["O1"].id, 5)
    await feedback.comment(s.ann, s.orders["O1"].id, "Great  service")
    await s.services.approvals.reject(s.mia, s.orders["O5"].id, "Duplicate order")
    s.move(at(25, 12))
    await s.order("O6", s.ann, [("PAP-A4-80", 2)])
    s.move(at(25, 13))
    await s.approve("O6")  # 1 h
    s.move(at(25, 13, 30))
    asked = await s.services.orders.cancel(s.ann, s.orders["O6"].id, "Found it cheaper")
    s.move(at(25, 14))
    assert asked.request_id is not None
    await s.services.requests.decide(s.mia, asked.request_id, approve=True)
    s.move(at(25, 15))
    await s.services.finance.issue_invoice(s.fay, order_id=s.orders["O1"].id)  # net 30: Dec 25
    s.move(at(26, 10))
    await s.order("O7", s.cy, [("STP-24", 2), ("NB-A5-DOT", 1)])  # 70.00 + 18.00
    o2_second = await s.ship("O2")  # the 6 left: O2's last shipment, on Thursday 26
    s.move(at(26, 10, 30))
    await s.approve("O7")  # 30 min
    s.move(at(26, 11))
    await s.short("O7", "NB-A5-DOT", s.cy)  # dropped at 11:30: O7 is now 70.00
    s.move(at(27, 10))
    await s.order("O9", s.bob, [("NB-A5-DOT", 1)])
    o7_shipment = await s.ship("O7")  # O7's two staplers, on Friday 27
    await fulfilment.mark_delivered(s.wu, o2_first)
    await fulfilment.mark_delivered(s.wu, o2_second)  # O2 delivered on Friday 27
    s.move(at(27, 10, 20))
    await s.approve("O9")  # 20 min
    s.move(at(27, 11))
    await s.short("O9", "NB-A5-DOT", s.bob)  # nothing left to ship: O9 is cancelled
    s.move(at(27, 12))
    await feedback.rate(s.bob, s.orders["O2"].id, 2)
    await feedback.comment(s.bob, s.orders["O2"].id, "Late")
    s.move(at(28, 10))
    await s.order("O10", s.bob, [("STP-24", 1)])
    await fulfilment.confirm_receipt(s.cy, o7_shipment)  # O7 delivered on Saturday 28
    s.move(at(28, 10, 30))
    await s.services.orders.cancel(s.bob, s.orders["O10"].id, " ordered by  MISTAKE ")
    s.move(at(28, 11))
    await feedback.rate(s.cy, s.orders["O7"].id, 4)  # no comment
    s.move(at(29, 23, 30))
    await s.order("O8a", s.ann, [("STP-24", 1)])  # 35.00, Sunday night: in the week
    s.move(at(29, 23, 45))
    await s.approve("O8a")  # 15 min
    s.move(at(30, 0, 10))
    await s.order("O8b", s.ann, [("STP-24", 1)])  # Monday 30 already (Sunday 16:10 UTC)
    s.move(at(30, 0, 20))
    await s.approve("O8b")  # approved after the week
    s.move(at(30, 12))  # the manager reads the report
    statuses = {n: (await _status(s, o)) for n, o in s.orders.items()}
    assert statuses == {
        "O1": OrderStatus.DELIVERED,
        "O2": OrderStatus.DELIVERED,
        "O3": OrderStatus.APPROVED,
        "O4": OrderStatus.CANCELLED,
        "O5": OrderStatus.REJECTED,
        "O6": OrderStatus.CANCELLED,
        "O7": OrderStatus.DELIVERED,
        "O9": OrderStatus.CANCELLED,
        "O10": OrderStatus.CANCELLED,
        "O8a": OrderStatus.APPROVED,
        "O8b": OrderStatus.APPROVED,
    }


async def _status(s: Shop, order: Order) -> OrderStatus:
    async with s.db.reader() as uow:
        found = await uow.orders.by_id(order.id)
    assert found is not None
    return found.status


@pytest.fixture
async def week(shop: Shop) -> Shop:
    await live_the_week(shop)
    return shop


async def test_sales_by_day(week: Shop) -> None:
    sales = await week.services.reports.sales_by_day(week.mia, WEEK)
    # Sales: approved or later, not cancelled or rejected, by the day submitted. O4, O6, O9 and
    # O10 were cancelled, O5 rejected, O8b submitted on Monday 30.
    assert sales.days == (
        DaySales(date(2026, 11, 23), 2, 13000),  # O1 70.00 + O2 60.00 (delivery fee included)
        DaySales(date(2026, 11, 24), 1, 38900),  # O3 389.00
        DaySales(date(2026, 11, 25), 0, 0),
        DaySales(date(2026, 11, 26), 1, 7000),  # O7 88.00 − the dropped notebook 18.00
        DaySales(date(2026, 11, 27), 0, 0),
        DaySales(date(2026, 11, 28), 0, 0),
        DaySales(date(2026, 11, 29), 1, 3500),  # O8a at 23:30 Shanghai time
    )
    assert (sales.orders, sales.amount) == (5, 62400)  # 130.00 + 389.00 + 70.00 + 35.00
    today = await week.services.reports.sales_by_day(
        week.mia, week.services.reports.period(PeriodKind.TODAY)
    )
    assert [(d.day, d.orders, d.amount) for d in today.days] == [(date(2026, 11, 30), 1, 3500)]
    month = week.services.reports.period(PeriodKind.MONTH)
    assert (month.start, month.end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (await week.services.reports.sales_by_day(week.mia, month)).amount == 62400 + 3500


async def test_top_products_customers_and_reps(week: Shop) -> None:
    reports = week.services.reports
    assert await reports.top_products(week.mia, WEEK) == (
        ProductSales("TN-2420", "Toner TN-2420 (black)", 1, 38900, 1),  # O3
        # O1 2 + O7 2 + O8a 1 = 5 units × 35.00
        ProductSales("STP-24", "Stapler No. 24/6", 5, 17500, 3),
        ProductSales("STP-REFILL", "Staples 24/6 (1000 pcs)", 10, 4500, 1),  # O2, no fee
        # O7's notebook: 1 ordered − 1 cancelled = 0 units: not listed
    )
    top = await reports.top_customers(week.mia, WEEK)
    assert [(c.name, c.orders, c.amount) for c in top] == [
        ("Customer 4", 2, 45900),  # Cy: O3 389.00 + O7 70.00
        ("Customer 2", 2, 10500),  # Ann: O1 70.00 + O8a 35.00
        ("Customer 3", 1, 6000),  # Bob: O2 60.00
    ]
    assert isinstance(top[0], CustomerSales)
    assert (await reports.top_customers(week.mia, WEEK, limit=1))[0].name == "Customer 4"
    by_rep = await reports.sales_by_rep(week.mia, WEEK)
    assert by_rep.reps == (
        RepSales(None, None, 2, 45900),  # Cy has no rep
        RepSales(week.sam.id, "Sam", 2, 10500),
        RepSales(week.rex.id, "Rex", 1, 6000),
    )


async def test_time_to_approval_and_to_shipment(week: Shop) -> None:
    reports = week.services.reports
    approval = await reports.time_to_approval(week.mia, WEEK)
    # Approved in the week: O1 2 h, O2 4 h, O3 8 h, O6 1 h (cancelled later: still approved),
    # O7 30 min, O9 20 min, O8a 15 min; O8b was approved on Monday 30.
    # Sorted: 15, 20, 30, 60, 120, 240, 480 min → median 60 min; sum 965 min.
    assert approval.count == 7
    assert approval.median == timedelta(hours=1)
    assert approval.average == timedelta(minutes=965) / 7  # about 2 h 18 min
    assert approval.longest == timedelta(hours=8)
    shipment = await reports.time_to_shipment(week.mia, WEEK)
    # Shipped in full in the week: O1 Mon 10:00 → Tue 10:00 = 24 h; O2 Mon 11:00 → its last
    # shipment Thu 10:00 = 71 h; O7 Thu 10:00 → Fri 10:00 = 24 h. Mean 119 h / 3.
    assert shipment.count == 3
    assert shipment.median == timedelta(hours=24)
    assert shipment.average == timedelta(hours=119) / 3
    assert shipment.longest == timedelta(hours=71)
    tuesday = Period(date(2026, 11, 24), date(2026, 11, 24))
    assert (await reports.time_to_shipment(week.mia, tuesday)).count == 1  # O1 only
    assert (await reports.time_to_approval(week.mia, tuesday)).average == timedelta(hours=8)


async def test_on_time_delivery_and_fill_rate(week: Shop) -> None:
    reports = week.services.reports
    on_time = await reports.on_time_delivery_rate(week.mia, WEEK)
    # Delivered in the week:
    # O1 on Wed 25; no desired date: ship deadline Mon 23 + 2 days (standard) = Wed 25, + 3 days
    #    of transit = Sat 28 → on time.
    # O2 on Fri 27; desired Thu 26 → late (the promised Tue 24 + 3 = Fri 27 does not count: the
    #    customer's date does).
    # O7 on Sat 28; ship deadline Thu 26 + 2 = Sat 28, + 3 = Tue Dec 1 → on time.
    assert (on_time.part, on_time.whole) == (2, 3)
    assert on_time.rate == pytest.approx(2 / 3)
    fill = await reports.fill_rate(week.mia, WEEK)
    # Shipped in full in the week:
    # O1 complete, shipped Tue 24 ≤ deadline Wed 25 → filled.
    # O2 complete, but its last shipment left Thu 26 > promised Tue 24 → not filled.
    # O7 on time (Fri 27 ≤ Sat 28) but a notebook was cancelled → not filled.
    assert (fill.part, fill.whole) == (1, 3)
    nothing = Period(date(2026, 12, 1), date(2026, 12, 2))
    assert (await reports.fill_rate(week.mia, nothing)).rate is None


async def test_cancellation_rate_with_reasons(week: Shop) -> None:
    cancelled = await week.services.reports.cancellation_rate(week.mia, WEEK)
    # Submitted in the week: O1–O7, O9, O10, O8a = 10 (O8b on Monday 30; O5, rejected, counts
    # as submitted and not as cancelled). Cancelled: O4, O6, O9, O10 = 4 → 40 %.
    assert (cancelled.submitted, cancelled.cancelled) == (10, 4)
    assert cancelled.ratio.rate == pytest.approx(0.4)
    assert dict(cancelled.stages) == {
        CancelStage.BEFORE_APPROVAL: 2,  # O4, O10 by the customer
        CancelStage.AFTER_APPROVAL: 1,  # O6 on Ann's request
        CancelStage.SHORT: 1,  # O9: nothing left to ship
    }
    assert cancelled.reasons == (
        ("Ordered by mistake", 2),  # O4, and O10's " ordered by  MISTAKE "
        ("Found it cheaper", 1),
        (SHORT_REASON, 1),
    )


async def test_receivables_ageing(week: Shop) -> None:
    reports = week.services.reports
    today = await reports.receivables_ageing(week.mia)
    # O3: invoice 389.00 cash on delivery, due Tue 24, paid 89.00 → 300.00 overdue by 6 days.
    # O1: 70.00 on net 30 from Wed 25 → due Fri Dec 25, not overdue yet.
    assert (today.total, today.overdue, today.buckets) == (37000, 30000, (30000, 0, 0, 0))
    week.move(at(10, 12, month=1).replace(year=2027))
    later = await reports.receivables_ageing(week.mia)
    # On Jan 10, 2027: O3 is 47 days overdue (31–60), O1 16 days (0–30).
    assert later.buckets == (7000, 30000, 0, 0)
    assert later.overdue == 37000


async def test_ratings(week: Shop) -> None:
    ratings = await week.services.reports.ratings(week.mia, WEEK)
    # O1 ★5 "Great service", O2 ★2 "Late", O7 ★4 without a comment.
    assert ratings.summary.counts == (0, 1, 0, 1, 1)
    assert ratings.summary.count == 3
    assert ratings.summary.average == pytest.approx(11 / 3)  # (5 + 2 + 4) / 3
    assert [(c.number, c.rating, c.comment) for c in ratings.comments] == [
        (week.orders["O2"].number, 2, "Late"),  # newest first
        (week.orders["O1"].number, 5, "Great service"),  # spaces folded
    ]
    kpis = await week.services.reports.kpis(week.mia, WEEK)
    assert (kpis.fill.part, kpis.on_time.part, kpis.cancellations.cancelled) == (1, 2, 4)
    assert kpis.approval.count == 7 and kpis.receivables.overdue == 30000


async def test_only_managers_and_admins_read_reports(week: Shop) -> None:
    reports = week.services.reports
    for person in (week.sam, week.fay, week.wu, week.ann):
        with pytest.raises(NotAllowed):
            await reports.sales_by_day(person, WEEK)
        with pytest.raises(NotAllowed):
            await reports.kpis(person, WEEK)
    admin = await week.services.users.identify(1, "Ada", None, "en")  # named in the config
    assert (await reports.sales_by_day(admin, WEEK)).amount == 62400
    async with (
        week.db.reader(),
        week.db.connection.execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND after = 'report'"
        ) as cursor,
    ):
        assert tuple(await cursor.fetchone() or ()) == (8,)  # every refusal is audited


async def test_feedback_once_by_the_own_customer_after_delivery(week: Shop) -> None:
    feedback = week.services.feedback
    o1, o3 = week.orders["O1"], week.orders["O3"]
    with pytest.raises(FeedbackGiven):
        await feedback.rate(week.ann, o1.id, 1)  # rated already: nothing changes
    with pytest.raises(FeedbackGiven):
        await feedback.comment(week.ann, o1.id, "Changed my mind")
    with pytest.raises(OrderNotFound):
        await feedback.rate(week.bob, o1.id, 1)  # not Bob's order
    with pytest.raises(FeedbackNotOpen):
        await feedback.rate(week.cy, o3.id, 5)  # not delivered
    async with week.db.reader() as uow:
        assert await uow.feedback.rating(o1.id) == (5, "Great service")
    # Asked once: O1 was rated, so delivery-time requests return nothing, for every order.
    async with week.db.reader() as uow:
        delivered = await uow.orders.by_id(week.orders["O7"].id)
    assert delivered is not None
    assert await feedback.request(delivered) is None


async def test_the_customer_is_asked_once_after_delivery(shop: Shop) -> None:
    order = await shop.order("A", shop.ann, [("STP-24", 1)])
    await shop.approve("A")
    assert await shop.services.feedback.request(order) is None  # not delivered
    shipment = await shop.ship("A")
    delivered = await shop.services.fulfilment.mark_delivered(shop.wu, shipment)
    # the warehouse's word tells the customer and asks them in the same transaction, through
    # the outbox
    sql = "SELECT user_id, data FROM outbox WHERE kind = 'handed_over'"
    async with shop.db.reader(), shop.db.connection.execute(sql) as cursor:
        asked = [tuple(r) for r in await cursor.fetchall()]
    told = f'{{"order_id":{order.id},"shipment_id":{shipment},"whole":true,"ask_rating":true}}'
    assert asked == [(shop.ann.id, told)]
    assert await shop.services.feedback.request(delivered) is None  # once


async def _outbox(s: Shop) -> list[tuple[object, ...]]:
    sql = "SELECT kind, user_id FROM outbox ORDER BY id"
    async with s.db.reader(), s.db.connection.execute(sql) as cursor:
        return [tuple(r) for r in await cursor.fetchall()]


async def _asked(s: Shop, order_id: int) -> list[tuple[object, ...]]:
    sql = "SELECT order_id FROM feedback_requests WHERE order_id = ?"
    async with s.db.reader(), s.db.connection.execute(sql, (order_id,)) as cursor:
        return [tuple(r) for r in await cursor.fetchall()]


async def test_received_records_delivery_and_asks_for_a_rating_once(shop: Shop) -> None:
    order = await shop.order("A", shop.ann, [("STP-24", 1)])
    await shop.approve("A")
    shipment = await shop.ship("A")
    before = await _outbox(shop)
    with pytest.raises(OrderNotFound):
        await shop.services.fulfilment.receive(shop.bob, shipment)  # not Bob's
    assert await _outbox(shop) == before and await _asked(shop, order.id) == []

    receipt = await shop.services.fulfilment.receive(shop.ann, shipment)
    assert receipt.ask_rating, "asked on the customer's own screen"
    assert receipt.detail.order.id == order.id
    assert receipt.detail.order.status is OrderStatus.DELIVERED
    assert [line.sku for line in receipt.detail.lines] == ["STP-24"]
    assert receipt.detail.shipments[0].delivered_at is not None
    assert await _asked(shop, order.id) == [(order.id,)]
    added = (await _outbox(shop))[len(before) :]
    assert added == [("delivered", shop.fay.id)], "finance told; no rating notice to Ann"

    again = await shop.services.fulfilment.receive(shop.ann, shipment)
    assert not again.ask_rating, "asked once"
    assert await shop.services.feedback.request(again.detail.order) is None


async def test_a_line_reportable_short_is_checked_and_named_in_one_step(shop: Shop) -> None:
    await shop.order("C", shop.ann, [("STP-24", 2), ("STP-REFILL", 3)])
    await shop.approve("C")
    lines = (await shop.services.fulfilment.pick_list(shop.wu, shop.orders["C"].id)).lines
    staples, refills = sorted(lines, key=lambda x: x.sku)
    for who in (shop.ann, shop.sam):
        with pytest.raises(NotAllowed):
            await shop.services.shortages.reportable(who, staples.id)
    line = await shop.services.shortages.reportable(shop.wu, staples.id)
    assert (line.id, line.sku, line.remaining) == (staples.id, "STP-24", 2)
    await shop.ship("C", {"STP-24": 2, "STP-REFILL": 1})
    with pytest.raises(OrderNotFound):
        await shop.services.shortages.reportable(shop.wu, staples.id)  # none left to ship
    assert (await shop.services.shortages.reportable(shop.wu, refills.id)).remaining == 2
    await shop.ship("C")
    with pytest.raises(TransitionRefused):
        await shop.services.shortages.reportable(shop.wu, refills.id)  # shipped meanwhile


async def test_an_order_taken_by_phone_offers_only_the_customers_address_and_terms(
    shop: Shop,
) -> None:
    admin = shop.services.customer_admin
    async with shop.db.reader() as uow:
        ann, bob = [await uow.customers.by_user(u.id) for u in (shop.ann, shop.bob)]
    assert ann is not None and bob is not None
    ann_id, bob_id = ann.id, bob.id
    card = await admin.card(shop.sam, ann_id)
    (address,) = card.addresses
    assert await admin.address_of(shop.sam, ann_id, address.id) == address.text
    allowed = [term.code for term, ok in card.terms if ok]
    assert "net30" in allowed
    assert [await admin.term_of(shop.mia, ann_id, code) for code in allowed] == allowed
    refused = [term.code for term, ok in card.terms if not ok]
    for code in [*refused, "drone"]:
        with pytest.raises(OptionNotOffered):
            await admin.term_of(shop.sam, ann_id, code)
    (bobs,) = (await admin.card(shop.rex, bob_id)).addresses
    with pytest.raises(OptionNotOffered):
        await admin.address_of(shop.sam, ann_id, bobs.id)  # Bob's address
    with pytest.raises(StaffNotFound):
        await admin.address_of(shop.sam, bob_id, bobs.id)  # not Sam's customer


async def test_delivered_by_the_warehouse_returns_the_pick_list(shop: Shop) -> None:
    order = await shop.order("B", shop.ann, [("STP-24", 1)])
    await shop.approve("B")
    shipment = await shop.ship("B")
    before = await _outbox(shop)
    pick = await shop.services.fulfilment.deliver(shop.wu, shipment)
    assert pick.order.id == order.id and pick.order.status is OrderStatus.DELIVERED
    assert pick.shipments[0].delivered_at is not None
    added = (await _outbox(shop))[len(before) :]
    assert sorted(added) == sorted([("delivered", shop.fay.id), ("handed_over", shop.ann.id)])
    assert await _asked(shop, order.id) == [(order.id,)]


async def test_kpi_statements_read_each_orders_own_audit_rows(week: Shop) -> None:
    """The approval moment of an order is looked up by the order (audit_log_entity), never
    by scanning every status change (audit_log_action_at with action alone): that read all
    the audit log once per order, minutes at 100,000 orders (benchmarks/no_stall.py)."""
    raw = (await week.db._long_reads.open())._conn  # where reports read
    seen: list[str] = []
    raw.set_trace_callback(seen.append)
    try:
        await week.services.reports.kpis(week.mia, WEEK)
    finally:
        raw.set_trace_callback(None)
    lookups = [sql for sql in seen if "a.entity_id = o.id" in sql]
    assert lookups, "the KPIs look up when each order was approved"
    for sql in lookups:
        plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert not any("audit_log_action_at (action=?)" in step for step in plan), plan
        assert any("audit_log_entity (entity=? AND entity_id=?)" in step for step in plan), plan
