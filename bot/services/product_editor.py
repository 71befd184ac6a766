"""The product editor: admins (and managers, if configured) keep products and categories.

Every change is audited with the value before and after; stock is never changed here."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter

from bot.db import UnitOfWork
from bot.domain.access import may_edit_catalog
from bot.domain.audit import AuditAction
from bot.domain.errors import DraftIncomplete, InputProblem, InvalidInput, ProductNotFound
from bot.domain.models import PriceTier, Unit, User
from bot.domain.parsing import parse_money, parse_percent
from bot.services.base import Service, deny, roles_of

SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
TEXT_LIMITS = {"name": (1, 120), "description": (1, 1000), "category": (1, 60)}
MAX_PHOTO_BYTES = 5 * 1024 * 1024
_TIER = re.compile(r"(\d{1,7})\s*\+?\s*[=:]\s*(.+)")


@dataclass(frozen=True)
class ProductRecord:
    """A product as the editor shows it: every language, tiers, withdrawn or not."""

    id: int
    sku: str
    values: dict[str, Any]
    tiers: tuple[PriceTier, ...]
    category: str


class NewProduct(BaseModel):
    """A product being added, as answered so far (its tiers: minimum quantity, unit price)."""

    sku: str | None = None
    name_en: str | None = None
    name_zh: str | None = None
    name_ru: str | None = None
    description_en: str | None = None
    description_zh: str | None = None
    description_ru: str | None = None
    category_id: int | None = None
    price: int | None = None
    tiers: list[tuple[int, int]] = []
    unit: Unit | None = None
    preorder: bool = False
    photo_file_id: str | None = None


TIERS = TypeAdapter(list[tuple[int, int]])  # (minimum quantity, unit price) pairs


def parse_sku(text: str) -> str:
    """A SKU as the CSV import accepts it (letters, digits, '.', '_', '-'; 32 at most)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not SKU.fullmatch(value):
        raise InvalidInput(InputProblem.SKU_INVALID)
    return value


def parse_text(text: str, kind: str) -> str:
    """A name, description or category name, trimmed, within its length."""
    low, high = TEXT_LIMITS[kind]
    value = text.strip()
    if not low <= len(value) <= high:
        raise InvalidInput(InputProblem.PRODUCT_TEXT_LENGTH, low, high)
    return value


def parse_tiers(text: str, digits: int) -> tuple[PriceTier, ...]:
    """Quantity tiers, one a line: `10+ = 3.20`; at least 2 units, each quantity once."""
    tiers: dict[int, int] = {}
    for line in (raw.strip() for raw in text.splitlines()):
        match = _TIER.fullmatch(line) if line else None
        if line and match is None:
            raise InvalidInput(InputProblem.TIERS_INVALID)
        if match is None:
            continue
        qty = int(match[1])
        if qty < 2 or qty in tiers:
            raise InvalidInput(InputProblem.TIERS_INVALID)
        try:
            tiers[qty] = parse_money(match[2], digits)
        except InvalidInput:
            raise InvalidInput(InputProblem.TIERS_INVALID) from None
    if not tiers:
        raise InvalidInput(InputProblem.TIERS_INVALID)
    return tuple(PriceTier(min_qty=q, unit_price=p) for q, p in sorted(tiers.items()))


def parse_deposit_percent(text: str) -> int:
    """A pre-order deposit in whole percent, 0 to 100 ("30" or "30%")."""
    bp = parse_percent(text)
    if bp % 100:
        raise InvalidInput(InputProblem.PERCENT_INVALID, 0, 100)
    return bp // 100


