"""Configuration: read once from TOML into pydantic models and passed down."""

from __future__ import annotations

import os
import tomllib
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import get_currency_precision, list_currencies
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.domain.models import Language, OrderType, PaymentKind
from bot.domain.workdays import WorkingCalendar, calendar_of

TOKEN_ENV = "ORDERDESK_TOKEN"
PAYMENT_TOKEN_ENV = "ORDERDESK_PAYMENT_TOKEN"


class ConfigError(Exception):
    """A configuration value is wrong or missing; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramConfig(_Section):
    """How to reach the Bot API."""

    token: SecretStr = SecretStr("")
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    rate_limit: bool = True
    # One person's flood slows only them: `flood_burst` updates at once, then
    # `flood_per_second`; beyond that their updates are dropped (one notice a minute).
    flood_burst: Annotated[int, Field(ge=1, le=100_000)] = 20
    flood_per_second: Annotated[float, Field(gt=0, le=10_000)] = 5.0


class DatabaseConfig(_Section):
    """Where the SQLite file lives."""

    path: Path = Path("var/orderdesk.sqlite3")


class BusinessConfig(_Section):
    """Who the seller is: time zone, currency, language, admins."""

    timezone: str = "UTC"
    currency: str = "USD"
    default_language: Language = Language.EN
    phone_region: str = "US"
    admins: list[int] = Field(default_factory=list)
    # How to pay, shown in payment reminders: per language, English as the fallback.
    payment_instructions: dict[Language, Annotated[str, Field(max_length=500)]] = Field(
        default_factory=dict
    )

    def how_to_pay(self, language: Language) -> str:
        """The payment instructions in a language, falling back to English (or nothing)."""
        return self.payment_instructions.get(language) or self.payment_instructions.get(
            Language.EN, ""
        )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone such as 'Europe/Berlin'"
            ) from None
        return value

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in list_currencies():
            raise ValueError(f"{value!r} is not an ISO 4217 currency code such as 'EUR'")
        return value

    @field_validator("phone_region")
    @classmethod
    def _region(cls, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise ValueError(f"{value!r} is not a two-letter region code such as 'DE'")
        return value.upper()

    @property
    def zone(self) -> ZoneInfo:
        """The business time zone."""
        return ZoneInfo(self.timezone)

    @property
    def minor_digits(self) -> int:
        """How many decimal places the currency has."""
        return int(get_currency_precision(self.currency))


class CatalogConfig(_Section):
    """Catalog browsing."""

    page_size: Annotated[int, Field(ge=1, le=20)] = 6
    low_stock_threshold: Annotated[int, Field(ge=0)] = 5
    managers_edit: bool = False  # sales managers may use /products too
    # Deposit asked at approval on pre-ordered lines, in percent of their total, for products
    # that set none of their own (0: no deposit).
    preorder_deposit_percent: Annotated[int, Field(ge=0, le=100)] = 0


class CheckoutConfig(_Section):
    """Checkout limits."""

    max_quantity: Annotated[int, Field(ge=1, le=1_000_000)] = 10_000
    min_lead_days: Annotated[int, Field(ge=0, le=365)] = 1
    max_lead_days: Annotated[int, Field(ge=1, le=730)] = 90
    default_payment_terms: list[str] = Field(default_factory=lambda: ["prepaid"])

    @model_validator(mode="after")
    def _lead_order(self) -> CheckoutConfig:
        if self.max_lead_days < self.min_lead_days:
            raise ValueError("max_lead_days must not be smaller than min_lead_days")
        return self


class TaxConfig(_Section):
    """Sales tax, off when the rate is 0."""

    rate_percent: Decimal = Decimal(0)
    included: bool = False

    @field_validator("rate_percent", mode="before")
    @classmethod
    def _percent(cls, value: Any) -> Decimal:
        try:
            rate = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
        if not Decimal(0) <= rate <= Decimal(100):
            raise ValueError("must be between 0 and 100")
        return rate


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount such as '15.00'") from None
    if amount < 0:
        raise ValueError("must not be negative")
    return amount


class ReviewConfig(_Section):
    """Review on submission: automatic approval, rep limits, the manager threshold."""

    auto_approve_limit: Decimal = Decimal("500")
    auto_approve_terms: list[str] = Field(default_factory=lambda: ["prepaid"])
    manager_threshold: Decimal = Decimal("5000")
    rep_discount_limit_percent: Decimal = Decimal("10")

    _amounts = field_validator(
        "auto_approve_limit", "manager_threshold", "rep_discount_limit_percent", mode="before"
    )(_amount)


CarrierName = Annotated[str, Field(min_length=1, max_length=60)]


class ShippingConfig(_Section):
    """Shipping: the carriers the warehouse picks from (others can be typed)."""

    carriers: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=lambda: ["Courier"]
    )
    # A carrier's name in each language (`"SF Express" = { zh = "顺丰速运" }`); a carrier not
    # named here is shown through the catalogs (the usual ones are marked in bot/ui/labels.py).
    carrier_names: dict[str, dict[Language, CarrierName]] = Field(default_factory=dict)


class CalendarConfig(_Section):
    """Working days: delivery dates offered and shipping deadlines skip the others."""

    working_weekdays: Annotated[
        list[Annotated[int, Field(ge=1, le=7)]], Field(min_length=1, max_length=7)
    ] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    holidays: list[date] = Field(default_factory=list)

    @cached_property
    def working(self) -> WorkingCalendar:
        """The calendar the rules use."""
        return calendar_of(self.working_weekdays, self.holidays)


class GroupChat(_Section):
    """A group chat (and, in a forum, a topic) where one role's notices go."""

    chat_id: Annotated[int, Field(lt=0)]
    topic_id: Annotated[int, Field(gt=0)] | None = None


