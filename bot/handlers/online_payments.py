"""Pay in chat (Telegram Payments): the Pay now button sends a Telegram invoice, the
pre-checkout query is answered at once, and the successful payment is recorded.

These handlers come before the conversations (bot/app.py): a customer who pays in the middle
of a checkout or a question still has the payment recorded, and the conversation goes on."""

from __future__ import annotations

import logging

from telegram import LabeledPrice, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from bot.domain.errors import DomainError
from bot.handlers.context import BotContext
from bot.handlers.render import answer, reply, send
from bot.handlers.routes import data_of, on_press
from bot.ui import actions
from bot.ui import online_payment_views as views

log = logging.getLogger(__name__)


async def pay_button(update: Update, context: BotContext) -> None:
    """ipay:go:<order id>: a Telegram invoice for what the customer's order asks now."""
    order_id = data_of(update).number(0)
    t = context.t
    try:
        offer = await context.services.online_payments.offer(context.person, order_id)
    except DomainError as error:
        await reply(update, context, views.refused(t, error))
        return
    await answer(update)
    chat = update.effective_chat
    if chat is None:
        return
    token = context.config.payments.provider_token.get_secret_value()
    try:
        await context.bot.send_invoice(
            chat.id,
            title=views.title(t, offer),
            description=views.description(t, offer),
            payload=offer.payload,
            currency=offer.currency,
            prices=[LabeledPrice(views.price_label(t, offer), offer.amount)],
            provider_token=token,
        )
    except BadRequest as error:  # the provider token, the currency or the amount refused
        log.error("Telegram refused the invoice for order %s: %s", offer.order.number, error)
        await send(update, context, views.not_sent(t, context.config))


async def pre_checkout(update: Update, context: BotContext) -> None:
    """Telegram asks whether to charge (and waits 10 s): yes only for what the order still
    owes, to its own customer; else no, with why."""
    query = update.pre_checkout_query
    if query is None:
        return
    try:
        await context.services.online_payments.check(
            context.person, query.invoice_payload, query.currency, query.total_amount
        )
    except DomainError as error:
        log.info("payment in chat refused before the charge: %r", error)
        await query.answer(ok=False, error_message=views.refused(context.t, error))
        return
    except Exception:
        log.exception("the check before a payment in chat failed")
        await query.answer(
            ok=False, error_message=context.t._("Sorry, something went wrong. Please try again.")
        )
        return
    await query.answer(ok=True)


async def paid(update: Update, context: BotContext) -> None:
    """Telegram charged the customer: the payment recorded once (the receipt goes to the
    customer and the notice to finance through the outbox)."""
    message = update.effective_message
    payment = message.successful_payment if message else None
    if payment is None:
        return
    try:
        result = await context.services.online_payments.record(
            context.person,
            payment.invoice_payload,
            payment.currency,
            payment.total_amount,
            payment.telegram_payment_charge_id,
            payment.provider_payment_charge_id,
        )
    except DomainError as error:  # money in that matches nothing: a person must look at it
        log.error(
            "a payment in chat matches no order (%r): charge %s, %s %s, payload %r",
            error,
            payment.telegram_payment_charge_id,
            payment.total_amount,
            payment.currency,
            payment.invoice_payload,
        )
        charge = payment.telegram_payment_charge_id
        await send(update, context, views.unmatched(context.t, charge))
        return
    except Exception:  # the money is in: whoever reads the log must be able to record it
        log.exception(
            "a payment in chat could not be recorded: charge %s, %s %s, payload %r",
            payment.telegram_payment_charge_id,
            payment.total_amount,
            payment.currency,
            payment.invoice_payload,
        )
        raise
    if not result.created:
        log.info(
            "payment in chat %s came again: recorded once", payment.telegram_payment_charge_id
        )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Pay now, the check before the charge, the payment (registered before conversations)."""
    return [
        on_press(pay_button, actions.OnlinePayment.PAY),
        PreCheckoutQueryHandler(pre_checkout),
        MessageHandler(filters.SUCCESSFUL_PAYMENT, paid),
    ]
