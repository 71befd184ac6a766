"""Intake rules: a purchase order's table read into quick-order lines (header words in
English, Chinese and Russian, else the first text and number columns), files by type, and
tesseract's TSV output read into lines (what it is unsure of left out)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from bot.domain.intake import (
    IntakeProblem,
    IntakeRefused,
    Medium,
    check_size,
    file_lines,
    file_type,
    table_lines,
    text_lines,
)
from bot.domain.quick_order import read_quick_order
from bot.services.intake.ocr import read_tsv

MB = 1024 * 1024


def test_header_words_in_three_languages() -> None:
    english = [["Item code", "Description", "Qty", "Price"], ["PAP-A4-80", "A4 paper", "10", "25"]]
    assert table_lines(english) == ["PAP-A4-80 x 10"]
    chinese = [
        ["采购单"],
        ["货号", "品名", "数量"],
        ["", "A4复印纸", "3.0"],
        ["TN-2420", "硒鼓", "2"],
    ]
    assert table_lines(chinese) == ["A4复印纸 x 3", "TN-2420 x 2"]
    russian = [["Наименование", "Кол-во", "Цена"], ["Степлер", "1", "120"]]
    assert table_lines(russian) == ["Степлер x 1"]


def test_without_a_header_the_first_text_and_number_columns() -> None:
    rows = [["1", "A4 paper", "3", "75.00"], ["2", "stapler", "1", "35.00"]]
    assert table_lines(rows) == ["A4 paper x 3", "stapler x 1"], "not the row numbers"
    assert table_lines([["A4 paper", "3"], ["stapler", "1.0"]]) == ["A4 paper x 3", "stapler x 1"]
    assert table_lines([["3 x A4 paper"], ["1 stapler"]]) == ["3 x A4 paper", "1 stapler"]


def test_table_lines_read_as_typed_lines() -> None:
    lines = table_lines([["SKU", "Qty"], ["PAP-A4-80", "10"], ["STP-24", "-2"], ["TN-2420", "0"]])
    items, rejected = read_quick_order("\n".join(lines), 999)
    assert [(i.words, i.qty) for i in items] == [("PAP-A4-80", 10)]
    assert [r.typed for r in rejected] == ["STP-24 x -2", "TN-2420 x 0"], "told, not guessed"


def test_file_types_by_name_then_mime() -> None:
    assert file_type("PO.PDF") == ".pdf"
    assert file_type("order", "text/csv") == ".csv"
    with pytest.raises(IntakeRefused) as caught:
        file_type("order.docx", "application/msword")
    assert caught.value.problem is IntakeProblem.FILE_TYPE


def test_size_is_checked_against_the_limit() -> None:
    check_size(10 * MB, 10 * MB, Medium.FILE)
    check_size(None, 10 * MB, Medium.FILE)
    with pytest.raises(IntakeRefused) as caught:
        check_size(20 * MB, 10 * MB, Medium.FILE)
    assert (caught.value.problem, caught.value.limit) == (IntakeProblem.TOO_LARGE, 10)


def test_csv_txt_and_xlsx_files() -> None:
    csv = "商品编码;名称;数量\nPAP-A4-80;A4纸;5\n".encode("gb18030")
    assert file_lines("po.csv", None, csv) == ["PAP-A4-80 x 5"]
    assert file_lines("po.txt", None, b"3 x A4 paper\n\n---\n1 stapler\n") == [
        "3 x A4 paper",
        "1 stapler",
    ]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Product", "Quantity"])
    sheet.append(["A4 copy paper", 4])
    out = io.BytesIO()
    book.save(out)
    assert file_lines("po.xlsx", None, out.getvalue()) == ["A4 copy paper x 4"]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("po.xlsx", b"not a workbook", IntakeProblem.UNREADABLE),
        ("po.pdf", b"%PDF-1.4 broken", IntakeProblem.UNREADABLE),
        ("po.txt", b"\x00\x01\x02binary", IntakeProblem.UNREADABLE),
    ],
)
def test_damaged_files(name: str, content: bytes, problem: IntakeProblem) -> None:
    with pytest.raises(IntakeRefused) as caught:
        file_lines(name, None, content)
    assert caught.value.problem is problem


def test_text_lines_drop_rules_and_marks() -> None:
    assert text_lines("  3 x A4 paper \n|\n___\n\n两盒订书钉") == ["3 x A4 paper", "两盒订书钉"]


def tsv(*words: tuple[int, float, str]) -> str:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
    rows = [header + "\tconf\ttext"]
    for line, confidence, text in words:
        rows.append(f"5\t1\t1\t1\t{line}\t1\t0\t0\t10\t10\t{confidence}\t{text}")
    return "\n".join(rows)


def test_tsv_lines_keep_what_tesseract_is_sure_of() -> None:
    reading = read_tsv(
        tsv(
            (1, 93, "A4"),
            (1, 92, "复"),
            (1, 91, "印"),
            (1, 90, "纸"),
            (1, 93, "3"),
            (1, 91, "箱"),
            (2, 92, "Степлер"),
            (2, 10, "х"),
            (2, 60, "1"),
            (3, 79, "IN"),  # a cat's whisker read as a word: too short to count
            (4, 40, "SS"),
            (4, 55, "AN"),
        )
    )
    assert reading.lines == ["A4 复印纸 3 箱", "Степлер x 1"], "a Cyrillic х by a number is x"
    assert reading.confidence > 75
    assert read_tsv(tsv((1, 79, "IN"), (2, 70, "ХМ"))).lines == []


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("А4 сору рарегх 10", "A4 copy paperx 10"),  # a Latin line read in Cyrillic
        ("РАР-АЗ-80 x 4", "PAP-A3-80 x 4"),  # look-alikes inside a SKU
        ("Бумага АЗ 80 гх2", "Бумага A3 80 гx2"),  # a size; х before the quantity
        ("Степлер № 24/6 х 1", "Степлер № 24/6 x 1"),
        ("сахар 3", "сахар 3"),  # Russian stays Russian
    ],
)
def test_cyrillic_look_alikes_read_for_latin_are_put_back(read: str, meant: str) -> None:
    reading = read_tsv(tsv(*((1, 95.0, word) for word in read.split(" "))))
    assert reading.lines == [meant]
