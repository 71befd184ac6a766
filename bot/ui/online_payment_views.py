"""Pay in chat: the Pay now and copy-the-bank-details buttons wherever payment is asked, the
texts of the Telegram invoice, why a payment is refused, and finance's notice of a payment
made in chat."""

from __future__ import annotations

from telegram import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Config
from bot.domain.errors import DomainError
from bot.domain.models import Language
from bot.domain.online_payments import PayInChatOff, PaymentChanged, PaymentInvalid
from bot.i18n import Texts
from bot.services.online_payments import PaidInChat, PayOffer
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.errors import describe
from bot.ui.screen import CAPTION_LIMIT, Screen, button, clip, esc, keyboard

COPY_LIMIT = 256  # what Telegram's copy button may hold
TITLE_LIMIT = 32  # a Telegram invoice's title
DESCRIPTION_LIMIT = 255  # and its description


def copied(config: Config, language: Language) -> str | None:
    """What the copy button copies: how to pay in the reader's language (it names the bank
    account), else the seller's bank details; None when neither is set or fits the button."""
    for text in (config.business.how_to_pay(language), config.seller.bank):
        if 0 < len(text.strip()) <= COPY_LIMIT:
            return text.strip()
    return None


def pay_rows(t: Texts, config: Config, order_id: int) -> list[list[InlineKeyboardButton]]:
    """Where payment is asked: 💳 Pay now (when paying in chat is set up) and a button that
    copies the bank details."""
    rows = []
    if config.payments.enabled:
        rows.append([button(t._("💳 Pay now"), pack(actions.OnlinePayment.PAY, order_id))])
    text = copied(config, t.language)
    if text:
        copy = InlineKeyboardButton(t._("📋 Copy bank details"), copy_text=CopyTextButton(text))
        rows.append([copy])
    return rows


def pay_keyboard(t: Texts, config: Config, order_id: int) -> InlineKeyboardMarkup | None:
    """The pay rows alone, as a keyboard (None when there is nothing to offer)."""
    return keyboard(pay_rows(t, config, order_id))


def how_to_pay(t: Texts, config: Config) -> str:
    """The bank details line ("" when the configuration has none)."""
    how = config.business.how_to_pay(t.language)
    return t._("How to pay: %(how)s") % {"how": esc(how)} if how else ""


def with_how_to_pay(t: Texts, config: Config, text: str, limit: int = CAPTION_LIMIT) -> str:
    """A notice that asks for payment, with the bank details added while they fit."""
    line = how_to_pay(t, config)
    return f"{text}\n{line}" if line and len(text) + 1 + len(line) <= limit else text


def invoice_screen(t: Texts, config: Config, order_id: int, screen: Screen) -> Screen:
    """The invoice notice as text (no PDF), with the bank details and the pay buttons."""
    return Screen(with_how_to_pay(t, config, screen.text), pay_keyboard(t, config, order_id))


def title(t: Texts, offer: PayOffer) -> str:
    """The Telegram invoice's title."""
    return clip(t._("Order %(number)s") % {"number": offer.order.number}, TITLE_LIMIT)


def description(t: Texts, offer: PayOffer) -> str:
    """The Telegram invoice's description: the order, its invoice and what this pays."""
    values = {
        "order": offer.order.number,
        "invoice": offer.invoice,
        "amount": t.money(offer.amount),
    }
    text = t._("Payment of %(amount)s for order %(order)s, invoice %(invoice)s.") % values
    return clip(text, DESCRIPTION_LIMIT)


def price_label(t: Texts, offer: PayOffer) -> str:
    """The one line of the Telegram invoice."""
    return t._("Order %(number)s") % {"number": offer.order.number}


def refused(t: Texts, error: DomainError) -> str:
    """Why paying in chat was refused (nothing was charged), as plain text."""
    if isinstance(error, PayInChatOff):
        return t._("Paying in chat is not available. Please pay by bank transfer.")
    if isinstance(error, PaymentChanged):
        return t._(
            "What this order owes has changed: %(owed)s now. Nothing was charged: "
            "press 💳 Pay now again for a new invoice."
        ) % {"owed": t.money(error.owed)}
    if isinstance(error, PaymentInvalid):
        return t._(
            "This invoice is not valid. Nothing was charged: press 💳 Pay now for a new one."
        )
    return describe(error, t)


def not_sent(t: Texts, config: Config) -> Screen:
    """Telegram refused the invoice (the payment provider, the amount): pay another way."""
    text = t._("Sorry, paying in chat does not work for this order just now.")
    line = how_to_pay(t, config)
    return Screen(f"{text}\n{line}" if line else text)


def unmatched(t: Texts, charge_id: str) -> Screen:
    """A payment that matches none of the customer's orders (it should never happen)."""
    return Screen(
        t._(
            "We received your payment but could not match it to an order. Please contact us "
            "and quote this number: %(id)s"
        )
        % {"id": f"<code>{esc(charge_id)}</code>"}
    )


def paid_in_chat(t: Texts, value: PaidInChat) -> Screen:
    """Finance's notice of a payment a customer made in chat."""
    result = value.result
    lines = [
        t._("💳 Paid in chat: %(amount)s for order %(order)s by %(customer)s (card).")
        % {
            "amount": t.money(result.amount),
            "order": result.order.number,
            "customer": esc(value.customer),
        }
    ]
    lines += [
        t._("Of it, %(amount)s paid order %(number)s.")
        % {"amount": t.money(amount), "number": number}
        for number, amount in result.spread
    ]
    lines.append(
        t._("Still to pay: %(owed)s.") % {"owed": t.money(result.owed)}
        if result.owed
        else t._("The order is paid in full.")
    )
    if result.refund_due:
        lines.append(t._("To pay back: %(amount)s") % {"amount": t.money(result.refund_due)})
    lines.append(
        t._("Telegram charge: %(id)s · provider charge: %(provider)s")
        % {
            "id": f"<code>{esc(value.charge_id)}</code>",
            "provider": f"<code>{esc(value.provider_charge_id or '—')}</code>",
        }
    )
    rows = [[button(t._("📄 Open order"), pack(actions.Staff.ORDER, result.order.id))]]
    return Screen("\n".join(lines), keyboard(rows))
