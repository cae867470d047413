"""Check-ins: when each side of a pair is asked how it goes. Plain data, no Telegram types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.model.pairs import Side
from bot.model.questionnaire import Answer

REMIND_AFTER = timedelta(hours=48)
SHORTEST_CADENCE_DAYS = 7  # asking more than weekly would be nagging, whatever they agreed
DAYS_IN_MONTH = 30
SATURDAY = 5


class CheckInStatus(StrEnum):
    SCHEDULED = "scheduled"  # due in the future (or now): not yet sent
    PENDING = "pending"  # being sent: recorded before the send, so a crash resends it
    SENT = "sent"
    ANSWERED = "answered"
    MISSED = "missed"  # the next one fell due before this was answered


@dataclass(frozen=True)
class Window:
    """The daytime span check-ins are sent in, in the programme's time zone."""

    start: time
    end: time
    weekends: bool
    zone: ZoneInfo

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return self._day_allowed(local) and self.start <= local.time() < self.end

    def place(self, moment: datetime) -> datetime:
        """The moment itself if it is inside the window, else the next opening of it."""
        local = moment.astimezone(self.zone)
        if local.time() >= self.end:
            local = self._opening(local + timedelta(days=1))
        elif local.time() < self.start:
            local = self._opening(local)
        while not self._day_allowed(local):
            local = self._opening(local + timedelta(days=1))
        return local.astimezone(moment.tzinfo)

    def _opening(self, local: datetime) -> datetime:
        return datetime.combine(local.date(), self.start, tzinfo=self.zone)

    def _day_allowed(self, local: datetime) -> bool:
        return self.weekends or local.weekday() < SATURDAY


@dataclass(frozen=True)
class CheckIn:
    id: int
    pair_id: int
    participant_id: int
    side: Side
    due_at: datetime
    status: CheckInStatus
    sent_at: datetime | None
    reminded_at: datetime | None
    current: str | None  # the question being asked; None when all are answered
    selection: tuple[str, ...]  # ticked options of a multiple-choice question
    answers: dict[str, Answer]

    @property
    def questionnaire(self) -> str:
        return questionnaire_of(self.side)


def questionnaire_of(side: Side) -> str:
    return "checkin_mentor" if side is Side.MENTOR else "checkin_mentee"


def cadence_days(meetings_per_month: int | None, default: int) -> int:
    """A pair's own rhythm when it has agreed one: roughly once between two meetings."""
    if not meetings_per_month:
        return default
    return max(SHORTEST_CADENCE_DAYS, round(DAYS_IN_MONTH / meetings_per_month))


def next_due(after: datetime, every_days: int, window: Window) -> datetime:
    return window.place(after + timedelta(days=every_days))
