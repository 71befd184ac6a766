"""Domain errors: services raise them, the edge turns them into localised replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.models import OrderStatus


class InputProblem(StrEnum):
    """Why a typed value was refused."""

    NOT_TEXT = "not_text"
    QUANTITY_NOT_NUMBER = "quantity_not_number"
    QUANTITY_RANGE = "quantity_range"
    NAME_LENGTH = "name_length"
    NAME_LETTERS = "name_letters"
    PHONE_INVALID = "phone_invalid"
    PHONE_TAKEN = "phone_taken"
    ADDRESS_LIMIT = "address_limit"
    ADDRESS_LAST = "address_last"
    ADDRESS_GONE = "address_gone"
    COMPANY_LENGTH = "company_length"
    ADDRESS_LENGTH = "address_length"
    NOTE_LENGTH = "note_length"
    REASON_LENGTH = "reason_length"
    DATE_INVALID = "date_invalid"
    DATE_RANGE = "date_range"
    NOT_WORKING_DAY = "not_working_day"
    SEARCH_EMPTY = "search_empty"
    ROLE_UNKNOWN = "role_unknown"
    CARRIER_LENGTH = "carrier_length"
    TRACKING_INVALID = "tracking_invalid"
    AMOUNT_INVALID = "amount_invalid"
    ORDER_NUMBER_MISSING = "order_number_missing"
    PERCENT_INVALID = "percent_invalid"
    ORDER_LINES_INVALID = "order_lines_invalid"
    TIME_ZONE_UNKNOWN = "time_zone_unknown"
    QUICK_EMPTY = "quick_empty"
    QUICK_TOO_LONG = "quick_too_long"
    QUICK_TOO_MANY = "quick_too_many"
    QUICK_QUANTITY = "quick_quantity"
    QUICK_NO_PRODUCT = "quick_no_product"
    QUICK_NAME_LONG = "quick_name_long"
    PERIOD_INVALID = "period_invalid"
    COMMENT_LENGTH = "comment_length"
    DESCRIPTION_LENGTH = "description_length"
    LEAD_DAYS = "lead_days"
    SKU_INVALID = "sku_invalid"
    SKU_TAKEN = "sku_taken"
    PRODUCT_TEXT_LENGTH = "product_text_length"
    TIERS_INVALID = "tiers_invalid"
    PHOTO_TOO_LARGE = "photo_too_large"
    PHOTO_EXPECTED = "photo_expected"
    ORDER_FILTER = "order_filter"
    ORDER_FILTER_LONG = "order_filter_long"


class DomainError(Exception):
    """Base of the errors a user can be told about."""


@dataclass
class InvalidInput(DomainError):
    """A value typed by the user was refused."""

    problem: InputProblem
    low: int | str | None = None
    high: int | str | None = None


class NotRegistered(DomainError):
    """The person must register before doing this."""


class ProductNotFound(DomainError):
    """No such product, or it is no longer sold."""


@dataclass
class NotEnoughStock(DomainError):
    """Fewer units are available than asked for."""

    available: int


class CartEmpty(DomainError):
    """There is nothing to check out."""


@dataclass
class LinesUnavailable(DomainError):
    """Some cart lines cannot be filled; nothing was submitted."""

    product_ids: list[int] = field(default_factory=list)


class OptionNotOffered(DomainError):
    """A delivery method, address or payment term not offered to this customer."""


class OrderNotFound(DomainError):
    """No such order for this person."""


class LineSettled(DomainError):
    """Some of the order line has shipped or was cut short: its quantity can no longer
    change."""


@dataclass
class TransitionRefused(DomainError):
    """The order's status does not allow this step."""

    current: OrderStatus
    wanted: OrderStatus


class ReasonRequired(DomainError):
    """This step needs a reason."""


class DraftIncomplete(DomainError):
    """The checkout draft lacks a choice."""


class NotAllowed(DomainError):
    """The person's roles do not allow this; the attempt is audited."""


class InviteInvalid(DomainError):
    """An invite link that is unknown, used already or expired."""


class StaffNotFound(DomainError):
    """No such person among the staff."""


class RequestWaiting(DomainError):
    """A customer's request on this order waits for a decision: staff decide it first."""


class NotARep(DomainError):
    """Only a sales rep has a discount limit of their own."""


@dataclass
class AlreadyDecided(DomainError):
    """Someone else decided this order first (told with its number and who, when known)."""

    status: OrderStatus
    by: str | None
    number: str = ""


class NothingToShip(DomainError):
    """A shipment needs at least one unit, and no more than is left to ship."""


@dataclass
class OutOfStockToShip(DomainError):
    """The warehouse holds fewer units than the shipment takes."""

    sku: str


@dataclass
class RefundOverDue(DomainError):
    """A refund of more than is due to be paid back (or nothing is)."""

    due: int


class AwaitingPayment(DomainError):
    """A prepaid order reaches the warehouse only once it is paid in full."""


class NotPayable(DomainError):
    """Nothing is owed on this order: it is paid, cancelled or rejected."""


class NotInvoiceable(DomainError):
    """An invoice needs an approved, not cancelled order, and only one is issued."""


class InvoiceNotFound(DomainError):
    """No such invoice (or not one of the person's own)."""


class NotInvoiced(DomainError):
    """The order has no invoice yet."""


class RequestOpen(DomainError):
    """The order already has a request waiting for staff."""


@dataclass
class RequestClosed(DomainError):
    """Someone already decided this request (told with the order's number when known)."""

    number: str = ""
    approved: bool | None = None


@dataclass
class DiscountOverLimit(DomainError):
    """A rep may not give a deeper discount: a manager must."""

    limit_bp: int


@dataclass
class UnknownSku(DomainError):
    """No product with this SKU is sold."""

    sku: str


@dataclass
class NotInCatalog(DomainError):
    """Typed product names that match nothing sold."""

    words: tuple[str, ...]


class FeedbackNotOpen(DomainError):
    """Only a delivered order can be rated."""


class FeedbackGiven(DomainError):
    """The order was rated (and commented on) already: once per order."""


class QuoteExpired(DomainError):
    """A custom order's quote past its valid-until date, or replaced by a newer quote: it can
    no longer be accepted."""
