"""Every catalog is complete, keeps the placeholders, and formats money for its locale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.numbers import format_currency

from bot.domain.models import Language
from bot.i18n import CATALOG_NAMES, LOCALES_DIR, I18n

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
CATALOGS = sorted(LOCALES_DIR.glob("*/LC_MESSAGES/orderdesk.po"))
TEMPLATE = LOCALES_DIR / "orderdesk.pot"


def test_every_language_has_a_catalog() -> None:
    assert {p.parent.parent.name for p in CATALOGS} == set(CATALOG_NAMES.values())


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_catalog_is_complete_and_keeps_placeholders(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    missing = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id} - {
        m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id
    }
    assert not missing, f"not in {path}: {sorted(missing)[:5]} (run make update)"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        if len(strings) != catalog.num_plurals and isinstance(message.id, tuple):
            problems.append(f"{len(strings)} plural forms, want {catalog.num_plurals}: {ids[0]!r}")
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for text in strings:
            # A plural form may leave the count out ("one item"), but never invent a name.
            if not set(PLACEHOLDER.findall(text)) <= wanted:
                problems.append(f"unknown placeholder in {text!r}")
            if not isinstance(message.id, tuple) and set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} → {text!r}")
    assert not problems, "\n".join(problems[:20])


def test_money_and_dates_follow_the_locale() -> None:
    from zoneinfo import ZoneInfo

    i18n = I18n("CNY", ZoneInfo("Asia/Shanghai"))
    assert i18n.texts(Language.EN).money(123456) == "CN¥1,234.56"
    assert i18n.texts(Language.ZH).money(123456) == "¥1,234.56"
    assert i18n.texts(Language.RU).money(123456).replace("\xa0", " ") == "1 234,56 CN¥"
    assert i18n.texts(Language.ZH)._("Your orders") != "Your orders"
    assert i18n.texts(Language.RU)._("Your orders") != "Your orders"


def test_an_amount_is_formatted_once_and_the_kept_ones_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from zoneinfo import ZoneInfo

    import bot.i18n

    calls: list[object] = []

    def counted(*args: object, **kwargs: object) -> str:
        calls.append(args[0])
        return format_currency(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.i18n, "format_currency", counted)
    monkeypatch.setattr(bot.i18n, "AMOUNTS_KEPT", 3)
    i18n = I18n("CNY", ZoneInfo("Asia/Shanghai"))
    en, ru = i18n.texts(Language.EN), i18n.texts(Language.RU)
    assert [en.money(123456) for _ in range(3)] == ["CN¥1,234.56"] * 3
    assert ru.money(123456).replace("\xa0", " ") == "1 234,56 CN¥"  # each language its own
    assert len(calls) == 2
    # Time zones do not change an amount: the Texts of a language share those kept.
    assert i18n.texts(Language.EN, "Europe/Moscow").money(123456) == "CN¥1,234.56"
    assert len(calls) == 2
    # Past the bound, amounts are still right, only no longer kept.
    assert [en.money(n) for n in (1, 2, 3, 4, 4)] == [
        "CN¥0.01", "CN¥0.02", "CN¥0.03", "CN¥0.04", "CN¥0.04"
    ]  # fmt: skip
    # 1 and 2 are kept beside 123456; then the bound is reached: 4 is formatted each time.
    assert len(calls) == 2 + 5
    assert [en.money(n) for n in (1, 2)] == ["CN¥0.01", "CN¥0.02"] and len(calls) == 7
