"""Custom orders (定制订单) through the real Application, offline: the customer describes what
they need with a photo, the rep quotes (or asks first), the customer accepts and an order of
type custom goes through the same review and approval as any other."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from tests.conversations.conftest import ADMIN, Team, query
from tests.conversations.test_fulfilment import ship_rest


async def describe(team: Team, text: str = "500 mugs printed with our logo") -> str:
    """Ann sends a custom request with one photo, 500 units, wanted 2026-12-20."""
    bot = team.bot
    assert "Describe what you need" in await bot.send(team.customer, "/custom")
    assert "Send up to 5 photos" in await bot.send(team.customer, text)
    await bot.feed(bot.fake.send_photo_from_user(team.customer))
    assert "Photos so far: 1 of 5" in bot.last(team.customer)
    assert "How many" in await bot.press(team.customer, "✅ Done")
    assert "When do you need it?" in await bot.send(team.customer, "500")
    summary = await bot.send(team.customer, "2026-12-20")
    assert "Quantity: 500" in summary and "Photos: 1" in summary
    return await bot.press(team.customer, "📨 Send")


async def quote(team: Team, price: str = "12.50", valid: str = "2026-11-30") -> str:
    bot = team.bot
    assert "Unit price for 500 units?" in await bot.press(team.rep, "💬 Quote")
    assert "Lead time" in await bot.send(team.rep, price)
    assert "Valid until" in await bot.send(team.rep, "14")
    return await bot.send(team.rep, valid)


PREPAID = "Prepaid (we ship after payment)"
SAVED = "1 Garden Road, Shanghai"


async def accept(team: Team, term: str = PREPAID) -> str:
    """Ann accepts the quote: to her saved address, paying by the term given."""
    bot = team.bot
    assert "Where to?" in await bot.press(team.customer, "✅ Accept")
    assert "How would you like to pay?" in await bot.press(team.customer, SAVED)
    return await bot.press(team.customer, term)


async def test_described_quoted_accepted_approved(team: Team) -> None:
    bot = team.bot
    assert "Custom request #1 is sent" in await describe(team)
    card = bot.last_message(team.rep)
    assert "Custom request #1" in card["caption"] and "500 mugs" in card["caption"]
    assert card.get("photo"), "the rep sees the customer's photo"
    assert "Quote for custom request #1 sent" in await quote(team)
    told = bot.last(team.customer)
    assert "Quote for your custom request #1" in told
    assert "CN¥12.50 × 500 = CN¥6,250.00" in told and "Lead time: 14 days" in told
    assert "✅ Accept" in bot.buttons(team.customer)
    submitted = await accept(team)
    assert "is submitted" in submitted
    rows = await query(
        bot,
        "SELECT o.order_type, l.sku, l.name, l.qty, l.unit_price, l.reserved_qty"
        " FROM orders o JOIN order_lines l ON l.order_id = o.id",
    )
    assert rows == [("custom", "CUSTOM", "500 mugs printed with our logo", 500, 1250, 0)]
    assert await query(bot, "SELECT state, order_id FROM custom_requests") == [("accepted", 1)]
    # 6,250 is above the manager threshold: the approval card goes to the managers.
    card_text = bot.last(team.manager)
    assert "SO-20261123-0001" in card_text and "✅ Approve" in bot.buttons(team.manager)
    await bot.press(team.manager, "✅ Approve")
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]
    assert "quote was accepted" in _texts(team, team.rep)
    # a second press of Accept makes nothing more
    await bot.press_data(team.customer, "cu:ok:1:1250")
    assert "already decided" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(1,)]


def _texts(team: Team, uid: int) -> str:
    messages = team.bot.fake.bot_messages(uid)
    return "\n".join(str(m.get("text") or m.get("caption") or "") for m in messages)


async def test_small_custom_order_approved_by_the_rep_paid_received_shipped(team: Team) -> None:
    bot = team.bot
    await describe(team)
    await quote(team, price="0.20")  # 100.00 in all: the rep decides
    await accept(team)
    assert "SO-20261123-0001" in bot.last(team.rep)
    await bot.press(team.rep, "✅ Approve")
    assert await query(bot, "SELECT status, order_type FROM orders") == [("approved", "custom")]
    # prepaid (the first default term): the warehouse hears of it once it is paid
    assert "SO-20261123-0001" not in _texts(team, team.warehouse)
    await bot.send(team.finance, "/payment SO-20261123-0001")
    assert await query(bot, "SELECT total, payment_term, delivery_method FROM orders") == [
        (11500, "prepaid", "courier")
    ], "the quote, the customer's first delivery method to their address, the term chosen"
    await bot.send(team.finance, "115")
    await bot.press(team.finance, "Cash")
    await bot.press(team.finance, "Today")
    await bot.press(team.finance, "✅ Record payment")
    assert "SO-20261123-0001" in _texts(team, team.warehouse)
    # made to order: the goods are received as CUSTOM stock, then shipped like any order
    picks = _texts(team, team.warehouse).count("Pick list SO-20261123-0001")
    await bot.send(team.warehouse, "/receive CUSTOM 500")
    assert "Received 500" in _texts(team, team.warehouse)
    # held for the order at once; the warehouse gets its pick list again, now complete
    assert await query(bot, "SELECT reserved_qty FROM order_lines") == [(500,)]
    assert _texts(team, team.warehouse).count("Pick list SO-20261123-0001") == picks + 1
    await ship_rest(team)
    assert await query(bot, "SELECT status FROM orders") == [("shipped",)]
    assert await query(bot, "SELECT stock_on_hand FROM products WHERE sku = 'CUSTOM'") == [(0,)]


async def test_question_and_answer_then_decline(team: Team) -> None:
    bot = team.bot
    await describe(team)
    assert "Type your question" in await bot.press(team.rep, "❓ Ask")
    assert "question is sent" in await bot.send(team.rep, "Which colour is the logo?")
    told = bot.last(team.customer)
    assert "A question about your custom request #1" in told and "Which colour" in told
    assert "Type your answer" in await bot.press(team.customer, "↩️ Answer")
    assert "answer is sent" in await bot.send(team.customer, "Blue, Pantone 286")
    rep = bot.last(team.rep)
    assert "Ann Lee answered" in rep and "Pantone 286" in rep
    assert await query(bot, "SELECT kind, text FROM custom_messages ORDER BY id") == [
        ("question", "Which colour is the logo?"),
        ("answer", "Blue, Pantone 286"),
    ]
    await quote(team)
    assert "You declined" in await bot.press(team.customer, "✖️ Decline")
    assert "quote was declined" in bot.last(team.rep)
    assert await query(bot, "SELECT state FROM custom_requests") == [("declined",)]
    await bot.press_data(team.customer, "cu:ok:1:1250")
    assert "already decided" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]


async def test_expired_quote_is_refused(team: Team, clock: FixedClock) -> None:
    bot = team.bot
    await describe(team)
    await quote(team, valid="2026-11-25")
    clock.advance(timedelta(days=3))
    await bot.press(team.customer, "✅ Accept")
    assert "no longer valid" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    assert await query(bot, "SELECT state FROM custom_requests") == [("quoted",)]


async def test_stranger_rep_and_forged_buttons_refused_and_audited(team: Team) -> None:
    bot = team.bot
    await describe(team)
    stranger = bot.user("Rex")
    await bot.send(stranger, "/help")
    (user_id,) = (await query(bot, "SELECT id FROM users WHERE telegram_id = ?", stranger))[0]
    await query(
        bot,
        "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, 'sales_rep', 'now')",
        user_id,
    )
    for uid, data in (
        (stranger, "cq:q:1"),
        (team.warehouse, "cq:q:1"),
        (team.customer, "cq:a:1"),
    ):
        await bot.press_data(uid, data)
        assert "only for staff" in bot.alerts()[-1]
    denied = await query(bot, "SELECT after FROM audit_log WHERE action = 'denied' ORDER BY id")
    assert denied == [("custom_view",)] * 3
    await quote(team)
    other = bot.user("Bob")
    await bot.register(other, name="Bob Wu")
    await bot.press_data(other, "cu:ok:1:1250")  # a forged accept of someone else's quote
    assert await query(bot, "SELECT state FROM custom_requests") == [("quoted",)]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    assert (await query(bot, "SELECT after FROM audit_log WHERE action = 'denied'"))[-1] == (
        "custom_not_own",
    )


async def test_bad_input_at_each_step(team: Team) -> None:
    bot = team.bot
    c = team.customer
    await bot.send(c, "/custom")
    await bot.feed(bot.fake.send_sticker(c))
    assert "Please answer with text" in bot.last(c)
    assert "3 to 1,000 characters" in await bot.send(c, "x" * 1001)
    assert "Send up to 5 photos" in await bot.send(c, "Engraved pens")
    await bot.feed(bot.fake.send_sticker(c))
    assert "Please send a photo, or press Done" in bot.last(c)
    await bot.press(c, "✅ Done")
    assert "from 1 to" in await bot.send(c, "0")
    assert "from 1 to" in await bot.send(c, "1000000000")
    await bot.send(c, "20")
    assert "like 2026-12-24" in await bot.send(c, "soon")
    assert "Please choose a date from" in await bot.send(c, "2030-01-01")
    assert "Quantity: 20" in await bot.press(c, "No particular date")
    await bot.press(c, "📨 Send")
    await bot.press(team.rep, "💬 Quote")
    assert "amount like 1234.50" in await bot.send(team.rep, "0")
    assert "amount like 1234.50" in await bot.send(team.rep, "1000000000000")
    await bot.send(team.rep, "3.50")
    assert "1 to 365" in await bot.send(team.rep, "0")
    await bot.send(team.rep, "7")
    assert "like 2026-12-24" in await bot.send(team.rep, "next week")
    assert "Please choose a date from" in await bot.send(team.rep, "2026-11-01")
    assert await query(bot, "SELECT state, unit_price FROM custom_requests") == [("open", None)]
    await bot.send(team.rep, "2026-12-01")
    assert await query(bot, "SELECT state, unit_price, lead_days FROM custom_requests") == [
        ("quoted", 350, 7)
    ]


async def test_cancel_records_nothing(team: Team) -> None:
    bot = team.bot
    await bot.send(team.customer, "/custom")
    await bot.send(team.customer, "Something special")
    assert "Nothing recorded" in await bot.send(team.customer, "/cancel")
    assert await query(bot, "SELECT COUNT(*) FROM custom_requests") == [(0,)]


async def test_an_old_quote_button_after_a_new_quote_is_refused(team: Team) -> None:
    bot = team.bot
    await describe(team)
    await quote(team, price="12.50")
    old = bot.last_message(team.customer)["message_id"]
    await quote(team, price="14.00")
    assert "CN¥14.00 × 500" in bot.last(team.customer)
    await bot.press_data(team.customer, "cu:ok:1:1250", message_id=old)
    assert "no longer valid" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    await accept(team)
    assert await query(bot, "SELECT unit_price FROM order_lines") == [(1400,)]


async def test_withdrawn_before_the_quote(team: Team) -> None:
    bot = team.bot
    await describe(team)
    assert "is withdrawn" in await bot.press(team.customer, "↩️ Withdraw")
    assert "customer withdrew the request" in bot.last(team.rep)
    assert "💬 Quote" not in bot.buttons(team.rep)
    await bot.press_data(team.rep, "cq:q:1")
    assert "already decided" in bot.alerts()[-1]
    assert await query(bot, "SELECT state FROM custom_requests") == [("withdrawn",)]


async def test_the_custom_product_is_not_in_the_product_editor(team: Team) -> None:
    bot = team.bot
    await describe(team)
    await quote(team)
    await accept(team)
    ((custom,),) = await query(bot, "SELECT id FROM products WHERE sku = 'CUSTOM'")
    admin = bot.fake.create_user("Ada", user_id=ADMIN)
    await bot.send(admin, "/help")
    await bot.send(admin, "/products")
    assert "None found." in await bot.send(admin, "CUSTOM")
    await bot.press_data(admin, f"pe:on:{custom}")  # restore it into the catalog: refused
    assert await query(bot, "SELECT active FROM products WHERE id = ?", custom) == [(0,)]


async def test_accepting_chooses_a_new_address_and_the_term(team: Team) -> None:
    bot = team.bot
    await query(
        bot, "INSERT INTO customer_payment_terms (customer_id, term_code) VALUES (1, 'net30')"
    )
    await describe(team)
    await quote(team, price="0.20")  # 100.00; lead time 14 days
    step = await bot.press(team.customer, "✅ Accept")
    assert "Where to?" in step and bot.buttons(team.customer)[0] == SAVED
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)], "nothing before the choice"
    # a forged address button, then a sticker, then empty text: refused, the step stays
    await bot.press_data(team.customer, "co:ad:999")
    await bot.feed(bot.fake.send_sticker(team.customer))
    asked = await bot.send(team.customer, "88 Harbour Road, Shenzhen")
    assert "How would you like to pay?" in asked
    offered = bot.buttons(team.customer)
    assert {PREPAID, "Cash on delivery", "Pay within 30 days"} <= set(offered)
    await bot.press_data(team.customer, "co:pt:3x30")  # not open to her: refused
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    assert "is submitted" in await bot.press(team.customer, "Pay within 30 days")
    rows = await query(
        bot,
        "SELECT order_type, delivery_method, address, payment_term, desired_date,"
        " promised_date FROM orders",
    )
    assert rows == [
        ("custom", "courier", "88 Harbour Road, Shenzhen", "net30", "2026-12-07", "2026-12-07")
    ], "the address and term she chose; ready 14 days from today, as quoted"
    assert await query(bot, "SELECT state, order_id FROM custom_requests") == [("accepted", 1)]
    assert "quote was accepted" in _texts(team, team.rep)
    # the same review as any order: on credit over her limit (none), a manager decides
    assert "SO-20261123-0001" in bot.last(team.manager)
    await bot.press(team.manager, "✅ Approve")
    assert await query(bot, "SELECT status FROM orders") == [("approved",)]
    await bot.press_data(team.customer, "cu:ok:1:20")  # Accept again: nothing more
    assert "already decided" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(1,)]


async def test_leaving_the_choice_keeps_the_quote_open(team: Team) -> None:
    bot = team.bot
    await describe(team)
    await quote(team)
    await bot.press(team.customer, "✅ Accept")
    assert "Nothing recorded" in await bot.send(team.customer, "/cancel")
    assert await query(bot, "SELECT state FROM custom_requests") == [("quoted",)]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    assert "is submitted" in await accept(team, "Cash on delivery")
    assert await query(bot, "SELECT payment_term, address FROM orders") == [("cod", SAVED)]
