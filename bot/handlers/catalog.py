"""Browsing: /catalog, search results and the catalog's buttons (/search: conversations)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.ui import catalog_views
from bot.ui.callbacks import BadCallback, parse

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


async def catalog_button(update: Update, context: BotContext) -> None:
    """cat:<action>: move around the catalog, editing the message in place."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    services, t, language = context.services, context.t, context.person.language
    if cb.action == "home":
        await answer(update)
        await show(
            update,
            context,
            catalog_views.categories(t, await services.catalog.categories(language)),
        )
    elif cb.action == "c":
        category, page = await services.catalog.category_page(
            cb.number(0), cb.number(1, high=10_000), language, for_user=context.person.id
        )
        await answer(update)
        await show(update, context, catalog_views.product_list(t, category, page))
    elif cb.action == "p":
        product = await services.catalog.product(
            cb.number(0), language, for_user=context.person.id
        )
        cart = await services.cart.view(context.person)
        in_cart = next((x.qty for x in cart.lines if x.product_id == product.id), 0)
        level = services.catalog.stock_level(product)
        await answer(update)
        await show(
            update,
            context,
            catalog_views.product_card(t, product, level, in_cart, cb.number(1, high=10_000)),
        )
    elif cb.action == "s":
        words = (context.user_data or {}).get(SEARCH_KEY) or ""
        page = await services.catalog.search(
            words, cb.number(0, high=10_000), language, for_user=context.person.id
        )
        await answer(update)
        await show(update, context, catalog_views.search_results(t, words, page))
    elif cb.action == "w":
        waiting = await services.catalog.tell_when_back(context.person, cb.number(0))
        told = (
            t._("We will tell you once it is back.")
            if waiting
            else t._("It is in stock now: open it again to order.")
        )
        await answer(update, told, alert=True)
    else:
        raise BadCallback(cb.action)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Catalog commands and buttons."""
    return [
        CommandHandler("catalog", catalog_command),
        CallbackQueryHandler(catalog_button, pattern=r"^cat:"),
    ]
