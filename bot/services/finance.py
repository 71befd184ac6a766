"""Finance: invoices with due dates, payments (partial, never more than owed), receivables."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from bot.db import UnitOfWork
from bot.db.payments import OpenBalance
from bot.domain.errors import NotInvoiceable, OrderNotFound, Overpayment, StaffNotFound
from bot.domain.models import Customer, Order, OrderStatus, PaymentKind, PaymentStatus, User
from bot.domain.notices import NoticeKind
from bot.domain.parsing import parse_search
from bot.domain.payments import AGEING, Method, outstanding, payment_status, schedule
from bot.domain.roles import Permission
from bot.services.base import Service, authorize, customer_of
from bot.services.notices import post
from bot.services.transitions import apply_transition

INVOICEABLE = (
    OrderStatus.APPROVED,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
TOP = 10


class Invoice(BaseModel):
    """An issued invoice and its due dates."""

    model_config = ConfigDict(frozen=True)

    order: Order
    number: str
    amount: int
    dues: tuple[tuple[date, int], ...]
    customer_user: User


class PaymentResult(BaseModel):
    """A payment recorded: the order after it and what is still owed (the receipt's data)."""

    model_config = ConfigDict(frozen=True)

    order: Order
    amount: int
    paid: int
    owed: int
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


class FinanceService(Service):
    """Money in, checked against the finance role."""

    def today(self) -> date:
        """Today in the business time zone."""
        return self.clock.now().astimezone(self.config.business.zone).date()

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
            day = now.astimezone(self.config.business.zone)
            invoice_number = (
                f"INV-{day:%Y%m%d}-{await uow.payments.next_invoice_number(f'{day:%Y%m%d}'):04d}"
            )
            term = self.config.payment_term(order.payment_term)
            kind = term.kind if term else PaymentKind.PREPAID
            start = day.date()
            delivered = await uow.shipments.delivered_on(order.id)
            if term is not None and term.counted_from == "delivery" and delivered is not None:
                start = delivered.astimezone(self.config.business.zone).date()
            dues = schedule(
                kind,
                order.totals.total,
                start,
                days=term.days if term else None,
                count=term.count if term else None,
                interval=term.interval_days if term else None,
            )
            await uow.payments.add_invoice(
                order.id, invoice_number, order.totals.total, actor.id, now
            )
            await uow.payments.add_dues(order.id, dues)
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="order",
                entity_id=order.id,
                action="invoiced",
                after=invoice_number,
            )
            customer_user = (await customer_of(uow, order))[1]
            invoice = Invoice(
                order=order,
                number=invoice_number,
                amount=order.totals.total,
                dues=tuple(dues),
                customer_user=customer_user,
            )
            await post(uow, self.config, NoticeKind.INVOICE, invoice, [customer_user], now)
            await uow.commit()
        return invoice

    async def owed(
        self, actor: User, *, number: str | None = None, order_id: int | None = None
    ) -> tuple[Order, int]:
        """An order and what is still owed on it (finance)."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.RECORD_PAYMENTS, "payment", self.clock.now()
            )
            order = await _order(uow, order_id, number)
            return order, order.totals.total - await uow.payments.paid(order.id)

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
                    owed = order.totals.total - await uow.payments.paid(order.id)
                    found.append((order, customer.name, owed))
        return sorted(found, key=lambda x: (x[0].submitted_at, x[0].id))[:TOP]

    async def record_payment(
        self,
        actor: User,
        order_id: int,
        amount: int,
        method: Method,
        paid_on: date,
        token: str | None = None,
    ) -> PaymentResult:
        """Record a payment; more than is owed is refused; delivered and paid completes.
        A confirmation (token) records one payment, however often it is pressed."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.RECORD_PAYMENTS, "payment", now)
            recorded = await uow.payments.by_token(token) if token else None
            if recorded is not None:
                order = await _order(uow, recorded[0], None)
                paid = await uow.payments.paid(order.id)
                return PaymentResult(
                    order=order,
                    amount=recorded[1],
                    paid=paid,
                    owed=order.totals.total - paid,
                    created=False,
                )
            order = await _order(uow, order_id, None)
            if order.status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
                raise NotInvoiceable()
            paid = await uow.payments.paid(order.id)
            owed = order.totals.total - paid
            if amount > owed:
                raise Overpayment(owed=owed)
            await uow.payments.add_payment(
                order.id, amount, method.value, paid_on, actor.id, now, token
            )
            paid += amount
            status = payment_status(order.totals.total, paid)
            await uow.payments.set_status(order.id, status)
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="order",
                entity_id=order.id,
                action="payment",
                after=str(amount),
                reason=method.value,
            )
            order = order.model_copy(update={"payment_status": status})
            if status is PaymentStatus.PAID and order.status is OrderStatus.DELIVERED:
                order = await apply_transition(
                    uow, order, OrderStatus.COMPLETED, actor_id=actor.id, at=now
                )
            customer_user = (await customer_of(uow, order))[1]
            result = PaymentResult(
                order=order, amount=amount, paid=paid, owed=order.totals.total - paid
            )
            await post(uow, self.config, NoticeKind.RECEIPT, result, [customer_user], now)
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
