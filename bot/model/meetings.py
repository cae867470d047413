"""Meetings a pair plans: the days and times offered, which of them a meeting may have, and
whether a reminder is wanted (typed dates and the day-before moments: bot/model/when.py).
Plain data, no Telegram types and no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.model.pairs import Side
from bot.model.when import WhenProblem

PLAN_DAYS = 21  # a meeting is planned for one of the next 21 days, today included
FIRST_DAYS = 7  # days offered as buttons at once; "Later" shows the rest
DURATION = timedelta(hours=1)
SLOT = timedelta(minutes=30)
# A check-in due this close before a planned meeting waits until after it.
CHECKIN_NEAR = timedelta(days=2)
# A date typed without a year that lies this little behind today is a past date, not next year's.
PAST_WITHOUT_YEAR = timedelta(days=180)
PLACE_MAX = 200


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


def day_problem(day: date, today: date) -> WhenProblem | None:
    """Whether a meeting can be planned for `day`."""
    if day < today:
        return WhenProblem.PAST
    if day >= today + timedelta(days=PLAN_DAYS):
        return WhenProblem.TOO_FAR
    return None


def starts_at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The moment a meeting starts, in the programme's time zone."""
    return datetime.combine(day, at, tzinfo=zone)


def start_problem(start: datetime, now: datetime) -> WhenProblem | None:
    """A meeting starts in the future (today's earlier hours are past too)."""
    return WhenProblem.PAST if start <= now else None


def wants_reminder(start: datetime, planned_at: datetime, zone: ZoneInfo) -> bool:
    """A reminder the day before, for a meeting planned before that day."""
    return start.astimezone(zone).date() > planned_at.astimezone(zone).date()


def check_in_waits_until(now: datetime, meeting_start: datetime) -> datetime | None:
    """When a check-in due now waits for a planned meeting: until its end; None: it does not."""
    end = meeting_start + DURATION
    if meeting_start - CHECKIN_NEAR <= now < end:
        return end
    return None
