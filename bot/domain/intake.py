"""Order intake from a photo, a file or a voice note: the medium read into text lines that the
quick order then reads exactly as if they were typed (bot/domain/quick_order.py).

Pure: bytes in, lines out. The OCR engine and the voice plug-in are external programs, run by
bot/services/intake; which products the lines name is the quick order's business.
"""

from __future__ import annotations

import io
import re
import unicodedata
from enum import StrEnum

from bot.domain.batch import BatchFileInvalid, csv_rows, xlsx_rows
from bot.domain.errors import DomainError
from bot.domain.parsing import clean_text

PDF_PAGES_MAX = 20
LINES_MAX = 200  # more is no order list; the quick order takes 50 items at most anyway
FILE_TYPES = (".pdf", ".xlsx", ".csv", ".txt")


class IntakeProblem(StrEnum):
    """Why nothing could be taken from what was sent (nothing was added)."""

    TOO_LARGE = "too_large"  # over intake.max_file_mb: refused before it was downloaded
    FILE_TYPE = "file_type"  # not a PDF, spreadsheet, CSV or text file
    UNREADABLE = "unreadable"  # damaged, or not what its name says
    SCANNED_PDF = "scanned_pdf"  # a PDF without a text layer: a photo of it works
    NO_LINES = "no_lines"  # nothing in it names a product
    NO_OCR = "no_ocr"  # no OCR engine on this machine: photos cannot be read here
    OCR_FAILED = "ocr_failed"  # the engine failed or took too long
    NO_VOICE = "no_voice"  # no speech model configured: voice notes are not listened to
    VOICE_FAILED = "voice_failed"  # the speech command failed or took too long


class Medium(StrEnum):
    """What the lines came from (said in the answers)."""

    PHOTO = "photo"
    FILE = "file"
    VOICE = "voice"


class IntakeRefused(DomainError):
    """What was sent cannot be read into an order; nothing was added."""

    def __init__(self, problem: IntakeProblem, medium: Medium, limit: int = 0) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.medium = medium
        self.limit = limit


