"""A product card whose photo Telegram will not take (a 5xx, a timeout, a 400): the card is
shown as text, with its buttons, in place of the list it was opened from — never "Telegram did
not answer" and a list deleted — and the person goes on from it."""

from __future__ import annotations

import pytest

from tests.reliability.test_telegram_faults import TOLD, Shop, shop

__all__ = ["shop"]

PAPER = "A4 copy paper 80 g (500 sheets) · CN¥25.00"


async def open_list(bot: Shop) -> int:
    """Ann opens the paper category; returns the list message's id."""
    ann = bot.customer
    await bot.send(ann, "/catalog")
    await bot.press(ann, "Paper (3)")
    return int(bot.last_message(ann)["message_id"])


async def shown_as_text(bot: Shop, listed: int) -> None:
    """The card shows in the list's message as text with its buttons; back leads to the list."""
    ann = bot.customer
    card = bot.fake.message(ann, listed)
    assert card is not None and "Price: CN¥25.00" in card["text"] and not card.get("photo")
    assert bot.last_message(ann)["message_id"] == listed
    assert "⬅ Back" in bot.buttons(ann) and "+5" in bot.buttons(ann)
    assert not bot.fake.method_calls("deleteMessage")
    said = [str(m.get("text") or "") for m in bot.fake.bot_messages(ann)]
    assert not [m for m in said if TOLD in m or "Sorry" in m]
    assert "In your cart: 5" in await bot.press(ann, "+5")
    await bot.press(ann, "⬅ Back")
    assert "A5 dotted notebook · CN¥18.00" in bot.buttons(ann)


@pytest.mark.parametrize(
    ("code", "description"),
    [
        (502, None),
        (500, None),
        (400, "Bad Request: wrong file identifier/HTTP URL specified"),
        (400, "Bad Request: PHOTO_INVALID_DIMENSIONS"),
    ],
)
async def test_a_photo_refused_shows_the_card_as_text(
    shop: Shop, code: int, description: str | None
) -> None:
    bot = shop
    listed = await open_list(bot)
    bot.fake.inject(code, method="sendPhoto", times=3, description=description)
    await bot.press(bot.customer, PAPER)
    await shown_as_text(bot, listed)


async def test_a_photo_lost_on_the_way_shows_the_card_as_text(shop: Shop) -> None:
    bot = shop
    listed = await open_list(bot)
    bot.flaky.lost["sendPhoto"] = 1
    await bot.press(bot.customer, PAPER)
    await shown_as_text(bot, listed)


async def test_a_photo_whose_answer_was_lost_may_show_twice_never_not_at_all(shop: Shop) -> None:
    bot, ann = shop, shop.customer
    listed = await open_list(bot)
    bot.flaky.late["sendPhoto"] = 1  # it arrived, but the bot cannot know
    await bot.press(ann, PAPER)
    photos = [m for m in bot.fake.bot_messages(ann) if m.get("photo")]
    assert len(photos) == 1 and "Price: CN¥25.00" in photos[0]["caption"]
    card = bot.fake.message(ann, listed)
    assert card is not None and "Price: CN¥25.00" in card["text"]  # and as text, chosen
    assert "In your cart: 5" in await bot.press(ann, "+5")
