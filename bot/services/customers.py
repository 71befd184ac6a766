"""Customers: registration, saved addresses, the payment terms open to each."""

from __future__ import annotations

from bot.config import Config, PaymentTermConfig
from bot.db import UnitOfWork
from bot.domain.models import Address, Customer, User
from bot.services.base import Service, require_customer
from bot.services.staff import REP_PREFIX, next_rep


async def open_terms(
    uow: UnitOfWork, config: Config, customer: Customer
) -> list[PaymentTermConfig]:
    """Payment terms this customer may choose (everyone's, and those allowed to them), in the
    configured order."""
    allowed = set(config.checkout.default_payment_terms)
    allowed |= set(await uow.customers.extra_terms(customer.id))
    return [t for t in config.payment_terms if t.code in allowed]


class CustomerService(Service):
    """Register customers and read their details."""

    async def get(self, user: User) -> Customer | None:
        """The customer record of a user, if registered."""
        async with self.db.reader() as uow:
            return await uow.customers.by_user(user.id)

    async def register(
        self,
        user: User,
        *,
        name: str,
        phone: str,
        company: str | None,
        address: str,
        rep_link: str | None = None,
    ) -> Customer:
        """Register a customer (once): the rep of their link, else the next rep in turn."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            existing = await uow.customers.by_user(user.id)
            if existing is not None:
                return existing
            customer = await uow.customers.insert(user.id, name, phone, company, now)
            await uow.customers.save_address(customer.id, address, now)
            rep = None
            if rep_link and rep_link.startswith(REP_PREFIX):
                rep = await uow.staff.rep_by_code(rep_link.removeprefix(REP_PREFIX))
            await uow.staff.set_customer_rep(customer.id, rep or await next_rep(uow))
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="customer",
                entity_id=customer.id,
                action="registered",
            )
            await uow.commit()
        return customer

    async def addresses(self, user: User) -> list[Address]:
        """A customer's saved addresses, most recently used first."""
        async with self.db.reader() as uow:
            customer = await require_customer(uow, user)
            return await uow.customers.addresses(customer.id)

    async def payment_terms(self, user: User) -> list[PaymentTermConfig]:
        """Payment terms this customer may choose, in the configured order."""
        async with self.db.reader() as uow:
            customer = await require_customer(uow, user)
            return await open_terms(uow, self.config, customer)
