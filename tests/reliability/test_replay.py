"""At-least-once delivery: Telegram may deliver an update again (after a crash, before the bot
confirmed it). Every kind of update of an order's whole life — commands, texts, a contact, a
sticker, a member update, and the button presses of every step, Confirm, Approve, the shipment
and the payment included — is fed twice to the real Application; the second time changes
nothing: not the database, not a chat, not one Bot API call. Then the same across a restart:
the database is unchanged and the person is told, politely, that it was done."""

from __future__ import annotations

import copy
import sqlite3
from typing import Any

from tests.conversations.conftest import Team
from tests.harness import Harness

JSON = dict[str, Any]
DONE = "✅ Done — this was saved just before OrderDesk restarted."


def database(bot: Harness) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as another process sees them."""
    with sqlite3.connect(bot.config.database.path) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] != "sqlite_sequence"
        ]
        return {
            t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr) for t in tables
        }


def world(bot: Harness) -> tuple[object, ...]:
    """The database, every chat, every answered button and the Bot API calls made."""
    chats = {uid: bot.fake.chat_messages(uid) for uid in [u["id"] for u in bot.fake.users()]}
    return database(bot), chats, copy.deepcopy(bot.fake.callback_answers), len(bot.fake.calls)


class Twice:
    """Feeds every update twice and checks that the second changed nothing."""

    def __init__(self, bot: Harness) -> None:
        self.bot = bot
        self.kinds: list[str] = []

    async def feed(self, uid: int, update: JSON, kind: str) -> str:
        """The update, then the very same update again; returns what the person sees."""
        newest = self.bot.fake.last_bot_message(uid)
        before = newest["message_id"] if newest else 0
        await self.bot.feed(update)
        first = world(self.bot)
        await self.bot.feed(copy.deepcopy(update))
        assert world(self.bot) == first, f"{kind}: the same update again changed something"
        self.kinds.append(kind)
        query = update.get("callback_query")
        if query and self.bot.last_message(uid)["message_id"] <= before:
            pressed = self.bot.fake.message(uid, query["message"]["message_id"]) or {}
            return str(pressed.get("text") or pressed.get("caption") or "")
        return self.bot.last(uid)

    async def send(self, uid: int, text: str, kind: str | None = None) -> str:
        """A text or a command, twice."""
        update = self.bot.fake.send_text(uid, text)
        return await self.feed(uid, update, kind or ("command" if text[0] == "/" else "text"))

    async def press(self, uid: int, label: str, kind: str | None = None) -> str:
        """The newest button with this label, pressed — and delivered twice."""
        return await self.feed(uid, self.bot.fake.press(uid, label), kind or f"press {label}")

    async def press_part(self, uid: int, part: str, kind: str) -> str:
        """The newest button whose label holds `part`."""
        for message in reversed(self.bot.fake.bot_messages(uid)):
            labels = [b for row in self.bot.fake.buttons(message) for b in row if part in b]
            if labels:
                return await self.press(uid, labels[0], kind)
        raise LookupError(part)


def count(bot: Harness, sql: str) -> int:
    """One number from the database."""
    with sqlite3.connect(bot.config.database.path) as conn:
        return int(conn.execute(sql).fetchone()[0])


def number_of_the_order(bot: Harness) -> str:
    """The one order's number."""
    with sqlite3.connect(bot.config.database.path) as conn:
        return str(conn.execute("SELECT number FROM orders").fetchone()[0])


