"""Stock movements through the real Application, offline: /receive, /adjust, refusals, the
low-stock notice once per crossing, /stock as a message and XLSX, and the ledger that adds up
to the cached on-hand stock after receipts, adjustments and shipments."""

from __future__ import annotations

import copy
import io

from openpyxl import load_workbook

from bot.clock import FixedClock
from bot.db import Database
from tests.conftest import make_config
from tests.conversations.conftest import ADMIN, Team, _grant, query
from tests.conversations.test_checkout import fill_cart, to_summary
from tests.conversations.test_exports_flow import content, documents
from tests.conversations.test_fulfilment import approved_order, ship_rest, stock
from tests.harness import Harness


async def ledger(team: Team, sku: str) -> int:
    rows = await query(
        team.bot,
        "SELECT COALESCE(SUM(m.qty), 0) FROM stock_moves m JOIN products p"
        " ON p.id = m.product_id WHERE p.sku = ?",
        sku,
    )
    return int(rows[0][0])  # type: ignore[call-overload]


def recent(team: Team, uid: int, n: int) -> list[str]:
    """The texts of the newest n messages in a chat."""
    return [str(m.get("text") or "") for m in team.bot.fake.bot_messages(uid)[-n:]]


async def admin(team: Team) -> int:
    team.bot.fake.create_user("Ada", user_id=ADMIN)
    await team.bot.send(ADMIN, "/help")
    return ADMIN


async def every_ledger_matches(team: Team) -> None:
    rows = await query(
        team.bot,
        "SELECT p.sku, p.stock_on_hand, COALESCE(SUM(m.qty), 0) FROM products p"
        " LEFT JOIN stock_moves m ON m.product_id = p.id GROUP BY p.id",
    )
    assert rows and all(on_hand == total for _, on_hand, total in rows), rows


async def test_receive_and_adjust_logged_audited_without_prices(team: Team) -> None:
    bot = team.bot
    shown = await bot.send(team.warehouse, "/receive stp-24 30 delivery from Acme")
    assert "📥 Received 30 × STP-24 Stapler No. 24/6." in shown
    assert "On hand: 120 → 150 (reserved 0, available 150)" in shown
    assert "CN¥" not in shown
    assert await stock(team, "STP-24") == (150, 0)
    shown = await bot.send(team.warehouse, "/adjust STP-24 -3 damage dropped a box")
    assert "✏️ Adjusted STP-24 Stapler No. 24/6 by -3." in shown
    assert "On hand: 150 → 147" in shown and "Reason: damage" in shown
    assert "Note: dropped a box" in shown
    assert await stock(team, "STP-24") == (147, 0)
    moves = await query(
        bot,
        "SELECT m.kind, m.qty, m.reason FROM stock_moves m JOIN products p"
        " ON p.id = m.product_id WHERE p.sku = 'STP-24' ORDER BY m.id",
    )
    assert moves == [
        ("import", 120, "import"),
        ("receipt", 30, "delivery from Acme"),
        ("adjustment", -3, "damage: dropped a box"),
    ]
    audit = await query(
        bot,
        "SELECT action, before, after FROM audit_log WHERE entity = 'product' ORDER BY id",
    )
    assert audit == [("stock_receipt", "120", "150"), ("stock_adjustment", "150", "147")]
    assert await ledger(team, "STP-24") == 147
    # The admin too, by the step-less command.
    await admin(team)
    assert "On hand: 147 → 157" in await bot.send(ADMIN, "/receive STP-24 10")