def check_size(size: int | None, max_bytes: int, medium: Medium) -> None:
    """Refuse a file over the limit before it is downloaded (Telegram tells its size)."""
    if size is not None and size > max_bytes:
        raise IntakeRefused(IntakeProblem.TOO_LARGE, medium, max_bytes // (1024 * 1024))


def file_type(file_name: str | None, mime_type: str | None = None) -> str:
    """.pdf, .xlsx, .csv or .txt by the file's name (else its MIME type), or IntakeRefused."""
    lowered = (file_name or "").lower()
    for suffix in FILE_TYPES:
        if lowered.endswith(suffix):
            return suffix
    by_mime = {
        "application/pdf": ".pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
        "text/csv": ".csv",
        "text/plain": ".txt",
    }
    kind = by_mime.get((mime_type or "").lower())
    if kind is None:
        raise IntakeRefused(IntakeProblem.FILE_TYPE, Medium.FILE)
    return kind


# Header words of a purchase order's columns, in English, Chinese and Russian (lowercase).
_SKU_WORDS = (
    "sku",
    "item code",
    "item no",
    "code",
    "article",
    "part no",
    "part number",
    "product code",
    "货号",
    "编码",
    "编号",
    "型号",
    "代码",
    "артикул",
    "код",
)
_NAME_WORDS = (
    "product",
    "item",
    "name",
    "description",
    "goods",
    "品名",
    "名称",
    "产品",
    "商品",
    "货品",
    "наименование",
    "название",
    "товар",
    "описание",
    "продукт",
)
_QTY_WORDS = (
    "qty",
    "quantity",
    "pcs",
    "count",
    "units",
    "数量",
    "件数",
    "количество",
    "кол-во",
    "кол.",
    "к-во",
)
_WHOLE = re.compile(r"[-−]?\d{1,9}(?:[.,]0+)?")


def _header_word(cell: str, words: tuple[str, ...]) -> bool:
    text = cell.strip().lower().rstrip(":：")
    return any(text == w or text.startswith(w + " ") or w in text.split() for w in words) or (
        any(w in text for w in words if not w.isascii())
    )


def _columns(header: list[str]) -> tuple[int | None, int | None, int | None]:
    """The SKU, name and quantity columns a header row names (None where it names none)."""

    def find(words: tuple[str, ...], taken: set[int]) -> int | None:
        return next(
            (i for i, c in enumerate(header) if i not in taken and _header_word(c, words)), None
        )

    qty = find(_QTY_WORDS, set())
    sku = find(_SKU_WORDS, {qty} if qty is not None else set())
    name = find(_NAME_WORDS, {i for i in (qty, sku) if i is not None})
    return sku, name, qty


def _quantity(cell: str) -> str:
    """A quantity cell as the quick order reads it: "10.0" → "10", "1 000" → "1000"."""
    text = cell.strip().replace(" ", "").replace("\u00a0", "")
    if _WHOLE.fullmatch(text):
        return re.sub(r"[.,]0+$", "", text)
    return text


def _line(name: str, qty: str) -> str:
    name = " ".join(name.split())
    return f"{name} x {_quantity(qty)}" if qty.strip() else name


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _is_number(cell: str) -> bool:
    return bool(_WHOLE.fullmatch(cell.strip().replace(" ", "")))


def table_lines(rows: list[list[str]]) -> list[str]:
    """A purchase order's rows as quick-order lines "name x qty": the SKU (else name) column
    and the quantity column named by a header row (English, Chinese or Russian words), else
    the first text column and the first number column after it; a row of one cell is a line
    as is."""
    rows = [[" ".join(c.split()) for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    for at, header in enumerate(rows[:5]):
        sku, name, qty = _columns(header)
        if qty is not None and (sku is not None or name is not None):
            lines = []
            for row in rows[at + 1 :]:
                words = _cell(row, sku) or _cell(row, name)
                if words:
                    lines.append(_line(words, _cell(row, qty)))
            return lines
    wide = [row for row in rows if sum(1 for c in row if c) >= 2]
    if not wide:
        return [" ".join(c for c in row if c) for row in rows]
    width = max(len(row) for row in wide)
    text_col = next(
        (
            i
            for i in range(width)
            if any(_cell(r, i) and not _is_number(_cell(r, i)) for r in wide)
        ),
        None,
    )
    # The quantity follows the name in a purchase order (a row number may come before it).
    after = [i for i in range(width) if text_col is None or i > text_col]
    before = [i for i in range(width) if text_col is not None and i < text_col]
    number_col = next(
        (i for i in after + before if sum(_is_number(_cell(r, i)) for r in wide) * 2 >= len(wide)),
        None,
    )
    lines = []
    for row in rows:
        filled = [c for c in row if c]
        if len(filled) == 1 or text_col is None:
            lines.append(" ".join(filled))
            continue
        words = _cell(row, text_col)
        amount = _cell(row, number_col)
        if words and number_col is not None and _is_number(amount):
            lines.append(_line(words, amount))
        elif words:
            lines.append(" ".join(filled))
    return lines


_CHUNK = re.compile(r"\S+(?: \S+)*")


def _layout_rows(text: str) -> list[list[str]]:
    """Lines of a PDF's layout text cut into cells where two or more spaces part them, each
    cell placed under the header column it starts below (so empty cells keep their place)."""
    lines = [line for line in text.splitlines() if line.strip()]
    chunked = [[(m.start(), m.group()) for m in _CHUNK.finditer(line)] for line in lines]
    header_at = next(
        (
            i
            for i, chunks in enumerate(chunked[:10])
            if len(chunks) >= 2 and _columns([c for _, c in chunks])[2] is not None
        ),
        None,
    )
    if header_at is None:
        return [[c for _, c in chunks] for chunks in chunked]
    starts = [start for start, _ in chunked[header_at]]
    rows: list[list[str]] = [[c for _, c in chunks] for chunks in chunked[:header_at]]
    for chunks in chunked[header_at:]:
        row = [""] * len(starts)
        for start, chunk in chunks:
            column = max((i for i, s in enumerate(starts) if s <= start + 2), default=0)
            row[column] = f"{row[column]} {chunk}".strip()
        rows.append(row)
    # The lines before the header (a title, the buyer) are no order lines.
    return rows[header_at:]


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader  # imported when a PDF comes: it is not needed otherwise

    # pypdf raises many kinds of errors for damaged files: any of them is an unreadable file.
    try:
        reader = PdfReader(io.BytesIO(content))
        pages = reader.pages[:PDF_PAGES_MAX]
        return "\n".join(page.extract_text(extraction_mode="layout") or "" for page in pages)
    except Exception:
        raise IntakeRefused(IntakeProblem.UNREADABLE, Medium.FILE) from None


def _text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IntakeRefused(IntakeProblem.UNREADABLE, Medium.FILE)


def text_lines(text: str) -> list[str]:
    """Text (a transcript, OCR output, a .txt file) as lines: cleaned, the empty ones and
    those without a letter or digit (rules, stray marks) left out."""
    value = clean_text(unicodedata.normalize("NFKC", text), multiline=True)
    lines = [line.strip(" |_~") for line in value.split("\n")]
    return [line for line in lines if re.search(r"\w", line)][:LINES_MAX]


def file_lines(file_name: str | None, mime_type: str | None, content: bytes) -> list[str]:
    """The order lines of a forwarded purchase order: a PDF's text layer (a scanned PDF has
    none: IntakeRefused SCANNED_PDF), the first sheet of an .xlsx, a .csv or a .txt."""
    kind = file_type(file_name, mime_type)
    if kind == ".pdf":
        text = _pdf_text(content)
        if not text.strip():
            raise IntakeRefused(IntakeProblem.SCANNED_PDF, Medium.FILE)
        rows = _layout_rows(text)
    elif kind == ".txt":
        if b"\x00" in content[:4096]:
            raise IntakeRefused(IntakeProblem.UNREADABLE, Medium.FILE)
        return text_lines(_text(content))
    else:
        try:
            rows = xlsx_rows(content) if kind == ".xlsx" else csv_rows(content)
        except BatchFileInvalid:
            raise IntakeRefused(IntakeProblem.UNREADABLE, Medium.FILE) from None
    lines = table_lines(rows)
    return text_lines("\n".join(lines))
