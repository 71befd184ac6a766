"""Prices: tiers and totals in integer minor units, checked against hand computations."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.models import PriceTier
from bot.domain.pricing import order_totals, unit_price

TIERS = (PriceTier(min_qty=10, unit_price=2350), PriceTier(min_qty=50, unit_price=2190))


def test_unit_price_takes_the_deepest_tier_reached() -> None:
    assert unit_price(2500, TIERS, 1) == 2500
    assert unit_price(2500, TIERS, 9) == 2500
    assert unit_price(2500, TIERS, 10) == 2350
    assert unit_price(2500, TIERS, 49) == 2350
    assert unit_price(2500, TIERS, 50) == 2190
    assert unit_price(2500, (), 1000) == 2500


def test_totals_without_tax() -> None:
    t = order_totals(
        24500, discount_bp=0, delivery_fee=1500, tax_percent=Decimal(0), tax_included=False
    )
    assert (t.subtotal, t.discount, t.delivery_fee, t.tax, t.total) == (24500, 0, 1500, 0, 26000)


def test_totals_with_discount_and_tax_on_top() -> None:
    # 10.01 × 5% = 0.5005 → 0.50; (10.01 - 0.50 + 1.00) × 13% = 1.3663 → 1.37
    t = order_totals(
        1001, discount_bp=500, delivery_fee=100, tax_percent=Decimal(13), tax_included=False
    )
    assert (t.discount, t.tax, t.total) == (50, 137, 1001 - 50 + 100 + 137)


def test_totals_with_tax_included() -> None:
    # 113.00 including 13% holds 13.00 of tax; the total does not grow.
    t = order_totals(
        11300, discount_bp=0, delivery_fee=0, tax_percent=Decimal(13), tax_included=True
    )
    assert (t.tax, t.total, t.tax_included) == (1300, 11300, True)
