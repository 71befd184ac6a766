"""Stock movements: what a receipt or an adjustment may be, and when stock counts as low.

On-hand stock is the sum of a product's movements (the ledger); rules only here, the ledger
is bot/db/stock.py."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import DomainError
from bot.domain.models import StockLevel

# The largest receipt or adjustment in one movement: a typo guard, not a warehouse limit.
MAX_MOVE = 100_000
MAX_REASON = 200


class MoveKind(StrEnum):
    """Why units came in or went out."""

    OPENING = "opening"  # what a product held when the ledger began
    RECEIPT = "receipt"  # goods arrived
    ADJUSTMENT = "adjustment"  # a count, damage, other (with a reason)
    IMPORT = "import"  # a new product's opening stock from the catalog CSV
    SHIPMENT = "shipment"  # goods left with an order


class AdjustReason(StrEnum):
    """Why on-hand stock was corrected."""

    COUNT = "count"
    DAMAGE = "damage"
    OTHER = "other"


class StockProblem(StrEnum):
    """Why a stock movement was refused."""

    USAGE_RECEIVE = "usage_receive"
    USAGE_ADJUST = "usage_adjust"
    QUANTITY = "quantity"  # not a whole number within bounds
    REASON = "reason"  # an adjustment without a reason, or one too long
    UNKNOWN_SKU = "unknown_sku"
    BELOW_RESERVED = "below_reserved"  # on hand would fall below what orders hold


@dataclass
class StockRefused(DomainError):
    """A receipt or adjustment refused; nothing changed."""

    problem: StockProblem
    sku: str = ""
    on_hand: int = 0
    reserved: int = 0


@dataclass(frozen=True)
class Receipt:
    """A receipt as typed: /receive SKU QTY [note]."""

    sku: str
    qty: int
    note: str | None


@dataclass(frozen=True)
class Adjustment:
    """An adjustment as typed: /adjust SKU ±QTY reason."""

    sku: str
    qty: int
    reason: AdjustReason
    note: str | None


_REASON_WORDS = {
    "count": AdjustReason.COUNT,
    "recount": AdjustReason.COUNT,
    "inventory": AdjustReason.COUNT,
    "盘点": AdjustReason.COUNT,
    "damage": AdjustReason.DAMAGE,
    "damaged": AdjustReason.DAMAGE,
    "broken": AdjustReason.DAMAGE,
    "损坏": AdjustReason.DAMAGE,
    "other": AdjustReason.OTHER,
    "其他": AdjustReason.OTHER,
}


def parse_quantity(text: str, *, signed: bool) -> int:
    """A movement's quantity: 1 to MAX_MOVE units (signed: ± that, never 0)."""
    raw = text.strip().replace("＋", "+").replace("－", "-").replace("−", "-")
    body = raw[1:] if raw[:1] in "+-" else raw
    if not body.isascii() or not body.isdigit() or len(body) > 7:
        raise StockRefused(StockProblem.QUANTITY)
    if raw[:1] == "-" and not signed:
        raise StockRefused(StockProblem.QUANTITY)
    value = int(body) * (-1 if raw[:1] == "-" else 1)
    if value == 0 or abs(value) > MAX_MOVE:
        raise StockRefused(StockProblem.QUANTITY)
    return value


def parse_note(words: list[str]) -> str | None:
    """A free note or reason text, at most MAX_REASON characters; None when empty."""
    text = " ".join(" ".join(words).split())
    if len(text) > MAX_REASON:
        raise StockRefused(StockProblem.REASON)
    return text or None


def parse_receive(args: list[str]) -> Receipt:
    """`/receive SKU QTY [note]`."""
    if len(args) < 2:
        raise StockRefused(StockProblem.USAGE_RECEIVE)
    return Receipt(args[0][:40], parse_quantity(args[1], signed=False), parse_note(args[2:]))


def parse_adjust(args: list[str]) -> Adjustment:
    """`/adjust SKU ±QTY reason`: a reason word (count, damage, other) and/or a text."""
    if len(args) < 3:
        raise StockRefused(StockProblem.USAGE_ADJUST if len(args) < 2 else StockProblem.REASON)
    qty = parse_quantity(args[1], signed=True)
    reason = _REASON_WORDS.get(args[2].lower())
    note = parse_note(args[3:] if reason is not None else args[2:])
    if reason is None:
        reason = AdjustReason.OTHER
    if reason is AdjustReason.OTHER and note is None:
        raise StockRefused(StockProblem.REASON)
    return Adjustment(args[0][:40], qty, reason, note)


def check_adjustment(sku: str, on_hand: int, reserved: int, qty: int) -> int:
    """On hand after the adjustment; refused when it would fall below what orders hold."""
    after = on_hand + qty
    if after < reserved:
        raise StockRefused(StockProblem.BELOW_RESERVED, sku, on_hand, reserved)
    return after


def is_low(available: int, threshold: int) -> bool:
    """Whether available stock (on hand − reserved) counts as low."""
    return available <= threshold


def crossing(available: int, threshold: int, flagged: bool) -> bool | None:
    """What the low-stock flag should become: True (fell low now: tell once), False (rose
    above: clear it), None (no change)."""
    low = is_low(available, threshold)
    if low and not flagged:
        return True
    if not low and flagged:
        return False
    return None


def stock_level(available: int, preorder: bool, low_threshold: int) -> StockLevel:
    """How a product's stock is shown: in stock, low, out, or open for pre-order."""
    if available <= 0:
        return StockLevel.PREORDER if preorder else StockLevel.OUT
    if available <= low_threshold:
        return StockLevel.LOW
    return StockLevel.IN_STOCK
