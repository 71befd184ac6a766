"""Deciding orders from the phone: /pending, the order card, approve, escalate."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.models import User
from bot.domain.review import Route
from bot.domain.roles import Role
from bot.handlers.context import BotContext
from bot.handlers.notify import notify, notify_role
from bot.handlers.render import answer, show
from bot.ui import approval_views, shipping_views
from bot.ui.callbacks import BadCallback, parse


async def pending_command(update: Update, context: BotContext) -> None:
    """/pending: what waits for this person's decision, oldest first."""
    orders = await context.services.approvals.pending(context.person)
    await show(update, context, approval_views.pending(context.t, orders))


async def notify_deciders(context: BotContext, order_id: int, people: tuple[User, ...]) -> None:
    """Send the new-order card to the people who must decide it (managers: maybe a group)."""
    card = await context.services.approvals.notice(order_id)
    render = lambda t: approval_views.new_order(t, context.config, card)  # noqa: E731
    if card.route is Route.MANAGER:
        await notify_role(context, Role.SALES_MANAGER, people, render)
    else:
        await notify(context, people, render)


async def notify_warehouse(context: BotContext, order_id: int, people: tuple[User, ...]) -> None:
    """Send the pick list of a newly approved order to the warehouse (people or its group)."""
    pick = await context.services.fulfilment.pick_list(None, order_id)
    await notify_role(
        context,
        Role.WAREHOUSE,
        people,
        lambda t: shipping_views.pick_list(t, context.config, pick, notice=True),
    )


async def approval_button(update: Update, context: BotContext) -> None:
    """apv:v|ok|esc:<order id>."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    approvals, t = context.services.approvals, context.t
    order_id = cb.number(0)
    if cb.action == "ok":
        decision = await approvals.approve(context.person, order_id)
        await answer(update, t._("Approved."))
        await notify(
            context,
            [decision.customer_user],
            lambda ct: approval_views.to_customer_approved(ct, decision.order),
        )
        await notify_warehouse(context, order_id, decision.warehouse)
    elif cb.action == "esc":
        decision = await approvals.escalate(context.person, order_id)
        await answer(update, t._("Sent to the sales managers."))
        await notify_deciders(context, order_id, decision.recipients)  # now on the manager route
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
            result = await approvals.adjust(context.person, order_id, term=cb.text(1))
        else:
            promised = cb.day(1)
            if promised is None:
                raise BadCallback("a promised date is needed")
            result = await approvals.adjust(context.person, order_id, promised=promised)
        await answer(update, t._("Adjusted."))
        if result.escalated:
            await notify_deciders(context, order_id, result.escalated_to)
        await show(update, context, approval_views.card(t, context.config, result.card))
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
