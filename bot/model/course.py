"""The mentor course as dated sessions: seats, the waiting list, what a coordinator types.

Plain data: the service reads the rows, these rules decide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.model.checkins import Window

COURSE_LENGTH = timedelta(hours=3)  # for the calendar file
MAX_SEATS = 500
MAX_PLACE = 300
# A session's list for attendance stays open this long after it began.
ATTENDANCE_DAYS = 30

# Digits as Arabic and Persian keyboards type them.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Words around a typed date and time that say nothing ("kl. 17:00", "at 17:00", "الساعة").
FILLERS = frozenset({"kl", "klokken", "at", "on", "the", "den", "d", "الساعة", "في", "يوم"})
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
NUMERIC_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})(?:[./-](\d{2,4}))?$")


class SeatStatus(StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class News(StrEnum):
    """What a mentor still has to hear about their seat."""

    MOVED_UP = "moved_up"
    SESSION_DELETED = "session_deleted"


class DraftStep(StrEnum):
    """What a coordinator writing a new session is asked next."""

    WHEN = "when"
    PLACE = "place"
    SEATS = "seats"
    LANGUAGE = "language"


class WhenProblem(StrEnum):
    """Why a typed date and time was not taken."""

    UNREADABLE = "unreadable"
    NO_TIME = "no_time"
    IMPOSSIBLE_TIME = "impossible_time"
    IMPOSSIBLE_DATE = "impossible_date"
    PAST = "past"


@dataclass(frozen=True)
class Session:
    id: int
    starts_at: datetime | None
    place: str | None
    seats: int | None
    language: str | None
    created_by: int
    published_at: datetime | None
    deleted_at: datetime | None
    booked: int = 0
    waiting: int = 0

    @property
    def draft_step(self) -> DraftStep | None:
        """The next thing to ask while the session is a draft; None when all is given."""
        for step, value in (
            (DraftStep.WHEN, self.starts_at),
            (DraftStep.PLACE, self.place),
            (DraftStep.SEATS, self.seats),
            (DraftStep.LANGUAGE, self.language),
        ):
            if value is None:
                return step
        return None

    @property
    def full(self) -> bool:
        return self.seats is not None and self.booked >= self.seats

    def open_at(self, now: datetime) -> bool:
        """Offered to mentors: published, not deleted, not begun."""
        return (
            self.published_at is not None
            and self.deleted_at is None
            and self.starts_at is not None
            and now < self.starts_at
        )

    def begun(self, now: datetime) -> bool:
        return self.starts_at is not None and self.starts_at <= now


@dataclass(frozen=True)
class Seat:
    session_id: int
    participant_id: int
    status: SeatStatus
    queued_at: datetime
    attended: bool | None
    name: str | None = None  # the mentor's name from the screening, for the coordinators


@dataclass(frozen=True)
class SignUp:
    """A mentor's press on a session: the seat they hold now, and where on the list."""

    seat: Seat
    position: int  # on the waiting list, 1 first; 0 with a seat
    moved_up: int | None  # a mentor who got the seat given up elsewhere by this press


def reminder_due(starts_at: datetime, now: datetime, window: Window) -> bool:
    """From the day before the session, at daytime (a bot that was down at night waits for
    the morning), until it begins."""
    local_day = starts_at.astimezone(window.zone).date() - timedelta(days=1)
    due = datetime.combine(local_day, window.start, tzinfo=window.zone)
    return due <= now < starts_at and window.contains(now)


def parse_seats(text: str) -> int | None:
    """A typed number of seats, 1 to MAX_SEATS; None for anything else."""
    cleaned = text.strip().translate(DIGITS)
    if not cleaned.isdigit():
        return None
    seats = int(cleaned)
    return seats if 1 <= seats <= MAX_SEATS else None


def parse_when(
    text: str, now: datetime, zone: ZoneInfo, month_numbers: Mapping[str, int]
) -> datetime | WhenProblem:
    """A typed date and time ("14.1.2027 17:00", "14. januar kl. 17.00", "14 يناير ١٧:٠٠")
    as a moment in `zone`; without a year, the next such day. `month_numbers` maps month names
    and abbreviations of every language the bot speaks (casefolded) to 1-12."""
    words = [
        word.strip(".")
        for word in text.translate(DIGITS).casefold().replace(",", " ").split()
        if word.strip(".") not in FILLERS
    ]
    times = [word for word in words if TIME.match(word)]
    if not times:
        return WhenProblem.NO_TIME
    hour, minute = (int(part) for part in TIME.match(times[-1]).groups())  # type: ignore[union-attr]
    if hour > 23 or minute > 59:
        return WhenProblem.IMPOSSIBLE_TIME
    rest = [word for word in words if word != times[-1]]
    today = now.astimezone(zone).date()
    day = _day(rest, today, month_numbers)
    if not isinstance(day, date):
        return day
    moment = datetime.combine(day, time(hour, minute), tzinfo=zone)
    return WhenProblem.PAST if moment <= now else moment


def _day(words: list[str], today: date, month_numbers: Mapping[str, int]) -> date | WhenProblem:
    """The date in the words left once the time is taken out."""
    if len(words) == 1 and (numeric := NUMERIC_DATE.match(words[0])):
        first, second, third = numeric.groups()
        if len(first) == 4:  # 2027-01-14
            if third is None:
                return WhenProblem.UNREADABLE
            return _date(int(first), int(second), int(third), today)
        return _date(_year(third), int(second), int(first), today)
    months = [month_numbers[word] for word in words if word in month_numbers]
    numbers = [word for word in words if word.isdigit()]
    if len(months) != 1 or len(numbers) + 1 != len(words) or not 1 <= len(numbers) <= 2:
        return WhenProblem.UNREADABLE
    days = [int(n) for n in numbers if len(n) <= 2]
    years = [int(n) for n in numbers if len(n) == 4]
    if len(days) != 1 or len(years) != len(numbers) - 1:
        return WhenProblem.UNREADABLE
    return _date(years[0] if years else None, months[0], days[0], today)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return 2000 + year if year < 100 else year


def _date(year: int | None, month: int, day: int, today: date) -> date | WhenProblem:
    """The day; without a year the next one from today (this year's or next year's)."""
    try:
        if year is not None:
            return date(year, month, day)
        found = date(today.year, month, day)
        return found if found >= today else date(today.year + 1, month, day)
    except ValueError:
        return WhenProblem.IMPOSSIBLE_DATE


def clean_place(text: str) -> str | None:
    """A typed place or link, trimmed; None when empty or too long."""
    place = " ".join(text.split())
    return place if 0 < len(place) <= MAX_PLACE else None