async def test_refusals_change_nothing(team: Team) -> None:
    bot = team.bot
    assert "only for staff" in await bot.send(team.customer, "/receive STP-24 5")
    assert "only for staff" in await bot.send(team.customer, "/adjust STP-24 -5 count")
    assert "only for staff" in await bot.send(team.finance, "/receive STP-24 5")
    assert "only for staff" in await bot.send(team.customer, "/stock")
    assert "only for staff" in await bot.send(team.customer, "/receive")
    assert "whole number from 1 to 100,000" in await bot.send(team.warehouse, "/receive STP-24 -5")
    assert "whole number from 1 to 100,000" in await bot.send(
        team.warehouse, "/receive STP-24 1000000000"
    )
    assert "whole number" in await bot.send(team.warehouse, "/receive STP-24 five")
    assert "whole number" in await bot.send(team.warehouse, "/adjust STP-24 0 count")
    assert "No product has the SKU NOPE-1" in await bot.send(team.warehouse, "/receive NOPE-1 5")
    assert "/receive STP-24 50" in await bot.send(team.warehouse, "/receive")
    assert "/adjust STP-24 -2 damage" in await bot.send(team.warehouse, "/adjust STP-24")
    assert "needs a reason" in await bot.send(team.warehouse, "/adjust STP-24 -2")
    assert "needs a reason" in await bot.send(team.warehouse, "/adjust STP-24 -2 " + "x" * 201)
    assert "SKU <b>x</b>." in await bot.send(team.warehouse, "/receive <b>x</b> 5")
    assert await stock(team, "STP-24") == (120, 0)
    denied = await query(bot, "SELECT count(*) FROM audit_log WHERE action = 'denied'")
    assert denied[0][0] == 5
    await every_ledger_matches(team)


async def test_adjustment_never_below_reserved(team: Team) -> None:
    bot = team.bot
    await approved_order(team)  # 5 staplers and 10 packs of staples reserved
    assert await stock(team, "STP-24") == (120, 5)
    refused = await bot.send(team.warehouse, "/adjust STP-24 -116 count")
    assert "120 on hand, 5 of them reserved" in refused and "Nothing was changed" in refused
    assert await stock(team, "STP-24") == (120, 5)
    await bot.send(team.warehouse, "/adjust STP-24 -115 count")
    shown = "\n".join(recent(team, team.warehouse, 2))
    assert "On hand: 120 → 5 (reserved 5, available 0)" in shown
    assert "⚠️ Low stock" in shown
    assert await ledger(team, "STP-24") == 5


async def test_forged_stock_buttons(team: Team) -> None:
    bot = team.bot
    await bot.press_data(team.customer, "stk:x")
    await bot.press_data(team.customer, "stk:p:1")
    assert documents(bot, team.customer) == []
    await bot.press_data(team.warehouse, "stk:zz:1")
    await bot.press_data(team.warehouse, "stk:p:-1")
    assert any("expired" in a for a in bot.alerts())
    assert documents(bot, team.warehouse) == []


async def test_ledger_equals_cache_after_receipts_adjustments_shipments(team: Team) -> None:
    bot = team.bot
    await bot.send(team.warehouse, "/receive STP-REFILL 40")
    await bot.send(team.warehouse, "/adjust STP-REFILL +2 count")
    await approved_order(team)
    await ship_rest(team)
    assert await stock(team, "STP-24") == (115, 0)
    assert await stock(team, "STP-REFILL") == (832, 0)
    assert await ledger(team, "STP-REFILL") == 832
    shipments = await query(bot, "SELECT qty, reason FROM stock_moves WHERE kind = 'shipment'")
    assert sorted(shipments) == [(-10, shipments[0][1]), (-5, shipments[0][1])]
    assert str(shipments[0][1]).startswith("SO-")
    await every_ledger_matches(team)


async def low_notices(team: Team) -> int:
    rows = await query(team.bot, "SELECT count(*) FROM outbox WHERE kind = 'low_stock'")
    return int(rows[0][0])  # type: ignore[call-overload]


def told_low(team: Team, uid: int) -> int:
    return sum("⚠️ Low stock" in m for m in recent(team, uid, 100))


