"""Dates and times as people type them, in every language the bot speaks; and the day-before
and day-after moments of reminders and follow-up questions. Pure: the month names come in
as a mapping (bot/i18n.py builds it from Babel), the time zone and "now" as arguments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.model.checkins import Window

# Digits as Arabic and Persian keyboards type them.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Arabic and Persian keyboards write yeh and kaf differently: one form for both.
LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u200c": ""})
# Words around a typed date and time that say nothing ("kl. 17:00", "at 17:00", "o 17:00").
FILLERS = frozenset(
    {"kl", "klokken", "at", "on", "the", "den", "d", "الساعة", "في", "يوم"}
    | {"о", "об", "р", "року"}  # Ukrainian: "о 17:00", "2027 р."
    | {"ساعت", "روز", "در"}  # Persian: "ساعت ۱۷:۰۰"
)
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
# A time typed alone: "17:30", "17.30", "17h30", "9".
TIME_ALONE = re.compile(r"(\d{1,2})(?:\s*[:.h]\s*(\d{1,2}))?")
NUMERIC_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})(?:[./-](\d{2,4}))?$")
# "28 / 11" as "28/11".
SPACED_SEPARATOR = re.compile(r"(?<=\d)\s*([./-])\s*(?=\d)")


class WhenProblem(StrEnum):
    """Why a typed date or time was not taken."""

    UNREADABLE = "unreadable"  # no date in it
    NOT_A_TIME = "not_a_time"  # a time typed alone that is none
    NO_TIME = "no_time"  # a date without the time it needs
    IMPOSSIBLE_TIME = "impossible_time"  # "25:00"
    IMPOSSIBLE_DATE = "impossible_date"  # "31.11"
    PAST = "past"
    TOO_FAR = "too_far"  # later than the caller offers


def word(text: str) -> str:
    """A word as dates are compared: lower case, one form of Arabic and Persian letters,
    without a final dot ("Jan." and "jan" are one word)."""
    return text.casefold().translate(LETTERS).strip(".")


def parse_time(text: str) -> time | WhenProblem:
    """A typed time of day: "17:30", "17.30", "17h30", "9", "٥:٣٠"."""
    match = TIME_ALONE.fullmatch(text.translate(DIGITS).strip())
    if match is None:
        return WhenProblem.NOT_A_TIME
    return _time(int(match.group(1)), int(match.group(2) or 0))


def parse_day(
    text: str, today: date, months: Mapping[str, int], *, recent: timedelta = timedelta(0)
) -> date | WhenProblem:
    """A typed date: "24.12", "24/12/2026", "2026-12-24", "24. december", "December 24, 2026",
    "24 ديسمبر", "24 грудня", "۲۴ دسامبر". Without a year: this year's day, unless it lies
    more than `recent` behind today; then next year's."""
    return _day(_words(text), today, months, recent)


def parse_moment(
    text: str, now: datetime, zone: ZoneInfo, months: Mapping[str, int]
) -> datetime | WhenProblem:
    """A typed date and time ("14.1.2027 17:00", "14. januar kl. 17.00", "14 يناير ١٧:٠٠") as a
    moment in `zone` that is still to come; without a year, the next such day."""
    words = _words(text)
    times = [each for each in words if TIME.match(each)]
    if not times:
        return WhenProblem.NO_TIME
    hour, minute = (int(part) for part in TIME.match(times[-1]).groups())  # type: ignore[union-attr]
    at = _time(hour, minute)
    if isinstance(at, WhenProblem):
        return at
    today = now.astimezone(zone).date()
    day = _day([each for each in words if each != times[-1]], today, months, timedelta(0))
    if isinstance(day, WhenProblem):
        return day
    moment = datetime.combine(day, at, tzinfo=zone)
    return WhenProblem.PAST if moment <= now else moment


def day_before(start: datetime, window: Window) -> datetime:
    """When a reminder of `start` is due: the window's opening on the day before (in the
    window's time zone)."""
    return _opening(start, -1, window)


def day_after(start: datetime, window: Window) -> datetime:
    """When a question after `start` is due: the window's opening on the day after."""
    return _opening(start, 1, window)


def _opening(start: datetime, days: int, window: Window) -> datetime:
    local_day = start.astimezone(window.zone).date() + timedelta(days=days)
    return datetime.combine(local_day, window.start, tzinfo=window.zone)


def _words(text: str) -> list[str]:
    """The words of a typed date and time, without punctuation and fillers."""
    cleaned = SPACED_SEPARATOR.sub(r"\1", text.translate(DIGITS))
    words = (word(each) for each in cleaned.replace(",", " ").replace("،", " ").split())
    return [each for each in words if each and each not in FILLERS]


def _time(hour: int, minute: int) -> time | WhenProblem:
    if hour > 23 or minute > 59:
        return WhenProblem.IMPOSSIBLE_TIME
    return time(hour, minute)


def _day(
    words: list[str], today: date, months: Mapping[str, int], recent: timedelta
) -> date | WhenProblem:
    """The date in the words: one numeric date, or a month's name with a day and maybe a year."""
    if len(words) == 1 and (numeric := NUMERIC_DATE.match(words[0])):
        first, second, third = numeric.groups()
        if len(first) == 4:  # 2027-01-14
            if third is None:
                return WhenProblem.UNREADABLE
            return _date(int(first), int(second), int(third), today, recent)
        return _date(_year(third), int(second), int(first), today, recent)
    named = [months[each] for each in words if each in months]
    numbers = [each for each in words if each.isdigit()]
    if len(named) != 1 or len(numbers) + 1 != len(words) or not 1 <= len(numbers) <= 2:
        return WhenProblem.UNREADABLE
    days = [int(n) for n in numbers if len(n) <= 2]
    years = [int(n) for n in numbers if len(n) == 4]
    if len(days) != 1 or len(years) != len(numbers) - 1:
        return WhenProblem.UNREADABLE
    return _date(years[0] if years else None, named[0], days[0], today, recent)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return 2000 + year if year < 100 else year


def _date(
    year: int | None, month: int, day: int, today: date, recent: timedelta
) -> date | WhenProblem:
    """The day; without a year this year's or next year's, the first not more than `recent`
    behind today (29 February only where there is one)."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return WhenProblem.IMPOSSIBLE_DATE
    for candidate_year in (today.year, today.year + 1):
        try:
            found = date(candidate_year, month, day)
        except ValueError:
            continue
        if found >= today - recent:
            return found
    return WhenProblem.IMPOSSIBLE_DATE
