"""Deciding orders from the phone: /pending, the order card, approve, escalate."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, routes
from bot.services.approvals import ApprovalCard
from bot.ui import actions, approval_views
from bot.ui.callbacks import BadCallback


async def pending_command(update: Update, context: BotContext) -> None:
    """/pending: what waits for this person's decision, oldest first."""
    orders = await context.services.approvals.pending(context.person)
    await show(update, context, approval_views.pending(context.t, orders))


async def view(update: Update, context: BotContext) -> None:
    """apv:v:<order id>: the order card."""
    card = await context.services.approvals.card(context.person, data_of(update).number(0))
    await answer(update)  # authorised before answering
    await _show_card(update, context, card)


async def approve(update: Update, context: BotContext) -> None:
    """apv:ok:<order id>: the customer and warehouse are told."""
    card = await context.services.approvals.approve(context.person, data_of(update).number(0))
    await _decided(update, context, card, context.t._("Approved."))


async def escalate(update: Update, context: BotContext) -> None:
    """apv:esc:<order id>: the managers are told."""
    card = await context.services.approvals.escalate(context.person, data_of(update).number(0))
    await _decided(update, context, card, context.t._("Sent to the sales managers."))


async def _decided(update: Update, context: BotContext, card: ApprovalCard, said: str) -> None:
    """Say what was done (decided or adjusted), then the order's card as it now is."""
    await answer(update, said)
    await _show_card(update, context, card)


async def adjust_menu(update: Update, context: BotContext) -> None:
    """apv:adj:<order id>: what may be changed before deciding."""
    t = context.t
    card = await context.services.approvals.card(context.person, data_of(update).number(0))
    terms = [t_ for t_ in context.config.payment_terms]
    today = context.services.checkout.today()
    await answer(update)
    await show(update, context, approval_views.adjust_menu(t, context.config, card, terms, today))


async def set_term(update: Update, context: BotContext) -> None:
    """apv:at:<order id>:<term>."""
    cb = data_of(update)
    order_id = cb.number(0)
    card = await context.services.approvals.adjust(context.person, order_id, term=cb.text(1))
    await _decided(update, context, card, context.t._("Adjusted."))


async def promise(update: Update, context: BotContext) -> None:
    """apv:ap:<order id>:<day>: the promised ship date."""
    cb = data_of(update)
    order_id = cb.number(0)
    promised = cb.day(1)
    if promised is None:
        raise BadCallback("a promised date is needed")
    card = await context.services.approvals.adjust(context.person, order_id, promised=promised)
    await _decided(update, context, card, context.t._("Adjusted."))


async def _show_card(update: Update, context: BotContext, card: ApprovalCard) -> None:
    await show(update, context, approval_views.card(context.t, context.config, card))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Approval commands and buttons (rejecting asks a reason: see conversations.reject)."""
    return [
        CommandHandler("pending", pending_command),
        *routes(
            {
                actions.Approval.VIEW: view,
                actions.Approval.APPROVE: approve,
                actions.Approval.ESCALATE: escalate,
                actions.Approval.ADJUST: adjust_menu,
                actions.Approval.TERM: set_term,
                actions.Approval.PROMISE: promise,
            }
        ),
    ]
