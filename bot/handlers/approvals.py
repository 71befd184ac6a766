"""Deciding orders from the phone: /pending, the order card, approve, escalate."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.ui import approval_views
from bot.ui.callbacks import BadCallback, parse


async def pending_command(update: Update, context: BotContext) -> None:
    """/pending: what waits for this person's decision, oldest first."""
    orders = await context.services.approvals.pending(context.person)
    await show(update, context, approval_views.pending(context.t, orders))


async def approval_button(update: Update, context: BotContext) -> None:
    """apv:v|ok|esc:<order id>."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    approvals, t = context.services.approvals, context.t
    order_id = cb.number(0)
    if cb.action == "ok":
        await approvals.approve(context.person, order_id)  # the customer and warehouse are told
        await answer(update, t._("Approved."))
    elif cb.action == "esc":
        await approvals.escalate(context.person, order_id)  # the managers are told
        await answer(update, t._("Sent to the sales managers."))
    elif cb.action == "v":
        card = await approvals.card(context.person, order_id)  # authorised before answering
        await answer(update)
        await show(update, context, approval_views.card(t, context.config, card))
        return
    elif cb.action == "adj":
        card = await approvals.card(context.person, order_id)
        terms = [t_ for t_ in context.config.payment_terms]
        today = context.services.checkout.today()
        await answer(update)
        await show(
            update, context, approval_views.adjust_menu(t, context.config, card, terms, today)
        )
        return
    elif cb.action in ("at", "ap"):
        if cb.action == "at":
            card = await approvals.adjust(context.person, order_id, term=cb.text(1))
        else:
            promised = cb.day(1)
            if promised is None:
                raise BadCallback("a promised date is needed")
            card = await approvals.adjust(context.person, order_id, promised=promised)
        await answer(update, t._("Adjusted."))
        await show(update, context, approval_views.card(t, context.config, card))
        return
    else:
        raise BadCallback(cb.action)
    card = await approvals.card(context.person, order_id)
    await show(update, context, approval_views.card(t, context.config, card))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Approval commands and buttons (rejecting asks a reason: see conversations.reject)."""
    return [
        CommandHandler("pending", pending_command),
        CallbackQueryHandler(approval_button, pattern=r"^apv:(v|ok|esc|adj|at|ap):"),
    ]
