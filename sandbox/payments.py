"""Telegram Payments in the sandbox: `sendInvoice`, the user paying it, the pre-checkout query
the bot must answer within 10 seconds, and the `successful_payment` message that follows.

Part of FakeTelegram (its lock, chats, users and update queue). A user pays an invoice message
(`FakeTelegram.pay_invoice`); the bot gets a `pre_checkout_query` update; its
`answerPreCheckoutQuery` with ok=True charges at once (a made-up charge: nothing leaves any
account) and the bot gets the user's message with `successful_payment`; ok=False, or no answer
within 10 seconds, fails the payment and the user sees why (`checkouts`). `repeat_payment`
delivers a successful payment again, as Telegram may."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.api import JSON, as_bool, as_int, bad_request, json_param
from sandbox.files import Files
from sandbox.markup import parse_reply_markup

if TYPE_CHECKING:
    from sandbox.telegram import FakeTelegram

PRE_CHECKOUT_SECONDS = 10.0  # Telegram cancels the payment when the bot is slower
MAX_TITLE = 32
MAX_DESCRIPTION = 255
MAX_PAYLOAD = 128
MAX_ERROR = 255
# Decimal places of currencies that do not have two (Telegram's currencies.json `exp`).
EXPONENTS = {
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND", "XTR"), 0),
}
OLD_QUERY = "query is too old and response timeout expired or query ID is invalid"


def price(amount: int, currency: str) -> str:
    """An amount in minor units as Telegram's Pay button shows it: 175.00 CNY."""
    exp = EXPONENTS.get(currency, 2)
    whole, part = divmod(amount, 10**exp)
    return f"{whole}.{part:0{exp}d} {currency}" if exp else f"{whole} {currency}"


