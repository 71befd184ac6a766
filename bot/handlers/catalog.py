"""Browsing: /catalog, search results and the catalog's buttons (/search: conversations)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, routes
from bot.ui import actions, catalog_views

SEARCH_KEY = "search"


async def catalog_command(update: Update, context: BotContext) -> None:
    """/catalog: the categories."""
    items = await context.services.catalog.categories(context.person.language)
    await show(update, context, catalog_views.categories(context.t, items))


async def show_search(update: Update, context: BotContext, words: str) -> None:
    """Products by name or SKU, first page; the words are kept for its page buttons."""
    page = await context.services.catalog.search(
        words, 0, context.person.language, for_user=context.person.id
    )
    context.user_data[SEARCH_KEY] = words  # type: ignore[index]
    await show(update, context, catalog_views.search_results(context.t, words, page))


async def home(update: Update, context: BotContext) -> None:
    """cat:home: the categories."""
    await answer(update)
    items = await context.services.catalog.categories(context.person.language)
    await show(update, context, catalog_views.categories(context.t, items))


async def category(update: Update, context: BotContext) -> None:
    """cat:c:<category>:<page>: one page of a category."""
    cb = data_of(update)
    found, page = await context.services.catalog.category_page(
        cb.number(0),
        cb.number(1, high=10_000),
        context.person.language,
        for_user=context.person.id,
    )
    await answer(update)
    await show(update, context, catalog_views.product_list(context.t, found, page))


async def product(update: Update, context: BotContext) -> None:
    """cat:p:<product>:<page to go back to>: the product card."""
    cb, services = data_of(update), context.services
    item = await services.catalog.product(
        cb.number(0), context.person.language, for_user=context.person.id
    )
    cart = await services.cart.view(context.person)
    in_cart = next((x.qty for x in cart.lines if x.product_id == item.id), 0)
    level = services.catalog.stock_level(item)
    await answer(update)
    await show(
        update,
        context,
        catalog_views.product_card(context.t, item, level, in_cart, cb.number(1, high=10_000)),
    )


async def search_page(update: Update, context: BotContext) -> None:
    """cat:s:<page>: another page of the last search."""
    words = (context.user_data or {}).get(SEARCH_KEY) or ""
    page = await context.services.catalog.search(
        words,
        data_of(update).number(0, high=10_000),
        context.person.language,
        for_user=context.person.id,
    )
    await answer(update)
    await show(update, context, catalog_views.search_results(context.t, words, page))


async def tell_when_back(update: Update, context: BotContext) -> None:
    """cat:w:<product>: tell the customer when it is back in stock."""
    t = context.t
    waiting = await context.services.catalog.tell_when_back(
        context.person, data_of(update).number(0)
    )
    told = (
        t._("We will tell you once it is back.")
        if waiting
        else t._("It is in stock now: open it again to order.")
    )
    await answer(update, told, alert=True)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Catalog commands and buttons."""
    return [
        CommandHandler("catalog", catalog_command),
        *routes(
            {
                actions.Catalog.HOME: home,
                actions.Catalog.CATEGORY: category,
                actions.Catalog.PRODUCT: product,
                actions.Catalog.SEARCH_PAGE: search_page,
                actions.Catalog.TELL_WHEN_BACK: tell_when_back,
            }
        ),
    ]
