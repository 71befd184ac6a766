"""What the invoice, statement and credit note PDFs share: the embedded font, margins and
colours, an A4 page in that font (cut to the document's characters) with page numbers, the
seller's block, headings drawn bold, wrapped paragraphs."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos

from bot.config import SellerConfig
from bot.i18n import Texts
from bot.ui.pdf_font import fonts_for

FONT, FALLBACK = "invoice", "invoice-fallback"
MARGIN, WIDTH = 16.0, 210.0 - 2 * 16.0
INK, GREY, ACCENT = (33, 37, 41), (108, 117, 125), (232, 238, 247)
LANG_TAGS = {"en": "en", "zh": "zh-CN", "ru": "ru"}


class Page(FPDF):
    """A4 with a line of text and page numbers at the foot of every page."""

    footer_text = ""

    def footer(self) -> None:
        """The footer text, page n/N."""
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        self.cell(WIDTH * 0.8, 5, self.footer_text)
        self.cell(WIDTH * 0.2, 5, f"{self.page_no()}/{{nb}}", align="R")


def seller_lines(t: Texts, seller: SellerConfig) -> list[str]:
    """The seller's name, address, phone, e-mail and tax id, as on the invoice."""
    language = t.language
    lines = [seller.name_in(language), *seller.address_in(language).splitlines()]
    if seller.phone:
        lines.append(t._("Phone: %(value)s") % {"value": seller.phone})
    if seller.email:
        lines.append(seller.email)
    if seller.tax_id:
        lines.append(t._("Tax ID: %(value)s") % {"value": seller.tax_id})
    return [line for line in lines if line.strip()]


def drop(texts: list[str], characters: str) -> list[str]:
    """The texts without these characters (ones no font can draw)."""
    table = str.maketrans("", "", characters)
    return [text.translate(table) for text in texts]


@contextlib.contextmanager
def page(t: Texts, texts: list[str], title: str, author: str) -> Iterator[tuple[Page, str]]:
    """A PDF with its first page, fonts for these texts (and page numbers), and the
    characters no font has, which the caller leaves out (emoji, say)."""
    with tempfile.TemporaryDirectory(prefix="orderdesk-pdf-") as folder:
        characters = "".join(sorted(set("0123456789/ " + "".join(texts))))
        fonts, missing = fonts_for(characters, Path(folder))
        pdf = Page(format="A4", unit="mm")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font(FONT, "", str(fonts[0]))
        if len(fonts) > 1:
            pdf.add_font(FALLBACK, "", str(fonts[1]))
            pdf.set_fallback_fonts([FALLBACK])
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_creator("OrderDesk")
        pdf.set_lang(LANG_TAGS.get(t.language.value, "en"))
        pdf.add_page()
        pdf.set_text_color(*INK)
        yield pdf, missing


def bold(pdf: FPDF, on: bool) -> None:
    """The font has one weight: headings are drawn with a thin outline as well."""
    pdf.text_mode = TextMode.FILL_STROKE if on else TextMode.FILL
    pdf.set_line_width(0.22 if on else 0.2)


def lines(
    pdf: FPDF, texts: list[str], x: float, width: float, size: float, align: str = "L"
) -> None:
    """Paragraphs at x, wrapped to width, one under the other."""
    pdf.set_font(FONT, size=size)
    for text in texts:
        pdf.set_x(x)
        pdf.multi_cell(width, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def heading(
    pdf: FPDF, seller: list[str], title: str, meta: list[str], label: str, party: list[str]
) -> None:
    """The seller on the left, the title and its details on the right, then the customer."""
    top = pdf.get_y()
    bold(pdf, True)
    lines(pdf, seller[:1], MARGIN, WIDTH * 0.55, 14)
    bold(pdf, False)
    pdf.set_text_color(*GREY)
    lines(pdf, seller[1:], MARGIN, WIDTH * 0.55, 9)
    left_bottom = pdf.get_y()
    pdf.set_text_color(*INK)
    right = MARGIN + WIDTH * 0.5
    pdf.set_y(top)
    bold(pdf, True)
    lines(pdf, [title], right, WIDTH * 0.5, 13, align="R")
    bold(pdf, False)
    lines(pdf, meta, right, WIDTH * 0.5, 9, align="R")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)
    pdf.set_text_color(*GREY)
    lines(pdf, [label], MARGIN, WIDTH, 8.5)
    pdf.set_text_color(*INK)
    bold(pdf, True)
    lines(pdf, party[:1], MARGIN, WIDTH, 11)
    bold(pdf, False)
    lines(pdf, party[1:], MARGIN, WIDTH, 9)
    pdf.ln(4)
