"""An order's money kept true: the one place that, after anything that moves money or changes
what an order charges (a payment, a refund, a discount, a change, a line found short, a
cancellation, a rejection), applies the rule of bot.domain.payments.ledger and follows it:
the stored payment status and refund due, a credit or debit note and new due dates when an
invoiced total changed, finance told of money to pay back, a prepaid order handed to the
warehouse once paid in full, a delivered order completed once nothing is owed."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import OrderNotFound
from bot.domain.models import Order, OrderStatus, PaymentKind, User
from bot.domain.notices import NoticeKind
from bot.domain.payments import Ledger, deposit, ledger, reschedule, schedule
from bot.domain.roles import Role
from bot.services.base import customer_of
from bot.services.notices import post, staff_with, tell_warehouse
from bot.services.transitions import apply_transition


class Invoice(BaseModel):
    """An issued invoice and its due dates."""

    model_config = ConfigDict(frozen=True)

    order: Order
    number: str
    amount: int
    dues: tuple[tuple[date, int], ...]
    customer_user: User
    deposit: int = 0  # the deposit on pre-ordered lines, due at once (the first due date)
    on_delivery: bool = False  # issued by itself as the order was delivered


class CreditNote(BaseModel):
    """An invoiced total changed: amount > 0 was taken off (credit note), < 0 added (debit
    note); `total` is what the invoice charges now."""

    model_config = ConfigDict(frozen=True)

    order_id: int
    number: str
    invoice: str
    amount: int
    total: int
    reason: str  # "cancelled", "rejected" or "changed"


class RefundDue(BaseModel):
    """Money to pay back on an order (finance is told, with a button to record it)."""

    model_config = ConfigDict(frozen=True)

    order_id: int
    amount: int


def is_prepaid(config: Config, order: Order) -> bool:
    """The order's payment term asks for payment before shipping."""
    term = config.payment_term(order.payment_term)
    return term is not None and term.kind is PaymentKind.PREPAID


def awaits_payment(config: Config, order: Order) -> bool:
    """An approved prepaid order not yet handed to the warehouse: it waits for its money."""
    return (
        order.status is OrderStatus.APPROVED and not order.released and is_prepaid(config, order)
    )


async def money_of(uow: UnitOfWork, order: Order) -> Ledger:
    """The order's money as the book holds it now."""
    paid, refunded = await uow.payments.sums(order.id)
    return ledger(order.totals.total, order.status, paid, refunded)


async def deposit_of(uow: UnitOfWork, config: Config, order: Order) -> int:
    """The deposit the order's pre-ordered lines ask (each product's percent, else the
    config's): 0 when none applies."""
    default = config.catalog.preorder_deposit_percent
    lines = await uow.orders.preordered(order.id)
    return deposit(
        [(total, default if percent is None else percent) for total, percent in lines],
        order.totals.total,
    )


async def invoice_order(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    actor_id: int | None,
    now: datetime,
    *,
    deposit_due: int = 0,
    on_delivery: bool = False,
) -> Invoice:
    """Give an order its invoice number and due dates from its payment term (the caller checks
    it has none); the customer gets the PDF with how to pay. A deposit is due at once, the
    rest follows the payment term."""
    day = now.astimezone(config.business.zone)
    number = f"INV-{day:%Y%m%d}-{await uow.payments.next_invoice_number(f'{day:%Y%m%d}'):04d}"
    term = config.payment_term(order.payment_term)
    start = day.date()
    delivered = await uow.shipments.delivered_on(order.id)
    if term is not None and term.counted_from == "delivery" and delivered is not None:
        start = delivered.astimezone(config.business.zone).date()
    deposit_due = min(max(deposit_due, 0), order.totals.total)
    dues = schedule(
        term.kind if term else PaymentKind.PREPAID,
        order.totals.total - deposit_due,
        start,
        days=term.days if term else None,
        count=term.count if term else None,
        interval=term.interval_days if term else None,
    )
    if deposit_due:
        dues.insert(0, (day.date(), deposit_due))
    await uow.payments.add_invoice(
        order.id, number, order.totals.total, actor_id, now, deposit=deposit_due
    )
    await uow.payments.add_dues(order.id, dues)
    await uow.audit.record(
        at=now,
        actor_id=actor_id,
        entity="order",
        entity_id=order.id,
        action=AuditAction.INVOICED,
        after=number,
    )
    customer_user = (await customer_of(uow, order))[1]
    invoice = Invoice(
        order=order,
        number=number,
        amount=order.totals.total,
        dues=tuple(dues),
        customer_user=customer_user,
        deposit=deposit_due,
        on_delivery=on_delivery,
    )
    await post(uow, config, NoticeKind.INVOICE, invoice, [customer_user], now)
    # Finance gets the PDF to match the payment against (who issued it sees it at once).
    finance = [u for u in await staff_with(uow, Role.FINANCE) if u.id != actor_id]
    await post(uow, config, NoticeKind.INVOICE_ISSUED, invoice, finance, now, role=Role.FINANCE)
    return invoice


