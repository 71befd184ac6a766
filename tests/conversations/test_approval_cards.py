"""The approval card holds what a decider needs, and a decided card stops waiting: every card
sent for the order is edited (through the outbox) to say who decided it, its buttons gone."""

from __future__ import annotations

from telegram import Update

from tests.conversations.conftest import Team, query
from tests.conversations.test_approvals import order
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.conversations.test_outbox import sender

TONER = ("toner", "Toner TN-2420 (black) · CN¥389.00", "+5")  # 1,860.00: the managers decide
STAPLER = ("stapler", "Stapler No. 24/6 · CN¥35.00", "+1")  # 50.00: the rep decides


def _card_message(team: Team, uid: int) -> dict:  # type: ignore[type-arg]
    cards = [
        m
        for m in team.bot.fake.bot_messages(uid)
        if "SO-20261123-0001" in (m.get("text") or "") and "from Ann Lee" in m["text"]
    ]
    assert len(cards) == 1, cards
    return cards[0]


async def test_the_card_holds_contact_delivery_balance_and_history(team: Team) -> None:
    bot = team.bot
    await order(team, *STAPLER)
    await bot.press(team.rep, "✅ Approve")
    await query(
        bot,
        "INSERT INTO due_dates (order_id, seq, due_on, amount) VALUES (1, 1, '2026-11-01', 5000)",
    )
    await query(
        bot,
        "INSERT INTO payments (order_id, amount, method, paid_on, recorded_at)"
        " VALUES (1, 1000, 'cash', '2026-11-02', 'then')",
    )
    await query(bot, "UPDATE customers SET company = 'Acme & Co', credit_limit = 500000")
    await order(team, *STAPLER)  # overdue: to the managers
    card = bot.last(team.manager)
    for line in [
        "Order SO-20261123-0002 from Ann Lee (Acme & Co)",
        "Total: CN¥50.00 · Cash on delivery",
        "Phone: +8613800138000",
        "Open balance: CN¥90.00 · overdue: CN¥40.00 · credit limit: CN¥5,000.00",
        "⚠️ The customer has overdue payments.",
        "History: 2 orders in all; latest: SO-20261123-0001 (✅ approved, CN¥50.00)",
        "Delivery: Courier",
        "Address: 1 Garden Road, Shanghai",
        "Desired date: Nov 24, 2026",
    ]:
        assert line in card, (line, card)
    assert "1 order waits for your decision" in await bot.send(team.manager, "/pending")
    pending = bot.last(team.manager)
    assert "SO-20261123-0002 — Ann Lee (Acme & Co) · CN¥50.00" in pending
    assert bot.buttons(team.manager)[0].startswith("SO-20261123-0002 · Ann Lee · CN¥50.00")


async def test_one_manager_approves_and_both_cards_say_so(team: Team) -> None:
    bot = team.bot
    rep_before = len(bot.fake.bot_messages(team.rep))
    await order(team, *TONER)
    mia, max_ = _card_message(team, team.manager), _card_message(team, team.manager2)
    assert "A new order waits for your decision" in max_["text"]
    await bot.press_data(team.manager, "apv:ok:1", mia["message_id"])
    for uid, card in ((team.manager, mia), (team.manager2, max_)):
        edited = bot.fake.message(uid, card["message_id"])
        assert edited is not None
        assert edited["text"].startswith("Decided: ✅ approved by Mia."), edited["text"]
        assert "waits for your decision" not in edited["text"]
        assert "Status: ✅ approved" in edited["text"]
        assert bot.fake.buttons(edited) == [], "a decided card has no buttons"
        assert _card_message(team, uid) is not None, "edited in place, no new card"
    assert "is approved" in bot.last(team.customer)
    assert "An approved order is ready to pick." in bot.last(team.warehouse)
    told = bot.fake.bot_messages(team.rep)[rep_before:]
    assert len(told) == 1, "not the rep's decision: told of the order, nothing more"
    copy = bot.fake.message(team.rep, told[0]["message_id"])  # the copy, edited in place
    assert copy is not None
    assert copy["text"].startswith("Decided: ✅ approved by Mia."), copy["text"]
    assert bot.fake.buttons(copy) == [], "a copy for information never has buttons"
    assert len(bot.fake.bot_messages(team.finance)) == 1  # only /help
    rows = await query(
        bot,
        "SELECT c.chat_id, c.state, c.message_id = n.message_id FROM outbox c"
        " JOIN outbox n ON n.id = json_extract(c.data, '$.card_id')"
        " WHERE c.kind = 'card_decided' ORDER BY c.chat_id",
    )
    assert rows == [(team.rep, "sent", 1), (team.manager, "sent", 1), (team.manager2, "sent", 1)]
    cards = await query(
        bot, "SELECT chat_id, message_id FROM outbox WHERE kind = 'new_order' ORDER BY chat_id"
    )
    assert cards == [(team.manager, mia["message_id"]), (team.manager2, max_["message_id"])]
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]
    # the other manager's old button is answered, and changes nothing
    await bot.press_data(team.manager2, "apv:ok:1", max_["message_id"])
    assert "was already approved by Mia." in bot.alerts()[-1]


