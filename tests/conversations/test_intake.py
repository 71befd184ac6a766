"""Orders from a photo, a forwarded file or a voice note, through the real Application: the lines
reach the quick order's review (read as typed lines are, unsure names asked), the cart holds
what was confirmed; a picture without text, a scanned PDF, a huge or unknown file, no OCR engine
and no speech model get a clear answer and change nothing."""

from __future__ import annotations

import io
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import pytest
from fpdf import FPDF
from openpyxl import Workbook

from bot.clock import FixedClock
from bot.db import Database
from bot.ui.pdf_font import write_subset
from sandbox.order_photos import order_photo, shapes_photo
from tests.conftest import make_config
from tests.conversations.conftest import Team, query
from tests.harness import Harness

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract-ocr is not installed (tools/ensure_tesseract.sh, run by make test)",
)


async def cart_rows(bot: Harness) -> list[tuple[object, ...]]:
    return await query(
        bot,
        "SELECT p.sku, c.qty FROM cart_lines c JOIN products p ON p.id = c.product_id"
        " ORDER BY p.sku",
    )


def downloads(bot: Harness) -> int:
    return len(bot.fake.method_calls("getFile"))


async def harness_with(db: Database, clock: FixedClock, **intake: object) -> tuple[Harness, int]:
    """The offline bot with an [intake] section of its own, and a registered customer."""
    await db.close()
    bot = await Harness(make_config(db.path, intake=intake), clock).start()
    uid = bot.user("Ann", "en")
    await bot.register(uid)
    return bot, uid


def pdf(
    lines: list[str], table: list[tuple[str, ...]] | None = None, *, image: bool = False
) -> bytes:
    """A PDF a customer's purchasing system might send: text lines, a table; or only a
    picture (a scan)."""
    document = FPDF()
    document.add_page()
    if image:
        document.image(io.BytesIO(order_photo(["3 x A4 paper"])), x=10, y=10, w=120)
        return bytes(document.output())
    text = "".join(lines) + "".join("".join(row) for row in table or [])
    with tempfile.TemporaryDirectory() as tmp:
        font = write_subset(text, Path(tmp) / "font.ttf")
        document.add_font("noto", "", str(font))
        document.set_font("noto", size=11)
        for line in lines:
            document.cell(text=line)
            document.ln(8)
        if table:
            with document.table(first_row_as_headings=False) as grid:
                for row in table:
                    cells = grid.row()
                    for cell in row:
                        cells.cell(cell)
        return bytes(document.output())


@needs_tesseract
async def test_photo_outside_any_flow_to_review_to_cart(team: Team) -> None:
    bot, ann = team.bot, team.customer
    sent_before = {uid: len(bot.fake.bot_messages(uid)) for uid in (team.rep, team.warehouse)}
    photo = order_photo(
        ["A4复印纸 3箱", "Toner TN-2420 x 2", "Степлер № 24/6 x 1", "PAP-A3-80 x 4"]
    )
    await bot.feed(bot.fake.send_photo_from_user(ann, photo))
    screen = bot.last(ann)
    assert "I understood:" in screen
    assert "1. ✅ A4 copy paper 80 g (500 sheets) (PAP-A4-80)" in screen
    assert "2. ✅ Toner TN-2420 (black) (TN-2420)" in screen
    assert "3. ✅ Stapler No. 24/6 (STP-24)" in screen
    assert "4. ✅ A3 copy paper 80 g (500 sheets) (PAP-A3-80)" in screen
    assert await cart_rows(bot) == [], "nothing goes into the cart before it is confirmed"
    cart = await bot.press(ann, "🛒 Add to cart")
    assert "🛒 Added 4 products to your cart." in cart
    assert await cart_rows(bot) == [
        ("PAP-A3-80", 4),
        ("PAP-A4-80", 3),
        ("STP-24", 1),
        ("TN-2420", 2),
    ]
    for uid, count in sent_before.items():
        assert len(bot.fake.bot_messages(uid)) == count, "no one else is told anything"
    for uid in (team.manager, team.finance):
        assert not any("TN-2420" in str(m.get("text")) for m in bot.fake.bot_messages(uid))


