"""Customer management for managers (and reps, read-only): /customer and the card's buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.handlers.context import BotContext
from bot.handlers.render import show
from bot.handlers.routes import data_of, redraw, routes
from bot.ui import actions, customer_views


async def customer_command(update: Update, context: BotContext) -> None:
    """/customer WORDS: find customers by name, company or phone."""
    found = await context.services.customer_admin.search(
        context.person, " ".join(context.args or [])
    )
    await show(update, context, customer_views.results(context.t, found))


async def card(update: Update, context: BotContext) -> None:
    """cus:v:<customer>: the customer's card."""
    value = await context.services.customer_admin.card(context.person, data_of(update).number(0))
    await redraw(update, context, customer_views.card(context.t, value))


async def trusted(update: Update, context: BotContext) -> None:
    """cus:tr:<customer>:<1|0>: trusted (no approval needed) or not."""
    cb = data_of(update)
    customer_id = cb.number(0)
    value = await context.services.customer_admin.update(
        context.person, customer_id, trusted=bool(cb.number(1, high=1))
    )
    await redraw(update, context, customer_views.card(context.t, value))


async def term(update: Update, context: BotContext) -> None:
    """cus:pt:<customer>:<term>:<1|0>: offer a payment term to them or not."""
    cb = data_of(update)
    customer_id = cb.number(0)
    offered = (cb.text(1), bool(cb.number(2, high=1)))
    value = await context.services.customer_admin.update(context.person, customer_id, term=offered)
    await redraw(update, context, customer_views.card(context.t, value))


async def choose_rep(update: Update, context: BotContext) -> None:
    """cus:rp:<customer>: the reps to give them to."""
    customer_id = data_of(update).number(0)
    reps = await context.services.customer_admin.reps(context.person)
    await redraw(update, context, customer_views.choose_rep(context.t, customer_id, reps))


async def assign_rep(update: Update, context: BotContext) -> None:
    """cus:ra:<customer>:<rep>."""
    cb = data_of(update)
    customer_id = cb.number(0)
    value = await context.services.customer_admin.update(
        context.person, customer_id, rep_id=cb.number(1)
    )
    await redraw(update, context, customer_views.card(context.t, value))


async def prices(update: Update, context: BotContext) -> None:
    """cus:sp:<customer>: their special prices."""
    value = await context.services.customer_admin.price_list(
        context.person, data_of(update).number(0)
    )
    await redraw(update, context, customer_views.price_list(context.t, value))


async def remove_price(update: Update, context: BotContext) -> None:
    """cus:sr:<customer>:<product>: one special price goes."""
    cb = data_of(update)
    customer_id = cb.number(0)
    value = await context.services.customer_admin.remove_special_price(
        context.person, customer_id, cb.number(1)
    )
    await redraw(update, context, customer_views.price_list(context.t, value))


async def pause_reminders(update: Update, context: BotContext) -> None:
    """cus:rm:<customer>:<1|0>: pause or resume their reminders."""
    cb, admin = data_of(update), context.services.customer_admin
    customer_id = cb.number(0)
    await admin.pause_reminders(context.person, customer_id, bool(cb.number(1, high=1)))
    value = await admin.card(context.person, customer_id)
    await redraw(update, context, customer_views.card(context.t, value))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Customer management commands and buttons (the credit limit is typed: see credit.py)."""
    return [
        CommandHandler("customer", customer_command),
        *routes(
            {
                actions.Customer.VIEW: card,
                actions.Customer.TRUSTED: trusted,
                actions.Customer.TERM: term,
                actions.Customer.CHOOSE_REP: choose_rep,
                actions.Customer.ASSIGN_REP: assign_rep,
                actions.Customer.PRICES: prices,
                actions.Customer.REMOVE_PRICE: remove_price,
                actions.Customer.PAUSE_REMINDERS: pause_reminders,
            }
        ),
    ]