async def on_approval(
    uow: UnitOfWork, config: Config, order: Order, actor_id: int | None, now: datetime
) -> Order:
    """An order just approved: a prepaid one is invoiced (the customer told how to pay) and
    waits for its money; so is one whose pre-ordered lines ask a deposit (due at once, the
    rest by its payment term); any other goes to the warehouse at once."""
    if await uow.payments.invoice(order.id) is None:
        deposit_due = await deposit_of(uow, config, order)
        if deposit_due or is_prepaid(config, order):
            await invoice_order(uow, config, order, actor_id, now, deposit_due=deposit_due)
    return await settle(uow, config, order.id, actor_id=actor_id, now=now)


async def on_delivery(uow: UnitOfWork, config: Config, order: Order, now: datetime) -> bool:
    """An order just delivered whose payment term says so (`invoice_on_delivery`), that has no
    invoice yet and still owes money, is invoiced now, by nobody: the customer gets the PDF
    with how to pay, finance its copy. Whether it was (else finance is to invoice it: an order
    paid in full before it arrived is not sent a bill to pay)."""
    term = config.payment_term(order.payment_term)
    if term is None or not term.invoice_on_delivery or await uow.payments.invoice(order.id):
        return False
    if not (await money_of(uow, order)).owed:
        return False
    await invoice_order(uow, config, order, None, now, on_delivery=True)
    return True


async def settle(
    uow: UnitOfWork, config: Config, order_id: int, *, actor_id: int | None, now: datetime
) -> Order:
    """Bring everything that follows from an order's money in line with the book (module doc).
    Call it after anything that moves money or changes the order's total or status."""
    order = await uow.orders.by_id(order_id)
    if order is None:
        raise OrderNotFound()
    money = await money_of(uow, order)
    await _follow_invoice(uow, config, order, money.charge, actor_id, now)
    if (money.status, money.refund_due) != (order.payment_status, order.refund_due):
        await uow.payments.set_balance(order.id, money.status, money.refund_due)
    if money.refund_due > order.refund_due:
        await uow.audit.record(
            at=now,
            actor_id=actor_id,
            entity="order",
            entity_id=order.id,
            action=AuditAction.REFUND_DUE,
            before=str(order.refund_due),
            after=str(money.refund_due),
        )
        finance = await staff_with(uow, Role.FINANCE)
        due = RefundDue(order_id=order.id, amount=money.refund_due)
        await post(uow, config, NoticeKind.REFUND_DUE, due, finance, now, role=Role.FINANCE)
    order = order.model_copy(
        update={"payment_status": money.status, "refund_due": money.refund_due}
    )
    if awaits_payment(config, order) and money.owed:
        pass  # a prepaid order waits for its money
    elif order.status is OrderStatus.APPROVED and not order.released:
        if await uow.orders.release(order.id, now):
            await tell_warehouse(uow, config, order.id, now)
        order = order.model_copy(update={"released": True})
    if order.status is OrderStatus.DELIVERED and money.charge and not money.owed:
        order = await apply_transition(
            uow, order, OrderStatus.COMPLETED, config=config, actor_id=None, at=now, reason="paid"
        )
    return order


async def _follow_invoice(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    charge: int,
    actor_id: int | None,
    now: datetime,
) -> None:
    """An invoiced order whose charge changed gets a credit note (less) or a debit note (more),
    and its due dates follow the new total; the customer gets the note."""
    invoice = await uow.payments.invoice(order.id)
    if invoice is None:
        return
    invoiced = invoice.amount - await uow.payments.credited(order.id)
    if invoiced == charge:
        return
    change = invoiced - charge
    day = now.astimezone(config.business.zone)
    series = f"{'CN' if change > 0 else 'DN'}-{day:%Y%m%d}"
    number = f"{series}-{await uow.payments.next_note_number(series):04d}"
    reason = order.status.value if charge == 0 else "changed"
    await uow.payments.add_credit_note(order.id, number, change, reason, actor_id, now)
    await uow.payments.replace_dues(
        order.id, reschedule(await uow.payments.dues(order.id), charge)
    )
    await uow.audit.record(
        at=now,
        actor_id=actor_id,
        entity="order",
        entity_id=order.id,
        action=AuditAction.CREDIT_NOTE,
        before=str(invoiced),
        after=str(charge),
        reason=number,
    )
    customer_user = (await customer_of(uow, order))[1]
    note = CreditNote(
        order_id=order.id,
        number=number,
        invoice=invoice.number,
        amount=change,
        total=charge,
        reason=reason,
    )
    await post(uow, config, NoticeKind.CREDIT_NOTE, note, [customer_user], now)
    # Finance holds the invoice's copy: it gets the note's too (who caused it sees it anyway).
    finance = [u for u in await staff_with(uow, Role.FINANCE) if u.id != actor_id]
    await post(uow, config, NoticeKind.NOTE_ISSUED, note, finance, now, role=Role.FINANCE)