async def test_a_rejection_and_an_adjustment_reach_the_other_card(team: Team) -> None:
    bot = team.bot
    await order(team, *TONER)
    max_ = _card_message(team, team.manager2)
    await bot.press(team.manager, "✏️ Adjust")
    await bot.press(team.manager, "Pay within 30 days")
    changed = bot.fake.message(team.manager2, max_["message_id"])
    assert changed is not None
    assert changed["text"].startswith("✏️ Changed by Mia; it still waits for a decision.")
    assert "Total: CN¥1,860.00 · Pay within 30 days" in changed["text"]
    assert "✅ Approve" in [b for row in bot.fake.buttons(changed) for b in row]
    await bot.press(team.manager, "⛔ Reject")
    await bot.send(team.manager, "Out of toner until March")
    rejected = bot.fake.message(team.manager2, max_["message_id"])
    assert rejected is not None
    assert rejected["text"].startswith("Decided: ⛔ rejected by Mia.")
    assert bot.fake.buttons(rejected) == []
    assert "was not accepted: Out of toner until March" in bot.last(team.customer)
    assert await query(bot, "SELECT status FROM orders") == [("rejected",)]


async def test_a_card_that_cannot_be_edited_is_sent_anew(team: Team) -> None:
    bot = team.bot
    await order(team, *STAPLER)
    card = bot.last_message(team.rep)
    assert bot.app is not None
    await bot.app.bot.delete_message(team.rep, card["message_id"])  # the rep cleared the chat
    await bot.send(team.customer, "/orders")
    await bot.press(team.customer, bot.buttons(team.customer)[0])
    await bot.press(team.customer, "✖️ Cancel order")
    await bot.send(team.customer, "Ordered by mistake")
    assert await query(bot, "SELECT status FROM orders") == [("cancelled",)]
    told = bot.last(team.rep)
    assert told.startswith("Decided: ✖️ cancelled by Ann."), told
    assert bot.buttons(team.rep) == []
    assert await query(bot, "SELECT state FROM outbox WHERE kind = 'card_decided'") == [("sent",)]


async def test_a_card_decided_before_it_went_out_is_never_sent(team: Team) -> None:
    bot = team.bot
    assert bot.app is not None
    await fill_cart(bot, team.customer, *STAPLER)
    await to_summary(bot, team.customer)
    confirm = bot.fake.press(team.customer, "✅ Confirm order")
    await sender(bot).stop()  # the notices wait, as when Telegram is slow
    await bot.app.process_update(Update.de_json(confirm, bot.app.bot))  # its card not yet sent
    await bot.press_data(team.rep, "apv:ok:1")  # from /pending on another device, say
    assert "Approved." in bot.alerts()[-1]
    rep_texts = [m.get("text") or "" for m in bot.fake.bot_messages(team.rep)]
    assert not any("waits for your decision" in x for x in rep_texts), rep_texts
    assert "is approved" in bot.last(team.customer)
    assert "An approved order is ready to pick." in bot.last(team.warehouse)
    states = await query(
        bot, "SELECT kind, state FROM outbox WHERE kind IN ('new_order', 'card_decided')"
    )
    assert sorted(states) == [("card_decided", "dropped"), ("new_order", "dropped")]
