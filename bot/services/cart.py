"""The cart: what a person means to buy, priced at today's prices, kept in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.db import UnitOfWork
from bot.domain.errors import InputProblem, InvalidInput, NotEnoughStock, ProductNotFound
from bot.domain.models import Cart, CartLine, Language, User
from bot.domain.pricing import customer_unit_price
from bot.services.base import Service


async def load_cart(uow: UnitOfWork, user: User, language: Language) -> Cart:
    """A user's cart with today's prices (theirs, if they have special prices) and stock."""
    specials = await uow.customers.special_prices_of_user(user.id)
    return await price_lines(uow, await uow.carts.lines(user.id), language, specials)


async def price_lines(
    uow: UnitOfWork,
    held: Sequence[tuple[int, int]],
    language: Language,
    specials: dict[int, int],
) -> Cart:
    """(product id, quantity) pairs priced at today's prices for the customer whose price list
    is `specials` (bot/domain/pricing.py), with today's stock."""
    products = await uow.catalog.products([pid for pid, _ in held], language)
    lines = []
    for pid, qty in held:
        p = products[pid]
        price = customer_unit_price(p.price, p.tiers, qty, specials.get(pid))
        lines.append(
            CartLine(
                product_id=pid,
                sku=p.sku,
                name=p.name,
                qty=qty,
                base_price=specials.get(pid, p.price),
                unit_price=price,
                total=price * qty,
                available=p.available,
                preorder=p.preorder,
                active=p.active,
                unit=p.unit,
            )
        )
    return Cart(lines=tuple(lines))


async def fit_to_stock(uow: UnitOfWork, user: User, now: datetime) -> Cart:
    """The user's cart with short lines cut down to what is available, the unavailable ones
    dropped (in the caller's unit of work)."""
    cart = await load_cart(uow, user, user.language)
    for line in cart.lines:
        if line.short:
            fit = line.available if line.active else 0
            if fit > 0:
                await uow.carts.set(user.id, line.product_id, fit, now)
            else:
                await uow.carts.remove(user.id, line.product_id)
    return await load_cart(uow, user, user.language)


class CartService(Service):
    """Add, change, remove; every change checked against stock and limits."""

    async def view(self, user: User) -> Cart:
        """The user's cart."""
        async with self.db.reader() as uow:
            return await load_cart(uow, user, user.language)

    async def add(self, user: User, product_id: int, qty: int) -> Cart:
        """Add units of a product to what the cart already holds."""
        return await self._change(user, product_id, qty, relative=True)

    async def set_quantity(self, user: User, product_id: int, qty: int) -> Cart:
        """Set a line's quantity; 0 removes the line."""
        return await self._change(user, product_id, qty, relative=False)

    async def _change(self, user: User, product_id: int, qty: int, *, relative: bool) -> Cart:
        limit = self.config.checkout.max_quantity
        async with self.db.unit_of_work() as uow:
            current = await uow.carts.quantity(user.id, product_id)
            wanted = current + qty if relative else qty
            if wanted <= 0:
                await uow.carts.remove(user.id, product_id)
            else:
                if wanted > limit:
                    raise InvalidInput(InputProblem.QUANTITY_RANGE, 1, limit)
                product = (await uow.catalog.products([product_id], user.language)).get(product_id)
                if product is None or not product.active:
                    raise ProductNotFound()
                if wanted > product.available and not product.preorder:
                    raise NotEnoughStock(available=max(product.available, 0))
                await uow.carts.set(user.id, product_id, wanted, self.clock.now())
            cart = await load_cart(uow, user, user.language)
            await uow.commit()
        return cart

    async def remove(self, user: User, product_id: int) -> Cart:
        """Take a product out of the cart."""
        return await self.set_quantity(user, product_id, 0)

    async def clear(self, user: User) -> Cart:
        """Empty the cart; the cart as it is after (its screen)."""
        async with self.db.unit_of_work() as uow:
            await uow.carts.clear(user.id)
            cart = await load_cart(uow, user, user.language)
            await uow.commit()
        return cart

    async def fit_to_stock(self, user: User) -> Cart:
        """Cut short lines down to what is available, dropping the unavailable ones."""
        async with self.db.unit_of_work() as uow:
            cart = await fit_to_stock(uow, user, self.clock.now())
            await uow.commit()
        return cart
