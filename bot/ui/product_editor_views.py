"""Screens of the product editor: the list, a product's card, each question."""

from __future__ import annotations

from bot.domain.models import Unit
from bot.i18n import N_, Texts
from bot.services.product_editor import NewProduct, ProductRecord
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, esc, keyboard
from bot.ui.units import unit_name

FIELDS = {
    "sku": N_("SKU"),
    "name_en": N_("Name (English)"),
    "name_zh": N_("Name (Chinese)"),
    "name_ru": N_("Name (Russian)"),
    "description_en": N_("Description (English)"),
    "description_zh": N_("Description (Chinese)"),
    "description_ru": N_("Description (Russian)"),
    "category": N_("Category"),
    "price": N_("Price"),
    "tiers": N_("Quantity prices"),
    "unit": N_("Unit"),
    "preorder": N_("Pre-order allowed"),
    "photo": N_("Photo"),
    "deposit_percent": N_("Pre-order deposit"),
    "cat_en": N_("Category name (English)"),
    "cat_zh": N_("Category name (Chinese)"),
    "cat_ru": N_("Category name (Russian)"),
}
EDITABLE = (
    "name_en",
    "name_zh",
    "name_ru",
    "description_en",
    "description_zh",
    "description_ru",
    "category",
    "price",
    "tiers",
    "unit",
    "preorder",
    "photo",
    "deposit_percent",
)


def product_list(t: Texts, products: list[ProductRecord], words: str) -> Screen:
    """Products found (withdrawn ones marked), and the Add button; typing searches."""
    head = (
        t._("Products matching “%(words)s”:") % {"words": esc(words)}
        if words
        else t._("Products. Type words or a SKU to search.")
    )
    if not products:
        head += "\n" + t._("None found.")
    rows = [
        [
            button(
                f"{'' if p.values['active'] else '🚫 '}{p.sku} · {p.values['name_en']}"[:60],
                pack(actions.ProductEditor.CARD, p.id),
            )
        ]
        for p in products
    ]
    rows.append(
        [
            button(t._("➕ Add a product"), pack(actions.ProductEditor.ADD)),
            button(t._("🗂 Categories"), pack(actions.ProductEditor.CATEGORIES)),
        ]
    )
    return Screen(head, keyboard(rows))


def category_list(t: Texts, categories: list[dict[str, object]]) -> Screen:
    """Every category in its three languages; a button renames one."""
    rows = [
        [
            button(
                " / ".join(str(c[f"name_{lang}"]) or "—" for lang in ("en", "zh", "ru"))[:60],
                pack(actions.ProductEditor.RENAME_CATEGORY, c["id"]),
            )
        ]
        for c in categories
    ]
    rows.append(
        [
            button(t._("➕ New category"), pack(actions.ProductEditor.NEW_CATEGORY)),
            button(t._("⬅️ Products"), pack(actions.ProductEditor.LIST)),
        ]
    )
    text = t._("Categories. Press one to rename it.")
    return Screen(text, keyboard(rows))


def _yes_no(t: Texts, value: object) -> str:
    return t._("yes") if value else t._("no")


