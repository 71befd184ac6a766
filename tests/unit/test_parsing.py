"""Parsers of typed input: clean values or a clear refusal, never a crash."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.parsing import (
    clean_text,
    contact_phone,
    parse_address,
    parse_date,
    parse_name,
    parse_note,
    parse_percent,
    parse_phone,
    parse_quantity,
    parse_reason,
    parse_search,
    parse_time_zone,
    phone_key,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "qty"), [("3", 3), (" 12 ", 12), ("５", 5), ("+7", 7), ("10000", 10000)]
)
def test_quantity_accepted(text: str, qty: int) -> None:
    assert parse_quantity(text, 10_000) == qty


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("-3", InputProblem.QUANTITY_NOT_NUMBER),
        ("0", InputProblem.QUANTITY_RANGE),
        ("1000000000", InputProblem.QUANTITY_RANGE),
        ("10001", InputProblem.QUANTITY_RANGE),
        ("three", InputProblem.QUANTITY_NOT_NUMBER),
        ("2.5", InputProblem.QUANTITY_NOT_NUMBER),
        ("9" * 500, InputProblem.QUANTITY_NOT_NUMBER),
        ("", InputProblem.QUANTITY_NOT_NUMBER),
    ],
)
def test_quantity_refused(text: str, problem: InputProblem) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quantity(text, 10_000)
    assert caught.value.problem is problem
    assert (caught.value.low, caught.value.high) == (1, 10_000)


def test_phone_numbers_normalised() -> None:
    assert parse_phone("138 0013 8000", "CN") == "+8613800138000"
    assert parse_phone("+7 912 345-67-89", "CN") == "+79123456789"
    assert contact_phone("8613800138000") == "+8613800138000"
    for bad in ("12345", "call me", "+1" + "9" * 40, "", "１２"):
        with pytest.raises(InvalidInput):
            parse_phone(bad, "CN")


def test_text_is_cleaned_of_invisible_and_control_characters() -> None:
    assert clean_text("  Ann\u200b  \u202eLee\x00 ") == "Ann Lee"
    assert parse_address("Flat 3\n\n 5 Long  Road\n") == "Flat 3\n5 Long Road"
    assert parse_name("李\u200d雷") == "李雷"


def test_lengths_are_bounded() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_address("x" * 5000)
    assert (caught.value.problem, caught.value.high) == (InputProblem.ADDRESS_LENGTH, 300)
    with pytest.raises(InvalidInput):
        parse_address("abc")
    with pytest.raises(InvalidInput):
        parse_name("\u200b\u200b")
    with pytest.raises(InvalidInput):
        parse_note("n" * 501)
    with pytest.raises(InvalidInput):
        parse_reason("x")
    with pytest.raises(InvalidInput):
        parse_search("   ")
    assert parse_search("a" * 200) == "a" * 64


@pytest.mark.parametrize(
    "text", ["2026-12-01", "2026/12/1", "1.12.2026", "2026年12月1日", "２０２６-１２-０１"]
)
def test_dates_in_several_forms(text: str) -> None:
    assert parse_date(text, TODAY, 1, 90) == date(2026, 12, 1)


def test_dates_out_of_range_or_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date("2026-11-23", TODAY, 1, 90)
    assert caught.value.problem is InputProblem.DATE_RANGE
    assert caught.value.low == "2026-11-24"
    with pytest.raises(InvalidInput) as caught:
        parse_date("2026-02-30", TODAY, 1, 90)
    assert caught.value.problem is InputProblem.DATE_INVALID
    with pytest.raises(InvalidInput):
        parse_date("tomorrow", TODAY, 1, 90)
    with pytest.raises(InvalidInput):
        parse_date("2027-12-01", TODAY, 1, 90)


@pytest.mark.parametrize(
    ("text", "bp"), [("7.5", 750), ("10%", 1000), ("0", 0), ("100", 10000), ("2,25", 225)]
)
def test_percentages(text: str, bp: int) -> None:
    assert parse_percent(text) == bp


@pytest.mark.parametrize("text", ["-1", "100.01", "150", "ten", "7.555", ""])
def test_bad_percentages(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_percent(text)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("  europe/berlin ", "Europe/Berlin"),
        ("Shanghai", "Asia/Shanghai"),
        ("new york", "America/New_York"),
        ("UTC", "UTC"),
    ],
)
def test_time_zones(text: str, zone: str) -> None:
    assert parse_time_zone(text) == zone


@pytest.mark.parametrize("text", ["", "Mars/Olympus", "GMT+3", "x" * 5000, "Berlin\u200b!"])
def test_unknown_time_zones(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_time_zone(text)
    assert caught.value.problem is InputProblem.TIME_ZONE_UNKNOWN


@pytest.mark.parametrize("name", ["Ann", "李雷", "Jo", "O'Neil 2nd", "Иван"])
def test_names_with_two_letters_are_taken(name: str) -> None:
    assert parse_name(name) == name


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("A", InputProblem.NAME_LENGTH),
        ("李", InputProblem.NAME_LENGTH),
        ("1.", InputProblem.NAME_LETTERS),
        ("A1", InputProblem.NAME_LETTERS),
        ("-- 42 --", InputProblem.NAME_LETTERS),
    ],
)
def test_a_name_needs_two_characters_and_two_letters(text: str, problem: InputProblem) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_name(text)
    assert caught.value.problem is problem


def test_phones_compare_in_one_form() -> None:
    typed = parse_phone("138 0013 8000", "CN")
    shared = contact_phone("8613800138000")
    assert phone_key(typed) == phone_key(shared) == phone_key("+86 138-0013-8000")
    assert phone_key(typed) == "+8613800138000"