def check_photo(size: int | None) -> None:
    """Refuse a photo over the size limit."""
    if size is not None and size > MAX_PHOTO_BYTES:
        raise InvalidInput(InputProblem.PHOTO_TOO_LARGE, None, MAX_PHOTO_BYTES // 2**20)


def tiers_text(tiers: tuple[PriceTier, ...] | list[PriceTier]) -> str:
    """Tiers as audited: `10+=320;50+=300` (minor units)."""
    return ";".join(f"{t.min_qty}+={t.unit_price}" for t in tiers)


class ProductEditorService(Service):
    """Add, edit, withdraw and restore products; add categories. Never touches stock."""

    async def _authorize(self, uow: UnitOfWork, user: User, action: str) -> None:
        roles = await roles_of(uow, self.config, user)
        if not may_edit_catalog(roles, self.config.catalog.managers_edit):
            await deny(uow, user, action, self.clock.now())

    async def open(self, user: User) -> None:
        """Whether this person may use the editor (refusal audited)."""
        async with self.db.unit_of_work() as uow:
            await self._authorize(uow, user, "products")

    async def find(self, user: User, words: str) -> list[ProductRecord]:
        """Products whose SKU or a name contains the words (withdrawn ones too)."""
        async with self.db.unit_of_work() as uow:
            await self._authorize(uow, user, "products:find")
            rows = await uow.products.find(words.strip(), 20)
            return [await self._record(uow, r) for r in rows]

    async def card(self, user: User, product_id: int) -> ProductRecord:
        """One product with every editable value."""
        async with self.db.unit_of_work() as uow:
            await self._authorize(uow, user, f"products:card:{product_id}")
            return await self._load(uow, product_id)

    async def categories(self, user: User) -> list[dict[str, Any]]:
        """Every category, to choose from."""
        async with self.db.unit_of_work() as uow:
            await self._authorize(uow, user, "products:categories")
            return await uow.products.categories()

    async def sku_free(self, user: User, sku: str) -> str:
        """The SKU, parsed, if no product has it yet."""
        value = parse_sku(sku)
        async with self.db.unit_of_work() as uow:
            await self._authorize(uow, user, "products:add")
            if await uow.products.sku_taken(value):
                raise InvalidInput(InputProblem.SKU_TAKEN, value)
        return value

    async def create(self, user: User, new: NewProduct | Mapping[str, Any]) -> ProductRecord:
        """Add a product from a finished draft, with no stock; audited."""
        draft = NewProduct.model_validate(new)
        if draft.sku is None or draft.category_id is None or draft.price is None:
            raise DraftIncomplete()
        sku = parse_sku(draft.sku)
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await self._authorize(uow, user, "products:add")
            if await uow.products.sku_taken(sku):
                raise InvalidInput(InputProblem.SKU_TAKEN, sku)
            category_id = draft.category_id
            if category_id not in {c["id"] for c in await uow.products.categories()}:
                raise ProductNotFound()
            values = {
                "sku": sku,
                "category_id": category_id,
                **{
                    f"{kind}_{lang}": getattr(draft, f"{kind}_{lang}") or ""
                    for kind in ("name", "description")
                    for lang in ("en", "zh", "ru")
                },
                "price": draft.price,
                "unit": (draft.unit or Unit.PCS).value,
                "preorder": 1 if draft.preorder else 0,
                "photo_file_id": draft.photo_file_id,
            }
            product_id = await uow.products.add(values, now)
            tiers = [PriceTier(min_qty=q, unit_price=p) for q, p in draft.tiers]
            await uow.catalog.replace_tiers(product_id, tiers)
            after = ", ".join(f"{k}={v}" for k, v in values.items() if v not in ("", None))
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="product",
                entity_id=product_id,
                action=AuditAction.PRODUCT_ADDED,
                after=f"{after}, tiers={tiers_text(tiers)}",
            )
            record = await self._load(uow, product_id)
            await uow.commit()
        return record

    async def edit(self, user: User, product_id: int, field: str, value: object) -> ProductRecord:
        """Change one field (a column, or `tiers`); audited before → after."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await self._authorize(uow, user, f"products:edit:{product_id}:{field}")
            record = await self._load(uow, product_id)
            if field == "tiers":
                pairs = TIERS.validate_python(value or [])
                tiers = [PriceTier(min_qty=q, unit_price=p) for q, p in pairs]
                before, after = tiers_text(record.tiers), tiers_text(tiers)
                await uow.catalog.replace_tiers(product_id, tiers)
            else:
                if field == "category_id" and value not in {
                    c["id"] for c in await uow.products.categories()
                }:
                    raise ProductNotFound()
                if field == "deposit_percent" and not (
                    value is None or (isinstance(value, int) and 0 <= value <= 100)
                ):
                    raise InvalidInput(InputProblem.PERCENT_INVALID, 0, 100)
                if field == "unit":
                    value = Unit(str(value)).value
                before, after = str(record.values[field]), str(value)
                await uow.products.set(product_id, field, value, now)
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="product",
                entity_id=product_id,
                action=AuditAction.product_edit(field),
                before=before,
                after=after,
            )
            record = await self._load(uow, product_id)
            await uow.commit()
        return record

    async def set_active(self, user: User, product_id: int, active: bool) -> ProductRecord:
        """Withdraw a product from the catalog, or restore it."""
        return await self.edit(user, product_id, "active", 1 if active else 0)

    async def rename_category(self, user: User, category_id: int, names: dict[str, str]) -> None:
        """New names for a category (English required; others empty if not given); audited."""
        clean = _category_names(names)
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await self._authorize(uow, user, f"products:category:{category_id}")
            found = {c["id"]: c for c in await uow.products.categories()}.get(category_id)
            if found is None:
                raise ProductNotFound()
            await uow.products.rename_category(category_id, clean)
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="category",
                entity_id=category_id,
                action=AuditAction.CATEGORY_RENAMED,
                before=" / ".join(str(found[f"name_{lang}"]) for lang in ("en", "zh", "ru")),
                after=" / ".join(clean[lang] for lang in ("en", "zh", "ru")),
            )
            await uow.commit()

    async def add_category(self, user: User, names: dict[str, str]) -> int:
        """A new category named in up to three languages (English required); audited."""
        names = _category_names(names)
        name_en = names["en"]
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await self._authorize(uow, user, "products:category")
            base = re.sub(r"[^a-z0-9]+", "-", name_en.lower()).strip("-") or "category"
            key, n = base, 1
            while await uow.products.category_key_taken(key):
                n += 1
                key = f"{base}-{n}"
            category_id = await uow.products.add_category(key, {**names, "en": name_en})
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="category",
                entity_id=category_id,
                action=AuditAction.CATEGORY_ADDED,
                after=f"key={key}, " + " / ".join(names[lang] for lang in ("en", "zh", "ru")),
            )
            await uow.commit()
        return category_id

    async def _load(self, uow: UnitOfWork, product_id: int) -> ProductRecord:
        row = await uow.products.row(product_id)
        if row is None:
            raise ProductNotFound()
        return await self._record(uow, row)

    async def _record(self, uow: UnitOfWork, row: dict[str, Any]) -> ProductRecord:
        categories = {c["id"]: c["name_en"] for c in await uow.products.categories()}
        return ProductRecord(
            id=row["id"],
            sku=row["sku"],
            values=row,
            tiers=tuple(await uow.products.tiers(row["id"])),
            category=categories.get(row["category_id"], ""),
        )


def _category_names(names: dict[str, str]) -> dict[str, str]:
    """A category's names: English required, Chinese and Russian optional."""
    return {
        "en": parse_text(names.get("en", ""), "category"),
        **{
            lang: parse_text(names[lang], "category") if names.get(lang) else ""
            for lang in ("zh", "ru")
        },
    }