async def test_every_update_of_an_orders_life_twice_changes_nothing(team: Team) -> None:
    bot, rep, wh, fin = team.bot, team.rep, team.warehouse, team.finance
    twice = Twice(bot)
    ann = bot.user("Ann")
    assert "What is your name?" in await twice.send(ann, "/start")
    assert "phone number" in await twice.send(ann, "Ann Lee", "text (name)")
    await twice.feed(ann, bot.fake.send_sticker(ann), "sticker where text is asked")
    assert "company" in await twice.feed(
        ann, bot.fake.send_contact(ann, "+8613800138001"), "contact"
    )
    assert "address" in await twice.press(ann, bot.buttons(ann)[0], "press (no company)")
    assert "registered" in await twice.send(ann, "2 Garden Road, Shanghai", "text (address)")
    assert "Found" in await twice.send(ann, "/search stapler")
    assert "SKU: STP-24" in await twice.press(
        ann, "Stapler No. 24/6 · CN¥35.00", "press (product)"
    )
    assert "In your cart: 5" in await twice.press(ann, "+5", "press (+5 to cart)")
    assert "how should we deliver" in await twice.send(ann, "/checkout")
    assert "Where to?" in await twice.press(ann, "Courier · CN¥15.00")
    assert "When would" in await twice.press(ann, "2 Garden Road, Shanghai")
    assert "How would you like to pay" in await twice.press(ann, "Tue, Nov 24")
    assert "Any note" in await twice.press(ann, "Cash on delivery")
    assert "Please check your order" in await twice.send(ann, "Ring twice", "text (note)")
    assert "is submitted" in await twice.press(ann, "✅ Confirm order", "press Confirm")

    assert "Status: ✅ approved" in await twice.press(rep, "✅ Approve", "press Approve")
    assert "To ship" in await twice.send(wh, "/ship")
    await twice.press_part(wh, "SO-", "press (order to ship)")
    await twice.press(wh, "−", "press (one less)")
    assert "Carrier?" in await twice.press(wh, "Next ➡")
    assert "Tracking number?" in await twice.press(wh, "SF Express")
    assert "delivery date?" in await twice.send(wh, "SF1234567", "text (tracking)")
    assert "cannot be undone" in await twice.press(wh, "Wed, Nov 25")
    assert "Pick list" in await twice.press(wh, "✅ Record shipment", "press Record shipment")
    assert "Status" in await twice.press(ann, "✅ I received it", "press I received it")
    await twice.press(wh, "🚚 Ship", "press (ship the rest)")
    await twice.press(wh, "Next ➡")
    await twice.press(wh, "SF Express")
    await twice.press(wh, "No tracking number")
    await twice.press(wh, "Not known")
    await twice.press(wh, "✅ Record shipment", "press Record shipment (rest)")
    number = number_of_the_order(bot)
    assert "History" in await twice.send(wh, f"/order {number}", "command (/order)")
    await twice.press_part(wh, "📬 Delivered", "press Delivered")
    await twice.press(ann, "5⭐", "press (rating)")
    await twice.send(ann, "Quick and friendly", "text (comment)")

    assert "Invoice INV-" in await twice.press(fin, "🧾 Issue invoice", "press Issue invoice")
    assert "Payment for which order?" in await twice.send(fin, "/payment")
    assert "still owed" in await twice.send(fin, number, "text (order number)")
    assert "How was it paid?" in await twice.send(fin, "50", "text (amount)")
    assert "Paid on which day?" in await twice.press(fin, "Bank transfer")
    assert "Record CN¥50.00" in await twice.press(fin, "Today")
    assert "still owed" in await twice.press(fin, "✅ Record payment", "press Record payment")
    assert "Choose your language" in await twice.send(ann, "/language")
    assert "Language set" in await twice.press(ann, "English", "press (language)")
    await twice.feed(ann, bot.fake.block(ann) or {}, "member update (blocked the bot)")

    assert count(bot, "SELECT COUNT(*) FROM orders") == 1
    assert count(bot, "SELECT COUNT(*) FROM shipments") == 2
    assert count(bot, "SELECT COUNT(*) FROM payments") == 1
    assert count(bot, "SELECT COUNT(*) FROM invoices") == 1
    assert count(bot, "SELECT reserved FROM products WHERE sku = 'STP-24'") == 0
    told = [m for m in bot.fake.bot_messages(rep) if "has blocked the bot" in (m["text"] or "")]
    assert len(told) == 1
    print(f"\n{len(twice.kinds)} updates fed twice:", ", ".join(dict.fromkeys(twice.kinds)))


async def test_after_a_restart_the_same_update_is_not_applied_again(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await bot.send(ann, "/search stapler")
    await bot.press(ann, "Stapler No. 24/6 · CN¥35.00")
    updates = [bot.fake.press(ann, "+5")]  # the cart
    await bot.feed(updates[-1])
    await bot.send(ann, "/checkout")
    await bot.press(ann, "Courier · CN¥15.00")
    await bot.press(ann, "1 Garden Road, Shanghai")
    await bot.press(ann, "Tue, Nov 24")
    await bot.press(ann, "Cash on delivery")
    updates.append(bot.fake.send_text(ann, "Ring twice"))  # only the conversation changes
    await bot.feed(updates[-1])
    updates.append(bot.fake.press(ann, "✅ Confirm order"))
    await bot.feed(updates[-1])
    updates.append(bot.fake.press(team.rep, "✅ Approve"))
    await bot.feed(updates[-1])
    for update in updates:
        await bot.restart()  # a new process: only the database remembers the update
        before = database(bot)
        await bot.feed(copy.deepcopy(update))
        assert database(bot) == before
        uid = (update.get("message") or update["callback_query"])["from"]["id"]
        assert bot.last(uid) == DONE  # the press was answered the first time: a message
    assert count(bot, "SELECT COUNT(*) FROM orders") == 1
    assert count(bot, "SELECT qty FROM order_lines") == 5
    assert count(bot, "SELECT reserved FROM products WHERE sku = 'STP-24'") == 5
    assert count(bot, "SELECT COUNT(*) FROM audit_log WHERE after = 'approved'") == 1