def card(t: Texts, p: ProductRecord) -> Screen:
    """Everything about a product, a button per field, withdraw or restore."""
    v = p.values
    lines = [f"<b>{esc(p.sku)}</b>" + ("" if v["active"] else " · " + t._("withdrawn"))]
    for lang in ("en", "zh", "ru"):
        lines.append(f"{t._(FIELDS['name_' + lang])}: {esc(v['name_' + lang]) or '—'}")
    for lang in ("en", "zh", "ru"):
        text = esc(v["description_" + lang][:200]) or "—"
        lines.append(f"{t._(FIELDS['description_' + lang])}: {text}")
    lines.append(f"{t._(FIELDS['category'])}: {esc(p.category)}")
    lines.append(f"{t._(FIELDS['price'])}: {t.money(v['price'])}")
    tiers = ", ".join(f"{x.min_qty}+ = {t.money(x.unit_price)}" for x in p.tiers) or "—"
    lines.append(f"{t._(FIELDS['tiers'])}: {tiers}")
    lines.append(f"{t._(FIELDS['unit'])}: {unit_name(t, Unit(v['unit']))}")
    lines.append(f"{t._(FIELDS['preorder'])}: {_yes_no(t, v['preorder'])}")
    photo = v["photo_file_id"] or v["photo"]
    lines.append(f"{t._(FIELDS['photo'])}: {_yes_no(t, photo)}")
    deposit = v.get("deposit_percent")
    shown = t._("as configured") if deposit is None else f"{deposit}%"
    lines.append(f"{t._(FIELDS['deposit_percent'])}: {shown}")
    rows = [
        [
            button(t._(FIELDS[f]), pack(actions.ProductEditor.EDIT, p.id, f))
            for f in EDITABLE[i : i + 2]
        ]
        for i in range(0, len(EDITABLE), 2)
    ]
    toggle = (
        button(t._("🚫 Withdraw"), pack(actions.ProductEditor.WITHDRAW, p.id))
        if v["active"]
        else button(t._("♻️ Restore"), pack(actions.ProductEditor.RESTORE, p.id))
    )
    rows.append([toggle, button(t._("⬅️ Products"), pack(actions.ProductEditor.LIST))])
    return Screen("\n".join(lines), keyboard(rows), photo=photo)


def ask(t: Texts, field: str, skippable: bool, categories: list[dict[str, object]]) -> Screen:
    """The question for one field, with Skip, category or yes/no buttons."""
    label = t._(FIELDS[field])
    rows = []
    if field == "category":
        text = t._("%(field)s: choose one, or type the English name of a new one.")
        rows = [
            [button(str(c["name_en"]), pack(actions.ProductEditor.CATEGORY, c["id"]))]
            for c in categories
        ]
    elif field == "unit":
        text = t._("%(field)s: what is one unit of this product counted in?")
        units = [button(unit_name(t, u), pack(actions.ProductEditor.UNIT, u.value)) for u in Unit]
        rows = [units[i : i + 2] for i in range(0, len(units), 2)]
    elif field == "preorder":
        text = t._("%(field)s?")
        rows = [
            [
                button(t._("yes"), pack(actions.ProductEditor.PREORDER, 1)),
                button(t._("no"), pack(actions.ProductEditor.PREORDER, 0)),
            ]
        ]
    elif field == "photo":
        text = t._("%(field)s: send a photo of the product from your phone.")
    elif field == "tiers":
        text = t._("%(field)s: one a line, like “10+ = 3.20”.")
    elif field == "deposit_percent":
        text = t._(
            "%(field)s: percent of the pre-ordered lines asked at approval, a whole number"
            " from 0 to 100. Skip to use the configured one."
        )
    else:
        text = t._("%(field)s?")
    if skippable:
        rows.append([button(t._("Skip"), pack(actions.ProductEditor.SKIP))])
    return Screen(text % {"field": label}, keyboard(rows))


def summary(t: Texts, draft: NewProduct, category: str) -> Screen:
    """The new product before it is saved."""
    lines = [t._("New product:")]
    for field in ("sku", "name_en", "name_zh", "name_ru"):
        lines.append(f"{t._(FIELDS[field])}: {esc(str(getattr(draft, field) or '—'))}")
    lines.append(f"{t._(FIELDS['category'])}: {esc(category)}")
    lines.append(f"{t._(FIELDS['price'])}: {t.money(draft.price or 0)}")
    tiers = ", ".join(f"{q}+ = {t.money(p)}" for q, p in draft.tiers) or "—"
    lines.append(f"{t._(FIELDS['tiers'])}: {tiers}")
    unit = draft.unit or Unit.PCS
    lines.append(f"{t._(FIELDS['unit'])}: {unit_name(t, unit)}")
    lines.append(f"{t._(FIELDS['preorder'])}: {_yes_no(t, draft.preorder)}")
    lines.append(f"{t._(FIELDS['photo'])}: {_yes_no(t, draft.photo_file_id)}")
    rows = [[button(t._("✅ Save"), pack(actions.ProductEditor.SAVE))]]
    return Screen("\n".join(lines), keyboard(rows))
