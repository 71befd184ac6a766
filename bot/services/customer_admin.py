"""Managing customers: find them, set credit limits, trust and payment terms, change their rep."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.config import Config, PaymentTermConfig
from bot.db import UnitOfWork
from bot.domain.access import is_rep, may_act_for, may_pause_reminders
from bot.domain.audit import AuditAction
from bot.domain.errors import (
    InputProblem,
    InvalidInput,
    OptionNotOffered,
    StaffNotFound,
    UnknownSku,
)
from bot.domain.models import Address, Customer, User
from bot.domain.parsing import parse_search
from bot.domain.roles import Permission, Role, allowed
from bot.services.base import Service, authorize, deny, roles_of
from bot.services.customers import allowed_terms

SEARCH_LIMIT = 10
MAX_CREDIT = 10**12
MAX_PRICE = 10**12  # exclusive: a special price is 1 … 10^12 - 1 minor units


class SpecialPrice(BaseModel):
    """One line of a customer's price list, with the list price it replaces."""

    model_config = ConfigDict(frozen=True)

    product_id: int
    sku: str
    name: str
    list_price: int
    unit_price: int


class PriceList(BaseModel):
    """A customer's standing discount and special prices, as managers see them."""

    model_config = ConfigDict(frozen=True)

    customer: Customer
    prices: tuple[SpecialPrice, ...]


async def pause_reminders(
    uow: UnitOfWork, config: Config, actor: User, customer_id: int, paused: bool, now: datetime
) -> Customer:
    """Hold a customer's reminders or let them run again, in the caller's unit of work (before
    it writes anything: a refusal commits its audit entry): managers, finance, admins, and the
    customer's own rep; audited."""
    roles = await roles_of(uow, config, actor)
    customer = await uow.customers.by_id(customer_id)
    rep_id = customer.rep_id if customer else None
    if not may_pause_reminders(roles, actor.id, rep_id):
        await deny(uow, actor, "pause_reminders", now)
    if customer is None:
        raise StaffNotFound()
    if customer.reminders_paused != paused:
        await uow.customers.set_reminders_paused(customer.id, now if paused else None)
        before, after = ("paused" if p else "on" for p in (customer.reminders_paused, paused))
        await _audit(uow, actor, customer, AuditAction.REMINDERS, before, after, now)
    return customer.model_copy(update={"reminders_paused": paused})


async def _audit(
    uow: UnitOfWork,
    actor: User,
    customer: Customer,
    action: AuditAction,
    before: str,
    after: str,
    now: datetime,
) -> None:
    """A change to a customer, audited before → after."""
    await uow.audit.record(
        at=now,
        actor_id=actor.id,
        entity="customer",
        entity_id=customer.id,
        action=action,
        before=before,
        after=after,
    )


class CustomerCard(BaseModel):
    """A customer as managers see them."""

    model_config = ConfigDict(frozen=True)

    customer: Customer
    rep_name: str | None
    terms: tuple[tuple[PaymentTermConfig, bool], ...]  # every offered term, and whether allowed
    open_balance: int
    editable: bool
    addresses: tuple[Address, ...]


async def may_order_for(
    uow: UnitOfWork, config: Config, actor: User, customer_id: int, now: datetime
) -> Customer:
    """The customer, if the actor may place orders for them (their rep, or a manager)."""
    customer = await uow.customers.by_id(customer_id)
    if customer is None:
        raise StaffNotFound()
    if not may_act_for(await roles_of(uow, config, actor), actor.id, customer.rep_id):
        await deny(uow, actor, "order_for", now)
    return customer


