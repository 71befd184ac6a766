"""Graceful stop: SIGTERM while the real bot process is in the middle of an update (the sandbox
answers slowly on purpose). The update is finished — its change in the database, its answers
sent, its conversation state written — the updates already fetched are processed too, and the
process exits 0; started again, every conversation goes on where it was."""

from __future__ import annotations

import json

from tests.reliability.process import (
    REP,
    REPLY_METHODS,
    BotProcess,
    bot_text,
    until,
)

SLOW = 0.5  # seconds the sandbox takes to answer each call of the handler being stopped


async def say(bot: BotProcess, uid: int, text: str, expect: str) -> None:
    """Send a text and wait for the answer."""
    mark = bot.calls()
    bot.fake.send_text(uid, text)
    await until(
        lambda: (
            bot.idle()
            and bool(bot.reply_calls_since(mark))
            and expect in bot_text(bot.fake.last_bot_message(uid))
        ),
        f"{expect!r} after {text!r}",
    )


async def tap(bot: BotProcess, uid: int, label: str, expect: str) -> None:
    """Press a button and wait until the bot shows `expect` (pressed message or a new one)."""
    mark = bot.calls()
    update = bot.fake.press(uid, label)
    pressed = update["callback_query"]["message"]["message_id"]

    def shown() -> bool:
        texts = bot_text(bot.fake.last_bot_message(uid)) + bot_text(bot.fake.message(uid, pressed))
        return expect in texts

    await until(
        lambda: bot.idle() and bool(bot.reply_calls_since(mark)) and shown(), f"{expect!r}"
    )


async def stop_while(bot: BotProcess, uid: int, label: str) -> int:
    """Press a button, and SIGTERM the bot while it is answering (its first call waits);
    return the exit code."""
    for method in REPLY_METHODS:
        await bot.client.delay(SLOW, method=method)
    mark = bot.calls()
    bot.fake.press(uid, label)
    await until(lambda: bool(bot.reply_calls_since(mark)), "the bot to be answering")
    code = await bot.terminate()
    await bot.client.clear_delays()
    return code


def checkout_state(bot: BotProcess, uid: int) -> object:
    """The customer's checkout step as written to the database (None: none)."""
    key = json.dumps([uid, uid])
    rows = bot.sql("SELECT state FROM ptb_conversations WHERE name = 'checkout' AND key = ?", key)
    return json.loads(rows[0][0]) if rows else None


async def test_sigterm_finishes_the_update_writes_the_state_and_exits_0(
    running: BotProcess,
) -> None:
    bot = running
    ann = bot.fake.create_user("Ann")
    await say(bot, ann, "/start", "What is your name?")
    await say(bot, ann, "Ann Lee", "phone number")
    bot.fake.send_contact(ann, "+8613800138000")
    await until(lambda: bot.idle() and "company" in bot.fake.last_bot_message(ann)["text"], "?")
    await tap(bot, ann, "Skip — I buy for myself", "delivery address")
    await say(bot, ann, "1 Garden Road, Shanghai", "You are registered")
    await say(bot, ann, "/search STP-24", "Found 1 product")
    await tap(bot, ann, "Stapler No. 24/6 · CN¥35.00", "SKU: STP-24")
    await tap(bot, ann, "+5", "In your cart: 5")
    await say(bot, ann, "/checkout", "how should we deliver")

    # Stopped in the middle of a checkout step: the step is finished and its state written.
    assert await stop_while(bot, ann, "Pick up at our warehouse · CN¥0.00") == 0
    assert "When would you like it?" in bot_text(bot.fake.last_bot_message(ann))
    assert checkout_state(bot, ann) == 3  # the date step
    assert bot.fake.pending_update_count() == 0  # confirmed to Telegram: not delivered again
    await bot.start()
    await tap(bot, ann, "No preference", "How would you like to pay?")  # goes on from there
    await tap(bot, ann, "Prepaid (we ship after payment)", "Any note")
    await tap(bot, ann, "Skip", "Please check your order")

    # Stopped while confirming: one order, the rep told, the conversation over.
    assert await stop_while(bot, ann, "✅ Confirm order") == 0
    assert bot.sql("SELECT COUNT(*), MIN(status) FROM orders") == [(1, "submitted")]
    assert bot.sql("SELECT reserved FROM products WHERE sku = 'STP-24'") == [(5,)]
    assert "waits for your decision" in bot_text(bot.fake.last_bot_message(REP))
    assert checkout_state(bot, ann) is None
    await bot.start()
    await tap(bot, REP, "✅ Approve", "Status: ✅ approved")
    assert "Traceback" not in bot.log()
    assert "Application.stop() complete" in bot.log()


async def test_sigterm_processes_what_was_fetched_and_leaves_the_rest_to_the_next_start(
    running: BotProcess,
) -> None:
    bot = running
    people = [bot.fake.create_user(f"Guest {n}") for n in range(5)]
    for method in REPLY_METHODS:
        await bot.client.delay(0.2, method=method)
    mark = bot.calls()
    for uid in people:
        bot.fake.send_text(uid, "/help")
    await until(lambda: bool(bot.reply_calls_since(mark)), "the bot to be answering")
    assert await bot.terminate() == 0
    await bot.client.clear_delays()
    answered = [uid for uid in people if bot.fake.last_bot_message(uid)]
    assert answered, "the update in hand was finished"
    await bot.start()  # the rest, never confirmed, come again
    await until(bot.idle, "the bot to process what was left")
    for uid in people:
        helps = [m for m in bot.fake.bot_messages(uid) if "here is what I can do" in m["text"]]
        assert len(helps) == 1, (uid, helps)
