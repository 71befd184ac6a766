"""Every parser of what people type or press, fed arbitrary text (huge, control characters,
RTL and zero-width marks, odd digits): a value within its documented bounds, or a clean
refusal (InvalidInput, BadCallback, BatchFileInvalid) — never any other exception."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import TypeVar
from zoneinfo import available_timezones

import phonenumbers
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.domain import parsing
from bot.domain.batch import CELL_MAX, COLUMNS, BatchFileInvalid, read_qty, read_rows
from bot.domain.errors import InvalidInput
from bot.domain.exports import MAX_DAYS as EXPORT_DAYS
from bot.domain.exports import parse_period as parse_export_period
from bot.domain.feedback import COMMENT_MAX, parse_comment
from bot.domain.quick_order import (
    ITEMS_MAX,
    NAME_MAX,
    chinese_number,
    parse_quick_order,
    typed_as_sku_lines,
)
from bot.domain.reports import MAX_DAYS as REPORT_DAYS
from bot.domain.reports import parse_period as parse_report_period
from bot.domain.roles import Role, parse_role
from bot.ui.callbacks import MAX_BYTES, BadCallback, Callback, parse

V = TypeVar("V")
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TODAY = date(2026, 11, 23)
MAX_QTY = 9999

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2069\ufeff"
# What the parsers look for, and what looks like it: digits of other scripts, superscripts,
# full-width forms, Chinese numerals, separators, signs, control characters.
TRICKY = (
    "0123456789０１２３４５６７８９²³¹½①٣۴०𐩀𝟙一二两十百千万零〇年月日号"
    ".,:;-−–—/ x×*%¥$€+()'\"<>&\n\t\r\x00\x07\x1b\x7f\u00a0\u3000、，；和~"
    "ABCXYZabcxyz_#@:toдо至到ТН"
)
EXAMPLES = [
    "3",
    "+8613800138000",
    "13800138000",
    "138 0013 8000",
    "2026-12-01",
    "1.12.2026",
    "2026年12月1日",
    "1,234.50",
    "1.234,50",
    "¥1234",
    "7.5%",
    "STP-24 5\nPAP-A4-80 x 10",
    "SF1234567",
    "Europe/Berlin",
    "Berlin",
    "3 x A4 paper, 2 toner TN-2420, 1 stapler",
    "A4纸 三箱，两盒订书钉",
    "2026-11-01 2026-11-23",
    "2026-11-01 to 2026-11-30",
    "1.11.2026 - 23.11.2026",
    "Ann Lee",
    "1 Garden Road, Shanghai",
]


def _spliced(base: str, junk: str, where: int) -> str:
    at = where % (len(base) + 1)
    return base[:at] + junk + base[at:]


hostile = st.one_of(
    st.text(max_size=300),  # any characters but surrogates
    st.text(alphabet=TRICKY + INVISIBLE, max_size=120),
    st.builds(
        _spliced,
        st.sampled_from(EXAMPLES),
        st.text(alphabet=TRICKY + INVISIBLE, max_size=6),
        st.integers(0, 100),
    ),
    st.builds(  # long: 10,000 characters and more
        lambda s, n: (s * n)[: n * 50],
        st.text(alphabet=TRICKY + INVISIBLE, min_size=1, max_size=50),
        st.integers(100, 400),
    ),
    st.sampled_from(EXAMPLES),
)


def refused_or(parser: Callable[[], V]) -> V | None:
    """The value, or None when the parser refused cleanly."""
    try:
        return parser()
    except InvalidInput:
        return None


def assert_clean(value: str, *, multiline: bool = False) -> None:
    """No invisible, control or private-use characters; no runs of white space."""
    for ch in value:
        if ch == "\n" and multiline:
            continue
        assert ch not in INVISIBLE, repr(value)
        assert unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"), repr(value)
    lines = value.split("\n") if multiline else [value]
    assert all(line == " ".join(line.split()) and line for line in lines), repr(value)


TEXTS = [
    (parsing.parse_name, parsing.NAME_MIN, parsing.NAME_MAX, False),
    (parsing.parse_company, 1, parsing.COMPANY_MAX, False),
    (parsing.parse_address, parsing.ADDRESS_MIN, parsing.ADDRESS_MAX, True),
    (parsing.parse_note, 1, parsing.NOTE_MAX, True),
    (parsing.parse_reason, 2, parsing.REASON_MAX, True),
    (parsing.parse_carrier, 1, 60, False),
    (parse_comment, 1, COMMENT_MAX, True),
]


@PROPERTY
@given(hostile)
@example("<b>x</b><script>alert(1)</script>")
@example("\u202eevil\u200d" * 3000)
def test_free_texts_are_clean_and_within_their_lengths(text: str) -> None:
    for parser, low, high, multiline in TEXTS:
        value = refused_or(lambda parser=parser: parser(text))  # type: ignore[misc]
        if value is not None:
            assert low <= len(value) <= high, (parser.__name__, value)
            assert_clean(value, multiline=multiline)
    words = refused_or(lambda: parsing.parse_search(text))
    if words is not None:
        assert 1 <= len(words) <= parsing.SEARCH_MAX
        assert words == words.strip() and set(INVISIBLE).isdisjoint(words)


@PROPERTY
@given(hostile, st.integers(1, 10**6))
@example("²", 10)
@example("٣", 10)
@example("𐩀", 10)
@example("9" * 5000, 10)
def test_quantity(text: str, maximum: int) -> None:
    qty = refused_or(lambda: parsing.parse_quantity(text, maximum))
    assert qty is None or (type(qty) is int and 1 <= qty <= maximum)


@PROPERTY
@given(hostile, st.sampled_from(["CN", "DE", "US", "RU", "ZZ"]))
@example("+8613800138000\u202e", "CN")
@example("+" + "9" * 40, "CN")
def test_phone(text: str, region: str) -> None:
    phone = refused_or(lambda: parsing.parse_phone(text, region))
    if phone is not None:  # E.164, which fits the customers table (7 to 16 characters)
        assert re.fullmatch(r"\+[1-9]\d{5,14}", phone), phone
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone))
    shared = refused_or(lambda: parsing.contact_phone(text))
    assert shared is None or re.fullmatch(r"\+\d{6,15}", shared), shared


@PROPERTY
@given(hostile, st.integers(0, 30), st.integers(0, 400))
@example("9999-12-31", 0, 400)
@example("0000-01-01", 0, 400)
@example("2026-02-30", 0, 400)
def test_date(text: str, min_days: int, span: int) -> None:
    day = refused_or(lambda: parsing.parse_date(text, TODAY, min_days, min_days + span))
    if day is not None:
        assert (day - TODAY).days in range(min_days, min_days + span + 1)


@PROPERTY
@given(hostile, st.sampled_from([0, 2, 3]))
@example("1e9", 2)
@example("1,000,000,000.00", 2)
@example("1,000,000,000.01", 2)
@example("０．５", 2)
def test_money(text: str, digits: int) -> None:
    minor = refused_or(lambda: parsing.parse_money(text, digits))
    assert minor is None or (type(minor) is int and 0 < minor <= 10**9 * 10**digits)


@PROPERTY
@given(hostile)
@example("100.01")
@example("100%")
def test_percent(text: str) -> None:
    bp = refused_or(lambda: parsing.parse_percent(text))
    assert bp is None or (type(bp) is int and 0 <= bp <= 10_000)


@PROPERTY
@given(hostile, st.integers(1, 10_000))
@example("STP-24 5\n" * 51, 100)
@example("a 0", 100)
def test_order_lines(text: str, maximum: int) -> None:
    items = refused_or(lambda: parsing.parse_order_lines(text, maximum))
    if items is not None:
        assert 1 <= len(items) <= 50
        for sku, qty in items:
            assert re.fullmatch(r"[A-Z0-9][A-Z0-9._-]{0,31}", sku), sku
            assert 1 <= qty <= maximum


@PROPERTY
@given(hostile)
def test_tracking_and_time_zone(text: str) -> None:
    tracking = refused_or(lambda: parsing.parse_tracking(text))
    assert tracking is None or re.fullmatch(r"[A-Z0-9][A-Z0-9-]{2,39}", tracking), tracking
    zone = refused_or(lambda: parsing.parse_time_zone(text))
    assert zone is None or zone in available_timezones()
    role = parse_role(text)
    assert role is None or isinstance(role, Role)


@PROPERTY
@given(hostile, st.integers(1, 10_000))
@example("三千五百万亿 x 纸", 9999)
@example("万万万", 9999)
@example("-3 paper", 10)
@example("a, " * 60, 10)
@example("x" * 2001, 10)
def test_quick_order(text: str, maximum: int) -> None:
    items = refused_or(lambda: parse_quick_order(text, maximum))
    if items is not None:
        assert 1 <= len(items) <= ITEMS_MAX
        for item in items:
            assert 1 <= item.qty <= maximum
            assert 1 <= len(item.words) <= NAME_MAX and re.search(r"\w", item.words)
    assert typed_as_sku_lines(text) in (True, False)


@PROPERTY
@given(st.text(alphabet="零〇一二两俩三四五六七八九十百千万", max_size=12))
def test_chinese_numerals_are_a_number_or_a_value_error(text: str) -> None:
    try:
        number = chinese_number(text)
    except ValueError:
        return
    assert type(number) is int and number >= 0


@PROPERTY
@given(hostile)
@example("2026-11-01 2027-11-02")
@example("2026-11-30 2026-11-01")
@example("9999-12-31 9999-12-31")
@example("0001-01-01")
def test_report_and_export_periods(text: str) -> None:
    period = refused_or(lambda: parse_report_period(text, TODAY))
    if period is not None:
        assert 1 <= period.days <= REPORT_DAYS and period.start <= period.end
    export = refused_or(lambda: parse_export_period(text))
    if export is not None:
        assert 1 <= export.days <= EXPORT_DAYS and export.start <= export.end


def _callback_data() -> st.SearchStrategy[str]:
    part = st.text(alphabet=TRICKY + INVISIBLE + "ab", max_size=12)
    return st.one_of(
        st.text(max_size=80),
        st.lists(part, min_size=0, max_size=6).map(":".join),
        st.builds(
            lambda area, args: ":".join([area, *args]),
            st.sampled_from(["cus:v", "apv:ap", "fin:rm", "rpt:v:s", "exp:f:orders", "stf:gr"]),
            st.lists(part, max_size=4),
        ),
    )


@PROPERTY
@given(_callback_data())
@example("cus:v:²")
@example("cus:v:𐩀")
@example("cus:v:٣")
@example("apv:ap:1:2026\u200b1201")
@example("x:y:" + "9" * 60)
def test_callback_data(data: str) -> None:
    try:
        cb = parse(data)
    except BadCallback:
        return
    assert isinstance(cb, Callback) and cb.area and cb.action
    assert len(data.encode()) <= MAX_BYTES
    for index in range(len(cb.args) + 1):
        for low, high in ((0, 2**53), (0, 1), (1, 50)):
            try:
                n = cb.number(index, low=low, high=high)
            except BadCallback:
                pass
            else:
                assert type(n) is int and low <= n <= high
        try:
            day = cb.day(index)
        except BadCallback:
            pass
        else:
            assert day is None or isinstance(day, date)
        try:
            assert isinstance(cb.text(index), str)
        except BadCallback:
            assert index >= len(cb.args)


def _csv(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


cell = st.one_of(
    hostile.map(lambda s: s[:400]), st.sampled_from(["1", "3.0", "", "+8613800138000"])
)
spreadsheet = st.builds(
    _csv,
    st.one_of(st.just(list(COLUMNS)), st.lists(st.sampled_from([*COLUMNS, "x", ""]), max_size=9)),
    st.lists(st.lists(cell, max_size=10), max_size=8),
    st.sampled_from([",", ";", "\t"]),
)


@PROPERTY
@given(
    st.sampled_from(["orders.csv", "orders.CSV", "orders.xlsx", "orders.txt", ""]),
    st.one_of(
        st.binary(max_size=3000),
        spreadsheet.map(lambda s: s.encode("utf-8")),
        spreadsheet.map(lambda s: s.encode("gb18030")),
        spreadsheet.map(lambda s: s.encode("utf-16")),
    ),
)
def test_batch_files(name: str, content: bytes) -> None:
    try:
        rows = read_rows(name, content)
    except BatchFileInvalid:
        return
    assert rows and all(r.row >= 2 for r in rows)
    for r in rows:
        for value in r.model_dump(exclude={"row"}).values():
            assert isinstance(value, str) and len(value) <= CELL_MAX
            assert set(INVISIBLE).isdisjoint(value), "cells are cleaned like typed text"


@PROPERTY
@given(hostile, st.integers(1, 10_000))
@example("²", 10)
@example("𐩀", 10)
@example("3.0", 10)
def test_batch_quantity(text: str, maximum: int) -> None:
    qty = read_qty(text, maximum)
    assert qty is None or (type(qty) is int and 1 <= qty <= maximum)
