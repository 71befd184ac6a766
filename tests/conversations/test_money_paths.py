"""Money on every path, through the real Application offline: the prepaid gate (invoiced at
approval, to the warehouse only once paid in full), a refund due wherever more was paid than
is owed (discount, rejection, cancellation) with finance told, credit notes when an invoiced
total changes, and payments refused where nothing can be owed."""

from __future__ import annotations

from tests.conversations.conftest import Team, query
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.conversations.test_requests import ask_to_cancel

PREPAID = "Prepaid (we ship after payment)"


async def order(team: Team, term: str = PREPAID) -> None:
    """Ann orders 5 staplers and 10 packs of staples (CN¥235.00); it waits for her rep."""
    bot = team.bot
    await fill_cart(bot, team.customer, "stapler", "Stapler No. 24/6 · CN¥35.00", "+5")
    await fill_cart(bot, team.customer, "staples", "Staples 24/6 (1000 pcs) · CN¥4.50", "+10")
    await to_summary(bot, team.customer, term=term)
    await bot.press(team.customer, "✅ Confirm order")


async def pay(team: Team, amount: str | None = None, number: str = "SO-20261123-0001") -> str:
    """Finance records a payment (all that is owed unless an amount is given)."""
    bot = team.bot
    asked = await bot.send(team.finance, f"/payment {number}")
    if amount is None:
        await bot.press(team.finance, next(b for b in bot.buttons(team.finance) if "All of" in b))
    else:
        await bot.send(team.finance, amount)
    assert "How was it paid?" in bot.last(team.finance), asked
    await bot.press(team.finance, "Bank transfer")
    await bot.press(team.finance, "Today")
    return await bot.press(team.finance, "✅ Record payment")


def texts(team: Team, uid: int) -> list[str]:
    """Every text and caption the bot sent a chat."""
    return [m.get("text") or m.get("caption") or "" for m in team.bot.fake.bot_messages(uid)]


def files(team: Team, uid: int) -> list[str]:
    """The names of the files the bot sent a chat."""
    found = team.bot.fake.bot_messages(uid)
    return [m["document"]["file_name"] for m in found if "document" in m]


async def test_prepaid_is_invoiced_at_approval_and_ships_once_paid(team: Team) -> None:
    bot = team.bot
    await order(team)
    warehouse = len(bot.fake.bot_messages(team.warehouse))
    await bot.press(team.rep, "✅ Approve")
    assert files(team, team.customer) == ["INV-20261123-0001.pdf"]
    assert any("is approved" in x for x in texts(team, team.customer))
    assert len(bot.fake.bot_messages(team.warehouse)) == warehouse, "not before the money"
    assert await query(bot, "SELECT released_at, payment_status FROM orders") == [(None, "unpaid")]
    assert await query(bot, "SELECT amount FROM due_dates") == [(23500,)]
    card = await bot.send(team.customer, "/track SO-20261123-0001")
    assert "Waiting for payment" in card
    assert "Waiting for payment" in await bot.send(team.rep, "/order SO-20261123-0001")
    assert "SO-20261123-0001" not in await bot.send(team.warehouse, "/ship")
    await bot.press_data(team.warehouse, "shp:o:1")  # a forged or old Ship button
    assert "ships once it is paid in full" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM shipments") == [(0,)]

    warehouse = len(bot.fake.bot_messages(team.warehouse))
    await pay(team, "100")
    assert len(bot.fake.bot_messages(team.warehouse)) == warehouse, "paid in part: still waits"
    assert "Still to pay: CN¥135.00" in bot.last(team.customer)
    await pay(team)
    assert "The order is paid in full." in bot.last(team.customer)
    pick = bot.last(team.warehouse)
    assert "SO-20261123-0001" in pick and "🚚 Ship" in bot.buttons(team.warehouse)
    released = await query(bot, "SELECT released_at IS NOT NULL, payment_status FROM orders")
    assert released == [(1, "paid")]
    assert "Waiting for payment" not in await bot.send(team.customer, "/track SO-20261123-0001")
    await pay(team, "1")
    assert "Nothing is owed" in bot.last(team.finance) or "pay back" in bot.last(team.finance)


