"""Customer management for managers (and reps, read-only): /customer and the card's buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of
from bot.ui import customer_views
from bot.ui.callbacks import BadCallback


async def customer_command(update: Update, context: BotContext) -> None:
    """/customer WORDS: find customers by name, company or phone."""
    found = await context.services.customer_admin.search(
        context.person, " ".join(context.args or [])
    )
    await show(update, context, customer_views.results(context.t, found))


async def customer_button(update: Update, context: BotContext) -> None:
    """cus:v|tr|pt|rp|ra|rm|sp|sr:<customer>[:…]."""
    cb = data_of(update)
    admin, t, person = context.services.customer_admin, context.t, context.person
    customer_id = cb.number(0)
    if cb.action == "v":
        screen = customer_views.card(t, await admin.card(person, customer_id))
    elif cb.action == "tr":
        card = await admin.update(person, customer_id, trusted=bool(cb.number(1, high=1)))
        screen = customer_views.card(t, card)
    elif cb.action == "pt":
        term = (cb.text(1), bool(cb.number(2, high=1)))
        screen = customer_views.card(t, await admin.update(person, customer_id, term=term))
    elif cb.action == "rp":
        screen = customer_views.choose_rep(t, customer_id, await admin.reps(person))
    elif cb.action == "ra":
        card = await admin.update(person, customer_id, rep_id=cb.number(1))
        screen = customer_views.card(t, card)
    elif cb.action == "sp":
        screen = customer_views.price_list(t, await admin.price_list(person, customer_id))
    elif cb.action == "sr":
        prices = await admin.remove_special_price(person, customer_id, cb.number(1))
        screen = customer_views.price_list(t, prices)
    elif cb.action == "rm":
        await admin.pause_reminders(person, customer_id, bool(cb.number(1, high=1)))
        screen = customer_views.card(t, await admin.card(person, customer_id))
    else:
        raise BadCallback(cb.action)
    await answer(update)
    await show(update, context, screen)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Customer management commands and buttons (the credit limit is typed: see credit.py)."""
    return [
        CommandHandler("customer", customer_command),
        CallbackQueryHandler(customer_button, pattern=r"^cus:(v|tr|pt|rp|ra|rm|sp|sr):"),
    ]
