"""Translations (gettext catalogs compiled by Babel) and locale-aware formatting."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    format_timedelta,
    get_month_names,
)
from babel.numbers import format_decimal
from babel.support import Translations

from bot.model.languages import BY_CODE, CODES, language_of_telegram_code
from bot.model.msgids import N_ as N_
from bot.model.when import word

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
SUPPORTED_LANGUAGES = CODES  # the codes of bot/model/languages.py's table, in its order
# Each language named in itself, as a person looks for it in a list.
LANGUAGE_NAMES = {code: language.name for code, language in BY_CODE.items()}

FIRST_STRONG_ISOLATE = "\u2068"
LEFT_TO_RIGHT_ISOLATE = "\u2066"
POP_DIRECTIONAL_ISOLATE = "\u2069"
RIGHT_TO_LEFT_MARK = "\u200f"
# "/help" in a sentence: a slash that starts a word, then the command's letters.
COMMAND_IN_TEXT = re.compile(r"(?<![\w/])/[a-z_]+")


class CatalogMissingError(RuntimeError):
    """The compiled catalogs (.mo) are not there: the set-up (make catalogs) did not run."""


def guess_language(language_code: str | None, default: str) -> str:
    """The supported language closest to Telegram's `language_code` (e.g. "ar-EG" → "ar",
    "prs" → "fa"); the default for any other ("ru")."""
    return language_of_telegram_code(language_code) or default


class Translator:
    """gettext and Babel formatting for one language."""

    def __init__(self, language: str, translations: Translations) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self._translations = translations
        self.right_to_left = BY_CODE[language].right_to_left
        # Reading CLDR data takes 100-250 ms: here, once, not in a handler; and the table's
        # direction had better agree with it.
        if (self.locale.character_order == "right-to-left") != self.right_to_left:
            raise ValueError(f"the language table has the wrong direction for {language}")

    def gettext(self, message: str) -> str:
        return self._bidi(self._translations.gettext(message))

    def pgettext(self, context: str, message: str) -> str:
        return self._bidi(self._translations.pgettext(context, message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._bidi(self._translations.ngettext(singular, plural, n))

    def command(self, name: str) -> str:
        """A command such as /help, kept left to right inside right-to-left text."""
        return self._bidi(f"/{name}")

    def line(self, text: str) -> str:
        """A line that should read in this language's direction even if it starts with Latin."""
        return f"{RIGHT_TO_LEFT_MARK}{text}" if self.right_to_left else text

    def _bidi(self, text: str) -> str:
        # In Arabic or Persian text, "/help" would otherwise show as "help/".
        if not self.right_to_left:
            return text
        return COMMAND_IN_TEXT.sub(
            lambda match: f"{LEFT_TO_RIGHT_ISOLATE}{match.group(0)}{POP_DIRECTIONAL_ISOLATE}", text
        )

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def date(self, value: date, form: str = "long") -> str:
        return format_date(value, form, locale=self.locale)

    def datetime(self, value: datetime, zone: tzinfo, form: str = "medium") -> str:
        return format_datetime(value, form, tzinfo=zone, locale=self.locale)

    def duration(self, value: timedelta) -> str:
        """A rounded span of time: "3 hours", "2 days"."""
        return format_timedelta(value, locale=self.locale)

    def time(self, value: time) -> str:
        """A time of day, as this language writes it ("17:30", "5:30 PM")."""
        return format_time(value, "short", locale=self.locale)

    def day(self, value: date) -> str:
        """A short day with its weekday, for a button ("Sat, Nov 28", "lør. 28. nov.")."""
        return format_skeleton("MMMEd", value, locale=self.locale)

    def moment(self, value: datetime, zone: tzinfo, form: str = "full") -> str:
        """A day (in Babel's `form`) and a time of day, in `zone`, for a meeting, a course
        session or a record: "Thursday, January 14, 2027 at 5:00 PM", "torsdag den 14. januar
        2027 kl. 17.00"."""
        local = value.astimezone(zone)
        # Joined in the catalogs: Babel's joining patterns drop the "at", "kl.", "о" people write.
        return self.gettext("{day} at {time}").format(
            day=self.date(local.date(), form), time=self.time(local.time())
        )

    def isolate(self, text: str) -> str:
        """Wrap a name or other inserted text so it keeps its own direction.

        Without it a Latin name inside an Arabic sentence (or the reverse) can reorder the
        words around it in Telegram's bidirectional layout.
        """
        return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"


@cache
def month_numbers() -> dict[str, int]:
    """Month names and abbreviations of every language the bot speaks, as bot/model/when.py
    compares words ("januar", "jan", "january", "يناير", "січня", "ژانویه"…), to 1-12: the
    months a person may type in a date."""
    names: dict[str, int] = {}
    for language in SUPPORTED_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    names.setdefault(word(name), number)
    return names


def load_all() -> None:
    """Every language's catalog and locale data, before the first update needs one."""
    for language in SUPPORTED_LANGUAGES:
        translator(language)


@cache
def translator(language: str) -> Translator:
    """The translator for a supported language, loaded once."""
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    mo_file = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo_file.exists():
        raise CatalogMissingError(
            f"{mo_file} is missing: compile the catalogs with `make catalogs`"
        )
    with mo_file.open("rb") as handle:
        return Translator(language, Translations(handle, domain=DOMAIN))
