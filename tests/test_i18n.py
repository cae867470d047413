from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import guess_language, translator


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("da", "da"),
        ("en-GB", "en"),
        ("ar", "ar"),
        ("ar_EG", "ar"),
        ("uk", "uk"),
        ("fa", "fa"),
        ("prs", "fa"),  # Dari
        ("ru", "da"),
        ("de", "da"),
        (None, "da"),
    ],
)
def test_language_is_guessed_from_telegram_or_falls_back(code: str | None, expected: str) -> None:
    assert guess_language(code, "da") == expected


def test_unknown_language_falls_back_to_the_configured_default() -> None:
    assert guess_language("ru", "en") == "en"


def test_each_language_translates() -> None:
    assert translator("da").gettext("Welcome back!") == "Velkommen tilbage!"
    assert translator("en").gettext("Welcome back!") == "Welcome back!"
    assert translator("ar").gettext("Welcome back!") == "أهلًا بعودتك!"


def test_numbers_and_dates_follow_the_locale() -> None:
    assert translator("da").number(1234.5) == "1.234,5"
    assert translator("en").number(1234.5) == "1,234.5"
    assert translator("da").date(date(2026, 11, 23)) == "23. november 2026"
    assert "نوفمبر" in translator("ar").date(date(2026, 11, 23))
    moment = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert "10.00" in translator("da").datetime(moment, ZoneInfo("Europe/Copenhagen"))
    assert translator("uk").date(date(2026, 11, 23)) == "23 листопада 2026\u202fр."
    assert translator("fa").number(1234.5) == "1,234.5"  # the digits the texts use, too
    assert "نوامبر" in translator("fa").date(date(2026, 11, 23))


def test_a_day_and_time_read_the_same_for_meetings_courses_and_records() -> None:
    """One helper: the day in Babel's form, the time of day, joined as each language says it."""
    moment = datetime(2027, 1, 14, 16, 0, tzinfo=UTC)
    zone = ZoneInfo("Europe/Copenhagen")
    assert translator("en").moment(moment, zone) == "Thursday, January 14, 2027 at 5:00\u202fPM"
    assert translator("da").moment(moment, zone) == "torsdag den 14. januar 2027 kl. 17.00"
    assert translator("da").moment(moment, zone, "medium") == "14. jan. 2027 kl. 17.00"
    assert translator("en").moment(moment, zone, "long") == "January 14, 2027 at 5:00\u202fPM"
    for language, joined in (("ar", "الساعة"), ("uk", " о "), ("fa", "ساعت")):
        assert joined in translator(language).moment(moment, zone)


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_right_to_left_languages_keep_commands_left_to_right(language: str) -> None:
    text = translator(language).gettext("Type /help to see what I can do.")
    assert "\u2066/help\u2069" in text
    assert translator("en").gettext("Type /help to see what I can do.").count("\u2066") == 0


def test_arabic_plural_has_six_forms_and_all_are_translated() -> None:
    t = translator("ar")
    for n in (0, 1, 2, 3, 11, 100):
        text = t.ngettext("({count} has blocked the bot)", "({count} have blocked the bot)", n)
        assert "{count}" in text
        assert "blocked" not in text
