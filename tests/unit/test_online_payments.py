"""Pay in chat, the rules: the invoice payload read back, the charge's token, what Pay now asks,
the provider token in the configuration and what the copy button copies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.config import load_config, parse_config
from bot.domain.models import Language
from bot.domain.online_payments import (
    Payload,
    PaymentInvalid,
    charge_token,
    due_now,
    parse_payload,
)
from bot.ui.online_payment_views import copied
from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 11, 23)


def test_a_payload_reads_back_what_it_asks() -> None:
    payload = Payload.new(42, 23500)
    text = payload.text()
    assert text.startswith("od1:42:23500:") and len(text.encode()) <= 128
    assert parse_payload(text) == payload
    assert Payload.new(42, 23500).nonce != payload.nonce, "every invoice is told apart"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "hello",
        "od1:42:23500",
        "od1:42:23500:short",
        "od1:0:23500:abcdefgh",
        "od1:42:0:abcdefgh",
        "od1:-4:23500:abcdefgh",
        "od1:42:23500:abcdefgh:more",
        "od2:42:23500:abcdefgh",
        "od1:42:1e3:abcdefgh",
        "od1:４２:23500:abcdefgh",
        "od1:42:23500:abc defgh",
    ],
)
def test_a_payload_not_made_by_orderdesk_is_refused(text: str | None) -> None:
    with pytest.raises(PaymentInvalid):
        parse_payload(text)


def test_one_token_per_telegram_charge() -> None:
    assert charge_token("6012345678_123") == "tg:6012345678_123"
    for bad in (None, "", "x" * 201, "a\nb"):
        with pytest.raises(PaymentInvalid):
            charge_token(bad)


@pytest.mark.parametrize(
    ("dues", "paid", "owed", "asked"),
    [
        ([(DAY, 23500)], 0, 23500, 23500),  # prepaid: all of it at once
        ([(DAY, 23500)], 10000, 13500, 13500),  # what is left of it
        ([(date(2026, 12, 23), 23500)], 0, 23500, 23500),  # net 30: not due yet, still all
        ([(DAY, 7834), (date(2026, 12, 23), 7833), (date(2027, 1, 22), 7833)], 0, 23500, 7834),
        ([(DAY, 7834), (date(2026, 12, 23), 7833), (date(2027, 1, 22), 7833)], 7834, 15666, 7833),
        ([(date(2026, 10, 1), 5000), (date(2026, 11, 1), 5000), (DAY, 5000)], 2000, 13000, 13000),
        ([], 0, 4500, 4500),  # no due dates (not invoiced): everything owed
        ([(DAY, 23500)], 0, 20000, 20000),  # never more than is owed (a credit note came)
    ],
)
def test_pay_now_asks_what_has_fallen_due(
    dues: list[tuple[date, int]], paid: int, owed: int, asked: int
) -> None:
    assert due_now(dues, paid, owed, DAY) == asked


def test_the_provider_token_comes_from_the_environment_and_stays_secret() -> None:
    example = load_config(ROOT / "config.example.toml", environ={})
    assert not example.payments.enabled, "paying in chat is off until set up"
    config = parse_config(BASE_CONFIG, environ={"ORDERDESK_PAYMENT_TOKEN": "284685063:TEST:x"})
    assert config.payments.enabled
    assert config.payments.provider_token.get_secret_value() == "284685063:TEST:x"
    assert "TEST:x" not in repr(config)
    written = parse_config({**BASE_CONFIG, "payments": {"provider_token": "1:LIVE:y"}}, environ={})
    assert written.payments.provider_token.get_secret_value() == "1:LIVE:y"


def test_the_copy_button_copies_how_to_pay_else_the_bank_account() -> None:
    how = {
        "en": "Bank transfer to account 6222 0000 1234 5678",
        "zh": "请转账至 6222 0000 1234 5678",
    }
    business = {**BASE_CONFIG["business"], "payment_instructions": how}
    seller = {"bank": "Bank of Example, account 6222 0000 1234 5678"}
    config = parse_config({**BASE_CONFIG, "business": business, "seller": seller}, environ={})
    assert copied(config, Language.ZH) == how["zh"]
    assert copied(config, Language.RU) == how["en"]  # English is the fallback
    business["payment_instructions"] = {"en": "Pay by bank transfer. " * 20}  # over 256
    config = parse_config({**BASE_CONFIG, "business": business, "seller": seller}, environ={})
    assert copied(config, Language.EN) == seller["bank"]
    assert copied(parse_config(BASE_CONFIG, environ={}), Language.EN) is None


@given(st.text(max_size=200))
@example("od1:1:1:aaaaaa")
@example("od1:" + "9" * 12 + ":" + "9" * 15 + ":" + "z" * 24)
def test_any_payload_is_read_or_refused(text: str) -> None:
    try:
        payload = parse_payload(text)
    except PaymentInvalid:
        return
    assert payload.order_id > 0 and payload.amount > 0
    assert payload.text() == text
