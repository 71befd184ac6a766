"""Translations and locale-aware formatting: the edge turns enums and numbers into text here."""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal, get_currency_precision
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


def fill(template: str, values: Mapping[str, object]) -> str:
    """Values put into a message; one ending in a full stop ("2027 г.") absorbs the next."""
    for key, value in values.items():
        if isinstance(value, str) and value.endswith("."):
            template = template.replace(f"%({key})s.", f"%({key})s")
    return template % values


# Carriers' usual names, marked for the catalogs: Texts.carrier translates these (and only
# these: a name the warehouse typed is shown as typed); others are named in the configuration.
CARRIERS = frozenset({N_("Courier"), N_("Our van"), N_("Pickup"), N_("Post")})


AMOUNTS_KEPT = 10_000  # formatted amounts remembered per language (~2.5 MB each at most)


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
        carrier_names: Mapping[str, Mapping[Language, str]] | None = None,
        folder: Path = LOCALES_DIR,
        amounts: dict[int, str] | None = None,
    ) -> None:
        """amounts: formatted amounts to keep, shared by the Texts of one language and
        currency (its time zones)."""
        self.language = language
        self.folder = folder
        self.locale = Locale.parse(BABEL_LOCALES[language])
        self._t = translations
        self.currency = currency
        self.zone = zone
        self._digits = int(get_currency_precision(currency))
        self._carriers = carrier_names or {}
        self._amounts = {} if amounts is None else amounts  # prices repeat on every screen

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled as its language and settings (a catalog does not pickle): a worker process
        (bot/runtime/offload.py) loads the catalogs once and gives the same texts."""
        carriers = tuple((name, tuple(by.items())) for name, by in self._carriers.items())
        return _texts, (self.language, self.currency, self.zone.key, carriers, self.folder)

    def _(self, message: str) -> str:
        """Translate a message."""
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a message whose form depends on a count."""
        return self._t.ngettext(singular, plural, n)

    def money(self, minor: int) -> str:
        """An amount in minor units, formatted for the reader (Babel takes ~30 µs an amount:
        the first AMOUNTS_KEPT amounts formatted are kept, later ones formatted each time)."""
        text = self._amounts.get(minor)
        if text is None:
            text = format_currency(
                Decimal(minor).scaleb(-self._digits), self.currency, locale=self.locale
            )
            if len(self._amounts) < AMOUNTS_KEPT:
                self._amounts[minor] = text
        return text

    def number(self, value: int | Decimal) -> str:
        """A count or quantity, grouped for the reader (10,000; 10 000)."""
        return format_decimal(value, locale=self.locale)

    def date(self, value: dt.date) -> str:
        """A date, formatted for the reader (never all digits: 5 Dec 2026, not 12/5/26)."""
        return format_date(value, "medium", locale=self.locale)

    def datetime(self, value: dt.datetime) -> str:
        """A moment, in the reader's time zone: the medium date and the short time."""
        local = value.astimezone(self.zone)
        pattern = str(self.locale.datetime_formats["medium"])
        return pattern.replace("{1}", self.date(local.date())).replace(
            "{0}", format_time(local, "short", locale=self.locale)
        )

    def carrier(self, name: str) -> str:
        """A carrier's name: configured for the reader's language, else a usual one translated,
        else as typed."""
        names = self._carriers.get(name)
        if names:
            return names.get(self.language) or names.get(Language.EN) or name
        return self._(name) if name in CARRIERS else name

    def weekday_date(self, value: dt.date) -> str:
        """A short date with its weekday, for date buttons."""
        return format_skeleton("MMMEd", value, locale=self.locale)


class I18n:
    """All catalogs, loaded once at start-up."""

    def __init__(
        self,
        currency: str,
        zone: ZoneInfo,
        folder: Path = LOCALES_DIR,
        carrier_names: Mapping[str, Mapping[Language, str]] | None = None,
    ) -> None:
        self._currency = currency
        self._zone = zone
        self._carrier_names = carrier_names or {}
        self._folder = folder
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
        self._amounts: dict[Language, dict[int, str]] = {language: {} for language in Language}

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
                self._carrier_names,
                self._folder,
                self._amounts[language],
            )
            self._cache[key] = found
        return found


@lru_cache(maxsize=8)
def _catalogs(
    currency: str,
    zone: str,
    carriers: tuple[tuple[str, tuple[tuple[Language, str], ...]], ...],
    folder: Path,
) -> I18n:
    """The catalogs a worker process loaded for these settings (once)."""
    names = {name: dict(by) for name, by in carriers}
    return I18n(currency, ZoneInfo(zone), folder, carrier_names=names)


def _texts(
    language: Language,
    currency: str,
    zone: str,
    carriers: tuple[tuple[str, tuple[tuple[Language, str], ...]], ...],
    folder: Path,
) -> Texts:
    """Texts rebuilt from their pickled settings (Texts.__reduce__)."""
    return _catalogs(currency, zone, carriers, folder).texts(language, zone)
