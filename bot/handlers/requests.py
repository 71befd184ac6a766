"""Deciding customers' requests: req:ok / req:no buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.domain.models import User
from bot.handlers.approvals import notify_deciders
from bot.handlers.context import BotContext
from bot.handlers.notify import notify
from bot.handlers.render import answer, show
from bot.ui import request_views
from bot.ui.callbacks import BadCallback, parse


async def notify_request(context: BotContext, request_id: int, people: tuple[User, ...]) -> None:
    """Send a new request to the people who decide it."""
    value = await context.services.requests.notice(request_id)
    await notify(context, people, lambda t: request_views.card(t, value, notice=True))


async def request_button(update: Update, context: BotContext) -> None:
    """req:ok|yes|no|v:<request id>; cancelling an order asks once more (it cannot be undone)."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    if cb.action not in ("ok", "yes", "no", "v"):
        raise BadCallback(cb.action)
    request_id = cb.number(0)
    card = await context.services.requests.card(context.person, request_id)
    if cb.action == "v" or (cb.action == "ok" and card.kind == "cancel"):
        await answer(update)
        screen = request_views.card(context.t, card)
        if cb.action == "ok" and card.state == "open":
            screen = request_views.confirm_cancel(context.t, card)
        await show(update, context, screen)
        return
    decision = await context.services.requests.decide(
        context.person, request_id, approve=cb.action in ("ok", "yes")
    )
    await answer(update)
    await notify(
        context,
        [decision.customer_user],
        lambda t: request_views.to_customer_decided(
            t, decision.order, decision.approved, decision.refund_due, decision.kind
        ),
    )
    if decision.escalated_to:
        await notify_deciders(context, decision.order.id, decision.escalated_to)
    value = await context.services.requests.card(context.person, request_id)
    await show(update, context, request_views.card(context.t, value))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Request buttons."""
    return [CallbackQueryHandler(request_button, pattern=r"^req:")]
