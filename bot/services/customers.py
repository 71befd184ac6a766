"""Customers: registration, their own profile, saved addresses, the payment terms open to
each."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.config import Config, PaymentTermConfig
from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import InputProblem, InvalidInput, OptionNotOffered
from bot.domain.models import Address, Customer, User
from bot.domain.parsing import phone_key
from bot.domain.roles import Role
from bot.services.base import Service, require_customer, roles_of
from bot.services.staff import REP_PREFIX, next_rep

MAX_ADDRESSES = 10  # saved per customer; /profile refuses more


class Detail(StrEnum):
    """What a customer may change of their own record in /profile."""

    NAME = "name"
    PHONE = "phone"
    COMPANY = "company"


class Standing(BaseModel):
    """Who a person is to the bot (/start): their customer record, if registered, and their
    staff roles (none for customers)."""

    model_config = ConfigDict(frozen=True)

    customer: Customer | None
    roles: frozenset[Role]


class Profile(BaseModel):
    """A customer's own record and every saved address (the default first)."""

    model_config = ConfigDict(frozen=True)

    customer: Customer
    addresses: tuple[Address, ...]


async def _profile(uow: UnitOfWork, customer_id: int) -> Profile:
    customer = await uow.customers.by_id(customer_id)
    assert customer is not None
    addresses = await uow.customers.addresses(customer_id, MAX_ADDRESSES)
    return Profile(customer=customer, addresses=tuple(addresses))


async def _phone_free(uow: UnitOfWork, user: User, phone: str) -> None:
    """Refuse a phone number another customer has (compared as phone_key gives it)."""
    if await uow.customers.phone_used(phone, user.id):
        raise InvalidInput(InputProblem.PHONE_TAKEN)


async def allowed_terms(uow: UnitOfWork, config: Config, customer_id: int) -> set[str]:
    """The one rule of the payment term codes a customer may choose: everyone's (the config's
    default terms) and those allowed to them."""
    allowed = set(config.checkout.default_payment_terms)
    allowed |= set(await uow.customers.extra_terms(customer_id))
    return allowed


async def open_terms(
    uow: UnitOfWork, config: Config, customer: Customer
) -> list[PaymentTermConfig]:
    """Payment terms this customer may choose (allowed_terms), in the configured order."""
    allowed = await allowed_terms(uow, config, customer.id)
    return [t for t in config.payment_terms if t.code in allowed]


