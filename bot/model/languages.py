"""The languages the bot speaks: the one table every list of languages reads.

Adding a language is one line here plus its catalog (see the README's Languages section).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.model.msgids import N_


class Direction(StrEnum):
    LEFT_TO_RIGHT = "ltr"
    RIGHT_TO_LEFT = "rtl"


@dataclass(frozen=True)
class Language:
    """One language: its catalog's code, its name in itself (the language buttons), its name as
    a msgid (questionnaire options, coordinator texts), its direction, how many plural forms its
    catalog has, and the Telegram `language_code`s (primary subtags) that mean it."""

    code: str
    name: str
    msgid: str
    direction: Direction
    plural_forms: int
    telegram_codes: tuple[str, ...]

    @property
    def right_to_left(self) -> bool:
        return self.direction is Direction.RIGHT_TO_LEFT


LTR, RTL = Direction.LEFT_TO_RIGHT, Direction.RIGHT_TO_LEFT
LANGUAGES = (
    Language("da", "Dansk", N_("Danish"), LTR, 2, ("da",)),
    Language("en", "English", N_("English"), LTR, 2, ("en",)),
    Language("ar", "العربية", N_("Arabic"), RTL, 6, ("ar",)),
    Language("uk", "Українська", N_("Ukrainian"), LTR, 3, ("uk",)),
    # Persian, offered to Dari readers too: Telegram apps set "prs" for Dari.
    Language("fa", "فارسی / دری", N_("Persian / Dari"), RTL, 2, ("fa", "prs")),
)
DANISH = "da"
CODES = tuple(language.code for language in LANGUAGES)
BY_CODE = {language.code: language for language in LANGUAGES}
_BY_TELEGRAM_CODE = {
    code: language.code for language in LANGUAGES for code in language.telegram_codes
}


def language_of_telegram_code(language_code: str | None) -> str | None:
    """The language for Telegram's `language_code` ("ar-EG" → "ar", "prs" → "fa"), or None."""
    if not language_code:
        return None
    primary = language_code.replace("_", "-").split("-")[0].lower()
    return _BY_TELEGRAM_CODE.get(primary)
