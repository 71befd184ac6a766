"""Batch orders through the real Application: staff upload XLSX or CSV; every row is checked and
reported by number; nothing is created until confirmed; then exactly the valid orders, each with
its review, in one transaction — or none at all."""

from __future__ import annotations

import csv as csv_module
import io

import pytest
from openpyxl import Workbook

from bot.handlers import progress
from bot.services import batch_orders
from tests.conversations.conftest import Team, _grant, query

HEADER = ["customer", "sku", "qty", "delivery", "address", "payment_term", "note", "order_ref"]
ANN, BOB = "+8613800138000", "Bob Wong"

# Rows 2–11 of the sheet: two valid orders (Ann's A, Bob's), the rest broken one way or another.
ROWS: list[list[object]] = [
    [ANN, "STP-24", 5, "courier", None, "cod", "Call first", "A"],  # 2 ✓
    [ANN, "pap-a4-80", 10.0, "courier", None, "cod", None, "A"],  # 3 ✓ (Excel's 10.0)
    [BOB, "TN-2420", 2, "pickup", None, "prepaid", None, None],  # 4 ✓
    [ANN, "NOPE", 1, "courier", None, "cod", None, "B"],  # 5 unknown SKU
    [ANN, "STP-24", 2, "courier", None, "cod", None, "B"],  # 6 fine, its order is not
    [ANN, "TN-2420", 0, "courier", None, "cod", None, "C"],  # 7 quantity
    ["nobody", "TN-2420", 1, "pickup", None, "prepaid", None, None],  # 8 customer
    [BOB, "NB-A5-DOT", 5, "pickup", None, "prepaid", None, "D"],  # 9 only 4 in stock
    [ANN, "INK-CMY-SET", 1, "drone", None, "cod", None, "E"],  # 10 delivery
    [ANN, "STP-24", 1, "courier", None, "net30", None, "F"],  # 11 term not allowed to Ann
]


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv_module.writer(out)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


async def upload(team: Team, uid: int, name: str, content: bytes) -> str:
    await team.bot.feed(team.bot.fake.send_document_from_user(uid, name, content))
    return team.bot.last(uid)


async def with_bob(team: Team) -> int:
    """A second customer of the rep; returns his Telegram id."""
    bob = team.bot.user("Bob")
    await team.bot.register(bob, name=BOB, phone="+8613900139000")
    return bob


async def test_xlsx_with_broken_rows_then_only_the_valid_orders(team: Team) -> None:
    bot = team.bot
    bob = await with_bob(team)
    assert "Batch orders" in await bot.send(team.rep, "/batch")
    report = await upload(team, team.rep, "orders.xlsx", xlsx(ROWS))
    assert "orders.xlsx: 10 rows, 2 valid orders." in report
    assert "⚠️ 7 rows have problems, so nothing was created:" in report
    for expected in (
        "Row 5: no product has the SKU “NOPE”",
        "Row 6: left out with its order: row 5 has a problem",
        "Row 7: quantity “0”: a whole number from 1 to 10000, please",
        "Row 8: no customer “nobody” (phone, customer id or exact name)",
        "Row 9: not enough NB-A5-DOT in stock (4 left for this order)",
        "Row 10: unknown delivery “drone”",
        "Row 11: payment term “net30” is not allowed to this customer",
        "✅ Ann Lee (rows 2–3): 2 lines, CN¥410.00",
        "✅ Bob Wong (row 4): 1 line, CN¥778.00",
    ):
        assert expected in report, expected
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    assert bot.fake.method_calls("getFile"), "downloaded through getFile"
    done = await bot.press(team.rep, "✅ Create the 2 valid orders")
    said = [m.get("text") or "" for m in bot.fake.bot_messages(team.rep)]
    assert any("Batch #1: 2 orders created and sent for review:" in s for s in said), done
    orders = await query(
        bot,
        "SELECT o.number, c.name, o.status, o.payment_term, o.note, o.batch_id, r.route"
        " FROM orders o JOIN customers c ON c.id = o.customer_id"
        " JOIN order_reviews r ON r.order_id = o.id ORDER BY o.id",
    )
    assert orders == [
        ("SO-20261123-0001", "Ann Lee", "submitted", "cod", "Call first", 1, "rep"),
        ("SO-20261123-0002", "Bob Wong", "submitted", "prepaid", None, 1, "rep"),
    ]
    assert await query(bot, "SELECT sku, qty FROM order_lines ORDER BY order_id, sku") == [
        ("PAP-A4-80", 10),
        ("STP-24", 5),
        ("TN-2420", 2),
    ]
    assert await query(bot, "SELECT COUNT(*) FROM order_checks") != [(0,)], "reviewed"
    assert await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'batch'") == [(2,)]
    assert await query(bot, "SELECT file_name, orders FROM batches") == [("orders.xlsx", 2)]
    assert "placed order SO-20261123-0001 for you" in bot.last(team.customer)
    assert "placed order SO-20261123-0002 for you" in bot.last(bob)
    assert "A new order waits for your decision" in bot.last(team.rep)
    await bot.press_data(team.rep, "bt:ok")  # pressed again: the batch is made already
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(2,)]