@needs_tesseract
async def test_rotated_noisy_photo_in_the_quick_order_step_asks_what_is_unsure(
    bot: Harness, ann: int
) -> None:
    await bot.send(ann, "/quick")
    photo = order_photo(["paper x 2", "TN-2420 x 1"], rotate=90, noise=0.04, seed=3)
    await bot.feed(bot.fake.send_photo_from_user(ann, photo))
    screen = bot.last(ann)
    assert "1. ❓ “paper” × 2: which one?" in screen, "never guessed"
    assert "2. ✅ Toner TN-2420 (black) (TN-2420)" in screen
    assert "🛒 Add to cart" not in bot.buttons(ann)
    assert "1. A4 copy paper 80 g (500 sheets)" in bot.buttons(ann)
    await bot.press(ann, "1. A4 copy paper 80 g (500 sheets)")
    await bot.press(ann, "🛒 Add to cart")
    assert await cart_rows(bot) == [("PAP-A4-80", 2), ("TN-2420", 1)]


@needs_tesseract
async def test_a_picture_without_an_order_adds_nothing(bot: Harness, ann: int) -> None:
    await bot.feed(bot.fake.send_photo_from_user(ann, shapes_photo()))
    assert "could not find any of our products in this photo" in bot.last(ann)
    assert "Nothing was added" in bot.last(ann)
    assert bot.buttons(ann) == ["⚡ Quick order"], "typing is offered"
    assert await cart_rows(bot) == []
    assert "Quick order" in await bot.press(ann, "⚡ Quick order")


async def test_without_tesseract_photos_are_declined(db: Database, clock: FixedClock) -> None:
    bot, ann = await harness_with(db, clock, tesseract="/nonexistent/bin/tesseract")
    try:
        await bot.feed(bot.fake.send_photo_from_user(ann, order_photo(["3 x A4 paper"])))
        assert "I cannot read photos here. Please type the order instead." in bot.last(ann)
        assert bot.buttons(ann) == ["⚡ Quick order"]
        picture = order_photo(["3 x A4 paper"])
        await bot.feed(bot.fake.send_document_from_user(ann, "list.png", picture, "image/png"))
        assert "I cannot read photos here." in bot.last(ann), "a picture sent as a file is one"
        assert await cart_rows(bot) == []
    finally:
        await bot.stop()


async def test_forwarded_pdf_purchase_order(bot: Harness, ann: int) -> None:
    content = pdf(
        ["Purchase order PO-77", "Buyer: Ann Lee"],
        [
            ("Item code", "Description", "Qty", "Price"),
            ("PAP-A4-80", "A4 copy paper", "10", "25.00"),
            ("TN-2420", "Toner", "2", "199.00"),
            ("", "订书机", "1", ""),
        ],
    )
    await bot.feed(bot.fake.send_document_from_user(ann, "PO-77.pdf", content))
    screen = bot.last(ann)
    assert "1. ✅ A4 copy paper 80 g (500 sheets) (PAP-A4-80)" in screen
    assert "10 × " in screen
    assert "2. ✅ Toner TN-2420 (black) (TN-2420)" in screen
    assert "3. ✅ Stapler No. 24/6 (STP-24)" in screen
    assert "Purchase order" not in screen, "the lines above the table are no order lines"
    await bot.press(ann, "🛒 Add to cart")
    assert await cart_rows(bot) == [("PAP-A4-80", 10), ("STP-24", 1), ("TN-2420", 2)]


async def test_scanned_pdf_says_send_a_photo(bot: Harness, ann: int) -> None:
    await bot.feed(bot.fake.send_document_from_user(ann, "scan.pdf", pdf([], image=True)))
    assert "This PDF has no text in it: it looks scanned." in bot.last(ann)
    assert "send a photo of the page" in bot.last(ann)
    assert await cart_rows(bot) == []


