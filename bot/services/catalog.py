"""Browsing the catalog: categories, product pages, product cards, search."""

from __future__ import annotations

from bot.db import UnitOfWork
from bot.domain.errors import ProductNotFound
from bot.domain.models import Category, Language, Page, Product, StockLevel, User
from bot.domain.parsing import parse_search
from bot.domain.pricing import as_customer_sees
from bot.domain.stock import stock_level
from bot.services.base import Service


def page_bounds(page: int, total: int, size: int) -> tuple[int, int]:
    """The page to show (clamped into range) and how many pages there are."""
    pages = max(1, -(-total // size))
    return min(max(page, 0), pages - 1), pages


class CatalogService(Service):
    """Read the catalog in a reader's language."""

    def stock_level(self, product: Product) -> StockLevel:
        """How a product's stock is shown: in stock, low, out, or open for pre-order."""
        return stock_level(
            product.available, product.preorder, self.config.catalog.low_stock_threshold
        )

    async def categories(self, language: Language) -> list[Category]:
        """Categories with products, in display order."""
        async with self.db.reader() as uow:
            return await uow.catalog.categories(language)

    async def category_page(
        self, category_id: int, page: int, language: Language, *, for_user: int | None = None
    ) -> tuple[Category, Page[Product]]:
        """A category and one page of its products (at for_user's prices, if a customer)."""
        size = self.config.catalog.page_size
        async with self.db.reader() as uow:
            category = await uow.catalog.category(category_id, language)
            if category is None:
                raise ProductNotFound()
            page, pages = page_bounds(page, category.product_count, size)
            items, total = await uow.catalog.products_in(category_id, language, page * size, size)
            specials = await self._specials(uow, for_user)
        items = [as_customer_sees(p, specials) for p in items]
        return category, Page(items=tuple(items), page=page, pages=pages, total=total)

    @staticmethod
    async def _specials(uow: UnitOfWork, user_id: int | None) -> dict[int, int]:
        return {} if user_id is None else await uow.customers.special_prices_of_user(user_id)

    async def product(
        self, product_id: int, language: Language, *, for_user: int | None = None
    ) -> Product:
        """An active product (at for_user's prices, if a customer), or ProductNotFound."""
        async with self.db.reader() as uow:
            found = await uow.catalog.products([product_id], language)
            specials = await self._specials(uow, for_user)
        product = found.get(product_id)
        if product is None or not product.active:
            raise ProductNotFound()
        return as_customer_sees(product, specials)

    async def search(
        self, words: str, page: int, language: Language, *, for_user: int | None = None
    ) -> Page[Product]:
        """Products whose SKU or name contains the words (at for_user's prices)."""
        query = parse_search(words)
        size = self.config.catalog.page_size
        # Apart: nobody's unit of work waits for it, nor it for a report; its ranking (~16 ms
        # at 100,000 products) runs on that connection's thread, the loop free.
        async with self.db.reader(apart=True) as uow:
            _, total = await uow.catalog.search(query, language, 0, 0)
            page, pages = page_bounds(page, total, size)
            items, total = await uow.catalog.search(query, language, page * size, size)
            more_than = await uow.catalog.search_more_than(query, language)
            specials = await self._specials(uow, for_user)
        items = [as_customer_sees(p, specials) for p in items]
        return Page(items=tuple(items), page=page, pages=pages, total=total, more_than=more_than)

    async def tell_when_back(self, user: User, product_id: int) -> bool:
        """Ask to be told once when an out-of-stock product is available again; False if it
        is available now (nothing to wait for)."""
        async with self.db.unit_of_work() as uow:
            found = await uow.catalog.products([product_id], user.language)
            product = found.get(product_id)
            if product is None or not product.active:
                raise ProductNotFound()
            if product.available > 0:
                return False
            await uow.stock.watch_back(user.id, product_id, self.clock.now())
            await uow.commit()
        return True

    async def remember_photo(self, product_id: int, file_id: str) -> None:
        """Keep Telegram's id of a product photo once uploaded."""
        async with self.db.unit_of_work() as uow:
            await uow.catalog.set_photo_file_id(product_id, file_id)
            await uow.commit()
