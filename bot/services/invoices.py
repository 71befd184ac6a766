"""Invoices as documents: everything an invoice PDF shows, for its customer or for staff."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.config import PaymentTermConfig, SellerConfig
from bot.domain.errors import InvoiceNotFound, NotInvoiced, OrderNotFound
from bot.domain.models import Customer, Order, User
from bot.domain.roles import Permission, allowed
from bot.services.base import Service, customer_of, deny, roles_of

INVOICE_PREFIX = "INV-"


class InvoiceLine(BaseModel):
    """A billed line: the product in the customer's language, units not cancelled."""

    model_config = ConfigDict(frozen=True)

    sku: str
    name: str
    qty: int
    unit_price: int
    amount: int


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
    paid: int
    term: PaymentTermConfig | None
    delivery: str
    how_to_pay: str
    seller: SellerConfig

    @property
    def owed(self) -> int:
        """What is still to pay."""
        return max(0, self.order.totals.total - self.paid)


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
                roles = await roles_of(uow, self.config, actor)
                if roles and not allowed(roles, Permission.VIEW_RECEIVABLES):
                    await deny(uow, actor, "invoice", now, order.id)
                if not roles:
                    # Another customer's invoice: refused like one that does not exist.
                    await uow.audit.record(
                        at=now,
                        actor_id=actor.id,
                        entity="order",
                        entity_id=order.id,
                        action="denied",
                        after="invoice",
                    )
                    await uow.commit()
                    raise InvoiceNotFound()
            language = user.language
            lines = await uow.invoices.lines(order.id, language)
            dues = await uow.payments.dues(order.id)
            paid = await uow.payments.paid(order.id)
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
        )