class NotificationsConfig(_Section):
    """Roles whose notices go to a group chat instead of each person's private chat."""

    sales_manager: GroupChat | None = None
    warehouse: GroupChat | None = None
    finance: GroupChat | None = None


class StaffConfig(_Section):
    """Staff invitations."""

    invite_ttl_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 72


class SellerConfig(_Section):
    """Who issues the invoices: printed on every invoice PDF (per-language name and address
    optional, the plain ones are the fallback)."""

    name: Annotated[str, Field(max_length=120)] = ""
    names: dict[Language, Annotated[str, Field(max_length=120)]] = Field(default_factory=dict)
    address: Annotated[str, Field(max_length=300)] = ""
    addresses: dict[Language, Annotated[str, Field(max_length=300)]] = Field(default_factory=dict)
    tax_id: Annotated[str, Field(max_length=40)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    email: Annotated[str, Field(max_length=120)] = ""
    bank: Annotated[str, Field(max_length=300)] = ""

    def name_in(self, language: Language) -> str:
        """The seller's name in a language, else the plain one."""
        return self.names.get(language) or self.name

    def address_in(self, language: Language) -> str:
        """The seller's address in a language, else the plain one."""
        return self.addresses.get(language) or self.address


Days = Annotated[int, Field(ge=1, le=365)]


class RemindersConfig(_Section):
    """The scheduled reminders and alerts: when each is due, quiet hours, pacing."""

    enabled: bool = True
    scan_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 5
    # Payment reminders to customers: days before a due date, then days overdue (dunning).
    payment_before_days: list[Days] = Field(default_factory=lambda: [3])
    dunning_days: Annotated[list[Days], Field(min_length=1)] = Field(
        default_factory=lambda: [1, 7, 14, 30]
    )
    # Overdue alerts go to the rep and finance at every level, to managers from this one.
    managers_from_days: Days = 14
    # Undecided orders: the deciders after this many hours, the managers after twice as many.
    approval_hours: Days = 4
    # Approved orders must ship within these days (unless a ship date was promised).
    ship_within_days: dict[OrderType, Days] = Field(
        default_factory=lambda: {
            OrderType.STANDARD: 2,
            OrderType.BULK: 5,
            OrderType.PREORDER: 14,
            OrderType.CUSTOM: 10,
        }
    )
    # A shipment with no expected date is expected this many days after it left.
    transit_days: Days = 3
    # Days after the expected arrival: late (rep and customer told), then asking to confirm.
    late_delivery_days: Days = 1
    confirm_receipt_days: Days = 3
    # The receivables digest to finance, in the business time zone.
    digest_time: time = time(8, 30)
    # No reminders to customers between these local times (equal times: no quiet hours).
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    quiet_hours_for_staff: bool = True
    # Pause between two reminders to the same chat (Telegram allows about one a second).
    per_chat_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0

    @field_validator("payment_before_days", "dunning_days")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        return sorted(set(value))

    @model_validator(mode="after")
    def _order(self) -> RemindersConfig:
        if self.confirm_receipt_days <= self.late_delivery_days:
            raise ValueError("confirm_receipt_days must be later than late_delivery_days")
        return self

    def ship_within(self, order_type: OrderType) -> int:
        """Days an approved order of this type may wait to ship."""
        return self.ship_within_days.get(order_type, 2)


class StatementsConfig(_Section):
    """Monthly statements of account: sent by themselves (off by default) on a day of the
    month, from an hour on (business time zone), for the month before."""

    monthly: bool = False
    day: Annotated[int, Field(ge=1, le=28)] = 1
    hour: Annotated[int, Field(ge=0, le=23)] = 9


class PaymentsConfig(_Section):
    """Pay in chat (Telegram Payments): with a payment provider token from @BotFather, invoices
    and payment reminders get a Pay now button; without one, customers get the bank details
    (business.payment_instructions) with a copy button."""

    provider_token: SecretStr = SecretStr("")

    @property
    def enabled(self) -> bool:
        """Whether customers may pay in chat."""
        return bool(self.provider_token.get_secret_value())


class IntakeConfig(_Section):
    """Orders from a photo (OCR by Debian's tesseract), a file (PDF, XLSX, CSV, TXT) or a voice
    note (an external speech-to-text command the operator installs)."""

    tesseract: Annotated[str, Field(min_length=1, max_length=300)] = "tesseract"
    # Tesseract language packs, joined by "+" (chi_sim, eng, rus are the ones installed); this
    # order read best in benchmarks/ocr.py (Cyrillic read for Latin is put back afterwards).
    languages: Annotated[str, Field(pattern=r"^[A-Za-z_]+(\+[A-Za-z_]+)*$")] = "chi_sim+eng+rus"
    # Telegram lets a bot download files of up to 20 MB.
    max_file_mb: Annotated[int, Field(ge=1, le=20)] = 10
    # Seconds one OCR run or one transcription may take.
    timeout: Annotated[float, Field(gt=0, le=600)] = 60.0
    # A command that reads the audio file path given after it and prints the transcript, e.g.
    # ["whisper-cli", "--model", "/opt/models/base.bin"]; empty: voice notes are not listened to.
    voice_command: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=20
    )

    @property
    def max_bytes(self) -> int:
        """The largest file read, in bytes."""
        return self.max_file_mb * 1024 * 1024


