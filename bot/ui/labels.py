"""Names of statuses, stock levels and payment terms in the reader's language."""

from __future__ import annotations

from bot.config import PaymentTermConfig
from bot.domain.models import OrderStatus, PaymentKind, PaymentStatus, StockLevel, Unit
from bot.domain.roles import Role
from bot.i18n import N_, Texts
from bot.ui.screen import clip, esc
from bot.ui.units import quantity

ORDER_STATUS = {
    OrderStatus.SUBMITTED: N_("submitted, awaiting review"),
    OrderStatus.APPROVED: N_("approved"),
    OrderStatus.REJECTED: N_("rejected"),
    OrderStatus.PARTIALLY_SHIPPED: N_("partially shipped"),
    OrderStatus.SHIPPED: N_("shipped"),
    OrderStatus.DELIVERED: N_("delivered"),
    OrderStatus.COMPLETED: N_("completed"),
    OrderStatus.CANCELLED: N_("cancelled"),
}

STATUS_ICON = {
    OrderStatus.SUBMITTED: "🕓",
    OrderStatus.APPROVED: "✅",
    OrderStatus.REJECTED: "⛔",
    OrderStatus.PARTIALLY_SHIPPED: "📦",
    OrderStatus.SHIPPED: "🚚",
    OrderStatus.DELIVERED: "📬",
    OrderStatus.COMPLETED: "🏁",
    OrderStatus.CANCELLED: "✖️",
}

PAYMENT_STATUS = {
    PaymentStatus.UNPAID: N_("unpaid"),
    PaymentStatus.PARTIALLY_PAID: N_("partially paid"),
    PaymentStatus.PAID: N_("paid"),
    PaymentStatus.PARTIALLY_REFUNDED: N_("partially refunded"),
    PaymentStatus.REFUNDED: N_("refunded"),
}

STOCK = {
    StockLevel.IN_STOCK: N_("✅ In stock"),
    StockLevel.LOW: N_("⚠️ Low stock"),
    StockLevel.OUT: N_("❌ Out of stock"),
    StockLevel.PREORDER: N_("🕓 Available for pre-order"),
}


def priced_item(t: Texts, name: str, qty: int, unit: Unit, unit_price: int) -> str:
    """An order line in one line: • name — quantity (in its unit) × unit price."""
    return t._("• %(name)s — %(qty)s × %(price)s") % {
        "name": esc(clip(name, 60)),
        "qty": quantity(t, qty, unit),
        "price": t.money(unit_price),
    }


def shipped_item(t: Texts, sku: str, name: str, qty: int, shipped: int, unit: Unit) -> str:
    """An order line as the warehouse sees it: • SKU name — quantity (shipped so far)."""
    return t._("• %(sku)s %(name)s — %(qty)s (shipped %(shipped)s)") % {
        "sku": esc(sku),
        "name": esc(clip(name, 50)),
        "qty": quantity(t, qty, unit),
        "shipped": quantity(t, shipped, unit),
    }


def status(t: Texts, value: OrderStatus) -> str:
    """An order status with its icon."""
    return f"{STATUS_ICON[value]} {t._(ORDER_STATUS[value])}"


def payment_term(t: Texts, term: PaymentTermConfig) -> str:
    """A payment term described for customers."""
    if term.kind is PaymentKind.PREPAID:
        return t._("Prepaid (we ship after payment)")
    if term.kind is PaymentKind.CASH_ON_DELIVERY:
        return t._("Cash on delivery")
    if term.kind is PaymentKind.NET:
        days = term.days or 0
        return t.ngettext("Pay within %(n)d day", "Pay within %(n)d days", days) % {"n": days}
    count, every = term.count or 0, term.interval_days or 0
    return t.ngettext(
        "%(n)d instalments, every %(d)d day",
        "%(n)d instalments, every %(d)d days",
        every,
    ) % {"n": count, "d": every}


ROLE = {
    Role.SALES_REP: N_("sales rep"),
    Role.SALES_MANAGER: N_("sales manager"),
    Role.WAREHOUSE: N_("warehouse"),
    Role.FINANCE: N_("finance"),
    Role.ADMIN: N_("admin"),
}
