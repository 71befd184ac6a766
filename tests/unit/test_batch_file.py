"""Reading a batch file: .xlsx and .csv in their common shapes, row numbers as the spreadsheet
shows them, and whole-file refusals."""

from __future__ import annotations

import io
import pickle
from datetime import date

import pytest
from openpyxl import Workbook

from bot.domain.batch import (
    MAX_BYTES,
    MAX_ROWS,
    BatchFileInvalid,
    FileProblem,
    read_qty,
    read_rows,
)

HEADER = "customer,sku,qty,delivery,payment_term"


def test_csv_with_bom_blank_lines_and_any_column_order() -> None:
    text = (
        "\ufeffSKU, Qty ,Customer,Payment Term,delivery,order-ref\n"
        "\nSTP-24,5,Ann Lee,cod,courier,A\n"
    )
    (row,) = read_rows("orders.CSV", text.encode("utf-8"))
    assert row.row == 3, "the blank line 2 keeps its number"
    assert (row.customer, row.sku, row.qty, row.payment_term, row.order_ref) == (
        "Ann Lee",
        "STP-24",
        "5",
        "cod",
        "A",
    )
    assert row.address == "" and row.note == ""


def test_csv_from_chinese_excel_with_semicolons() -> None:
    text = "customer;sku;qty;delivery;payment_term;note\n李雷;STP-24;2;courier;cod;请尽快\n"
    (row,) = read_rows("订单.csv", text.encode("gb18030"))
    assert (row.customer, row.note) == ("李雷", "请尽快")


def test_xlsx_numbers_dates_and_the_first_sheet() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["customer", "sku", "qty", "delivery", "payment_term", "note"])
    sheet.append([8613800138000, "STP-24", 5.0, "courier", "cod", date(2026, 12, 1)])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Ann Lee", "TN-2420", 2.5, "pickup", "cod", None])
    book.create_sheet("Other").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    first, second = read_rows("orders.xlsx", out.getvalue())
    assert (first.row, first.customer, first.qty, first.note) == (
        2,
        "8613800138000",
        "5",
        "2026-12-01",
    )
    assert (second.row, second.qty) == (4, "2.5")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("orders.pdf", b"%PDF", FileProblem.TYPE),
        ("orders", b"a,b", FileProblem.TYPE),
        ("orders.csv", b"x" * (MAX_BYTES + 1), FileProblem.SIZE),
        ("orders.xlsx", b"PK\x03\x04 broken", FileProblem.UNREADABLE),
        ("orders.xlsx", b"customer,sku", FileProblem.UNREADABLE),
        ("orders.csv", b"\xff\xfe\x00c\x00u", FileProblem.UNREADABLE),
        ("orders.csv", b"", FileProblem.EMPTY),
        ("orders.csv", HEADER.encode() + b"\n,,,,\n", FileProblem.EMPTY),
        ("orders.csv", b"customer,sku,amount\nAnn,STP-24,3\n", FileProblem.MISSING_COLUMNS),
        (
            "orders.csv",
            (HEADER + "\n" + "Ann,STP-24,1,courier,cod\n" * (MAX_ROWS + 1)).encode(),
            FileProblem.TOO_MANY_ROWS,
        ),
    ],
)
def test_whole_file_refusals(name: str, content: bytes, problem: FileProblem) -> None:
    with pytest.raises(BatchFileInvalid) as caught:
        read_rows(name, content)
    assert caught.value.problem is problem


def test_missing_columns_are_named() -> None:
    with pytest.raises(BatchFileInvalid) as caught:
        read_rows("o.csv", b"customer,sku,amount\nAnn,STP-24,3\n")
    assert caught.value.detail == "qty, delivery, payment_term"


def test_exactly_the_row_limit_is_fine() -> None:
    content = (HEADER + "\n" + "Ann,STP-24,1,courier,cod\n" * MAX_ROWS).encode()
    assert len(read_rows("o.csv", content)) == MAX_ROWS


@pytest.mark.parametrize(
    ("text", "qty"),
    [
        ("3", 3),
        ("3.0", 3),
        (" 12 ", 12),
        ("10000", 10000),
        ("0", None),
        ("-3", None),
        ("2.5", None),
        ("10001", None),
        ("1000000000000000", None),
        ("three", None),
    ],
)
def test_quantities(text: str, qty: int | None) -> None:
    assert read_qty(text, 10_000) == qty


def test_rows_and_refusals_come_back_whole_from_a_worker_process() -> None:
    """read_rows runs in a worker process: what it returns or raises crosses a pipe."""
    (row,) = pickle.loads(
        pickle.dumps(read_rows("o.csv", f"{HEADER}\nAnn,STP-24,5,,cod".encode()))
    )
    assert (row.row, row.customer, row.sku, row.qty) == (2, "Ann", "STP-24", "5")
    with pytest.raises(BatchFileInvalid) as refused:
        read_rows("o.csv", (f"{HEADER}\n" + "Ann,STP-24,5,,cod\n" * (MAX_ROWS + 1)).encode())
    back = pickle.loads(pickle.dumps(refused.value))
    assert (back.problem, back.detail, back.limit) == (
        refused.value.problem,
        refused.value.detail,
        refused.value.limit,
    )
    assert back.problem is FileProblem.TOO_MANY_ROWS and back.limit == MAX_ROWS
