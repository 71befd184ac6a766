"""Signals that must reach someone (issue 15, item 11): a low rating with a comment alerts the
rep and the managers; "I've paid" under a payment reminder tells finance once per amount owed;
finance gets the invoice PDF with "💰 Record payment"; catalog lists mark products out of stock
or open for pre-order."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_finance import delivered_order
from tests.conversations.test_reminders_sent import invoiced, scan, sent_to
from tests.harness import Harness

ALERT = "⚠️ Low rating: Ann Lee rated order SO-20261123-0001 ⭐⭐."


def everyone(team: Team) -> list[int]:
    return [team.customer, team.rep, team.manager, team.manager2, team.warehouse, team.finance]


def counts(bot: Harness, people: list[int]) -> list[int]:
    return [len(bot.fake.bot_messages(uid)) for uid in people]


async def test_a_low_rating_with_a_comment_alerts_the_rep_and_the_managers(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await delivered_order(team)
    await bot.press(ann, "2⭐")
    before = counts(bot, everyone(team))
    assert "Thank you for your feedback" in await bot.send(ann, "Box <crushed>, two missing")
    for uid in (team.rep, team.manager, team.manager2):
        told = bot.last(uid)
        assert ALERT in told and "Comment: Box &lt;crushed&gt;, two missing" not in told
        assert "Comment: Box <crushed>, two missing" in told  # escaped on the way, shown plain
        assert bot.buttons(uid) == ["📄 Open order"]
    after = counts(bot, everyone(team))
    # the customer: one thanks; rep and both managers: one alert each; warehouse, finance: none
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1, 1, 0, 0]
    rows = await query(bot, "SELECT rating, comment FROM order_feedback")
    assert rows == [(2, "Box <crushed>, two missing")]
    kinds = await query(bot, "SELECT kind, COUNT(*) FROM outbox WHERE kind = 'low_rating'")
    assert kinds == [("low_rating", 3)]
    assert "SO-20261123-0001" in await bot.press(team.manager, "📄 Open order")


async def test_a_good_rating_or_a_low_one_without_comment_alerts_no_one(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await delivered_order(team)
    await bot.press(ann, "1⭐")
    staff = [team.rep, team.manager, team.manager2, team.warehouse, team.finance]
    before = counts(bot, staff)
    assert "Thank you for your feedback" in await bot.press(ann, "Skip")
    assert counts(bot, staff) == before
    assert await query(bot, "SELECT COUNT(*) FROM outbox WHERE kind = 'low_rating'") == [(0,)]


async def test_a_good_rating_with_a_comment_alerts_no_one(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await delivered_order(team)
    await bot.press(ann, "3⭐")
    staff = [team.rep, team.manager, team.manager2, team.warehouse, team.finance]
    before = counts(bot, staff)
    assert "Thank you for your feedback" in await bot.send(ann, "OK I guess")
    assert counts(bot, staff) == before
    assert await query(bot, "SELECT COUNT(*) FROM outbox WHERE kind = 'low_rating'") == [(0,)]


async def test_ive_paid_tells_finance_once_per_amount_owed(team: Team) -> None:
    bot, ann = team.bot, team.customer
    await invoiced(team)
    await scan(bot)
    reminder = bot.last_message(ann)
    assert "Payment due today" in bot.last(ann) and "✅ I've paid" in bot.buttons(ann)
    others = [team.rep, team.manager, team.manager2, team.warehouse]
    before = counts(bot, others)
    finance_before = len(sent_to(bot, team.finance))
    thanks = await bot.press(ann, "✅ I've paid")
    assert "Thank you! We told our finance team about your payment of CN¥235.00" in thanks
    assert "you will get a receipt once they confirm it" in thanks
    assert "Payment due today" in str(bot.fake.message(ann, reminder["message_id"])["text"])
    told = bot.last(team.finance)
    assert "Ann Lee says they paid CN¥235.00 for order SO-20261123-0001" in told
    assert bot.buttons(team.finance) == ["💰 Record payment"]
    assert len(sent_to(bot, team.finance)) == finance_before + 1
    assert counts(bot, others) == before

    # pressed again: a polite answer, nothing sent to finance again
    again = await bot.press_data(ann, "fin:paid:1", reminder["message_id"])
    assert "already knows about your payment of CN¥235.00" in again
    assert len(sent_to(bot, team.finance)) == finance_before + 1
    assert await query(bot, "SELECT COUNT(*) FROM outbox WHERE kind = 'said_paid'") == [(1,)]
    claims = await query(bot, "SELECT after FROM audit_log WHERE action = 'said_paid'")
    assert claims == [("23500",)]

    # finance opens the payment flow from the notice and records part of it
    assert "still owed CN¥235.00" in await bot.press(team.finance, "💰 Record payment")
    await bot.send(team.finance, "100")
    await bot.press(team.finance, "Bank transfer")
    await bot.press(team.finance, "Today")
    await bot.press(team.finance, "✅ Record payment")
    assert await query(bot, "SELECT amount FROM payments") == [(10000,)]
    # a new amount owed: the customer may say so once more, and finance hears of 135.00
    await bot.press_data(ann, "fin:paid:1", reminder["message_id"])
    assert "says they paid CN¥135.00" in bot.last(team.finance)
    assert await query(bot, "SELECT COUNT(*) FROM outbox WHERE kind = 'said_paid'") == [(2,)]


async def test_ive_paid_refused_to_others_and_forged_orders(team: Team) -> None:
    bot = team.bot
    await invoiced(team)
    eve = bot.user("Eve")
    await bot.register(eve)
    await bot.press_data(eve, "fin:paid:1")
    assert "No such order among yours" in bot.alerts()[-1]
    await bot.press_data(team.rep, "fin:paid:1")
    assert "register first" in bot.alerts()[-1]
    await bot.press_data(team.customer, "fin:paid:x")
    assert "expired" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM outbox WHERE kind = 'said_paid'") == [(0,)]


async def test_finance_gets_the_invoice_pdf_with_record_payment(team: Team) -> None:
    bot = team.bot
    await delivered_order(team)
    await bot.press(team.finance, "🧾 Issue invoice")
    sent = bot.last_message(team.finance)
    assert sent["document"]["file_name"] == "INV-20261123-0001.pdf"
    assert "Invoice INV-20261123-0001 for order SO-20261123-0001: CN¥235.00" in bot.last(
        team.finance
    )
    assert bot.buttons(team.finance) == ["💰 Record payment"]
    assert bot.last_message(team.customer)["document"]["file_name"] == "INV-20261123-0001.pdf"
    asked = await bot.press(team.finance, "💰 Record payment")
    assert "still owed CN¥235.00" in asked
    assert await query(bot, "SELECT number FROM invoices") == [("INV-20261123-0001",)]


async def test_an_invoice_issued_on_approval_reaches_finance_as_a_pdf(team: Team) -> None:
    """A prepaid order is invoiced when approved (by the rep): finance is sent the PDF with
    "💰 Record payment"; the customer gets theirs; no one else is told of the invoice."""
    from tests.conversations.test_checkout import fill_cart, to_summary

    bot = team.bot
    await fill_cart(bot, team.customer, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await to_summary(bot, team.customer, term="Prepaid (we ship after payment)")
    await bot.press(team.customer, "✅ Confirm order")
    before = counts(bot, [team.manager, team.manager2, team.warehouse])
    await bot.press(team.rep, "✅ Approve")
    sent = bot.last_message(team.finance)
    assert sent["document"]["file_name"] == "INV-20261123-0001.pdf"
    assert "Invoice INV-20261123-0001 for order SO-20261123-0001: CN¥190.00" in bot.last(
        team.finance
    )
    assert bot.buttons(team.finance) == ["💰 Record payment"]
    assert bot.last_message(team.customer)["document"]["file_name"] == "INV-20261123-0001.pdf"
    assert counts(bot, [team.manager, team.manager2, team.warehouse]) == before
    kinds = await query(bot, "SELECT kind FROM outbox WHERE kind LIKE 'invoice%' ORDER BY id")
    assert kinds == [("invoice",), ("invoice_issued",)]
    assert "still owed CN¥190.00" in await bot.press(team.finance, "💰 Record payment")
