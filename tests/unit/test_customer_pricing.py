"""The one price rule for a customer: a special price wins over list and tier prices."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.models import PriceTier, Product
from bot.domain.pricing import as_customer_sees, customer_unit_price, order_totals

TIERS = (PriceTier(min_qty=10, unit_price=900), PriceTier(min_qty=50, unit_price=800))


def test_without_a_special_price_the_tiers_apply() -> None:
    assert customer_unit_price(1000, TIERS, 1, None) == 1000
    assert customer_unit_price(1000, TIERS, 10, None) == 900
    assert customer_unit_price(1000, TIERS, 60, None) == 800


def test_a_special_price_wins_over_list_and_tiers_even_when_a_tier_is_lower() -> None:
    assert customer_unit_price(1000, TIERS, 1, 950) == 950
    assert customer_unit_price(1000, TIERS, 60, 950) == 950  # agreed price, not the lower


def test_the_standing_discount_still_applies_on_the_order() -> None:
    subtotal = customer_unit_price(1000, TIERS, 4, 950) * 4
    totals = order_totals(
        subtotal,
        discount_bp=1000,
        delivery_fee=0,
        tax_percent=Decimal(0),
        tax_included=True,
    )
    assert (totals.subtotal, totals.discount, totals.total) == (3800, 380, 3420)


def test_a_product_as_the_customer_sees_it() -> None:
    product = Product(
        id=7,
        sku="X-1",
        category_id=1,
        name="X",
        description="",
        price=1000,
        tiers=TIERS,
        available=5,
        preorder=False,
        active=True,
        photo=None,
        photo_file_id=None,
    )
    assert as_customer_sees(product, {}) is product
    assert as_customer_sees(product, {8: 1}) is product
    seen = as_customer_sees(product, {7: 950})
    assert (seen.price, seen.tiers) == (950, ())
