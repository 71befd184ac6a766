"""What the product editor accepts: SKUs, texts, tier prices, photo sizes."""

from __future__ import annotations

import pytest

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.models import PriceTier
from bot.services.product_editor import check_photo, parse_sku, parse_text, parse_tiers


def test_sku_as_the_csv_import_accepts_it() -> None:
    assert parse_sku("  A4-PAPER_80.v2 ") == "A4-PAPER_80.v2"
    assert parse_sku("Ａ４") == "A4"  # full-width letters from a Chinese keyboard
    for bad in ("", "-A4", "A4 PAPER", "A" * 33, "纸"):
        with pytest.raises(InvalidInput) as refused:
            parse_sku(bad)
        assert refused.value.problem is InputProblem.SKU_INVALID


def test_tiers_one_a_line() -> None:
    assert parse_tiers("50+ = 3.00\n10+ = 3.20\n\n", 2) == (
        PriceTier(min_qty=10, unit_price=320),
        PriceTier(min_qty=50, unit_price=300),
    )
    assert parse_tiers("10: 5", 2) == (PriceTier(min_qty=10, unit_price=500),)
    for bad in ("1+ = 2", "10+ = 0", "10+ = -1", "10+ = 1000000000000", "10+ = 1\n10+ = 2", "x"):
        with pytest.raises(InvalidInput) as refused:
            parse_tiers(bad, 2)
        assert refused.value.problem is InputProblem.TIERS_INVALID


def test_text_lengths_and_photo_size() -> None:
    assert parse_text("  Blue mug ", "name") == "Blue mug"
    with pytest.raises(InvalidInput):
        parse_text(" ", "name")
    with pytest.raises(InvalidInput):
        parse_text("x" * 121, "name")
    check_photo(5 * 2**20)
    check_photo(None)
    with pytest.raises(InvalidInput) as refused:
        check_photo(5 * 2**20 + 1)
    assert refused.value.high == 5