async def test_a_discount_after_payment_is_a_refund_due_finance_is_told(team: Team) -> None:
    bot = team.bot
    await order(team, "Cash on delivery")
    await pay(team)  # 235.00 before the rep decides
    await bot.send(team.rep, "/pending")
    await bot.press(team.rep, bot.buttons(team.rep)[0])
    await bot.press(team.rep, "✏️ Adjust")
    await bot.press(team.rep, "Discount…")
    await bot.send(team.rep, "10")  # 220 − 22 + 15 = 213.00
    assert await query(bot, "SELECT total, payment_status, refund_due FROM orders") == [
        (21300, "paid", 2200)
    ]
    told = bot.last(team.finance)
    assert "SO-20261123-0001: CN¥22.00 to pay back" in told
    assert "↩️ Record refund" in bot.buttons(team.finance)
    card = await bot.send(team.customer, "/track SO-20261123-0001")
    assert "Payment: paid" in card and "We will pay back CN¥22.00." in card
    view = await bot.send(team.manager, "/order SO-20261123-0001")
    assert "Total: CN¥213.00 · paid: CN¥235.00" in view and "To pay back: CN¥22.00" in view
    audit = await query(bot, "SELECT before, after FROM audit_log WHERE action = 'refund_due'")
    assert audit == [("0", "2200")]


async def test_a_rejected_order_that_was_paid_owes_everything_back(team: Team) -> None:
    bot = team.bot
    await order(team, "Cash on delivery")
    await pay(team, "50")
    await bot.press(team.rep, "⛔ Reject")
    await bot.send(team.rep, "Not in our range")
    assert await query(bot, "SELECT status, payment_status, refund_due FROM orders") == [
        ("rejected", "paid", 5000)
    ]
    assert "CN¥50.00 to pay back" in bot.last(team.finance)
    assert "Nothing is owed" in await bot.send(team.finance, "/payment SO-20261123-0001")
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(1,)]


async def test_invoiced_then_cancelled_gets_a_credit_note_and_no_dues(team: Team) -> None:
    bot = team.bot
    await order(team)
    await bot.press(team.rep, "✅ Approve")  # prepaid: invoiced now
    await pay(team, "35")
    assert "is sent to our team" in await ask_to_cancel(team)
    await bot.press(team.rep, "✅ Cancel the order")
    await bot.press(team.rep, "Yes, cancel it")
    notes = await query(bot, "SELECT number, amount, reason FROM credit_notes")
    assert notes == [("CN-20261123-0001", 23500, "cancelled")]
    assert await query(bot, "SELECT COUNT(*) FROM due_dates") == [(0,)]
    assert await query(bot, "SELECT COUNT(*) FROM open_dues") == [(0,)]
    assert await query(bot, "SELECT refund_due, payment_status FROM orders") == [(3500, "paid")]
    sent = texts(team, team.customer) + files(team, team.customer)
    assert any("CN-20261123-0001" in x for x in sent), "the customer gets the credit note"
    assert "CN¥35.00 to pay back" in bot.last(team.finance)
    assert "Outstanding: CN¥0.00" in await bot.send(team.finance, "/receivables")


async def test_an_invoiced_total_made_smaller_follows_with_its_due_dates(team: Team) -> None:
    bot = team.bot
    await order(team)
    await bot.press(team.rep, "✅ Approve")
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✏️ Change order")
    await bot.press(team.customer, "🔢 Stapler No. 24/6 (5)")
    await bot.send(team.customer, "1")
    await bot.send(team.customer, "Too many")
    await bot.press(team.rep, "✅ Accept the change")  # 235 − 4 × 35 = 95.00
    assert await query(bot, "SELECT number, amount, reason FROM credit_notes") == [
        ("CN-20261123-0001", 14000, "changed")
    ]
    assert await query(bot, "SELECT SUM(amount) FROM due_dates") == [(9500,)]
    assert await query(bot, "SELECT SUM(owed) FROM open_dues") == [(9500,)]
    assert "Outstanding: CN¥95.00" in await bot.send(team.finance, "/receivables")
    await pay(team)
    assert await query(bot, "SELECT SUM(amount), COUNT(*) FROM payments") == [(9500, 1)]
    assert "SO-20261123-0001" in bot.last(team.warehouse), "paid in full: to the warehouse"


async def test_no_payment_on_a_cancelled_order(team: Team) -> None:
    bot = team.bot
    await order(team, "Cash on delivery")
    await bot.send(team.customer, "/track SO-20261123-0001")
    await bot.press(team.customer, "✖️ Cancel order")
    await bot.send(team.customer, "Changed my mind")
    assert await query(bot, "SELECT status FROM orders") == [("cancelled",)]
    answer = await bot.send(team.finance, "/payment SO-20261123-0001")
    assert "Nothing is owed" in answer
    assert await query(bot, "SELECT COUNT(*) FROM payments") == [(0,)]
