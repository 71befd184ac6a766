"""Domain models: plain pydantic values that services take and return."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from bot.domain.audit import AuditAction


class Language(StrEnum):
    """Languages OrderDesk speaks."""

    EN = "en"
    ZH = "zh"
    RU = "ru"

    @classmethod
    def from_telegram(cls, code: str | None, default: Language) -> Language:
        """The language for a Telegram language code such as 'en-GB', 'zh-hans' or 'ru'."""
        head = (code or "").split("-")[0].split("_")[0].lower()
        return cls(head) if head in cls._value2member_map_ else default


class PaymentKind(StrEnum):
    """Kinds of payment term."""

    PREPAID = "prepaid"
    CASH_ON_DELIVERY = "cash_on_delivery"
    NET = "net"
    INSTALMENTS = "instalments"


class Unit(StrEnum):
    """A product's unit of measure (a CHECK in the products table holds the same set)."""

    PCS = "pcs"
    BOX = "box"
    PACK = "pack"
    REAM = "ream"
    SET = "set"
    KG = "kg"
    M = "m"
    L = "l"


class OrderStatus(StrEnum):
    """Where an order stands in its life."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PaymentStatus(StrEnum):
    """Where an order's payment stands."""

    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class OrderType(StrEnum):
    """Kinds of order, decided at submission."""

    STANDARD = "standard"
    PREORDER = "preorder"
    BULK = "bulk"
    CUSTOM = "custom"


class StockLevel(StrEnum):
    """How a product's stock is shown to customers."""

    IN_STOCK = "in_stock"
    LOW = "low"
    OUT = "out"
    PREORDER = "preorder"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class User(_Model):
    """Anyone who has talked to the bot."""

    id: int
    telegram_id: int
    language: Language
    time_zone: str | None
    first_name: str
    # Telegram refused to deliver to them (they blocked the bot); nothing is tried until they
    # write again.
    unreachable: bool = False


class Address(_Model):
    """A saved delivery address."""

    id: int
    customer_id: int
    text: str
    is_default: bool = False  # offered first at checkout


class Customer(_Model):
    """A registered customer."""

    id: int
    user_id: int
    name: str
    phone: str
    company: str | None
    discount_bp: int
    credit_limit: int
    trusted: bool
    rep_id: int | None
    created_at: datetime
    reminders_paused: bool = False


class Category(_Model):
    """A catalog category, named in the reader's language."""

    id: int
    key: str
    name: str
    product_count: int


class PriceTier(_Model):
    """A unit price that applies from a minimum quantity on."""

    min_qty: int
    unit_price: int


class Product(_Model):
    """A product as the reader sees it."""

    id: int
    sku: str
    category_id: int
    name: str
    description: str
    price: int
    tiers: tuple[PriceTier, ...]
    available: int
    preorder: bool
    active: bool
    photo: str | None
    photo_file_id: str | None
    unit: Unit = Unit.PCS


T = TypeVar("T")


class Page(_Model, Generic[T]):
    """One page of a longer list."""

    items: tuple[T, ...]
    page: int
    pages: int
    total: int
    more_than: int = 0  # the list stopped at this many of more (0: total is all of them)


class CartLine(_Model):
    """A cart line priced at today's prices."""

    product_id: int
    sku: str
    name: str
    qty: int
    base_price: int
    unit_price: int
    total: int
    available: int
    preorder: bool
    active: bool
    unit: Unit = Unit.PCS

    @property
    def short(self) -> bool:
        """The line cannot be filled from stock and the product takes no pre-orders."""
        return not self.active or (self.qty > self.available and not self.preorder)


class Cart(_Model):
    """A person's cart."""

    lines: tuple[CartLine, ...]

    @property
    def subtotal(self) -> int:
        """Sum of the line totals, in minor units."""
        return sum(line.total for line in self.lines)

    @property
    def units(self) -> int:
        """How many units the cart holds."""
        return sum(line.qty for line in self.lines)


class Totals(_Model):
    """Money of an order, in minor units."""

    subtotal: int
    discount: int
    delivery_fee: int
    tax: int
    total: int
    tax_included: bool


class OrderLine(_Model):
    """A line of a submitted order."""

    id: int = 0
    product_id: int
    sku: str
    name: str
    qty: int
    unit_price: int
    total: int
    reserved_qty: int
    shipped_qty: int = 0
    cancelled_qty: int = 0
    unit: Unit = Unit.PCS

    @property
    def remaining(self) -> int:
        """Units still to ship (what was cancelled of the line is not)."""
        return self.qty - self.shipped_qty - self.cancelled_qty


class Shipment(_Model):
    """Goods that left the warehouse for an order."""

    id: int
    number: int  # its place among the order's shipments: 1, 2, …
    order_id: int
    carrier: str
    tracking: str | None
    expected_date: date | None
    shipped_at: datetime
    delivered_at: datetime | None
    lines: tuple[tuple[str, str, int], ...]  # (sku, name, qty)


class StatusChange(_Model):
    """One entry of an order's timeline."""

    at: datetime
    from_status: OrderStatus | None
    to_status: OrderStatus
    actor_user_id: int | None
    reason: str | None


class AuditEntry(_Model):
    """One line of the audit log: who did what, when, with before and after."""

    at: datetime
    actor: str | None
    action: AuditAction | str  # a string: an action no member names (an older log)
    before: str | None
    after: str | None
    reason: str | None


class Order(_Model):
    """A submitted order."""

    id: int
    number: str
    customer_id: int
    status: OrderStatus
    payment_status: PaymentStatus
    order_type: OrderType
    delivery_method: str
    address: str | None
    desired_date: date | None
    payment_term: str
    note: str | None
    totals: Totals
    currency: str
    submitted_at: datetime
    # what was paid beyond what the order charges, not yet paid back
    refund_due: int = 0
    # handed to the warehouse (at approval; a prepaid order once paid in full)
    released: bool = False


class OrderDetail(_Model):
    """An order with its lines and timeline."""

    order: Order
    lines: tuple[OrderLine, ...]
    timeline: tuple[StatusChange, ...]
    paid: int = 0
    refunded: int = 0
    shipments: tuple[Shipment, ...] = ()


class OrderChange(_Model):
    """A change to an order: a new address, a new note, a line's new quantity, or a product
    added (product_id with qty; its SKU kept for the people who decide)."""

    address: str | None = None
    note: str | None = None
    line_id: int | None = None
    qty: int | None = None
    product_id: int | None = None
    sku: str | None = None