async def test_csv_all_valid_and_the_same_customer_by_id_or_name(team: Team) -> None:
    bot = team.bot
    await bot.send(team.manager, "/batch")
    rows: list[list[object]] = [
        ["1", "STP-24", 2, "pickup", None, "prepaid", None, None],
        ["ann lee", "STP-REFILL", 20, "pickup", None, "prepaid", None, None],
        [ANN, "TN-2420", 1, "courier", "9 Harbour Road, Shanghai", "cod", None, "X"],
    ]
    report = await upload(team, team.manager, "orders.csv", csv(rows))
    assert "3 rows, 2 valid orders." in report and "Every row is fine." in report
    assert "✅ Ann Lee (rows 2–3): 2 lines, CN¥148.00" in report, "20 staples at 3.90"
    await bot.press(team.manager, "✅ Create the 2 orders")
    assert await query(bot, "SELECT delivery_method, address FROM orders ORDER BY id") == [
        ("pickup", None),
        ("courier", "9 Harbour Road, Shanghai"),
    ]


async def test_a_change_after_the_check_creates_nothing(team: Team) -> None:
    bot = team.bot
    await bot.send(team.rep, "/batch")
    rows = [
        [ANN, "STP-24", 5, "courier", None, "cod", None, "A"],
        [ANN, "TN-2420", 20, "courier", None, "cod", None, "B"],
    ]
    await upload(team, team.rep, "orders.csv", csv(rows))
    await query(bot, "UPDATE products SET stock_on_hand = 10 WHERE sku = 'TN-2420'")
    await bot.press(team.rep, "✅ Create the 2 orders")
    said = bot.alerts()[-1]
    assert "Nothing was created: the order of row 3 can no longer be placed" in said
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    assert await query(bot, "SELECT COUNT(*) FROM batches") == [(0,)]
    assert await query(bot, "SELECT SUM(reserved) FROM products") == [(0,)], "nothing held"


async def test_a_rep_only_for_their_own_customers(team: Team) -> None:
    bot = team.bot
    rex = bot.user("Rex")
    await _grant(bot, rex, "sales_rep")
    await bot.send(rex, "/batch")
    report = await upload(team, rex, "mine.csv", csv([ROWS[0]]))
    assert "Row 2: “+8613800138000” is not one of your customers" in report
    assert "Create" not in " ".join(bot.buttons(rex))
    await bot.send(team.manager, "/batch")
    assert "1 valid order" in await upload(team, team.manager, "any.csv", csv([ROWS[0]]))


