"""Invoices and credit notes as documents: everything their PDFs show, for the customer or for
staff."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from bot.config import Config, PaymentTermConfig, SellerConfig
from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import InvoiceNotFound, NotInvoiced, OrderNotFound
from bot.domain.models import Customer, Order, Unit, User
from bot.domain.payments import ledger
from bot.domain.roles import Permission, allowed
from bot.services.base import Service, customer_of, deny, roles_of
from bot.services.finance import FinanceService
from bot.services.money import Invoice, money_of

INVOICE_PREFIX = "INV-"
NOTE_PREFIXES = ("CN-", "DN-")


class InvoiceLine(BaseModel):
    """A billed line: the product in the customer's language, units not cancelled."""

    model_config = ConfigDict(frozen=True)

    sku: str
    name: str
    qty: int
    unit_price: int
    amount: int
    unit: Unit = Unit.PCS


class InvoiceDocument(BaseModel):
    """What an invoice shows: seller, customer, lines, totals, payment term, due dates."""

    model_config = ConfigDict(frozen=True)

    number: str
    issued_on: date
    order: Order
    customer: Customer
    customer_user: User
    lines: tuple[InvoiceLine, ...]
    dues: tuple[tuple[date, int], ...]
    paid: int  # less what was paid back
    term: PaymentTermConfig | None
    delivery: str
    how_to_pay: str
    seller: SellerConfig
    deposit: int = 0  # the first due date is a deposit on pre-ordered items

    @property
    def owed(self) -> int:
        """What is still to pay (the one rule: nothing once cancelled or rejected)."""
        return ledger(self.order.totals.total, self.order.status, self.paid, 0).owed


class NoteDocument(BaseModel):
    """What a credit note (amount > 0, taken off) or debit note (< 0, added) shows: seller,
    customer, the invoice it corrects, why, what the order comes to after it, and what is
    still to pay or to be paid back now."""

    model_config = ConfigDict(frozen=True)

    number: str
    issued_on: date
    amount: int
    reason: str  # "cancelled", "rejected" or "changed"
    invoice: str
    invoice_on: date
    invoiced: int
    total: int
    owed: int
    refund_due: int
    order: Order
    customer: Customer
    customer_user: User
    seller: SellerConfig


class InvoiceAgain(BaseModel):
    """An issued invoice to send again; `own`: the reader is its customer."""

    model_config = ConfigDict(frozen=True)

    document: InvoiceDocument
    own: bool


class NoteAgain(BaseModel):
    """A credit or debit note to send again."""

    model_config = ConfigDict(frozen=True)

    document: NoteDocument


class NewInvoice(BaseModel):
    """An order that had no invoice: its invoice, issued now."""

    model_config = ConfigDict(frozen=True)

    invoice: Invoice


Reprint = InvoiceAgain | NoteAgain | NewInvoice  # what /invoice NUMBER leads to


def is_note(number: str) -> bool:
    """Whether a number names a credit or debit note (CN-…, DN-…)."""
    return number.strip().upper().startswith(NOTE_PREFIXES)


async def _staff_only(
    uow: UnitOfWork, config: Config, actor: User, order_id: int, now: datetime
) -> None:
    """Someone other than the order's customer: staff who see receivables pass; other staff
    are refused (NotAllowed), other customers as if it did not exist (InvoiceNotFound); both
    audited."""
    roles = await roles_of(uow, config, actor)
    if roles and not allowed(roles, Permission.VIEW_RECEIVABLES):
        await deny(uow, actor, "invoice", now, order_id)
    if not roles:
        # Another customer's invoice: refused like one that does not exist.
        await uow.audit.record(
            at=now,
            actor_id=actor.id,
            entity="order",
            entity_id=order_id,
            action=AuditAction.DENIED,
            after="invoice",
        )
        await uow.commit()
        raise InvoiceNotFound()


class InvoiceService(Service):
    """Issued invoices, sent again on request."""

    async def document(self, actor: User, number: str) -> InvoiceDocument:
        """An issued invoice by its number (INV-…) or its order's (SO-…): to its customer, or
        to staff who see receivables. Anyone else is refused, and the attempt audited.

        NotInvoiced when an order number has no invoice yet (the caller may issue one)."""
        key = number.strip().upper()[:32]
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            record = await uow.invoices.find(key)
            if record is None:
                raise InvoiceNotFound() if key.startswith(INVOICE_PREFIX) else NotInvoiced()
            order = await uow.orders.by_id(record.order_id)
            if order is None:
                raise OrderNotFound()
            customer, user = await customer_of(uow, order)
            if user.id != actor.id:
                await _staff_only(uow, self.config, actor, order.id, now)
            language = user.language
            lines = await uow.invoices.lines(order.id, language)
            dues = await uow.payments.dues(order.id)
            paid, refunded = await uow.payments.sums(order.id)
            paid -= refunded  # what the seller holds: money paid back does not pay the invoice
        method = self.config.delivery_method(order.delivery_method)
        return InvoiceDocument(
            number=record.number,
            issued_on=record.issued_at.astimezone(self.config.business.zone).date(),
            order=order,
            customer=customer,
            customer_user=user,
            lines=tuple(InvoiceLine(**line._asdict()) for line in lines),
            dues=tuple(dues),
            paid=paid,
            term=self.config.payment_term(order.payment_term),
            delivery=method.name(language) if method else order.delivery_method,
            how_to_pay=self.config.business.how_to_pay(language),
            seller=self.config.seller,
            deposit=record.deposit,
        )

    async def reprint_or_issue(self, actor: User, number: str) -> Reprint:
        """/invoice NUMBER: a note (CN-…, DN-…) or an invoice (INV-…, or its order's SO-…) to
        send again, refused like `note` and `document`; an order without an invoice gets it
        issued (finance only)."""
        if is_note(number):
            return NoteAgain(document=await self.note(actor, number))
        try:
            document = await self.document(actor, number)
        except NotInvoiced:
            finance = FinanceService(self.db, self.config, self.clock)
            return NewInvoice(invoice=await finance.issue_invoice(actor, number=number))
        return InvoiceAgain(document=document, own=document.customer_user.id == actor.id)

    async def note(self, actor: User, number: str) -> NoteDocument:
        """A credit or debit note by its number (CN-…, DN-…), to its customer or to staff who
        see receivables; refused like an invoice otherwise."""
        return await self._note(actor, number)

    async def note_notice(self, number: str) -> NoteDocument:
        """A note as its customer reads it (the outbox sends it to them)."""
        return await self._note(None, number)

    async def _note(self, actor: User | None, number: str) -> NoteDocument:
        key = number.strip().upper()[:32]
        now = self.clock.now()
        zone = self.config.business.zone
        async with self.db.unit_of_work() as uow:
            record = await uow.invoices.find_note(key)
            if record is None:
                raise InvoiceNotFound()
            order = await uow.orders.by_id(record.order_id)
            if order is None:
                raise OrderNotFound()
            customer, user = await customer_of(uow, order)
            if actor is not None and user.id != actor.id:
                await _staff_only(uow, self.config, actor, order.id, now)
            money = await money_of(uow, order)
        return NoteDocument(
            number=record.number,
            issued_on=record.issued_at.astimezone(zone).date(),
            amount=record.amount,
            reason=record.reason,
            invoice=record.invoice,
            invoice_on=record.invoice_issued_at.astimezone(zone).date(),
            invoiced=record.invoice_amount,
            total=record.total,
            owed=money.owed,
            refund_due=money.refund_due,
            order=order,
            customer=customer,
            customer_user=user,
            seller=self.config.seller,
        )