class QuickOrderConfig(_Section):
    """Where the quick-order matcher lives."""

    # In a long-lived process of its own (bot/services/quick_order_process.py): building and
    # matching never hold the bot's event loop. False: on worker threads of the bot's process
    # (lags of up to ~0.3 s while 100,000 products are indexed; fine for small catalogs).
    process: bool = True


class PersistenceConfig(_Section):
    """How often conversation state is written to the database."""

    flush_interval: Annotated[float, Field(gt=0, le=600)] = 2.0


class PerformanceConfig(_Section):
    """How heavy work is run."""

    # Worker processes for PDFs, charts and export files (bot/runtime/offload.py), so they
    # never hold the event loop; 0 runs them on a thread of the bot's process instead.
    workers: Annotated[int, Field(ge=0, le=32)] = 1


class DeliveryMethod(_Section):
    """A delivery method with its fee (a decimal string in config, minor units once loaded)."""

    code: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,16}$")]
    fee: Decimal = Decimal(0)
    needs_address: bool = True
    names: dict[Language, str]

    @field_validator("fee", mode="before")
    @classmethod
    def _fee(cls, value: Any) -> Decimal:
        try:
            fee = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount such as '15.00'") from None
        if fee < 0:
            raise ValueError("must not be negative")
        return fee

    @field_validator("names")
    @classmethod
    def _english_name(cls, value: dict[Language, str]) -> dict[Language, str]:
        if not value.get(Language.EN):
            raise ValueError("needs at least an English name (en)")
        return value

    def name(self, language: Language) -> str:
        """The method's name in a language, falling back to English."""
        return self.names.get(language) or self.names[Language.EN]


