"""Shortcuts for service-level tests."""

from __future__ import annotations

from bot.db import Database
from bot.domain.errors import InvalidInput
from bot.domain.models import Language, Product, User
from bot.services import Services
from bot.services.checkout import CheckoutDraft

DEFAULT_PHONE = "+8613800138000"


async def customer(services: Services, telegram_id: int, language: str = "en") -> User:
    """A registered customer: the first one with +8613800138000, each after with a phone of
    their own (one phone, one customer)."""
    user = await services.users.identify(telegram_id, f"User {telegram_id}", None, language)
    try:
        phone = await services.customers.check_phone(user, DEFAULT_PHONE)
    except InvalidInput:
        phone = f"+86139{telegram_id % 10**8:08d}"
    await services.customers.register(
        user,
        name=f"Customer {telegram_id}",
        phone=phone,
        company=None,
        address="1 Garden Road, Shanghai",
    )
    return user


async def product(services: Services, sku: str) -> Product:
    """A demo product by SKU."""
    page = await services.catalog.search(sku, 0, Language.EN)
    return next(p for p in page.items if p.sku == sku)


def draft(token: str = "tok-1", **changes: object) -> CheckoutDraft:
    """A complete checkout draft (courier, no date preference, cash on delivery, no note)."""
    values: dict[str, object] = {
        "token": token,
        "delivery": "courier",
        "address": "1 Garden Road, Shanghai",
        "date_chosen": True,
        "term": "cod",
        "note_chosen": True,
    }
    return CheckoutDraft.model_validate({**values, **changes})


async def manager(services: Services, db: Database) -> User:
    """Mia, a sales manager (telegram 2001)."""
    user = await services.users.identify(2001, "Mia", None, "en")
    async with db.unit_of_work() as uow:
        await db.connection.execute(
            "INSERT INTO user_roles (user_id, role, granted_at)"
            " VALUES (?, 'sales_manager', 'now')",
            (user.id,),
        )
        await uow.commit()
    return user
