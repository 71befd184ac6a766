"""Parsers of what people type: each returns a clean value or raises InvalidInput."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import available_timezones

import phonenumbers

from bot.domain.errors import InputProblem, InvalidInput

NAME_MIN, NAME_MAX = 2, 100
NAME_LETTERS = 2  # "A" or "1." is not a name
COMPANY_MAX = 120
ADDRESS_MIN, ADDRESS_MAX = 5, 300
NOTE_MAX = 500
REASON_MAX = 300
SEARCH_MAX = 64

# Zero-width and bidirectional control characters are invisible and let one text pose as another.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def clean_text(text: str, *, multiline: bool = False) -> str:
    """NFC-normalise, drop control and invisible characters, fold runs of white space."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    keep = "\n" if multiline else ""
    text = "".join(
        ch for ch in text if ch in keep or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    )
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line) if multiline else " ".join(text.split())


def _bounded(text: str, low: int, high: int, problem: InputProblem, multiline: bool) -> str:
    value = clean_text(text, multiline=multiline)
    if not low <= len(value) <= high:
        raise InvalidInput(problem, low, high)
    return value


def parse_name(text: str) -> str:
    """A person's name: 2 to 100 characters, at least 2 of them letters."""
    value = _bounded(text, NAME_MIN, NAME_MAX, InputProblem.NAME_LENGTH, False)
    if sum(ch.isalpha() for ch in value) < NAME_LETTERS:
        raise InvalidInput(InputProblem.NAME_LETTERS, NAME_LETTERS)
    return value


def parse_company(text: str) -> str:
    """A company name: 1 to 120 characters."""
    return _bounded(text, 1, COMPANY_MAX, InputProblem.COMPANY_LENGTH, False)


def parse_address(text: str) -> str:
    """A delivery address: 5 to 300 characters, line breaks kept."""
    return _bounded(text, ADDRESS_MIN, ADDRESS_MAX, InputProblem.ADDRESS_LENGTH, True)


def parse_note(text: str) -> str:
    """A note for the seller: up to 500 characters."""
    return _bounded(text, 1, NOTE_MAX, InputProblem.NOTE_LENGTH, True)


def parse_reason(text: str) -> str:
    """A reason for a cancellation: 2 to 300 characters."""
    return _bounded(text, 2, REASON_MAX, InputProblem.REASON_LENGTH, True)


def parse_search(text: str) -> str:
    """Search words: not empty, at most 64 characters."""
    value = clean_text(text)[:SEARCH_MAX].strip()
    if not value:
        raise InvalidInput(InputProblem.SEARCH_EMPTY)
    return value


def parse_quantity(text: str, maximum: int) -> int:
    """A whole number of units from 1 to `maximum` (full-width digits accepted)."""
    value = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not re.fullmatch(r"[+]?\d{1,12}", value):
        raise InvalidInput(InputProblem.QUANTITY_NOT_NUMBER, 1, maximum)
    qty = int(value)
    if not 1 <= qty <= maximum:
        raise InvalidInput(InputProblem.QUANTITY_RANGE, 1, maximum)
    return qty


def parse_phone(text: str, region: str) -> str:
    """A phone number in E.164 form; numbers without a country code are read in `region`."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if len(raw) > 32:
        raise InvalidInput(InputProblem.PHONE_INVALID)
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidInput(InputProblem.PHONE_INVALID) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(InputProblem.PHONE_INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_key(phone: str) -> str:
    """A stored or typed phone number in the form compared for "already used": '+' and the
    digits (E.164 as parse_phone and contact_phone give it; older rows may have spaces)."""
    return "+" + re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))


def contact_phone(raw: str) -> str:
    """A phone number shared through Telegram's contact button, which omits the '+'."""
    digits = re.sub(r"\D", "", raw)
    if not 6 <= len(digits) <= 15:
        raise InvalidInput(InputProblem.PHONE_INVALID)
    return "+" + digits


_DATE_PATTERNS = (
    (re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"), ("y", "m", "d")),
    (re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})"), ("d", "m", "y")),
)


def parse_date(text: str, today: date, min_days: int, max_days: int) -> date:
    """A date from today+min_days to today+max_days, as 2026-12-01, 1.12.2026 or 2026年12月1日."""
    value = unicodedata.normalize("NFKC", text).strip()
    for pattern, order in _DATE_PATTERNS:
        match = pattern.fullmatch(value)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                day = date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
            earliest, latest = today + timedelta(min_days), today + timedelta(max_days)
            if not earliest <= day <= latest:
                raise InvalidInput(
                    InputProblem.DATE_RANGE, earliest.isoformat(), latest.isoformat()
                )
            return day
    raise InvalidInput(InputProblem.DATE_INVALID)