async def test_low_stock_told_once_per_crossing(team: Team) -> None:
    bot = team.bot
    await admin(team)
    # TN-2420: 25 on hand; the threshold is 5.
    shown = await bot.send(team.warehouse, "/adjust TN-2420 -19 count")
    assert "available 6" in shown
    assert await low_notices(team) == 0
    await bot.send(team.warehouse, "/adjust TN-2420 -1 count")  # 5: low
    assert await low_notices(team) == 2  # the warehouse and the admin
    told = bot.last(team.warehouse)
    assert "⚠️ Low stock" in told and "TN-2420" in told and "has 5 available" in told
    assert "CN¥" not in told
    assert "⚠️ Low stock" in bot.last(ADMIN)
    await bot.send(team.warehouse, "/adjust TN-2420 -1 count")  # 4: still low, not told again
    assert await low_notices(team) == 2
    await bot.send(team.warehouse, "/receive TN-2420 10")  # 14: risen above
    assert await low_notices(team) == 2
    await bot.send(team.warehouse, "/adjust TN-2420 -10 damage")  # 4: low again, told again
    assert await low_notices(team) == 4
    assert told_low(team, team.warehouse) == 2 and told_low(team, ADMIN) == 2
    assert told_low(team, team.manager) == 0


async def test_low_stock_from_a_checkout(team: Team) -> None:
    """An order that reserves the stock down to the threshold tells the warehouse."""
    bot = team.bot
    await bot.send(team.warehouse, "/adjust STP-24 -110 count")  # 10 on hand
    await approved_order(team)  # reserves 5: available 5
    assert await low_notices(team) == 1
    assert told_low(team, team.warehouse) == 1


async def test_stock_report_message_and_xlsx(team: Team) -> None:
    bot = team.bot
    await approved_order(team)
    shown = await bot.send(team.warehouse, "/stock")
    assert "📦 Stock: 8 products" in shown
    lines = shown.splitlines()
    first = next(i for i, x in enumerate(lines) if "PEN-BLU-12" in x or "INK-CMY-SET" in x)
    assert first < next(i for i, x in enumerate(lines) if "PAP-A4-80" in x), "low ones first"
    assert "STP-24 Stapler No. 24/6: on hand 120, reserved 5, available 115" in shown
    assert "CN¥" not in shown
    await bot.press(team.warehouse, "📊 Excel (XLSX)")
    sent = documents(bot, team.warehouse)
    assert sent[-1]["document"]["file_name"].startswith("stock-")
    sheet = load_workbook(io.BytesIO(content(bot, sent[-1]))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "SKU",
        "Product",
        "On hand",
        "Reserved",
        "Available",
        "Waiting pre-orders",
        "Low",
    )
    by_sku = {r[0]: r for r in rows[1:]}
    assert by_sku["STP-24"] == ("STP-24", "Stapler No. 24/6", 120, 5, 115, 0, None)
    assert by_sku["NB-A5-DOT"][2:] == (4, 0, 4, 0, "yes")
    assert "only for staff" in await bot.send(team.rep, "/stock")
    assert "📦 Stock" in await bot.send(team.manager, "/stock")


async def test_receive_step_by_step_from_the_report(team: Team) -> None:
    bot = team.bot
    await bot.send(team.warehouse, "/stock")
    assert "📥 Receive" in bot.buttons(team.warehouse)
    assert "send the product's SKU" in await bot.press(team.warehouse, "📥 Receive")
    assert "No product matches" in await bot.send(team.warehouse, "zzz")
    assert "Which product?" in await bot.send(team.warehouse, "paper")
    assert bot.buttons(team.warehouse) == [
        "PAP-A3-80 A3 copy paper 80 g (500 sheets)",
        "PAP-A4-80 A4 copy paper 80 g (500 sheets)",
    ]
    asked = await bot.press(team.warehouse, "PAP-A3-80 A3 copy paper 80 g (500 sheets)")
    assert "on hand 60, reserved 0" in asked and "How many units arrived?" in asked
    assert "CN¥" not in asked
    assert "whole number" in await bot.send(team.warehouse, "-5")
    assert "whole number" in await bot.send(team.warehouse, "1000000000")
    shown = await bot.send(team.warehouse, "40")
    assert "📥 Received 40 × PAP-A3-80" in shown and "On hand: 60 → 100" in shown
    assert await stock(team, "PAP-A3-80") == (100, 0)
    await every_ledger_matches(team)