async def test_others_are_refused_and_audited(team: Team) -> None:
    bot = team.bot
    for uid in (team.customer, team.warehouse, team.finance):
        assert "only for staff with the right role" in await bot.send(uid, "/batch")
        await upload(team, uid, "orders.csv", csv([ROWS[0]]))
    denied = await query(
        bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND after = 'batch'"
    )
    assert denied == [(3,)]
    # Outside /batch a customer's file is read as a quick order to review (order intake);
    # the staff's files are refused before download. No batch file was ever read.
    assert len(bot.fake.method_calls("getFile")) == 1
    assert "I understood:" in bot.last(team.customer)
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    assert await query(bot, "SELECT COUNT(*) FROM cart_lines") == [(0,)]


async def test_wrong_files_are_refused_clearly(team: Team) -> None:
    bot, rep = team.bot, team.rep
    await bot.send(rep, "/batch")
    assert "Please send the orders as an .xlsx or .csv file" in await bot.send(rep, "hello")
    await bot.feed(bot.fake.send_sticker(rep))
    assert "Please send the orders as an .xlsx or .csv file" in bot.last(rep)
    assert "Please send an .xlsx or .csv file." in await upload(team, rep, "o.pdf", b"%PDF-1.4")
    big = csv([ROWS[0]]) + b"\n" * 1_000_001
    assert "The file is too large: at most 1 MB" in await upload(team, rep, "big.csv", big)
    assert not bot.fake.method_calls("getFile"), "refused before downloading"
    assert "could not read" in await upload(team, rep, "broken.xlsx", b"PK\x03\x04 not a zip")
    said = await upload(team, rep, "cols.csv", b"customer,sku\n+8613800138000,STP-24\n")
    assert "Columns missing from the first row: qty, delivery, payment_term" in said
    assert "no orders" in await upload(team, rep, "empty.csv", csv([]))
    many = csv([ROWS[0]] * 2001)
    assert "Too many rows: at most 2000 per file" in await upload(team, rep, "many.csv", many)
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]
    report = await upload(team, rep, "ok.csv", csv([ROWS[0]]))
    assert "1 valid order" in report, "still waiting for a file after every refusal"


async def test_template_and_cancel(team: Team) -> None:
    bot, rep = team.bot, team.rep
    await bot.send(rep, "/batch")
    await bot.press(rep, "📄 Template")
    (sent,) = bot.fake.method_calls("sendDocument")
    assert sent["document"]["upload"] == "orders-template.csv"
    message = bot.last_message(rep)
    content = bot.fake.file_content(message["document"]["file_id"])
    assert content is not None and content.decode().startswith("customer,sku,qty,delivery")
    await upload(team, rep, "orders.csv", csv([ROWS[0]]))
    assert "Nothing recorded." in await bot.send(rep, "/cancel")
    await bot.press_data(rep, "bt:ok")
    assert "This button has expired" in bot.alerts()[-1]
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]


async def test_slow_checks_and_creation_say_they_work_then_edit_that(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0)  # every piece of work counts as slow
    await bot.send(team.manager, "/batch")
    rows: list[list[object]] = [[ANN, "TN-2420", 1, "pickup", None, "prepaid", None, None]]
    report = await upload(team, team.manager, "orders.csv", csv(rows))
    assert "1 row, 1 valid order." in report and "Every row is fine." in report
    working = "⏳ Working on it: this takes a little while…"
    sent = [
        c["text"] for c in bot.fake.method_calls("sendMessage") if c["chat_id"] == team.manager
    ]
    assert sent.count(working) == 1, "one progress message for the check"
    await bot.press(team.manager, "✅ Create 1 order")
    done = [m.get("text") for m in bot.fake.bot_messages(team.manager)]
    assert done.count("✅ Done.") == 2, "the check's and the creation's progress, edited"
    assert working not in done
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(1,)]


async def test_slow_work_that_fails_says_it_stopped_and_changes_nothing(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    await bot.send(team.rep, "/batch")
    rows = [[ANN, "TN-2420", 20, "courier", None, "cod", None, "B"]]
    await upload(team, team.rep, "orders.csv", csv(rows))
    await query(bot, "UPDATE products SET stock_on_hand = 10 WHERE sku = 'TN-2420'")
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0)  # every piece of work counts as slow
    await bot.press(team.rep, "✅ Create 1 order")
    assert "Nothing was created: the order of row 2 can no longer be placed" in bot.last(team.rep)
    now = [m.get("text") for m in bot.fake.bot_messages(team.rep)]
    assert now.count("✖️ Stopped: see below.") == 1 and "✅ Done." not in now
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(0,)]


