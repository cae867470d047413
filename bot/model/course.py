"""The mentor course as dated sessions: seats, the waiting list, what a coordinator types.

Plain data: the service reads the rows, these rules decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.model.checkins import Window
from bot.model.when import DIGITS, day_before

COURSE_LENGTH = timedelta(hours=3)  # for the calendar file
MAX_SEATS = 500
MAX_PLACE = 300
# A session's list for attendance stays open this long after it began.
ATTENDANCE_DAYS = 30


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
    due = day_before(starts_at, window)
    return due <= now < starts_at and window.contains(now)


def parse_seats(text: str) -> int | None:
    """A typed number of seats, 1 to MAX_SEATS; None for anything else."""
    cleaned = text.strip().translate(DIGITS)
    if not cleaned.isdigit():
        return None
    seats = int(cleaned)
    return seats if 1 <= seats <= MAX_SEATS else None


def clean_place(text: str) -> str | None:
    """A typed place or link, trimmed; None when empty or too long."""
    place = " ".join(text.split())
    return place if 0 < len(place) <= MAX_PLACE else None