async def test_adjust_step_by_step_with_a_reason(team: Team) -> None:
    bot = team.bot
    await bot.send(team.warehouse, "/stock")
    await bot.press(team.warehouse, "✏️ Adjust")
    assert "By how much?" in await bot.send(team.warehouse, "stp-24")
    assert "Why?" in await bot.send(team.warehouse, "-4")
    assert "Please use the buttons" in await bot.send(team.warehouse, "count")
    assert "In a few words" in await bot.press(team.warehouse, "✍️ Other")
    shown = await bot.send(team.warehouse, "sample for a customer")
    assert "On hand: 120 → 116" in shown and "Reason: other" in shown
    await bot.send(team.warehouse, "/stock")
    await bot.press(team.warehouse, "✏️ Adjust")
    await bot.send(team.warehouse, "STP-24")
    await bot.send(team.warehouse, "+1")
    assert "Reason: count" in await bot.press(team.warehouse, "🔢 Count")
    assert await stock(team, "STP-24") == (117, 0)
    moves = await query(bot, "SELECT qty, reason FROM stock_moves WHERE kind = 'adjustment'")
    assert moves == [(-4, "other: sample for a customer"), (1, "count")]


async def test_step_by_step_refused_to_managers_and_forged(team: Team) -> None:
    bot = team.bot
    await bot.send(team.manager, "/stock")
    assert "📥 Receive" not in bot.buttons(team.manager)
    said = await bot.press_data(team.manager, "stk:r")
    assert "only for staff" in (bot.alerts()[-1] if bot.alerts() else said)
    said = await bot.press_data(team.customer, "stk:a")
    assert "only for staff" in (bot.alerts()[-1] if bot.alerts() else said)
    await bot.press_data(team.warehouse, "stk:pick:1")  # no flow open: expired
    assert "expired" in bot.alerts()[-1]
    await bot.press_data(team.warehouse, "stk:r")
    await bot.send(team.warehouse, "STP-24")
    assert "Nothing recorded" in await bot.send(team.warehouse, "/cancel")
    assert await stock(team, "STP-24") == (120, 0)


async def test_waiting_pre_orders_in_the_report(team: Team) -> None:
    """INK-CMY-SET has no stock and takes pre-orders: Ann's one waits for the next receipt."""
    bot = team.bot
    ink = "🕓 Ink set cyan, magenta, yellow · CN¥129.00"  # marked: open for pre-order
    await fill_cart(bot, team.customer, "ink", ink, "+1")
    await bot.send(team.customer, "/cart")
    await to_summary(bot, team.customer)
    await bot.press(team.customer, "✅ Confirm order")
    waiting = await query(bot, "SELECT qty, reserved_qty FROM order_lines")
    assert waiting == [(1, 0)]
    shown = await bot.send(team.warehouse, "/stock ink")
    assert "INK-CMY-SET" in shown and "available 0, waiting pre-orders 1" in shown


async def test_a_receipt_delivered_twice_counts_once(team: Team) -> None:
    bot = team.bot
    update = bot.fake.send_text(team.warehouse, "/receive STP-24 7")
    await bot.feed(copy.deepcopy(update))
    await bot.restart()  # a new process: only the database remembers the update
    await bot.feed(copy.deepcopy(update))
    assert await stock(team, "STP-24") == (127, 0)
    await every_ledger_matches(team)


async def test_low_stock_goes_to_the_warehouse_group(db: Database, clock: FixedClock) -> None:
    await db.close()
    group = -1001000000002
    config = make_config(db.path, notifications={"warehouse": {"chat_id": group}})
    bot = await Harness(config, clock).start()
    try:
        wu = bot.user("Wu")
        await _grant(bot, wu, "warehouse")
        bot.fake.create_group("Warehouse", [wu], chat_id=group)
        await bot.send(wu, "/adjust TN-2420 -20 count")
        told = [str(m.get("text") or "") for m in bot.fake.bot_messages(group)]
        assert len(told) == 1 and "⚠️ Low stock" in told[0] and "TN-2420" in told[0]
        assert not any("⚠️ Low stock" in str(m.get("text")) for m in bot.fake.bot_messages(wu))
    finally:
        await bot.stop()
