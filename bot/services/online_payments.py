"""Pay in chat (Telegram Payments): what a Pay now button asks, the check before the customer
is charged, and the payment recorded once however often Telegram tells of it.

A payment made in chat takes finance's path (FinanceService.record_received): the customer
gets the receipt, a prepaid order reaches the warehouse once paid in full, a delivered one is
completed, more than is owed pays their other orders or is paid back; finance is told."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.clock import Clock
from bot.config import Config
from bot.db import Database, UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import NotInvoiced, NotPayable, OrderNotFound
from bot.domain.models import Order, User
from bot.domain.notices import NoticeKind
from bot.domain.online_payments import (
    PayInChatOff,
    Payload,
    PaymentChanged,
    PaymentInvalid,
    charge_token,
    due_now,
    parse_payload,
)
from bot.domain.payments import CHARGES_NOTHING, Method
from bot.domain.roles import Role
from bot.services.base import Service, customer_of
from bot.services.finance import FinanceService, PaymentResult
from bot.services.money import money_of
from bot.services.notices import post, staff_with


class PayOffer(BaseModel):
    """The Telegram invoice a Pay now button sends: this amount for this order."""

    model_config = ConfigDict(frozen=True)

    order: Order
    invoice: str  # the order's invoice number
    amount: int
    currency: str
    payload: str


class PaidInChat(BaseModel):
    """Finance's notice of a payment made in chat, with Telegram's and the provider's ids of
    the charge (to find it in the provider's statement)."""

    model_config = ConfigDict(frozen=True)

    result: PaymentResult
    customer: str
    charge_id: str
    provider_charge_id: str


class OnlinePaymentService(Service):
    """Customers paying their own orders in chat."""

    def __init__(self, db: Database, config: Config, clock: Clock) -> None:
        super().__init__(db, config, clock)
        self.finance = FinanceService(db, config, clock)  # the recording path of payments

    async def _own(self, uow: UnitOfWork, actor: User, order_id: int) -> Order:
        """The order, if it is the person's own; OrderNotFound otherwise (as if it did not
        exist)."""
        order = await uow.orders.by_id(order_id)
        if order is None or (await customer_of(uow, order))[1].id != actor.id:
            raise OrderNotFound()
        return order

    async def offer(self, actor: User, order_id: int) -> PayOffer:
        """What the customer's Pay now asks for their order now: what has fallen due (the next
        instalment when nothing has yet). Someone else's order is refused as unknown, and the
        attempt audited; one that owes nothing any more is NotPayable."""
        if not self.config.payments.enabled:
            raise PayInChatOff()
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            try:
                order = await self._own(uow, actor, order_id)
            except OrderNotFound:
                await _refused(uow, actor, order_id, now)
                raise
            money = await money_of(uow, order)
            if order.status in CHARGES_NOTHING or not money.owed:
                raise NotPayable()
            invoice = await uow.payments.invoice(order.id)
            if invoice is None:  # paid once invoiced (approved prepaid ones are at once)
                raise NotInvoiced()
            today = now.astimezone(self.config.business.zone).date()
            dues = await uow.payments.dues(order.id)
            amount = due_now(dues, money.net, money.owed, today)
        return PayOffer(
            order=order,
            invoice=invoice.number,
            amount=amount,
            currency=self.config.business.currency,
            payload=Payload.new(order.id, amount).text(),
        )

    async def check(self, actor: User, payload: str, currency: str, total: int) -> Order:
        """Before Telegram charges the customer (it waits 10 s for the answer): one read. The
        invoice must be one of ours as sent, the payer the order's customer, the order neither
        cancelled nor rejected and still owing at least what the invoice asks."""
        asked = parse_payload(payload)
        if currency != self.config.business.currency or total != asked.amount:
            raise PaymentInvalid()
        if not self.config.payments.enabled:
            raise PayInChatOff()
        async with self.db.reader() as uow:
            order = await self._own(uow, actor, asked.order_id)
            money = await money_of(uow, order)
        if order.status in CHARGES_NOTHING or not money.owed:
            raise NotPayable()
        if money.owed < asked.amount:
            raise PaymentChanged(owed=money.owed)
        return order

    async def record(
        self,
        actor: User,
        payload: str,
        currency: str,
        total: int,
        charge_id: str,
        provider_charge_id: str,
    ) -> PaymentResult:
        """A payment Telegram charged, recorded once per charge (created=False when it had been
        already): by card, today, by the paying customer. The money is in, so it is recorded
        whatever became of the order since the check (more than it owes is spread over the
        customer's other orders or paid back)."""
        asked = parse_payload(payload)
        token = charge_token(charge_id)
        if currency != self.config.business.currency or total <= 0:
            raise PaymentInvalid()
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            recorded = await uow.payments.by_token(token)
            if recorded is not None:
                order = await uow.orders.by_id(recorded.order_id)
                assert order is not None, "payments always have their order"
                money = await money_of(uow, order)
                return PaymentResult(
                    order=order,
                    amount=recorded.amount,
                    paid=money.net,
                    owed=money.owed,
                    created=False,
                    refund_due=money.refund_due,
                )
            order = await uow.orders.by_id(asked.order_id)
            if order is None:
                raise PaymentInvalid()
            result = await self.finance.record_received(
                uow, actor.id, order, total, Method.CARD, token, now
            )
            customer = (await customer_of(uow, order))[0]
            notice = PaidInChat(
                result=result,
                customer=customer.name,
                charge_id=charge_id,
                provider_charge_id=provider_charge_id[:200],
            )
            finance = await staff_with(uow, Role.FINANCE)
            await post(
                uow, self.config, NoticeKind.PAID_IN_CHAT, notice, finance, now, role=Role.FINANCE
            )
            await uow.commit()
        return result


async def _refused(uow: UnitOfWork, actor: User, order_id: int, now: datetime) -> None:
    """A Pay now on someone else's order (or none): audited, against the order if it exists."""
    known = await uow.orders.by_id(order_id) is not None
    await uow.audit.record(
        at=now,
        actor_id=actor.id,
        entity="order" if known else "user",
        entity_id=order_id if known else actor.id,
        action=AuditAction.DENIED,
        after="pay_in_chat",
    )
    await uow.commit()