class PaymentTermConfig(_Section):
    """A payment term the seller offers."""

    code: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,16}$")]
    kind: PaymentKind
    days: Annotated[int, Field(ge=1, le=365)] | None = None
    count: Annotated[int, Field(ge=2, le=24)] | None = None
    interval_days: Annotated[int, Field(ge=1, le=365)] | None = None
    # Due dates count from the invoice date, or from delivery when the order has arrived.
    counted_from: Literal["invoice", "delivery"] = "invoice"
    # Invoiced by itself the moment the order is delivered (its due dates, and so its
    # reminders, start then), instead of when finance presses "Issue invoice".
    invoice_on_delivery: bool = False

    @model_validator(mode="after")
    def _fields_for_kind(self) -> PaymentTermConfig:
        if self.kind is PaymentKind.NET and self.days is None:
            raise ValueError("a 'net' term needs days")
        if self.kind is PaymentKind.INSTALMENTS and (self.count is None or not self.interval_days):
            raise ValueError("an 'instalments' term needs count and interval_days")
        return self


class Config(_Section):
    """The whole configuration."""

    telegram: TelegramConfig = TelegramConfig()
    database: DatabaseConfig = DatabaseConfig()
    business: BusinessConfig = BusinessConfig()
    catalog: CatalogConfig = CatalogConfig()
    checkout: CheckoutConfig = CheckoutConfig()
    tax: TaxConfig = TaxConfig()
    persistence: PersistenceConfig = PersistenceConfig()
    staff: StaffConfig = StaffConfig()
    seller: SellerConfig = SellerConfig()
    review: ReviewConfig = ReviewConfig()
    shipping: ShippingConfig = ShippingConfig()
    calendar: CalendarConfig = CalendarConfig()
    notifications: NotificationsConfig = NotificationsConfig()
    reminders: RemindersConfig = RemindersConfig()
    payments: PaymentsConfig = PaymentsConfig()
    statements: StatementsConfig = StatementsConfig()
    intake: IntakeConfig = IntakeConfig()
    performance: PerformanceConfig = PerformanceConfig()
    quick_order: QuickOrderConfig = QuickOrderConfig()
    delivery: Annotated[list[DeliveryMethod], Field(min_length=1)]
    payment_terms: Annotated[list[PaymentTermConfig], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        for name, codes in (
            ("delivery", [d.code for d in self.delivery]),
            ("payment_terms", [t.code for t in self.payment_terms]),
        ):
            if len(set(codes)) != len(codes):
                raise ValueError(f"{name}: codes must be unique")
        known = {t.code for t in self.payment_terms}
        unknown = [
            c
            for c in [*self.checkout.default_payment_terms, *self.review.auto_approve_terms]
            if c not in known
        ]
        if unknown:
            raise ValueError(f"payment term {', '.join(unknown)} is not among payment_terms")
        digits = self.business.minor_digits
        for method in self.delivery:
            if method.fee != method.fee.quantize(Decimal(1).scaleb(-digits)):
                raise ValueError(
                    f"delivery.{method.code}.fee: {self.business.currency} has {digits} decimals"
                )
        return self

    def delivery_method(self, code: str) -> DeliveryMethod | None:
        """The delivery method with this code, if offered."""
        return next((d for d in self.delivery if d.code == code), None)

    def payment_term(self, code: str) -> PaymentTermConfig | None:
        """The payment term with this code, if offered."""
        return next((t for t in self.payment_terms if t.code == code), None)

    def fee_minor(self, method: DeliveryMethod) -> int:
        """A delivery fee in minor units."""
        return self.minor(method.fee)

    def minor(self, amount: Decimal) -> int:
        """An amount of the currency in minor units."""
        return int(amount.scaleb(self.business.minor_digits))


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        message = "is missing"
    elif first["type"] == "extra_forbidden":
        message = "is not a known setting"
    return f"{location}: {message}"


def parse_config(data: dict[str, Any], environ: dict[str, str] | None = None) -> Config:
    """Validate a configuration mapping; the token may come from ORDERDESK_TOKEN, the payment
    provider token from ORDERDESK_PAYMENT_TOKEN."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get(TOKEN_ENV):
        telegram = dict(data.get("telegram") or {})
        telegram["token"] = environ[TOKEN_ENV]
        data = {**data, "telegram": telegram}
    if environ.get(PAYMENT_TOKEN_ENV):
        payments = dict(data.get("payments") or {})
        payments["provider_token"] = environ[PAYMENT_TOKEN_ENV]
        data = {**data, "payments": payments}
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


def load_config(path: Path, environ: dict[str, str] | None = None) -> Config:
    """Read and validate the TOML configuration file."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (copy config.example.toml)") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    return parse_config(data, environ)
