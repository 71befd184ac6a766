"""What every service holds."""

from __future__ import annotations

from bot.clock import Clock
from bot.config import Config
from bot.db import Database, UnitOfWork
from bot.domain.errors import NotRegistered
from bot.domain.models import Customer, User


class Service:
    """A service: the database, the configuration and the clock."""

    def __init__(self, db: Database, config: Config, clock: Clock) -> None:
        self.db = db
        self.config = config
        self.clock = clock


async def require_customer(uow: UnitOfWork, user: User) -> Customer:
    """The customer record of a user, or NotRegistered."""
    customer = await uow.customers.by_user(user.id)
    if customer is None:
        raise NotRegistered()
    return customer