class CustomerAdminService(Service):
    """Customers for managers (all, editable) and reps (their own, read-only)."""

    async def _scope(self, uow: UnitOfWork, actor: User, action: str) -> tuple[bool, int | None]:
        """(may edit, rep filter): managers edit all; reps see their own; others are refused."""
        roles = await roles_of(uow, self.config, actor)
        if allowed(roles, Permission.SET_CREDIT):
            return True, None
        if is_rep(roles):
            return False, actor.id
        await deny(uow, actor, action, self.clock.now())

    async def search(self, actor: User, words: str) -> list[Customer]:
        """Customers by name, company or phone."""
        query = parse_search(words)
        async with self.db.unit_of_work() as uow:
            _, rep = await self._scope(uow, actor, "customers")
            return await uow.customers.search(query, rep, SEARCH_LIMIT)

    async def card(self, actor: User, customer_id: int, *, to_edit: bool = False) -> CustomerCard:
        """One customer with rep, terms and open balance (to_edit: refused unless a manager)."""
        async with self.db.unit_of_work() as uow:
            editable, rep = await self._scope(uow, actor, "customer")
            if to_edit and not editable:
                await deny(uow, actor, "set_customer", self.clock.now())
            return await self._card(uow, customer_id, editable, rep)

    async def address_of(self, actor: User, customer_id: int, address_id: int) -> str:
        """The text of one of the customer's saved addresses, for an order taken for them
        (their rep or a manager; else OptionNotOffered)."""
        card = await self.card(actor, customer_id)
        match = next((a for a in card.addresses if a.id == address_id), None)
        if match is None:
            raise OptionNotOffered()
        return match.text

    async def term_of(self, actor: User, customer_id: int, code: str) -> str:
        """A payment term allowed to the customer, for an order taken for them (else
        OptionNotOffered)."""
        card = await self.card(actor, customer_id)
        if code not in {term.code for term, ok in card.terms if ok}:
            raise OptionNotOffered()
        return code

    async def _managed(
        self, uow: UnitOfWork, actor: User, customer_id: int, action: str, now: datetime
    ) -> Customer:
        """The customer a manager changes (this action authorised first); else StaffNotFound."""
        await authorize(uow, self.config, actor, Permission.SET_CREDIT, action, now)
        customer = await uow.customers.by_id(customer_id)
        if customer is None:
            raise StaffNotFound()
        return customer

    async def _card(
        self, uow: UnitOfWork, customer_id: int, editable: bool, rep: int | None
    ) -> CustomerCard:
        customer = await uow.customers.by_id(customer_id)
        if customer is None or (rep is not None and customer.rep_id != rep):
            raise StaffNotFound()
        rep_user = await uow.users.by_id(customer.rep_id) if customer.rep_id else None
        allowed = await allowed_terms(uow, self.config, customer.id)
        terms = tuple((t, t.code in allowed) for t in self.config.payment_terms)
        return CustomerCard(
            customer=customer,
            rep_name=rep_user.first_name if rep_user else None,
            terms=terms,
            open_balance=await uow.orders.open_balance(customer.id),
            editable=editable,
            addresses=tuple(await uow.customers.addresses(customer.id)),
        )

    async def update(
        self,
        actor: User,
        customer_id: int,
        *,
        credit_limit: int | None = None,
        trusted: bool | None = None,
        term: tuple[str, bool] | None = None,
        rep_id: int | None = None,
    ) -> CustomerCard:
        """Change one thing about a customer (managers), audited with before and after."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await self._managed(uow, actor, customer_id, "set_customer", now)
            changes: list[tuple[AuditAction, str, str]] = []
            if credit_limit is not None or trusted is not None:
                limit = customer.credit_limit if credit_limit is None else credit_limit
                trust = customer.trusted if trusted is None else trusted
                if not 0 <= limit <= MAX_CREDIT:
                    raise OptionNotOffered()
                await uow.customers.set_credit(customer.id, limit, trust)
                if limit != customer.credit_limit:
                    changes.append(
                        (AuditAction.CREDIT_LIMIT, str(customer.credit_limit), str(limit))
                    )
                if trust != customer.trusted:
                    changes.append((AuditAction.TRUSTED, str(customer.trusted), str(trust)))
            if term is not None:
                code, allow = term
                if self.config.payment_term(code) is None:
                    raise OptionNotOffered()
                if allow:
                    await uow.customers.allow_term(customer.id, code)
                else:
                    await uow.customers.disallow_term(customer.id, code)
                changes.append((AuditAction.PAYMENT_TERM, "", f"{'+' if allow else '-'}{code}"))
            if rep_id is not None:
                if rep_id not in await uow.staff.with_role(Role.SALES_REP):
                    raise StaffNotFound()
                await uow.staff.set_customer_rep(customer.id, rep_id)
                changes.append((AuditAction.REP, str(customer.rep_id), str(rep_id)))
            for action, before, after in changes:
                await _audit(uow, actor, customer, action, before, after, now)
            card = await self._card(uow, customer.id, True, None)
            await uow.commit()
        return card

    async def pause_reminders(self, actor: User, customer_id: int, paused: bool) -> Customer:
        """Hold a customer's reminders (a dispute, say) or let them run again: managers,
        finance, admins, and the customer's own rep; audited."""
        async with self.db.unit_of_work() as uow:
            customer = await pause_reminders(
                uow, self.config, actor, customer_id, paused, self.clock.now()
            )
            await uow.commit()
        return customer

    async def reps(self, actor: User) -> list[User]:
        """The sales reps a customer can be given to (managers)."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.SET_CREDIT, "reps", self.clock.now()
            )
            users = [await uow.users.by_id(i) for i in await uow.staff.with_role(Role.SALES_REP)]
        return [u for u in users if u is not None]

    async def price_list(self, actor: User, customer_id: int) -> PriceList:
        """The customer's special prices (managers and admins)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await self._managed(uow, actor, customer_id, "customer_prices", now)
            return await self._price_list(uow, customer, actor)

    async def _price_list(self, uow: UnitOfWork, customer: Customer, actor: User) -> PriceList:
        specials = await uow.customers.special_prices(customer.id)
        products = await uow.catalog.products(list(specials), actor.language)
        prices = sorted(
            (
                SpecialPrice(
                    product_id=pid,
                    sku=products[pid].sku,
                    name=products[pid].name,
                    list_price=products[pid].price,
                    unit_price=price,
                )
                for pid, price in specials.items()
                if pid in products
            ),
            key=lambda p: p.sku,
        )
        return PriceList(customer=customer, prices=tuple(prices))

    async def set_discount(self, actor: User, customer_id: int, discount_bp: int) -> CustomerCard:
        """Set a customer's standing discount (managers), audited before → after."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await self._managed(uow, actor, customer_id, "set_discount", now)
            if not 0 <= discount_bp <= 10_000:
                raise InvalidInput(InputProblem.PERCENT_INVALID)
            if discount_bp != customer.discount_bp:
                await uow.customers.set_discount(customer.id, discount_bp)
                before, after = str(customer.discount_bp), str(discount_bp)
                await _audit(uow, actor, customer, AuditAction.DISCOUNT, before, after, now)
            card = await self._card(uow, customer.id, True, None)
            await uow.commit()
        return card

    async def set_special_price(
        self, actor: User, customer_id: int, sku: str, unit_price: int
    ) -> PriceList:
        """Give a customer a special price for a product (managers), audited before → after."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await self._managed(uow, actor, customer_id, "customer_prices", now)
            product = await uow.catalog.by_sku(sku, actor.language)
            if product is None or not product.active:
                raise UnknownSku(sku=sku)
            if not 0 < unit_price < MAX_PRICE:
                raise InvalidInput(InputProblem.AMOUNT_INVALID)
            before = (await uow.customers.special_prices(customer.id)).get(product.id)
            await uow.customers.set_special_price(
                customer.id, product.id, unit_price, actor.id, now
            )
            old = f"{product.sku} {before if before is not None else '-'}"
            new = f"{product.sku} {unit_price}"
            await _audit(uow, actor, customer, AuditAction.SPECIAL_PRICE, old, new, now)
            prices = await self._price_list(uow, customer, actor)
            await uow.commit()
        return prices

    async def remove_special_price(
        self, actor: User, customer_id: int, product_id: int
    ) -> PriceList:
        """Take a product off a customer's price list (managers), audited before → after."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await self._managed(uow, actor, customer_id, "customer_prices", now)
            before = (await uow.customers.special_prices(customer.id)).get(product_id)
            if before is not None:
                product = (await uow.catalog.products([product_id], actor.language))[product_id]
                await uow.customers.remove_special_price(customer.id, product_id)
                old, new = f"{product.sku} {before}", f"{product.sku} -"
                await _audit(uow, actor, customer, AuditAction.SPECIAL_PRICE, old, new, now)
            prices = await self._price_list(uow, customer, actor)
            await uow.commit()
        return prices