class Payments:
    """sendInvoice, answerPreCheckoutQuery and the user's side of paying, on a FakeTelegram
    (under its lock, like every other method)."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self._invoices: dict[tuple[int, int], JSON] = {}  # (chat, message) → what it asks
        self._checkouts: dict[str, JSON] = {}  # pre-checkout query id → how the payment went
        self._paid: dict[int, JSON] = {}  # successful payment updates, to deliver again
        self._next_charge = 1
        self._next_query = 1

    def methods(self) -> list[tuple[str, Callable[[JSON, Files], Any]]]:
        """The Bot API methods of payments."""
        return [
            ("sendInvoice", self.send_invoice),
            ("answerPreCheckoutQuery", self.answer_pre_checkout_query),
        ]

    # ------------------------------------------------------------------ Bot API

    def send_invoice(self, params: JSON, files: Files) -> JSON:
        """sendInvoice: an invoice message with a Pay button (Telegram's, unless the bot gives
        its own keyboard, whose first button must then be the pay button)."""
        fake = self.fake
        chat = fake._chat(params.get("chat_id"))
        title = str(params.get("title") or "")
        description = str(params.get("description") or "")
        payload = str(params.get("payload") or "")
        currency = str(params.get("currency") or "")
        if not 1 <= len(title) <= MAX_TITLE:
            raise bad_request(f"invoice title must be 1-{MAX_TITLE} characters")
        if not 1 <= len(description) <= MAX_DESCRIPTION:
            raise bad_request(f"invoice description must be 1-{MAX_DESCRIPTION} characters")
        if not 1 <= len(payload.encode()) <= MAX_PAYLOAD:
            raise bad_request("INVOICE_PAYLOAD_INVALID")
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            raise bad_request("CURRENCY_INVALID")
        if currency != "XTR" and not params.get("provider_token"):
            raise bad_request("PAYMENT_PROVIDER_INVALID")
        total = self._total(json_param(params, "prices"))
        markup = parse_reply_markup(params, inline_only=True)
        if markup is not None:
            first = (markup[1]["inline_keyboard"] or [[{}]])[0][0]
            if not first.get("pay"):
                raise bad_request("REPLY_MARKUP_BUY_EMPTY")
        else:
            button = {"text": f"Pay {price(total, currency)}", "pay": True}
            markup = ("inline", {"inline_keyboard": [[button]]})
        fake._check_blocked(chat)
        invoice = {
            "title": title,
            "description": description,
            "start_parameter": str(params.get("start_parameter") or ""),
            "currency": currency,
            "total_amount": total,
        }
        message = fake._bot_message(chat, {"invoice": invoice}, markup, None, None)
        key = (chat.info["id"], message["message_id"])
        self._invoices[key] = {**invoice, "payload": payload, "paid": False}
        return message

    @staticmethod
    def _total(prices: Any) -> int:
        """The sum of an invoice's labeled prices (minor units), which must be positive."""
        if not isinstance(prices, list) or not prices:
            raise bad_request("can't parse prices JSON object")
        total = 0
        for item in prices:
            if not isinstance(item, dict) or not str(item.get("label") or "").strip():
                raise bad_request("can't parse prices JSON object")
            total += as_int(item.get("amount"), "amount")
        if total <= 0:
            raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
        return total

    def answer_pre_checkout_query(self, params: JSON, files: Files) -> bool:
        """answerPreCheckoutQuery: once, within 10 s; ok charges the user and sends the bot
        the successful payment, else the user is shown error_message."""
        checkout = self._checkouts.get(str(params.get("pre_checkout_query_id", "")))
        if checkout is None or checkout["state"] != "pending":
            raise bad_request(OLD_QUERY)
        if self.fake.clock() - checkout["at"] > PRE_CHECKOUT_SECONDS:
            checkout["state"] = "expired"
            raise bad_request(OLD_QUERY)
        if not as_bool(params.get("ok", False)):
            error = str(params.get("error_message") or "")
            if not error.strip():
                raise bad_request("ERROR_MESSAGE_EMPTY")
            checkout.update(state="refused", error_message=error[:MAX_ERROR])
            return True
        invoice = self._invoices[(checkout["chat_id"], checkout["message_id"])]
        invoice["paid"] = True
        number = self._next_charge
        self._next_charge += 1
        uid = checkout["user_id"]
        payment = {
            "currency": invoice["currency"],
            "total_amount": invoice["total_amount"],
            "invoice_payload": invoice["payload"],
            "telegram_payment_charge_id": f"sandbox_{uid}_{number}",
            "provider_payment_charge_id": f"provider_{number}",
        }
        update = self.fake._user_message(uid, {"successful_payment": payment})
        self._paid[update["update_id"]] = update
        charge = payment["telegram_payment_charge_id"]
        checkout.update(state="paid", update_id=update["update_id"], charge_id=charge)
        return True

    # ------------------------------------------------------------------ the user's side

    def pay(self, uid: int, message_id: int | None = None) -> JSON:
        """The user pays an invoice message (the newest, unless told): the bot gets a
        pre_checkout_query update, which is returned."""
        fake = self.fake
        with fake._lock:
            chat = fake._user_chat(uid)
            if chat.blocked:
                raise ValueError(f"user {uid} has blocked the bot; unblock() first")
            if message_id is None:
                sent = [m for c, m in self._invoices if c == uid and m in chat.messages]
                if not sent:
                    raise LookupError(f"no invoice in chat {uid}")
                message_id = max(sent)
            invoice = self._invoices.get((uid, message_id))
            if invoice is None or message_id not in chat.messages:
                raise LookupError(f"message {message_id} in chat {uid} is not an invoice")
            if invoice["paid"]:
                raise ValueError(f"invoice {message_id} in chat {uid} is paid already")
            now = fake.clock()
            for other in self._checkouts.values():
                waiting = now - other["at"] <= PRE_CHECKOUT_SECONDS
                if other["state"] == "pending" and waiting and other["message_id"] == message_id:
                    raise ValueError(f"invoice {message_id} waits for the bot's answer")
            query_id = str(5_000_000_000_000_000_000 + self._next_query)
            self._next_query += 1
            query = {
                "id": query_id,
                "from": fake.user(uid),
                "currency": invoice["currency"],
                "total_amount": invoice["total_amount"],
                "invoice_payload": invoice["payload"],
            }
            self._checkouts[query_id] = {
                "query_id": query_id,
                "user_id": uid,
                "chat_id": uid,
                "message_id": message_id,
                "total_amount": invoice["total_amount"],
                "currency": invoice["currency"],
                "state": "pending",
                "error_message": None,
                "update_id": None,
                "charge_id": None,
                "at": now,
            }
            update = fake._push_update("pre_checkout_query", query)
        fake._notify()
        return update

    def paid(self, chat_id: int, message_id: int) -> bool:
        """Whether an invoice message has been paid."""
        with self.fake._lock:
            invoice = self._invoices.get((chat_id, message_id))
            return bool(invoice and invoice["paid"])

    def repeat(self, update_id: int) -> JSON:
        """Telegram delivers a successful payment's message again, as a new update."""
        fake = self.fake
        with fake._lock:
            earlier = self._paid.get(update_id)
            if earlier is None:
                raise LookupError(f"update {update_id} is not a successful payment")
            update = fake._push_update("message", copy.deepcopy(earlier["message"]))
        fake._notify()
        return update

    def checkouts(self, chat_id: int) -> list[JSON]:
        """How each payment in a chat went, oldest first: state pending, paid, refused (with
        the bot's error_message) or expired (the bot did not answer within 10 s)."""
        with self.fake._lock:
            now = self.fake.clock()
            found = []
            for checkout in self._checkouts.values():
                if checkout["chat_id"] != chat_id:
                    continue
                if checkout["state"] == "pending" and now - checkout["at"] > PRE_CHECKOUT_SECONDS:
                    checkout["state"] = "expired"
                found.append(copy.deepcopy(checkout))
            return found


__all__ = ["PRE_CHECKOUT_SECONDS", "Payments", "price"]