async def test_forwarded_spreadsheet_with_a_chinese_header(bot: Harness, ann: int) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["采购单 PO-88"])
    sheet.append(["货号", "品名", "数量", "单价"])
    sheet.append(["PAP-A4-80", "A4复印纸", 5, 25])
    sheet.append([None, "24/6 订书机", 2.0, None])
    out = io.BytesIO()
    book.save(out)
    await bot.feed(bot.fake.send_document_from_user(ann, "采购单.xlsx", out.getvalue()))
    screen = bot.last(ann)
    assert "1. ✅ A4 copy paper 80 g (500 sheets) (PAP-A4-80)" in screen
    assert "2. ✅ Stapler No. 24/6 (STP-24)" in screen
    await bot.press(ann, "🛒 Add to cart")
    assert await cart_rows(bot) == [("PAP-A4-80", 5), ("STP-24", 2)]


async def test_huge_and_unknown_files_are_refused_before_download(bot: Harness, ann: int) -> None:
    huge = b"sku,qty\n" + b"PAP-A4-80,1\n" * (20 * 1024 * 1024 // 12 + 1)
    assert len(huge) > 20 * 1024 * 1024
    await bot.feed(bot.fake.send_document_from_user(ann, "big.csv", huge))
    assert "That file is too large: I read files of up to 10 MB." in bot.last(ann)
    await bot.feed(bot.fake.send_document_from_user(ann, "order.docx", b"PK\x03\x04 word"))
    assert "I can read an order from a PDF, an Excel (.xlsx), CSV or text file" in bot.last(ann)
    await bot.feed(bot.fake.send_document_from_user(ann, "order.xlsx", b"not a spreadsheet"))
    assert "I could not open that file" in bot.last(ann)
    assert downloads(bot) == 1, "only the small file of a known type was downloaded"
    assert await cart_rows(bot) == []


async def test_voice_without_a_speech_model(bot: Harness, ann: int) -> None:
    await bot.feed(bot.fake.send_voice_from_user(ann, b"OggS voice"))
    assert "I can't listen to voice notes here; please type the order." in bot.last(ann)
    assert bot.buttons(ann) == ["⚡ Quick order"]
    assert downloads(bot) == 0, "not downloaded for nothing"
    assert await cart_rows(bot) == []


def speech_command(folder: Path, *, fails: bool = False) -> list[str]:
    """A stand-in for the operator's speech model: prints the "audio" file, which the test
    fills with the transcript (or fails)."""
    script = folder / "transcribe.py"
    body = "raise SystemExit(3)" if fails else "print(open(sys.argv[1], encoding='utf-8').read())"
    script.write_text(f"import sys\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return [sys.executable, str(script)]


async def test_voice_with_the_operators_speech_command(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    bot, ann = await harness_with(db, clock, voice_command=speech_command(tmp_path))
    try:
        await bot.send(ann, "/quick")
        spoken = "Бумага A4 80 г x 3, 2 toner TN-2420".encode()
        await bot.feed(bot.fake.send_voice_from_user(ann, spoken))
        screen = bot.last(ann)
        assert "1. ✅ A4 copy paper 80 g (500 sheets) (PAP-A4-80)" in screen
        assert "2. ✅ Toner TN-2420 (black) (TN-2420)" in screen
        await bot.press(ann, "🛒 Add to cart")
        assert await cart_rows(bot) == [("PAP-A4-80", 3), ("TN-2420", 2)]
    finally:
        await bot.stop()


async def test_voice_command_failing(db: Database, clock: FixedClock, tmp_path: Path) -> None:
    bot, ann = await harness_with(db, clock, voice_command=speech_command(tmp_path, fails=True))
    try:
        await bot.feed(bot.fake.send_voice_from_user(ann, b"OggS voice"))
        assert "I could not make out that voice note." in bot.last(ann)
        assert await cart_rows(bot) == []
    finally:
        await bot.stop()


async def test_staff_who_are_not_customers_get_the_usual_refusal(team: Team) -> None:
    bot = team.bot
    await bot.feed(bot.fake.send_photo_from_user(team.rep, order_photo(["3 x A4 paper"])))
    assert bot.last(team.rep) == "Please register first: send /start."
    assert downloads(bot) == 0
    assert await cart_rows(bot) == []
