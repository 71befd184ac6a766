"""What every service holds, and the checks every service makes."""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn

from bot.clock import Clock
from bot.config import Config
from bot.db import Database, UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import NotAllowed, NotRegistered, OrderNotFound
from bot.domain.models import Customer, Order, User
from bot.domain.roles import Permission, Role, allowed


class Service:
    """A service: the database, the configuration and the clock."""

    def __init__(self, db: Database, config: Config, clock: Clock) -> None:
        self.db = db
        self.config = config
        self.clock = clock

    def today(self) -> date:
        """Today in the business time zone (the one place every service asks)."""
        return self.clock.now().astimezone(self.config.business.zone).date()


async def require_customer(uow: UnitOfWork, user: User) -> Customer:
    """The customer record of a user, or NotRegistered."""
    customer = await uow.customers.by_user(user.id)
    if customer is None:
        raise NotRegistered()
    return customer


async def own_order(
    uow: UnitOfWork, customer: Customer, order_id: int | None, number: str | None = None
) -> Order:
    """The customer's own order by id (or by number); anyone else's is OrderNotFound, as if it
    did not exist."""
    if order_id is not None:
        order = await uow.orders.by_id(order_id)
    else:
        order = await uow.orders.by_number((number or "").strip().upper())
    if order is None or order.customer_id != customer.id:
        raise OrderNotFound()
    return order


async def customer_of(uow: UnitOfWork, order: Order) -> tuple[Customer, User]:
    """The customer who placed an order, and their user (to tell them things)."""
    customer = await uow.customers.by_id(order.customer_id)
    assert customer is not None, "orders always have their customer"
    user = await uow.users.by_id(customer.user_id)
    assert user is not None, "customers always have their user"
    return customer, user


async def roles_of(uow: UnitOfWork, config: Config, user: User) -> frozenset[Role]:
    """A user's roles: stored ones, plus admin for the administrators named in the config."""
    stored = await uow.staff.roles(user.id)
    if user.telegram_id in config.business.admins:
        return stored | {Role.ADMIN}
    return stored


async def authorize(
    uow: UnitOfWork, config: Config, user: User, permission: Permission, action: str, at: datetime
) -> frozenset[Role]:
    """The user's roles if they allow `permission`; else the refusal is audited and raised.

    Call it first in a unit of work: a refusal commits the audit entry and nothing else.
    """
    roles = await roles_of(uow, config, user)
    if not allowed(roles, permission):
        await deny(uow, user, action, at)
    return roles


async def deny(
    uow: UnitOfWork, user: User, action: str, at: datetime, order_id: int | None = None
) -> NoReturn:
    """Refuse: audit the attempt (against the order, if one is concerned), commit, raise.

    Call it before anything else was written in the unit of work."""
    await uow.audit.record(
        at=at,
        actor_id=user.id,
        entity="order" if order_id is not None else "user",
        entity_id=order_id if order_id is not None else user.id,
        action=AuditAction.DENIED,
        after=action,
    )
    await uow.commit()
    raise NotAllowed()
