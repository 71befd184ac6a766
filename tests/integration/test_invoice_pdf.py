"""Invoice PDFs from the real services on a real SQLite file: a valid PDF with one embedded,
subset font whose extracted text holds the seller, the lines, the totals with tax, the payment
term and due dates, in English, Chinese and Russian; and who may have one sent again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.errors import InvoiceNotFound, NotAllowed, NotInvoiced
from bot.domain.models import Language, Order, OrderStatus, Unit, User
from bot.domain.roles import Role
from bot.i18n import I18n
from bot.services import Services
from bot.services.invoices import InvoiceDocument
from bot.services.transitions import apply_transition
from bot.ui import invoice_pdf
from tests.conftest import BASE_CONFIG, make_config
from tests.integration.helpers import customer, draft, product

SELLER = {
    "name": "Example Trading Co.",
    "names": {"zh": "示例贸易有限公司", "ru": "ООО «Пример Трейдинг»"},
    "address": "88 Century Avenue\nPudong, Shanghai 200120",
    "addresses": {"zh": "上海市浦东新区世纪大道88号"},
    "tax_id": "91310000MA1FL0000X",
    "phone": "+86 21 5555 0100",
    "email": "billing@example.com",
    "bank": "Bank of Example, account 6222 0000 1234 5678",
}


@pytest.fixture
def config(db_path: Path) -> Config:
    """The test configuration with a seller, 13% tax on top and a net-30 term for everyone."""
    return make_config(
        db_path,
        seller=SELLER,
        tax={"rate_percent": "13"},
        checkout={"default_payment_terms": ["prepaid", "cod", "net30"]},
        business={
            **BASE_CONFIG["business"],
            "payment_instructions": {"en": "Pay by bank transfer.", "zh": "请银行转账。"},
        },
    )


def text_of(pdf: bytes) -> str:
    """The text of every page, as pypdf extracts it."""
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


async def invoiced_order(services: Services, db: Database, language: str) -> tuple[Order, User]:
    """A customer's order (2 staplers, 3 reams of A4 paper, courier, net 30), approved and
    invoiced by finance; returns the order and the finance clerk."""
    finance = await services.users.identify(103, "Fay", None, "en")
    async with db.unit_of_work() as uow:
        await uow.staff.grant(finance.id, Role.FINANCE, None, services.finance.clock.now())
        await uow.commit()
    buyer = await customer(services, 2, language)
    await services.cart.add(buyer, (await product(services, "STP-24")).id, 2)
    await services.cart.add(buyer, (await product(services, "PAP-A4-80")).id, 3)
    order = (await services.checkout.submit(buyer, draft("t", term="net30"))).order
    async with db.unit_of_work() as uow:
        order = await apply_transition(
            uow,
            order,
            OrderStatus.APPROVED,
            config=services.finance.config,
            actor_id=None,
            at=services.finance.clock.now(),
        )
        await uow.commit()
    await services.finance.issue_invoice(finance, order_id=order.id)
    return order, finance


async def document(services: Services, finance: User) -> InvoiceDocument:
    return await services.invoices.document(finance, "INV-20261123-0001")


def render(config: Config, doc: InvoiceDocument, language: Language) -> bytes:
    t = I18n(config.business.currency, config.business.zone).texts(language)
    return invoice_pdf.render(t, doc)


async def test_english_invoice_pdf_has_lines_totals_tax_term_and_due_date(
    services: Services, db: Database, config: Config
) -> None:
    order, finance = await invoiced_order(services, db, "en")
    doc = await document(services, finance)
    # 2 × 35.00 + 3 × 25.00 = 145.00, courier 15.00, 13% tax of 160.00 = 20.80: 180.80
    assert (order.totals.subtotal, order.totals.tax, order.totals.total) == (14500, 2080, 18080)
    pdf = render(config, doc, Language.EN)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert len(fonts) == 1
    descendant = fonts[0]["/DescendantFonts"][0].get_object()
    assert descendant["/Subtype"] == "/CIDFontType2", "TrueType outlines, readable everywhere"
    assert "/FontFile2" in descendant["/FontDescriptor"], "the font is embedded"
    assert str(fonts[0]["/BaseFont"]).split("+")[0].isupper(), "as a subset (AAAAAA+Name)"
    assert len(pdf) < 60_000

    text = text_of(pdf)
    for expected in (
        "Example Trading Co.",
        "88 Century Avenue",
        "Tax ID: 91310000MA1FL0000X",
        "Invoice: INV-20261123-0001",
        "Invoice date: Nov 23, 2026",
        "Order: SO-20261123-0001",
        "Bill to\nCustomer 2",
        "Address: 1 Garden Road, Shanghai",
        "STP-24",
        "Stapler No. 24/6",
        "CN¥35.00",
        "CN¥70.00",
        "A4 copy paper 80 g (500 sheets)",
        "CN¥75.00",
        "Subtotal: CN¥145.00",
        "Delivery (Courier): CN¥15.00",
        "Tax: CN¥20.80",
        "Total: CN¥180.80",
        "Payment terms: Pay within 30 days",
        "• due Dec 23, 2026: CN¥180.80",
        "Pay by bank transfer.",
        "Bank details: Bank of Example, account 6222 0000 1234 5678",
    ):
        assert expected in text, expected


async def test_chinese_invoice_pdf_has_chinese_labels_and_product_names(
    services: Services, db: Database, config: Config
) -> None:
    await invoiced_order(services, db, "zh")
    doc = await document(services, (await services.users.identify(103, "Fay", None, "en")))
    assert doc.customer_user.language is Language.ZH
    text = text_of(render(config, doc, Language.ZH))
    for expected in (
        "示例贸易有限公司",
        "上海市浦东新区世纪大道88号",
        "发票：INV-20261123-0001",
        "24/6 订书机",  # the product's Chinese name from the catalog
        "A4复印纸 80克（500张）",
        "小计：¥145.00",
        "运费（快递）：¥15.00",
        "税费：¥20.80",
        "合计：¥180.80",
        "付款条件：",
        "请银行转账。",
    ):
        assert expected in text, (expected, text)
    assert "2026年12月23日" in text, "the due date, written the Chinese way"


async def test_russian_invoice_pdf_has_cyrillic(
    services: Services, db: Database, config: Config
) -> None:
    await invoiced_order(services, db, "ru")
    doc = await document(services, (await services.users.identify(103, "Fay", None, "en")))
    text = text_of(render(config, doc, Language.RU))
    for expected in ("ООО «Пример Трейдинг»", "Степлер", "Итого", "180,80"):
        assert expected in text, (expected, text)


async def test_many_lines_flow_onto_more_pages_with_the_totals_last(
    services: Services, db: Database, config: Config
) -> None:
    _, finance = await invoiced_order(services, db, "en")
    doc = await document(services, finance)
    many = doc.model_copy(update={"lines": doc.lines * 40})
    pdf = render(config, many, Language.EN)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3
    assert "Total: CN¥180.80" in pages[-1].extract_text()
    assert f"1/{len(pages)}" in pages[0].extract_text()


async def test_who_may_have_an_invoice_sent_again(
    services: Services, db: Database, clock: FixedClock
) -> None:
    order, finance = await invoiced_order(services, db, "en")
    buyer = await services.users.identify(2, "User 2", None, "en")
    own = await services.invoices.document(buyer, "inv-20261123-0001")
    assert own.number == "INV-20261123-0001" and own.order.id == order.id
    by_order = await services.invoices.document(finance, order.number)
    assert by_order.number == "INV-20261123-0001"
    manager = await services.users.identify(102, "Mia", None, "en")
    warehouse = await services.users.identify(104, "Wu", None, "en")
    async with db.unit_of_work() as uow:
        await uow.staff.grant(manager.id, Role.SALES_MANAGER, None, clock.now())
        await uow.staff.grant(warehouse.id, Role.WAREHOUSE, None, clock.now())
        await uow.commit()
    assert (await services.invoices.document(manager, "INV-20261123-0001")).paid == 0
    with pytest.raises(NotAllowed):
        await services.invoices.document(warehouse, "INV-20261123-0001")
    stranger = await customer(services, 3)
    with pytest.raises(InvoiceNotFound):  # someone else's: as if it did not exist
        await services.invoices.document(stranger, "INV-20261123-0001")
    with pytest.raises(InvoiceNotFound):
        await services.invoices.document(finance, "INV-20991231-0001")
    with pytest.raises(NotInvoiced):
        await services.invoices.document(finance, "SO-20991231-0001")
    async with (
        db.reader() as uow,
        uow.audit._conn.execute(
            "SELECT actor_id, after FROM audit_log WHERE action = 'denied' ORDER BY id"
        ) as cursor,
    ):
        denied = [tuple(r) for r in await cursor.fetchall()]
    assert denied == [(warehouse.id, "invoice"), (stranger.id, "invoice")]


async def test_what_noto_lacks_comes_from_dejavu_and_what_no_font_has_is_left_out(
    services: Services, db: Database, config: Config
) -> None:
    _, finance = await invoiced_order(services, db, "ru")
    doc = await document(services, finance)
    parrot = "\U0001f99c"  # in neither font
    customer = doc.customer.model_copy(update={"name": f"Анна {parrot} Ли"})
    t = I18n("RUB", config.business.zone).texts(Language.RU)  # the rouble sign: not in Noto
    pdf = invoice_pdf.render(t, doc.model_copy(update={"customer": customer}))
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    names = sorted(str(f.get_object()["/BaseFont"]).split("+")[1] for f in fonts)
    assert names == ["DejaVuSansBook", "NotoSansCJKSCRegular"]
    text = text_of(pdf)
    assert "Итого: 180,80\u00a0₽" in text or "Итого: 180,80 ₽" in text, text
    assert "Анна  Ли" in text and parrot not in text


async def test_quantities_on_the_invoice_carry_their_unit(
    services: Services, db: Database, config: Config
) -> None:
    async with db.unit_of_work() as uow:  # the paper is sold by the ream (as the editor sets it)
        await db.connection.execute("UPDATE products SET unit = 'ream' WHERE sku = 'PAP-A4-80'")
        await uow.commit()
    _, finance = await invoiced_order(services, db, "en")
    doc = await document(services, finance)
    assert [(x.sku, x.qty, x.unit) for x in doc.lines] == [
        ("STP-24", 2, Unit.PCS),
        ("PAP-A4-80", 3, Unit.REAM),
    ]
    text = text_of(render(config, doc, Language.EN))
    assert "3 reams" in text and "2 reams" not in text
