"""Translations and locale-aware formatting: the edge turns enums and numbers into text here."""

from __future__ import annotations

import datetime as dt
import gettext
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, get_currency_precision
from babel.support import Translations

from bot.domain.models import Language

DOMAIN = "orderdesk"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
# Folder of each language's catalog under locales/, and the Babel locale used for formatting.
CATALOG_NAMES = {Language.EN: "en", Language.ZH: "zh_Hans", Language.RU: "ru"}
BABEL_LOCALES = {Language.EN: "en", Language.ZH: "zh_Hans_CN", Language.RU: "ru_RU"}
LANGUAGE_NAMES = {Language.EN: "English", Language.ZH: "简体中文", Language.RU: "Русский"}


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; it is translated where shown."""
    return message


class MissingCatalog(Exception):
    """A compiled catalog (.mo) is missing: run `make compile`."""


class Texts:
    """Everything a handler needs to speak one person's language."""

    def __init__(
        self,
        language: Language,
        translations: gettext.NullTranslations,
        currency: str,
        zone: ZoneInfo,
    ) -> None:
        self.language = language
        self.locale = Locale.parse(BABEL_LOCALES[language])
        self._t = translations
        self.currency = currency
        self.zone = zone
        self._digits = int(get_currency_precision(currency))

    def _(self, message: str) -> str:
        """Translate a message."""
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a message whose form depends on a count."""
        return self._t.ngettext(singular, plural, n)

    def money(self, minor: int) -> str:
        """An amount in minor units, formatted for the reader."""
        return format_currency(
            Decimal(minor).scaleb(-self._digits), self.currency, locale=self.locale
        )

    def date(self, value: dt.date) -> str:
        """A date, formatted for the reader."""
        return format_date(value, "medium", locale=self.locale)

    def datetime(self, value: dt.datetime) -> str:
        """A moment, in the reader's time zone."""
        return format_datetime(value.astimezone(self.zone), "short", locale=self.locale)

    def weekday_date(self, value: dt.date) -> str:
        """A short date with its weekday, for date buttons."""
        return format_skeleton("MMMEd", value, locale=self.locale)


class I18n:
    """All catalogs, loaded once at start-up."""

    def __init__(self, currency: str, zone: ZoneInfo, folder: Path = LOCALES_DIR) -> None:
        self._currency = currency
        self._zone = zone
        self._catalogs: dict[Language, gettext.NullTranslations] = {}
        for language, name in CATALOG_NAMES.items():
            if language is Language.EN and not (folder / name).exists():
                self._catalogs[language] = gettext.NullTranslations()
                continue
            mo = folder / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if not mo.is_file():
                raise MissingCatalog(f"{mo} is missing: run `make compile`")
            self._catalogs[language] = Translations.load(str(folder), [name], DOMAIN)
        self._cache: dict[tuple[Language, str], Texts] = {}

    def texts(self, language: Language, zone: str | None = None) -> Texts:
        """The texts of a language, with times shown in a zone (the business's by default)."""
        key = (language, zone or "")
        found = self._cache.get(key)
        if found is None:
            found = Texts(
                language,
                self._catalogs[language],
                self._currency,
                ZoneInfo(zone) if zone else self._zone,
            )
            self._cache[key] = found
        return found
