"""Telegram Payments in the sandbox: sendInvoice, the user paying, the pre-checkout query answered
(or not, or too late), the successful payment and its second delivery; in process and over HTTP
with PTB's own Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, LabeledPrice, Update
from telegram.error import BadRequest

from sandbox import FakeTelegram
from sandbox.client import SandboxClient, SandboxError
from sandbox.payments import price
from sandbox.server import SandboxServer

TOKEN = "123456:TEST-TOKEN"
INVOICE: dict[str, Any] = {
    "title": "Order SO-20261123-0001",
    "description": "Payment of CN¥235.00 for order SO-20261123-0001.",
    "payload": "od1:1:23500:abcdefgh",
    "currency": "CNY",
    "prices": [{"label": "Order SO-20261123-0001", "amount": 23500}],
    "provider_token": "284685063:TEST:x",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def send_invoice(fake: FakeTelegram, uid: int, **changes: Any) -> tuple[int, dict[str, Any]]:
    return fake.call("sendInvoice", {"chat_id": uid, **INVOICE, **changes})


def test_an_invoice_shows_with_a_pay_button(fake: FakeTelegram, uid: int) -> None:
    status, body = send_invoice(fake, uid)
    assert status == 200
    message = body["result"]
    assert message["invoice"] == {
        "title": "Order SO-20261123-0001",
        "description": "Payment of CN¥235.00 for order SO-20261123-0001.",
        "start_parameter": "",
        "currency": "CNY",
        "total_amount": 23500,
    }
    assert message["reply_markup"] == {
        "inline_keyboard": [[{"text": "Pay 235.00 CNY", "pay": True}]]
    }
    assert fake.last_bot_message(uid) == {**message, "outgoing": True}
    assert (price(500, "JPY"), price(12345, "KWD")) == ("500 JPY", "12.345 KWD")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": ""}, "invoice title must be 1-32 characters"),
        ({"title": "x" * 33}, "invoice title must be 1-32 characters"),
        ({"description": ""}, "invoice description must be 1-255"),
        ({"payload": "x" * 129}, "INVOICE_PAYLOAD_INVALID"),
        ({"currency": "cny"}, "CURRENCY_INVALID"),
        ({"provider_token": ""}, "PAYMENT_PROVIDER_INVALID"),
        ({"prices": []}, "can't parse prices JSON object"),
        ({"prices": [{"label": "x", "amount": 0}]}, "CURRENCY_TOTAL_AMOUNT_INVALID"),
        ({"reply_markup": {"inline_keyboard": [[{"text": "Go", "callback_data": "x"}]]}}, "BUY"),
    ],
)
def test_invoices_are_validated(
    fake: FakeTelegram, uid: int, changes: dict[str, Any], error: str
) -> None:
    status, body = send_invoice(fake, uid, **changes)
    assert status == 400 and error in body["description"]
    assert fake.bot_messages(uid) == []


def test_paying_asks_the_bot_then_delivers_the_payment(fake: FakeTelegram, uid: int) -> None:
    _, body = send_invoice(fake, uid)
    update = fake.pay_invoice(uid)
    query = update["pre_checkout_query"]
    assert query["from"]["id"] == uid
    assert (query["currency"], query["total_amount"]) == ("CNY", 23500)
    assert query["invoice_payload"] == INVOICE["payload"]
    assert [c["state"] for c in fake.checkouts(uid)] == ["pending"]
    with pytest.raises(ValueError, match="waits for the bot's answer"):
        fake.pay_invoice(uid)

    answer = {"pre_checkout_query_id": query["id"], "ok": True}
    assert fake.call("answerPreCheckoutQuery", answer) == (200, {"ok": True, "result": True})
    (checkout,) = fake.checkouts(uid)
    assert checkout["state"] == "paid" and checkout["charge_id"] == f"sandbox_{uid}_1"
    paid = fake.pending_updates()[-1]
    assert paid["update_id"] == checkout["update_id"]
    assert paid["message"]["from"]["id"] == uid
    assert paid["message"]["successful_payment"] == {
        "currency": "CNY",
        "total_amount": 23500,
        "invoice_payload": INVOICE["payload"],
        "telegram_payment_charge_id": f"sandbox_{uid}_1",
        "provider_payment_charge_id": "provider_1",
    }
    status, _ = fake.call("answerPreCheckoutQuery", answer)
    assert status == 400, "once"
    with pytest.raises(ValueError, match="paid already"):
        fake.pay_invoice(uid, body["result"]["message_id"])

    again = fake.repeat_payment(checkout["update_id"])
    assert again["update_id"] > paid["update_id"]
    assert again["message"] == paid["message"]
    with pytest.raises(LookupError):
        fake.repeat_payment(update["update_id"])  # not a payment


def test_a_refusal_or_a_late_answer_charges_nothing() -> None:
    clock = Clock()
    fake = FakeTelegram(clock=clock)
    uid = fake.create_user("Ann")
    send_invoice(fake, uid)
    query = fake.pay_invoice(uid)["pre_checkout_query"]
    refuse = {"pre_checkout_query_id": query["id"], "ok": False}
    assert fake.call("answerPreCheckoutQuery", refuse)[0] == 400  # without a reason
    refuse["error_message"] = "Nothing is owed on this order."
    assert fake.call("answerPreCheckoutQuery", refuse)[0] == 200
    refused = fake.checkouts(uid)[-1]
    assert (refused["state"], refused["error_message"]) == ("refused", refuse["error_message"])

    query = fake.pay_invoice(uid)["pre_checkout_query"]  # the same invoice, paid again
    clock.now += 10.5
    assert fake.checkouts(uid)[-1]["state"] == "expired"
    late = {"pre_checkout_query_id": query["id"], "ok": True}
    assert fake.call("answerPreCheckoutQuery", late)[0] == 400
    assert [u for u in fake.pending_updates() if "message" in u] == []
    with pytest.raises(LookupError):
        fake.pay_invoice(fake.create_user("Bob"))  # no invoice there


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    server = SandboxServer(port=0)
    await server.start()
    yield server
    await server.stop()


async def test_paying_over_http(server: SandboxServer) -> None:
    async with (
        Bot(TOKEN, base_url=f"{server.url}/bot") as bot,
        SandboxClient(server.url) as client,
    ):
        uid = int((await client.create_user("Ann"))["id"])
        sent = await bot.send_invoice(
            uid,
            title=INVOICE["title"],
            description=INVOICE["description"],
            payload=INVOICE["payload"],
            currency="CNY",
            prices=[LabeledPrice("Order", 23500)],
            provider_token=INVOICE["provider_token"],
        )
        assert sent.invoice is not None and sent.invoice.total_amount == 23500
        with pytest.raises(BadRequest, match=r"(?i)payment_provider_invalid"):
            await bot.send_invoice(
                uid, "T", "D", "p", "CNY", [LabeledPrice("x", 1)], provider_token=""
            )

        await client.pay(uid)
        (update,) = [u for u in await bot.get_updates() if u.pre_checkout_query]
        assert isinstance(update, Update) and update.pre_checkout_query is not None
        assert update.pre_checkout_query.invoice_payload == INVOICE["payload"]
        await update.pre_checkout_query.answer(ok=True)
        checkout = await client.checkout(uid)
        assert checkout["state"] == "paid"
        updates = await bot.get_updates(offset=update.update_id + 1)
        payment = updates[-1].message.successful_payment  # type: ignore[union-attr]
        assert payment is not None and payment.total_amount == 23500
        assert payment.telegram_payment_charge_id == checkout["charge_id"]

        repeated = await client.repeat_payment(checkout["update_id"])
        again = await bot.get_updates(offset=updates[-1].update_id + 1)
        assert [u.update_id for u in again] == [repeated]
        with pytest.raises(SandboxError, match="not a successful payment"):
            await client.repeat_payment(update.update_id)
        with pytest.raises(SandboxError, match="paid already"):
            await client.pay(uid, sent.message_id)
        chat = await client.chat(uid)
        assert chat["messages"][-1]["successful_payment"]["total_amount"] == 23500
