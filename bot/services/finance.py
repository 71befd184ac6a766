"""Finance: invoices with due dates, payments (partial, never more than owed), receivables."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.db import UnitOfWork
from bot.db.payments import OpenBalance
from bot.domain.audit import AuditAction
from bot.domain.errors import (
    NotInvoiceable,
    NotPayable,
    OrderNotFound,
    RefundOverDue,
    StaffNotFound,
)
from bot.domain.models import Customer, Order, OrderStatus, PaymentStatus, User
from bot.domain.notices import NoticeKind
from bot.domain.parsing import parse_search
from bot.domain.payments import AGEING, CHARGES_NOTHING, Method, outstanding, spread
from bot.domain.roles import Permission, Role
from bot.services.base import Service, authorize, customer_of, own_order, require_customer
from bot.services.customer_admin import pause_reminders
from bot.services.money import Invoice, invoice_order, money_of, settle
from bot.services.notices import post, staff_with

INVOICEABLE = (
    OrderStatus.APPROVED,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
TOP = 10
SPREAD_LIMIT = 50  # open orders of a customer a payment may be spread over


class PaymentResult(BaseModel):
    """A payment recorded: the order after it and what is still owed (the receipt's data);
    `spread`: what of it went to the customer's other orders (order number, amount), oldest
    first, when it was more than this order owed."""

    model_config = ConfigDict(frozen=True)

    order: Order
    amount: int
    paid: int
    owed: int
    created: bool = True  # False: this confirmation had recorded it already
    spread: tuple[tuple[str, int], ...] = ()
    refund_due: int = 0


class SaidPaid(BaseModel):
    """Finance's notice: the customer says they paid what the order owed then."""

    model_config = ConfigDict(frozen=True)

    order_id: int
    amount: int


class PaidClaim(BaseModel):
    """What came of a customer's "I've paid": finance told now, or already (or nothing owed)."""

    model_config = ConfigDict(frozen=True)

    order: Order
    amount: int
    told: bool


class PaymentPlan(BaseModel):
    """Where a payment goes before it is recorded: this order first, then the customer's other
    open orders oldest first; what is left over is paid back (a refund due on this order)."""

    model_config = ConfigDict(frozen=True)

    order: Order
    amount: int
    parts: tuple[tuple[Order, int, int], ...]  # (order, owed before, part of the payment)
    left_over: int


class RefundResult(BaseModel):
    """Money paid back: the order after it (the customer's receipt)."""

    model_config = ConfigDict(frozen=True)

    order: Order
    amount: int
    refunded: int
    refund_due: int
    method: Method
    paid_on: date
    created: bool = True  # False: this confirmation had recorded it already


class Debtor(BaseModel):
    """One order's open balance."""

    model_config = ConfigDict(frozen=True)

    order_id: int
    number: str
    customer: str
    outstanding: int
    overdue: int
    days_overdue: int


class CustomerDebt(BaseModel):
    """One customer's overdue balance over all their orders."""

    model_config = ConfigDict(frozen=True)

    customer_id: int
    name: str
    overdue: int
    orders: int
    days_overdue: int


class CustomerBalance(BaseModel):
    """What one customer owes, order by order, most overdue first."""

    model_config = ConfigDict(frozen=True)

    customer: Customer
    orders: tuple[Debtor, ...]

    @property
    def outstanding(self) -> int:
        """Everything still owed."""
        return sum(d.outstanding for d in self.orders)

    @property
    def overdue(self) -> int:
        """What is past due."""
        return sum(d.overdue for d in self.orders)


class Receivables(BaseModel):
    """What customers owe: total, overdue, ageing buckets, the largest overdue balances."""

    model_config = ConfigDict(frozen=True)

    total: int
    overdue: int
    buckets: tuple[int, int, int, int]
    worst: tuple[Debtor, ...]
    worst_customers: tuple[CustomerDebt, ...] = ()


def _late(balance: OpenBalance, today: date) -> tuple[Debtor, list[tuple[date, int]]]:
    """One order's open balance, and what of it is past due."""
    left = outstanding([(d, a) for _, d, a in balance.dues], balance.paid)
    late = [(d, a) for d, a in left if d < today]
    debtor = Debtor(
        order_id=balance.order_id,
        number=balance.number,
        customer=balance.customer,
        outstanding=sum(a for _, a in left),
        overdue=sum(a for _, a in late),
        days_overdue=max(((today - d).days for d, _ in late), default=0),
    )
    return debtor, late


async def summarise(uow: UnitOfWork, today: date) -> Receivables:
    """Outstanding and overdue balances with ageing, the worst orders and customers, as of
    today: sums and rankings of the open due dates, done in SQL (see migration 0016)."""
    # The day each ageing bucket begins to be past due: AGEING's ranges follow each other, so a
    # bucket holds what fell due before its first day less what fell due before the next one's.
    starts = [today - timedelta(days=max(low, 1) - 1) for low, _ in AGEING]
    total, before = await uow.payments.owed_before(starts)
    buckets = [owed - later for owed, later in zip(before, [*before[1:], 0], strict=True)]
    orders = await uow.payments.most_overdue_orders(today, TOP)
    customers = await uow.payments.most_overdue_customers(today, TOP)
    return Receivables(
        total=total,
        overdue=before[0],
        buckets=(buckets[0], buckets[1], buckets[2], buckets[3]),
        worst=tuple(
            Debtor(
                order_id=o.order_id,
                number=o.number,
                customer=o.customer,
                outstanding=o.outstanding,
                overdue=o.overdue,
                days_overdue=(today - o.since).days,
            )
            for o in orders
        ),
        worst_customers=tuple(
            CustomerDebt(
                customer_id=c.customer_id,
                name=c.name,
                overdue=c.overdue,
                orders=c.orders,
                days_overdue=(today - c.since).days,
            )
            for c in customers
        ),
    )


async def _order(uow: UnitOfWork, order_id: int | None, number: str | None) -> Order:
    order = (
        await uow.orders.by_id(order_id)
        if order_id is not None
        else await uow.orders.by_number((number or "").strip().upper())
    )
    if order is None:
        raise OrderNotFound()
    return order


def _refundable(order: Order, amount: int) -> Order:
    """The order, if this much may be paid back on it: never more than is due."""
    if not 0 < amount <= order.refund_due:
        raise RefundOverDue(due=order.refund_due)
    return order


class FinanceService(Service):
    """Money in, checked against the finance role."""

    async def issue_invoice(
        self, actor: User, *, order_id: int | None = None, number: str | None = None
    ) -> Invoice:
        """Give an order its invoice number and due dates from its payment term (once)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.RECORD_PAYMENTS, "invoice", now)
            order = await _order(uow, order_id, number)
            if order.status not in INVOICEABLE or await uow.payments.invoice(order.id):
                raise NotInvoiceable()
            invoice = await invoice_order(uow, self.config, order, actor.id, now)
            await uow.commit()
        return invoice

    async def said_paid(self, user: User, order_id: int) -> PaidClaim:
        """A customer's "I've paid" on their order: finance is told once per amount owed (a
        repeat press, or nothing owed, tells no one)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            order = await own_order(uow, await require_customer(uow, user), order_id)
            owed = (await money_of(uow, order)).owed  # nothing once cancelled or rejected
            if not owed or await uow.audit.has(
                "order", order.id, AuditAction.SAID_PAID, str(owed)
            ):
                return PaidClaim(order=order, amount=owed, told=False)
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="order",
                entity_id=order.id,
                action=AuditAction.SAID_PAID,
                after=str(owed),
            )
            finance = await staff_with(uow, Role.FINANCE)
            notice = SaidPaid(order_id=order.id, amount=owed)
            await post(
                uow, self.config, NoticeKind.SAID_PAID, notice, finance, now, role=Role.FINANCE
            )
            await uow.commit()
        return PaidClaim(order=order, amount=owed, told=True)

    async def owed(
        self, actor: User, *, number: str | None = None, order_id: int | None = None
    ) -> tuple[Order, int]:
        """An order and what is still owed on it (finance)."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.RECORD_PAYMENTS, "payment", self.clock.now()
            )
            order = await _order(uow, order_id, number)
            if order.status in CHARGES_NOTHING:
                raise NotPayable()
            return order, (await money_of(uow, order)).owed

    async def refund_due(
        self, actor: User, *, number: str | None = None, order_id: int | None = None
    ) -> Order:
        """An order with money to pay back (finance); RefundOverDue when there is none."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.RECORD_PAYMENTS, "refund", self.clock.now()
            )
            order = await _order(uow, order_id, number)
        if not order.refund_due:
            raise RefundOverDue(due=0)
        return order

    async def check_refund(self, actor: User, order_id: int, amount: int) -> Order:
        """The order, if this much may be paid back on it now (finance); else RefundOverDue."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.RECORD_PAYMENTS, "refund", self.clock.now()
            )
            return _refundable(await _order(uow, order_id, None), amount)

    async def refunds_due(self, actor: User) -> list[Order]:
        """Orders with money to pay back, oldest first (finance)."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.RECORD_PAYMENTS, "refund", self.clock.now()
            )
            return await uow.orders.with_refund_due(TOP)

    async def unpaid_of(self, actor: User, words: str) -> list[tuple[Order, str, int]]:
        """Unpaid orders of the customers whose name, company or phone holds the words:
        (order, customer name, owed), oldest first."""
        query = parse_search(words)
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.RECORD_PAYMENTS, "payment", self.clock.now()
            )
            found = []
            for customer in await uow.customers.search(query, None, TOP):
                orders, _ = await uow.orders.for_customer(customer.id, 0, TOP)
                for order in orders:
                    if order.payment_status is PaymentStatus.PAID or order.status in (
                        OrderStatus.CANCELLED,
                        OrderStatus.REJECTED,
                        OrderStatus.SUBMITTED,
                    ):
                        continue
                    owed = (await money_of(uow, order)).owed
                    if owed:
                        found.append((order, customer.name, owed))
        return sorted(found, key=lambda x: (x[0].submitted_at, x[0].id))[:TOP]

    async def _plan(self, uow: UnitOfWork, order: Order, amount: int) -> PaymentPlan:
        if order.status in CHARGES_NOTHING:
            raise NotPayable()
        owed = (await money_of(uow, order)).owed
        others = []
        if amount > owed:
            for other in await uow.orders.open_of_customer(order.customer_id, SPREAD_LIMIT):
                if other.id != order.id and other.status not in CHARGES_NOTHING:
                    left = (await money_of(uow, other)).owed
                    if left:
                        others.append((other, left))
        debts = [(order, owed), *others]
        shares, left_over = spread([o for _, o in debts], amount)
        parts = tuple((o, d, p) for (o, d), p in zip(debts, shares, strict=True) if p)
        if not parts and not left_over:
            raise NotPayable()
        return PaymentPlan(order=order, amount=amount, parts=parts, left_over=left_over)

    async def plan_payment(self, actor: User, order_id: int, amount: int) -> PaymentPlan:
        """Where a payment would go (shown to confirm before it is recorded)."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.RECORD_PAYMENTS, "payment", self.clock.now()
            )
            return await self._plan(uow, await _order(uow, order_id, None), amount)

    async def record_payment(
        self,
        actor: User,
        order_id: int,
        amount: int,
        method: Method,
        paid_on: date,
        token: str | None = None,
    ) -> PaymentResult:
        """Record a payment: this order first; more than it owes pays the customer's other open
        orders, oldest first; what is left over is to be paid back (finance is told). Delivered
        and paid completes. A confirmation (token) records one payment, however often pressed."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.RECORD_PAYMENTS, "payment", now)
            recorded = await uow.payments.by_token(token) if token else None
            if recorded is not None:
                order = await _order(uow, recorded.order_id, None)
                money = await money_of(uow, order)
                return PaymentResult(
                    order=order,
                    amount=recorded.amount,
                    paid=money.net,
                    owed=money.owed,
                    created=False,
                    refund_due=money.refund_due,
                )
            plan = await self._plan(uow, await _order(uow, order_id, None), amount)
            result = await self._record(uow, actor.id, plan, method, paid_on, token, now)
            await uow.commit()
        return result

    async def record_received(
        self,
        uow: UnitOfWork,
        actor_id: int,
        order: Order,
        amount: int,
        method: Method,
        token: str,
        now: datetime,
    ) -> PaymentResult:
        """Record, in the caller's unit of work, money that has arrived already (paid in chat):
        the path of record_payment, paid today; on an order cancelled or rejected meanwhile
        all of it is to be paid back."""
        try:
            plan = await self._plan(uow, order, amount)
        except NotPayable:  # the money is in whatever became of the order: it goes back
            plan = PaymentPlan(order=order, amount=amount, parts=(), left_over=amount)
        today = now.astimezone(self.config.business.zone).date()
        return await self._record(uow, actor_id, plan, method, today, token, now)

    async def _record(
        self,
        uow: UnitOfWork,
        actor_id: int | None,
        plan: PaymentPlan,
        method: Method,
        paid_on: date,
        token: str | None,
        now: datetime,
    ) -> PaymentResult:
        """A planned payment written, each order settled, the customer given one receipt."""
        shares = {o.id: part for o, _, part in plan.parts}
        shares[plan.order.id] = shares.get(plan.order.id, 0) + plan.left_over
        spread_to = []
        written = 0  # the first row written carries the token itself: a repeat finds it
        for order_id, part in shares.items():
            if not part:
                continue
            mark = token if token is None or not written else f"{token}/{written}"
            written += 1
            await uow.payments.add_payment(
                order_id, part, method.value, paid_on, actor_id, now, mark
            )
            await uow.audit.record(
                at=now,
                actor_id=actor_id,
                entity="order",
                entity_id=order_id,
                action=AuditAction.PAYMENT,
                after=str(part),
                reason=method.value,
            )
            settled = await settle(uow, self.config, order_id, actor_id=actor_id, now=now)
            if order_id != plan.order.id:
                spread_to.append((settled.number, part))
        order = await settle(uow, self.config, plan.order.id, actor_id=actor_id, now=now)
        money = await money_of(uow, order)
        customer_user = (await customer_of(uow, order))[1]
        result = PaymentResult(
            order=order,
            amount=plan.amount,
            paid=money.net,
            owed=money.owed,
            spread=tuple(spread_to),
            refund_due=money.refund_due,
        )
        await post(uow, self.config, NoticeKind.RECEIPT, result, [customer_user], now)
        return result

    async def record_refund(
        self,
        actor: User,
        order_id: int,
        amount: int,
        method: Method,
        paid_on: date,
        token: str | None = None,
    ) -> RefundResult:
        """Record money paid back, never more than is due; the customer gets a receipt and the
        payment status follows. A confirmation (token) records one refund, however often
        pressed."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.RECORD_PAYMENTS, "refund", now)
            recorded = await uow.payments.refund_by_token(token) if token else None
            order = await _order(uow, recorded.order_id if recorded else order_id, None)
            if recorded is not None:
                return RefundResult(
                    order=order,
                    amount=recorded.amount,
                    refunded=await uow.payments.refunded(order.id),
                    refund_due=order.refund_due,
                    method=method,
                    paid_on=paid_on,
                    created=False,
                )
            _refundable(order, amount)
            await uow.payments.add_refund(
                order.id, amount, method.value, paid_on, actor.id, now, token
            )
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="order",
                entity_id=order.id,
                action=AuditAction.REFUND,
                after=str(amount),
                reason=method.value,
            )
            order = await settle(uow, self.config, order.id, actor_id=actor.id, now=now)
            result = RefundResult(
                order=order,
                amount=amount,
                refunded=await uow.payments.refunded(order.id),
                refund_due=order.refund_due,
                method=method,
                paid_on=paid_on,
            )
            customer_user = (await customer_of(uow, order))[1]
            await post(uow, self.config, NoticeKind.REFUND, result, [customer_user], now)
            await uow.commit()
        return result

    async def receivables(self, actor: User) -> Receivables:
        """Outstanding and overdue balances with ageing (0–30, 31–60, 61–90, 90+ days)."""
        today = self.today()
        async with self.db.unit_of_work(long=True) as uow:
            await authorize(
                uow,
                self.config,
                actor,
                Permission.VIEW_RECEIVABLES,
                "receivables",
                self.clock.now(),
            )
            return await summarise(uow, today)

    async def pause_reminders(
        self, actor: User, customer_id: int, paused: bool
    ) -> CustomerBalance:
        """From a customer's balance: who may see it pauses or resumes the customer's
        reminders (refused before any change otherwise; see customer_admin.pause_reminders);
        the balance then."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.VIEW_RECEIVABLES, "balance", now)
            if await uow.customers.by_id(customer_id) is None:
                raise StaffNotFound()
            await pause_reminders(uow, self.config, actor, customer_id, paused, now)
            await uow.commit()
        return await self.customer_balance(actor, customer_id)

    async def customer_balance(self, actor: User, customer_id: int) -> CustomerBalance:
        """One customer's open orders with what is owed and overdue (finance, managers)."""
        today = self.today()
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.VIEW_RECEIVABLES, "balance", self.clock.now()
            )
            customer = await uow.customers.by_id(customer_id)
            if customer is None:
                raise StaffNotFound()
            balances = await uow.payments.open_balances(customer_id)
        orders = [_late(b, today)[0] for b in balances]
        orders.sort(key=lambda d: (-d.days_overdue, -d.outstanding, d.number))
        return CustomerBalance(customer=customer, orders=tuple(orders))