async def checked_one_a_transaction(
    team: Team, monkeypatch: pytest.MonkeyPatch, toner: int, more: list[list[object]]
) -> None:
    """Batches made one order a transaction; a file of Ann's order A (5 staples), B (`toner`
    TN-2420) and `more` rows, checked."""
    monkeypatch.setattr(batch_orders, "CHUNK", 1)
    await team.bot.send(team.rep, "/batch")
    rows = [
        [ANN, "STP-24", 5, "courier", None, "cod", None, "A"],
        [ANN, "TN-2420", toner, "courier", None, "cod", None, "B"],
        *more,
    ]
    await upload(team, team.rep, "orders.csv", csv(rows))


async def test_chunked_creation_makes_the_same_batch(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One order a transaction: the same orders, numbers, audit and batch as in one."""
    monkeypatch.setattr(batch_orders, "CHUNK", 1)
    await test_xlsx_with_broken_rows_then_only_the_valid_orders(team)
    assert await query(
        team.bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'created' AND entity = 'batch'"
    ) == [(1,)]


async def test_a_failure_mid_way_says_what_was_made_and_a_retry_makes_only_the_rest(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    rows = [[ANN, "STP-24", 1, "courier", None, "cod", None, "C"]] * 2  # rows 4–5: one order
    await checked_one_a_transaction(team, monkeypatch, 20, rows)
    stock = await query(bot, "SELECT stock_on_hand FROM products WHERE sku = 'TN-2420'")
    await query(bot, "UPDATE products SET stock_on_hand = 10 WHERE sku = 'TN-2420'")
    await bot.press(team.rep, "✅ Create the 3 orders")
    said = bot.last(team.rep)
    assert "Batch #1 stopped: 1 of 3 orders were created" in said, said
    assert "The order of row 3 can no longer be placed" in said
    assert "so rows 3–5 were not created" in said
    assert await query(bot, "SELECT submit_token LIKE '%.0', batch_id FROM orders") == [(1, 1)]
    await bot.press(team.rep, "✅ Create the 3 orders")  # nothing changed: stops again
    assert "1 of 3 orders were created" in bot.last(team.rep)
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(1,)]

    await query(bot, f"UPDATE products SET stock_on_hand = {stock[0][0]} WHERE sku = 'TN-2420'")
    await bot.press(team.rep, "✅ Create the 3 orders")
    said = [m.get("text") or "" for m in bot.fake.bot_messages(team.rep)]
    assert any("Batch #1: 3 orders created and sent for review:" in s for s in said)
    assert await query(bot, "SELECT o.batch_id, COUNT(*) FROM orders o GROUP BY 1") == [(1, 3)]
    assert await query(bot, "SELECT sku, qty FROM order_lines ORDER BY order_id, sku") == [
        ("STP-24", 5),
        ("TN-2420", 20),
        ("STP-24", 2),  # rows 4 and 5: one order, one line
    ]
    assert await query(bot, "SELECT COUNT(*) FROM batches") == [(1,)]
    assert await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'batch'") == [(3,)]


async def test_a_stale_create_button_makes_nothing_more(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = team.bot
    await checked_one_a_transaction(team, monkeypatch, 2, [])
    await bot.press(team.rep, "✅ Create the 2 orders")
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(2,)]
    await bot.press_data(team.rep, "bt:ok")  # the old message's button, pressed again
    await bot.press_data(team.rep, "bt:ok")
    assert await query(bot, "SELECT COUNT(*) FROM orders") == [(2,)]
    assert await query(bot, "SELECT COUNT(*) FROM batches") == [(1,)]