def parse_carrier(text: str) -> str:
    """A carrier's name: 1 to 60 characters."""
    return _bounded(text, 1, 60, InputProblem.CARRIER_LENGTH, False)


def parse_tracking(text: str) -> str:
    """A tracking number: 3 to 40 letters, digits and dashes."""
    value = unicodedata.normalize("NFKC", text).strip().replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{2,39}", value):
        raise InvalidInput(InputProblem.TRACKING_INVALID)
    return value


def parse_money(text: str, digits: int) -> int:
    """A positive amount in minor units: 1234.5, 1,234.50, 1 234,50, ¥1234 (at most 10^9)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if "-" in value or "−" in value:
        raise InvalidInput(InputProblem.AMOUNT_INVALID)
    value = re.sub(r"^[^\d]{0,4}|[^\d]{0,4}$", "", value).replace(" ", "").replace("'", "")
    if "," in value and "." in value:
        thousands = "," if value.rfind(".") > value.rfind(",") else "."
        value = value.replace(thousands, "").replace(",", ".")
    elif "," in value:
        head, _, tail = value.rpartition(",")
        value = value.replace(",", "") if len(tail) == 3 and head else value.replace(",", ".")
    if not re.fullmatch(r"\d{1,10}(\.\d+)?", value):
        raise InvalidInput(InputProblem.AMOUNT_INVALID)
    whole, _, fraction = value.partition(".")
    if len(fraction) > digits:
        raise InvalidInput(InputProblem.AMOUNT_INVALID)
    minor = int(whole) * 10**digits + int((fraction or "0").ljust(digits, "0")[:digits] or 0)
    if not 0 < minor <= 10**9 * 10**digits:
        raise InvalidInput(InputProblem.AMOUNT_INVALID)
    return minor


def parse_percent(text: str) -> int:
    """A percentage from 0 to 100 with up to two decimals, in basis points ("7.5" → 750)."""
    value = unicodedata.normalize("NFKC", text).strip().rstrip("%").strip().replace(",", ".")
    if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", value):
        raise InvalidInput(InputProblem.PERCENT_INVALID, 0, 100)
    whole, _, fraction = value.partition(".")
    bp = int(whole) * 100 + int(fraction.ljust(2, "0") or 0)
    if bp > 10_000:
        raise InvalidInput(InputProblem.PERCENT_INVALID, 0, 100)
    return bp


_ORDER_LINE = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]{0,31})(?:\s*[x×*]?\s*(\d{1,9}))?")


def parse_order_lines(text: str, maximum: int) -> list[tuple[str, int]]:
    """Lines of "SKU QTY" (or "SKU x QTY", or just "SKU" for one), up to 50 of them."""
    value = unicodedata.normalize("NFKC", text)
    rows = [r.strip() for r in value.replace(",", "\n").replace(";", "\n").split("\n")]
    items = []
    for number, row in enumerate((r for r in rows if r), start=1):
        match = _ORDER_LINE.fullmatch(row)
        qty = int(match.group(2) or 1) if match else 0
        if match is None or not 1 <= qty <= maximum or number > 50:
            raise InvalidInput(InputProblem.ORDER_LINES_INVALID, number, maximum)
        items.append((match.group(1).upper(), qty))
    if not items:
        raise InvalidInput(InputProblem.ORDER_LINES_INVALID, 1, maximum)
    return items


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Every IANA zone by its lower-case name, and by its city where that city is unique."""
    names = {z for z in available_timezones() if "/" in z or z == "UTC"}
    found = {z.lower(): z for z in names}
    cities: dict[str, list[str]] = {}
    for zone in names:
        if not zone.startswith("Etc/"):  # Etc/GMT+3 is three hours *behind*: no shortcut
            cities.setdefault(zone.rsplit("/", 1)[-1].lower(), []).append(zone)
    for city, zones in cities.items():
        if len(zones) == 1:
            found.setdefault(city, zones[0])
    return found


def parse_time_zone(text: str) -> str:
    """An IANA time zone from what was typed: `Europe/Berlin`, `europe/berlin` or `Berlin`."""
    key = clean_text(text).strip().replace(" ", "_").lower()
    zone = _zones().get(key) if 0 < len(key) <= 64 else None
    if zone is None:
        raise InvalidInput(InputProblem.TIME_ZONE_UNKNOWN)
    return zone