class CustomerService(Service):
    """Register customers and read their details."""

    async def get(self, user: User) -> Customer | None:
        """The customer record of a user, if registered."""
        async with self.db.reader() as uow:
            return await uow.customers.by_user(user.id)

    async def standing(self, user: User) -> Standing:
        """A person's customer record and staff roles, read together."""
        async with self.db.reader() as uow:
            customer = await uow.customers.by_user(user.id)
            return Standing(customer=customer, roles=await roles_of(uow, self.config, user))

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
        phone = phone_key(phone)
        async with self.db.unit_of_work() as uow:
            existing = await uow.customers.by_user(user.id)
            if existing is not None:
                return existing
            await _phone_free(uow, user, phone)
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
                action=AuditAction.REGISTERED,
            )
            await uow.commit()
        return customer

    async def check_phone(self, user: User, phone: str) -> str:
        """A phone number as stored, if no other customer has it (else PHONE_TAKEN)."""
        phone = phone_key(phone)
        async with self.db.reader() as uow:
            await _phone_free(uow, user, phone)
        return phone

    async def addresses(self, user: User, limit: int = 5) -> list[Address]:
        """A customer's saved addresses: the default first, then the most recently used."""
        async with self.db.reader() as uow:
            customer = await require_customer(uow, user)
            return await uow.customers.addresses(customer.id, limit)

    async def saved_address(self, user: User, address_id: int) -> str:
        """The text of one of the customer's saved addresses offered at checkout (else
        OptionNotOffered: another's, or one removed since)."""
        match = next((a for a in await self.addresses(user) if a.id == address_id), None)
        if match is None:
            raise OptionNotOffered()
        return match.text

    async def profile(self, user: User) -> Profile:
        """The customer's own record and every saved address (/profile)."""
        async with self.db.reader() as uow:
            customer = await require_customer(uow, user)
            return await _profile(uow, customer.id)

    async def change(self, user: User, detail: Detail, value: str | None) -> Profile:
        """Change the customer's name, phone or company (None: no company); audited. The
        value comes parsed (parse_name, parse_phone, parse_company)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await require_customer(uow, user)
            values = {
                Detail.NAME: customer.name,
                Detail.PHONE: customer.phone,
                Detail.COMPANY: customer.company,
            }
            before = values[detail]
            if detail is Detail.PHONE:
                value = phone_key(value or "")
                await _phone_free(uow, user, value)
            elif detail is Detail.NAME and not value:
                raise InvalidInput(InputProblem.NOT_TEXT)
            values[detail] = value
            if value == before:
                return await _profile(uow, customer.id)
            await uow.customers.set_details(
                customer.id,
                str(values[Detail.NAME]),
                str(values[Detail.PHONE]),
                values[Detail.COMPANY],
            )
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="customer",
                entity_id=customer.id,
                action=AuditAction.detail_changed(detail.value),
                before=before,
                after=value,
            )
            profile = await _profile(uow, customer.id)
            await uow.commit()
        return profile

    async def add_address(self, user: User, text: str) -> Profile:
        """Save another delivery address (parsed by parse_address); audited."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await require_customer(uow, user)
            if await uow.customers.address_count(customer.id) >= MAX_ADDRESSES:
                raise InvalidInput(InputProblem.ADDRESS_LIMIT, MAX_ADDRESSES, MAX_ADDRESSES)
            await uow.customers.save_address(customer.id, text, now)
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="customer",
                entity_id=customer.id,
                action=AuditAction.ADDRESS_ADDED,
                after=text,
            )
            profile = await _profile(uow, customer.id)
            await uow.commit()
        return profile

    async def remove_address(self, user: User, address_id: int) -> Profile:
        """Forget a saved address (the last one stays: checkout needs one); audited."""
        return await self._address_step(user, address_id, remove=True)

    async def set_default_address(self, user: User, address_id: int) -> Profile:
        """Make a saved address the one checkout offers first; audited."""
        return await self._address_step(user, address_id, remove=False)

    async def _address_step(self, user: User, address_id: int, *, remove: bool) -> Profile:
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await require_customer(uow, user)
            saved = await uow.customers.addresses(customer.id, MAX_ADDRESSES)
            if all(a.id != address_id for a in saved):  # not theirs, or an old button
                raise InvalidInput(InputProblem.ADDRESS_GONE)
            if remove and len(saved) <= 1:
                raise InvalidInput(InputProblem.ADDRESS_LAST)
            repo = uow.customers
            text = await (
                repo.remove_address(customer.id, address_id)
                if remove
                else repo.set_default_address(customer.id, address_id)
            )
            if text is None:  # not theirs, or removed meanwhile (an old button)
                raise InvalidInput(InputProblem.ADDRESS_GONE)
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="customer",
                entity_id=customer.id,
                action=AuditAction.ADDRESS_REMOVED if remove else AuditAction.ADDRESS_DEFAULT,
                before=text if remove else None,
                after=None if remove else text,
            )
            profile = await _profile(uow, customer.id)
            await uow.commit()
        return profile

    async def payment_terms(self, user: User) -> list[PaymentTermConfig]:
        """Payment terms this customer may choose, in the configured order."""
        async with self.db.reader() as uow:
            customer = await require_customer(uow, user)
            return await open_terms(uow, self.config, customer)

    async def payment_term(self, user: User, code: str) -> str:
        """A payment term this customer may choose (else OptionNotOffered)."""
        if code not in {t.code for t in await self.payment_terms(user)}:
            raise OptionNotOffered()
        return code
