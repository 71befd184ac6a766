"""Screens of the catalog: categories, product lists, product cards, search results."""

from __future__ import annotations

from bot.domain.models import Category, Page, Product, StockLevel, Unit
from bot.domain.stock import stock_level
from bot.i18n import N_, Texts
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.labels import STOCK
from bot.ui.screen import CAPTION_LIMIT, Screen, button, clip, esc, keyboard, nav_row
from bot.ui.units import quantity, unit_name

QUICK_QUANTITIES = (1, 5, 10)


def categories(t: Texts, items: list[Category]) -> Screen:
    """The catalog's front page."""
    if not items:
        return Screen(t._("The catalog is empty for now. Please come back later."))
    rows = [
        [button(f"{c.name} ({c.product_count})", pack(actions.Catalog.CATEGORY, c.id, 0))]
        for c in items
    ]
    rows.append(
        [
            button(t._("🔎 Search"), pack(actions.Catalog.FIND)),
            button(t._("🛒 Cart"), pack(actions.Cart.SHOW)),
        ]
    )
    rows.append([button(t._("⚡ Quick order"), pack(actions.QuickOrder.START))])
    return Screen(t._("<b>Catalog</b>\nChoose a category:"), keyboard(rows))


# In lists, products that cannot be had now are marked (low stock shows on the card only).
LIST_MARKS = {StockLevel.OUT: "❌", StockLevel.PREORDER: "🕓"}


def list_label(t: Texts, p: Product) -> str:
    """A product's button in a list: name and price, marked when out of stock or pre-order."""
    mark = LIST_MARKS.get(stock_level(p.available, p.preorder, 0))
    label = f"{clip(p.name, 40)} · {t.money(p.price)}"
    return f"{mark} {label}" if mark else label


def list_legend(t: Texts, page: Page[Product]) -> str:
    """What the marks on a page of products mean (only those shown)."""
    levels = {stock_level(p.available, p.preorder, 0) for p in page.items}
    return "\n".join(
        f"{LIST_MARKS[level]} {t._(LIST_LEGEND[level])}" for level in LIST_MARKS if level in levels
    )


LIST_LEGEND = {StockLevel.OUT: N_("out of stock"), StockLevel.PREORDER: N_("can be pre-ordered")}


def product_list(t: Texts, category: Category, page: Page[Product]) -> Screen:
    """One page of a category's products."""
    rows = [
        [button(list_label(t, p), pack(actions.Catalog.PRODUCT, p.id, page.page))]
        for p in page.items
    ]
    rows.append(
        nav_row(page.page, page.pages, lambda n: pack(actions.Catalog.CATEGORY, category.id, n))
    )
    rows.append(
        [
            button(t._("⬅ Categories"), pack(actions.Catalog.HOME)),
            button(t._("🛒 Cart"), pack(actions.Cart.SHOW)),
        ]
    )
    text = t._("<b>%(category)s</b>\nChoose a product:") % {"category": esc(category.name)}
    legend = list_legend(t, page)
    return Screen(f"{text}\n{legend}" if legend else text, keyboard(rows))


def product_card(
    t: Texts, product: Product, level: StockLevel, in_cart: int, back_page: int
) -> Screen:
    """A product card: photo, description, prices, stock, add-to-cart buttons."""
    parts = [f"<b>{esc(product.name)}</b>", t._("SKU: %(sku)s") % {"sku": esc(product.sku)}]
    parts.append(t._("Price: %(price)s") % {"price": t.money(product.price)})
    if product.unit is not Unit.PCS:
        parts.append(t._("Sold in: %(unit)s") % {"unit": unit_name(t, product.unit)})
    for tier in product.tiers:
        if product.unit is Unit.PCS:
            tier_text = t.ngettext(
                "from %(n)d unit: %(price)s each", "from %(n)d units: %(price)s each", tier.min_qty
            )
        else:
            tier_text = t._("from %(qty)s: %(price)s each")
        qty = quantity(t, tier.min_qty, product.unit)
        price = t.money(tier.unit_price)
        parts.append(tier_text % {"n": tier.min_qty, "qty": qty, "price": price})
    stock = t._(STOCK[level])
    if level is StockLevel.LOW:
        stock += " " + t.ngettext("(%(qty)s left)", "(%(qty)s left)", product.available) % {
            "qty": quantity(t, product.available, product.unit)
        }
    parts.append(stock)
    if in_cart:
        parts.append(t._("In your cart: %(qty)s") % {"qty": quantity(t, in_cart, product.unit)})
    head = "\n".join(parts)
    budget = CAPTION_LIMIT - len(head) - 8 if product.photo else 3000
    if product.description and budget > 20:
        head = f"{head}\n\n{esc(clip(product.description, budget))}"
    rows = []
    if level is not StockLevel.OUT:
        rows.append(
            [button(f"+{q}", pack(actions.Cart.ADD, product.id, q)) for q in QUICK_QUANTITIES]
            + [button(t._("Other quantity…"), pack(actions.Cart.ASK, product.id))]
        )
    else:
        rows.append(
            [
                button(
                    t._("🔔 Tell me when it is back"),
                    pack(actions.Catalog.TELL_WHEN_BACK, product.id),
                )
            ]
        )
    rows.append(
        [
            button(t._("⬅ Back"), pack(actions.Catalog.CATEGORY, product.category_id, back_page)),
            button(t._("🛒 Cart"), pack(actions.Cart.SHOW)),
        ]
    )
    photo = product.photo_file_id or product.photo
    return Screen(
        head, keyboard(rows), photo=photo, photo_product_id=product.id if photo else None
    )


def ask_search(t: Texts) -> Screen:
    """What to look for: a few words of a name, or a SKU."""
    return Screen(
        t._(
            "🔎 What should I look for? Send a few words of a product's name or its SKU, "
            "e.g. paper or TN-2420. /cancel stops."
        )
    )


def search_results(t: Texts, words: str, page: Page[Product]) -> Screen:
    """A page of search results."""
    if not page.total:
        return Screen(
            t._("Nothing found for “%(words)s”. Try fewer words or browse the /catalog.")
            % {"words": esc(words)}
        )
    rows = [[button(list_label(t, p), pack(actions.Catalog.PRODUCT, p.id, 0))] for p in page.items]
    rows.append(nav_row(page.page, page.pages, lambda n: pack(actions.Catalog.SEARCH_PAGE, n)))
    if page.more_than:
        text = t.ngettext(
            "Found over %(n)s product for “%(words)s” — showing the best; refine the search:",
            "Found over %(n)s products for “%(words)s” — showing the best; refine the search:",
            page.more_than,
        ) % {"n": t.number(page.more_than), "words": esc(words)}
    else:
        text = t.ngettext(
            "Found %(n)d product for “%(words)s”:",
            "Found %(n)d products for “%(words)s”:",
            page.total,
        ) % {"n": page.total, "words": esc(words)}
    legend = list_legend(t, page)
    return Screen(f"{text}\n{legend}" if legend else text, keyboard(rows))


def back_in_stock(t: Texts, product: Product) -> Screen:
    """The news, to who asked, that a product is available again."""
    text = t._("🔔 %(name)s is back in stock.") % {"name": esc(clip(product.name, 80))}
    rows = [[button(t._("Open it"), pack(actions.Catalog.PRODUCT, product.id, 0))]]
    return Screen(text, keyboard(rows))
