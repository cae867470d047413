"""Dates and times as people type them, in every language of the language table, and the
day-before and day-after moments of reminders and questions (bot/model/when.py); a meeting's
day typed in Ukrainian and in Persian, through the bot."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_month_names

from bot.i18n import LANGUAGE_NAMES, month_numbers, translator
from bot.model.checkins import Window
from bot.model.languages import CODES
from bot.model.when import (
    WhenProblem,
    day_after,
    day_before,
    parse_day,
    parse_moment,
    parse_time,
    word,
)
from sandbox import SimulatedUser
from tests.scenarios import matched, visible

ZONE = ZoneInfo("Europe/Copenhagen")
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
MONTHS = month_numbers()
HALF_A_YEAR = timedelta(days=180)


def test_every_month_name_of_every_language_in_the_table() -> None:
    for code in CODES:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, "format", code).items():
                assert MONTHS[word(name)] == number, (code, name)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("28.11", date(2026, 11, 28)),
        ("28/11", date(2026, 11, 28)),
        ("28 / 11", date(2026, 11, 28)),
        ("28-11-2026", date(2026, 11, 28)),
        ("28.11.26", date(2026, 11, 28)),
        ("2026-11-28", date(2026, 11, 28)),
        ("1. december", date(2026, 12, 1)),  # Danish
        ("1. dec.", date(2026, 12, 1)),
        ("December 1", date(2026, 12, 1)),  # English
        ("December 1, 2026", date(2026, 12, 1)),
        ("1 Dec 2026", date(2026, 12, 1)),
        ("١ ديسمبر", date(2026, 12, 1)),  # Arabic, with Arabic digits
        ("1 грудня", date(2026, 12, 1)),  # Ukrainian
        ("1 груд. 2026 р.", date(2026, 12, 1)),
        ("۱ دسامبر", date(2026, 12, 1)),  # Persian, with Persian digits
        ("۱ ژانويه", date(2027, 1, 1)),  # Persian typed with an Arabic yeh
        ("۱۴/۱/۲۰۲۷", date(2027, 1, 14)),
        (" 23.11 ", TODAY),
    ],
)
def test_a_typed_date_in_any_of_the_bots_languages(typed: str, day: date) -> None:
    assert parse_day(typed, TODAY, MONTHS) == day


def test_a_date_without_a_year_is_this_years_unless_it_lies_too_far_behind() -> None:
    assert parse_day("3.1", date(2026, 12, 20), MONTHS) == date(2027, 1, 3)
    assert parse_day("14. januar", date(2026, 12, 30), MONTHS) == date(2027, 1, 14)
    # Yesterday is yesterday for a meeting, which says it is past; next year's for the course.
    assert parse_day("22.11", TODAY, MONTHS, recent=HALF_A_YEAR) == date(2026, 11, 22)
    assert parse_day("22.11", TODAY, MONTHS) == date(2027, 11, 22)
    # 29 February only where there is one.
    assert parse_day("29.2", date(2027, 3, 1), MONTHS) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("31.11", WhenProblem.IMPOSSIBLE_DATE),
        ("29.02", WhenProblem.IMPOSSIBLE_DATE),  # neither this February nor the next has one
        ("1. brumaire", WhenProblem.UNREADABLE),
        ("next friday", WhenProblem.UNREADABLE),
        ("2026-11", WhenProblem.UNREADABLE),
        ("", WhenProblem.UNREADABLE),
    ],
)
def test_what_is_no_date(typed: str, problem: WhenProblem) -> None:
    assert parse_day(typed, TODAY, MONTHS) == problem


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("17:30", time(17, 30)),
        ("17.30", time(17, 30)),  # as Danes write it
        ("9", time(9)),
        ("9:05", time(9, 5)),
        ("١٧:٣٠", time(17, 30)),
        ("۱۷:۳۰", time(17, 30)),
        ("00:00", time(0)),
        ("23:59", time(23, 59)),
        ("25:00", WhenProblem.IMPOSSIBLE_TIME),
        ("12:60", WhenProblem.IMPOSSIBLE_TIME),
        ("5 pm", WhenProblem.NOT_A_TIME),
        ("noon", WhenProblem.NOT_A_TIME),
    ],
)
def test_a_typed_time(typed: str, found: time | WhenProblem) -> None:
    assert parse_time(typed) == found


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("14.1.2027 17:00", datetime(2027, 1, 14, 17, 0, tzinfo=ZONE)),
        ("14/1/27 17.30", datetime(2027, 1, 14, 17, 30, tzinfo=ZONE)),
        ("2027-01-14 09:05", datetime(2027, 1, 14, 9, 5, tzinfo=ZONE)),
        ("January 14, 2027 at 17:30", datetime(2027, 1, 14, 17, 30, tzinfo=ZONE)),
        ("14. januar kl. 17.00", datetime(2027, 1, 14, 17, 0, tzinfo=ZONE)),
        ("14 jan. 2027 kl. 17.00", datetime(2027, 1, 14, 17, 0, tzinfo=ZONE)),
        ("14 يناير ٢٠٢٧ الساعة ١٧:٠٠", datetime(2027, 1, 14, 17, 0, tzinfo=ZONE)),
        ("١٤/١/٢٠٢٧ ١٧:٠٠", datetime(2027, 1, 14, 17, 0, tzinfo=ZONE)),
        ("14 січня 2027 о 17:00", datetime(2027, 1, 14, 17, 0, tzinfo=ZONE)),
        ("14 січня 2027 р., 17:00", datetime(2027, 1, 14, 17, 0, tzinfo=ZONE)),
        ("۱۴ ژانویه ۲۰۲۷ ساعت ۱۷:۰۰", datetime(2027, 1, 14, 17, 0, tzinfo=ZONE)),
        ("۱۴/۱/۲۰۲۷ ۱۷:۰۰", datetime(2027, 1, 14, 17, 0, tzinfo=ZONE)),
        ("20.11 10:00", datetime(2027, 11, 20, 10, 0, tzinfo=ZONE)),  # no year: the next one
        ("1.11.2026 17:00", WhenProblem.PAST),
        ("23.11.2026 10:00", WhenProblem.PAST),  # this very moment
        ("14.1.2027 24:00", WhenProblem.IMPOSSIBLE_TIME),
        ("14.1.2027 17:60", WhenProblem.IMPOSSIBLE_TIME),
        ("29.2.2027 17:00", WhenProblem.IMPOSSIBLE_DATE),
        ("14.13.2027 17:00", WhenProblem.IMPOSSIBLE_DATE),
        ("14.1.2027", WhenProblem.NO_TIME),
        ("tomorrow 17:00", WhenProblem.UNREADABLE),
        ("14 15 januar 17:00", WhenProblem.UNREADABLE),
    ],
)
def test_a_typed_date_and_time(typed: str, read: datetime | WhenProblem) -> None:
    assert parse_moment(typed, NOW, ZONE, MONTHS) == read


def test_the_day_before_and_the_day_after_at_the_windows_opening() -> None:
    window = Window(time(10), time(18), weekends=True, zone=ZONE)
    start = datetime(2026, 11, 28, 17, 30, tzinfo=ZONE)
    assert day_before(start, window) == datetime(2026, 11, 27, 10, tzinfo=ZONE)
    assert day_after(start, window) == datetime(2026, 11, 29, 10, tzinfo=ZONE)
    # A meeting at 00:30 in Copenhagen is on the 28th there, though on the 27th in UTC.
    night = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert day_before(night, window).date() == date(2026, 11, 27)


# -- through the bot ---------------------------------------------------------------------------


async def speaks(person: SimulatedUser, language: str) -> None:
    """The person switches the bot to `language`."""
    await person.send("/language")
    await person.next_message()
    await person.press(LANGUAGE_NAMES[language])
    await person.next_messages(2)  # the confirmation, and where the person stands


async def test_a_meeting_day_typed_in_ukrainian_and_in_persian(emulator, bot) -> None:
    # The bot's clock starts on Monday 23 November 2026, 10:00 in Copenhagen.
    _, mentor, mentee = await matched(emulator)
    for person, language, typed, day in (
        (mentee, "uk", "28 листопада", date(2026, 11, 28)),
        (mentor, "fa", "۱ دسامبر", date(2026, 12, 1)),
    ):
        t = translator(language)
        await speaks(person, language)
        await person.send("/meeting")
        await person.next_message()
        await person.send(typed)
        assert visible((await person.next_message()).text).startswith(t.date(day, "full"))
        await person.send("۱۷:۳۰" if language == "fa" else "17:30")
        assert (await person.next_message()).text == t.gettext("How will you meet?")
