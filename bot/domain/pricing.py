"""Prices: tiered unit prices and order totals, all in integer minor units."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from bot.domain.models import PriceTier, Product, Totals


def unit_price(base: int, tiers: Iterable[PriceTier], qty: int) -> int:
    """The unit price for a quantity: the deepest tier reached, else the base price."""
    price = base
    best = 0
    for tier in tiers:
        if best < tier.min_qty <= qty:
            best, price = tier.min_qty, tier.unit_price
    return price


def customer_unit_price(
    base: int, tiers: Iterable[PriceTier], qty: int, special: int | None
) -> int:
    """THE price rule for one customer: their special price for the product, when they have
    one, wins over the list and tier prices (even if a tier would be lower: the price agreed is
    the price paid); otherwise the tiered list price. The standing discount applies later, on
    the order (order_totals)."""
    if special is not None:
        return special
    return unit_price(base, tiers, qty)


def as_customer_sees(product: Product, specials: dict[int, int]) -> Product:
    """The product with the prices this customer pays (a special price replaces list and
    tiers), so every screen and every order path shows and charges the same."""
    special = specials.get(product.id)
    if special is None:
        return product
    return product.model_copy(update={"price": special, "tiers": ()})


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def order_totals(
    subtotal: int,
    *,
    discount_bp: int,
    delivery_fee: int,
    tax_percent: Decimal,
    tax_included: bool,
) -> Totals:
    """Totals of an order: discount on goods, then delivery, then tax on both."""
    discount = _round(Decimal(subtotal) * discount_bp / 10_000)
    taxable = subtotal - discount + delivery_fee
    rate = tax_percent / 100
    if tax_included:
        tax = _round(Decimal(taxable) * rate / (1 + rate))
        total = taxable
    else:
        tax = _round(Decimal(taxable) * rate)
        total = taxable + tax
    return Totals(
        subtotal=subtotal,
        discount=discount,
        delivery_fee=delivery_fee,
        tax=tax,
        total=total,
        tax_included=tax_included,
    )
