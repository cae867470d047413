"""Meetings a pair plans: the days and times offered, what a person may type for them, and when
the reminder and the day-after question are due. Plain data, no Telegram types and no SQL."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.model.pairs import Side

PLAN_DAYS = 21  # a meeting is planned for one of the next 21 days, today included
FIRST_DAYS = 7  # days offered as buttons at once; "Later" shows the rest
DURATION = timedelta(hours=1)
SLOT = timedelta(minutes=30)
# A check-in due this close before a planned meeting waits until after it.
CHECKIN_NEAR = timedelta(days=2)
# A date typed without a year that lies this little behind today is a past date, not next year's.
PAST_WITHOUT_YEAR = timedelta(days=180)
PLACE_MAX = 200
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
TIME_TEXT = re.compile(r"(\d{1,2})(?:\s*[:.h]\s*(\d{1,2}))?")
NUMERIC_DAY = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})(?:\s*[./-]\s*(\d{2}|\d{4}))?\.?")
ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
NAMED_DAY = re.compile(r"(\d{1,2})\.?\s+([^\W\d_]+)\.?(?:\s+(\d{4}))?")
NAMED_DAY_FIRST = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?")


class Mode(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class NoticeKind(StrEnum):
    """What one message about a meeting to one person is."""

    PLANNED = "planned"  # the confirmation, with the calendar file
    MOVED = "moved"  # the new time, with the calendar file of a higher SEQUENCE
    CANCELLED = "cancelled"  # the calendar file that removes it
    REMINDER = "reminder"  # the day before
    ASK = "ask"  # the day after: did you meet?


CONFIRMATIONS = frozenset({NoticeKind.PLANNED, NoticeKind.MOVED, NoticeKind.CANCELLED})


class NoticeStatus(StrEnum):
    DUE = "due"
    PENDING = "pending"  # being sent: recorded before the send, so a crash resends it
    SENT = "sent"
    DROPPED = "dropped"  # no longer worth sending (the meeting moved, was cancelled or is over)


class NotHeld(StrEnum):
    """Why a planned meeting did not happen."""

    CANCELLED = "cancelled"
    MOVED = "moved"
    NO_SHOW = "no_show"


class Step(StrEnum):
    """Where a person is in planning a meeting: what they choose or type next."""

    DAY = "day"
    TIME = "time"
    MODE = "mode"
    PLACE = "place"


class Problem(StrEnum):
    """Why a typed day or time cannot be a meeting's."""

    NOT_A_DAY = "not_a_day"
    NOT_A_TIME = "not_a_time"
    IMPOSSIBLE_TIME = "impossible_time"  # "25:00"
    PAST = "past"
    TOO_FAR = "too_far"


@dataclass(frozen=True)
class Meeting:
    id: int
    pair_id: int
    uid: str  # the calendar's UID: the same for every version of this meeting
    sequence: int  # raised by each move and the cancellation
    starts_at: datetime
    mode: Mode
    place: str | None
    status: MeetingStatus
    planned_by: int | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + DURATION


@dataclass(frozen=True)
class Notice:
    """One message about a meeting to one person, due at a time; the row is the truth."""

    id: int
    meeting_id: int
    participant_id: int
    side: Side
    kind: NoticeKind
    sequence: int
    due_at: datetime
    status: NoticeStatus
    answer: str | None  # of the day-after question: 'yes' or 'no'
    reason: NotHeld | None


@dataclass(frozen=True)
class Draft:
    """A meeting being planned (or moved) by one person, one step at a time."""

    id: int
    participant_id: int
    pair_id: int
    meeting_id: int | None  # the meeting being moved; None for a new one
    day: date | None
    at: time | None
    mode: Mode | None
    step: Step


def offered_days(today: date) -> list[date]:
    """The days a meeting can be planned for: today and the next 20."""
    return [today + timedelta(days=n) for n in range(PLAN_DAYS)]


def slots(start: time, end: time) -> list[time]:
    """Every half hour from `start` up to, not including, `end`."""
    found, moment = [], datetime.combine(date.min, start)
    while moment.time() < end and moment.date() == date.min:
        found.append(moment.time())
        moment += SLOT
    return found


def parse_time(text: str) -> time | Problem:
    """A typed time of day: "17:30", "17.30", "9", "٥:٣٠"."""
    match = TIME_TEXT.fullmatch(text.translate(DIGITS).strip())
    if match is None:
        return Problem.NOT_A_TIME
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return Problem.IMPOSSIBLE_TIME
    return time(hour, minute)


def parse_day(text: str, today: date, months: Mapping[str, int]) -> date | Problem:
    """A typed date: "24.12", "24/12/2026", "2026-12-24", "24. december", "December 24" or
    "24 ديسمبر", month names by `months` (lower case, in every language the bot speaks)."""
    cleaned = text.translate(DIGITS).strip().lower()
    found = _numeric_day(cleaned) or _named_day(cleaned, months)
    if found is None:
        return Problem.NOT_A_DAY
    year, month, day = found
    try:
        result = date(year or today.year, month, day)
    except ValueError:
        return Problem.NOT_A_DAY
    if year is None and result < today and today - result > PAST_WITHOUT_YEAR:
        result = _next_year(result)
    return day_problem(result, today) or result


def _numeric_day(text: str) -> tuple[int | None, int, int] | None:
    if iso := ISO_DAY.fullmatch(text):
        return int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    if numeric := NUMERIC_DAY.fullmatch(text):
        return _year(numeric.group(3)), int(numeric.group(2)), int(numeric.group(1))
    return None


def _named_day(text: str, months: Mapping[str, int]) -> tuple[int | None, int, int] | None:
    if named := NAMED_DAY.fullmatch(text):
        day, month, year = named.group(1), named.group(2), named.group(3)
    elif named := NAMED_DAY_FIRST.fullmatch(text):
        month, day, year = named.group(1), named.group(2), named.group(3)
    else:
        return None
    number = months.get(month.rstrip("."))
    return None if number is None else (_year(year), number, int(day))


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def day_problem(day: date, today: date) -> Problem | None:
    """Whether a meeting can be planned for `day`."""
    if day < today:
        return Problem.PAST
    if day >= today + timedelta(days=PLAN_DAYS):
        return Problem.TOO_FAR
    return None


def starts_at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The moment a meeting starts, in the programme's time zone."""
    return datetime.combine(day, at, tzinfo=zone)


def start_problem(start: datetime, now: datetime) -> Problem | None:
    """A meeting starts in the future (today's earlier hours are past too)."""
    return Problem.PAST if start <= now else None


def reminder_due(start: datetime, opening: time, zone: ZoneInfo) -> datetime:
    """The day before the meeting, at the opening of the daytime window."""
    local = start.astimezone(zone)
    return datetime.combine(local.date() - timedelta(days=1), opening, tzinfo=zone)


def ask_due(start: datetime, opening: time, zone: ZoneInfo) -> datetime:
    """The day after the meeting, at the opening of the daytime window."""
    local = start.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), opening, tzinfo=zone)


def wants_reminder(start: datetime, planned_at: datetime, zone: ZoneInfo) -> bool:
    """A reminder the day before, for a meeting planned before that day."""
    return start.astimezone(zone).date() > planned_at.astimezone(zone).date()


def check_in_waits_until(now: datetime, meeting_start: datetime) -> datetime | None:
    """When a check-in due now waits for a planned meeting: until its end; None: it does not."""
    end = meeting_start + DURATION
    if meeting_start - CHECKIN_NEAR <= now < end:
        return end
    return None
