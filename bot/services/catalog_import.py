"""Catalog import from CSV: re-runnable (products are matched by SKU), with rejected rows named."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.domain.models import Language, PriceTier, Unit
from bot.domain.stock import MoveKind
from bot.services.base import Service

REQUIRED = ("sku", "category", "name_en", "price", "stock")
COLUMNS = (
    "sku",
    "category",
    "category_en",
    "category_zh",
    "category_ru",
    "name_en",
    "name_zh",
    "name_ru",
    "description_en",
    "description_zh",
    "description_ru",
    "price",
    "tiers",
    "stock",
    "preorder",
    "photo",
    "unit",
)
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_TRUE = {"1", "yes", "true", "y"}
_FALSE = {"", "0", "no", "false", "n"}
MAX_STOCK = 10_000_000


@dataclass
class ImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


class RowError(ValueError):
    """A row cannot be imported; the message says why."""


def _money(text: str, digits: int, column: str) -> int:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise RowError(f"{column}: {text!r} is not an amount") from None
    if value < 0 or value != value.quantize(Decimal(1).scaleb(-digits)):
        raise RowError(f"{column}: {text!r} must be positive with at most {digits} decimals")
    if value >= Decimal(10) ** 9:
        raise RowError(f"{column}: {text!r} is too large")
    return int(value.scaleb(digits))


def _tiers(text: str, digits: int, base: int) -> list[PriceTier]:
    tiers: list[PriceTier] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        qty, sep, price = part.partition(":")
        if not sep or not qty.strip().isdecimal():
            raise RowError(f"tiers: {part!r} is not MIN_QTY:PRICE")
        tier = PriceTier(min_qty=int(qty), unit_price=_money(price, digits, "tiers"))
        if tier.min_qty < 2 or (tiers and tier.min_qty <= tiers[-1].min_qty):
            raise RowError("tiers: quantities must start at 2 or more and rise")
        if tier.unit_price >= (tiers[-1].unit_price if tiers else base):
            raise RowError("tiers: each tier must be cheaper than the one before")
        tiers.append(tier)
    return tiers


def _unit(text: str) -> str | None:
    """The optional unit column: one of the units, or blank (pieces for a new product, the
    unit it has for an existing one)."""
    value = text.strip().lower()
    if not value:
        return None
    try:
        return Unit(value).value
    except ValueError:
        known = ", ".join(u.value for u in Unit)
        raise RowError(f"unit: {text.strip()!r} is not one of {known}") from None


def _photo(text: str, folder: Path) -> str | None:
    value = text.strip()
    if not value:
        return None
    if value.startswith(("http://", "https://")):
        return value
    path = (folder / value).resolve()
    if not path.is_file():
        raise RowError(f"photo: {value!r} not found")
    return str(path)


class CatalogImportService(Service):
    """Import products from CSV."""

    def _row(self, row: dict[str, str], folder: Path) -> tuple[dict[str, object], list[PriceTier]]:
        missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
        if missing:
            raise RowError(f"missing {', '.join(missing)}")
        sku = row["sku"].strip()
        if not _SKU.match(sku):
            raise RowError(f"sku: {sku!r} may hold letters, digits, '.', '_', '-' (32 at most)")
        key = row["category"].strip().lower()
        if not _KEY.match(key):
            raise RowError(f"category: {key!r} must be a short lowercase key")
        digits = self.config.business.minor_digits
        price = _money(row["price"], digits, "price")
        stock_text = row["stock"].strip()
        if not stock_text.isdecimal() or int(stock_text) > MAX_STOCK:
            raise RowError(f"stock: {stock_text!r} is not a whole number from 0 to {MAX_STOCK}")
        preorder = (row.get("preorder") or "").strip().lower()
        if preorder not in _TRUE | _FALSE:
            raise RowError(f"preorder: {preorder!r} is not yes or no")
        values: dict[str, object] = {
            "sku": sku,
            "category": key,
            "price": price,
            "stock": int(stock_text),
            "preorder": int(preorder in _TRUE),
            "photo": _photo(row.get("photo") or "", folder),
            "unit": _unit(row.get("unit") or ""),
        }
        for column in ("name", "description", "category"):
            for language in Language:
                name = f"{column}_{language.value}"
                text = " ".join((row.get(name) or "").split())
                limit = 1000 if column == "description" else 120
                if len(text) > limit:
                    raise RowError(f"{name}: longer than {limit} characters")
                values[name] = text
        values["category_en"] = values["category_en"] or key
        return values, _tiers(row.get("tiers") or "", digits, price)

    async def import_csv(self, text: str, folder: Path) -> ImportReport:
        """Apply every valid row in one transaction; report the others by line number."""
        report = ImportReport()
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        unknown = set(reader.fieldnames or ()) - set(COLUMNS)
        if unknown or not set(REQUIRED) <= set(reader.fieldnames or ()):
            report.rejected.append(
                (
                    1,
                    f"header must name {', '.join(REQUIRED)};"
                    f" unknown: {', '.join(sorted(unknown))}",
                )
            )
            return report
        now = self.clock.now()
        seen: set[str] = set()
        positions: dict[str, int] = {}
        async with self.db.unit_of_work() as uow:
            for line_no, row in enumerate(reader, start=2):
                try:
                    values, tiers = self._row(row, folder)
                    if str(values["sku"]).upper() in seen:
                        raise RowError(f"sku {values['sku']} appears twice")
                    held = await uow.stock.by_sku(str(values["sku"]), Language.EN)
                    stock = int(str(values["stock"]))
                    if held is not None and stock != held.on_hand:
                        raise RowError(
                            f"sku {held.sku}: stock {stock} differs from the {held.on_hand} on"
                            " hand; the import never changes stock of an existing product:"
                            " use /receive or /adjust in the bot"
                        )
                except RowError as error:
                    report.rejected.append((line_no, str(error)))
                    continue
                seen.add(str(values["sku"]).upper())
                key = str(values.pop("category"))
                positions.setdefault(key, len(positions))
                names = {lang: str(values.pop(f"category_{lang.value}")) for lang in Language}
                values["category_id"] = await uow.catalog.upsert_category(
                    key, names, positions[key]
                )
                product_id, created = await uow.catalog.upsert_product(values, now)
                if created:  # its opening stock, in the ledger
                    await uow.stock.record(product_id, stock, MoveKind.IMPORT, "import", None, now)
                await uow.catalog.replace_tiers(product_id, tiers)
                if created:
                    report.created += 1
                else:
                    report.updated += 1
            await uow.commit()
        return report
