"""Match proposals and pairs: states, outcomes and the rules between them. Plain data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

PROPOSAL_REMINDER_AFTER = timedelta(days=3)
# Long enough for the stall rule (7 days by default) to alert the coordinators first.
PROPOSAL_LAPSES_AFTER = timedelta(days=14)


class PairStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    DECLINED = "declined"  # a proposal one side said no to
    LAPSED = "lapsed"  # a proposal nobody finished answering within two weeks


OPEN_STATUSES = (PairStatus.PROPOSED, PairStatus.ACTIVE, PairStatus.PAUSED)


class Side(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class Outcome(StrEnum):
    """How a pair ended, in the categories Danish employment services use."""

    JOB = "job"  # ordinary job
    SUBSIDISED_JOB = "subsidised_job"  # job with wage subsidy (løntilskud)
    IGU = "igu"  # integration basic education
    INTERNSHIP = "internship"  # company internship (virksomhedspraktik)
    EDUCATION = "education"
    OTHER_PROGRESS = "other_progress"
    DROPPED_OUT = "dropped_out"
    MOVED_AWAY = "moved_away"


JOB_OUTCOMES = (Outcome.JOB, Outcome.SUBSIDISED_JOB, Outcome.IGU)


class DeclineReason(StrEnum):
    FIELD = "field"
    DISTANCE = "distance"
    TIME = "time"
    OTHER = "other"


@dataclass(frozen=True)
class Pair:
    id: int
    mentor_id: int
    mentee_id: int
    status: PairStatus
    score: int
    reasons: tuple[tuple[str, str], ...]
    proposed_at: datetime
    mentor_answer: str | None
    mentee_answer: str | None
    decline_reason: str | None
    reminded_at: datetime | None
    started_at: datetime | None
    resume_on: date | None
    ended_at: datetime | None
    outcome: Outcome | None
    meetings_per_month: int | None
    agreed_until: date | None
    updated_at: datetime
    checkin_every_days: int | None = None

    def side_of(self, participant_id: int) -> Side | None:
        if participant_id == self.mentor_id:
            return Side.MENTOR
        if participant_id == self.mentee_id:
            return Side.MENTEE
        return None

    def answer_of(self, side: Side) -> str | None:
        return self.mentor_answer if side is Side.MENTOR else self.mentee_answer

    def other(self, participant_id: int) -> int:
        return self.mentee_id if participant_id == self.mentor_id else self.mentor_id


@dataclass(frozen=True)
class PairEvent:
    pair_id: int
    event: str
    actor_id: int | None
    detail: str | None
    at: datetime


@dataclass(frozen=True)
class JobDetails:
    start: date
    hours_per_week: int
    matches_qualifications: bool


def proposal_needs_reminder(pair: Pair, now: datetime) -> bool:
    """One reminder, three days into a proposal someone has not answered yet."""
    return (
        pair.status is PairStatus.PROPOSED
        and pair.reminded_at is None
        and now - pair.proposed_at >= PROPOSAL_REMINDER_AFTER
    )


def proposal_lapsed(pair: Pair, now: datetime) -> bool:
    return pair.status is PairStatus.PROPOSED and now - pair.proposed_at >= PROPOSAL_LAPSES_AFTER


def waiting_for(pair: Pair) -> tuple[Side, ...]:
    """The sides that have not answered a proposal yet."""
    return tuple(side for side in Side if pair.answer_of(side) is None)


def agreed_until(started: date, months: int) -> date:
    """The end of an agreed period of whole months (the day before the same date)."""
    month_index = started.month - 1 + months
    year, month = started.year + month_index // 12, month_index % 12 + 1
    day = min(started.day, _days_in_month(year, month))
    return date(year, month, day) - timedelta(days=1)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


CLOSING_ASKED = "closing_asked"
CLOSING_ANSWER = "closing_answer"


def agreed_period_over(pair: Pair, today: date, events: list[PairEvent]) -> bool:
    """An active pair past its agreed end that has not yet been asked how to close."""
    return (
        pair.status is PairStatus.ACTIVE
        and pair.agreed_until is not None
        and pair.agreed_until < today
        and not any(event.event == CLOSING_ASKED for event in events)
    )


def closing_awaits(events: list[PairEvent], participant_id: int) -> bool:
    """The closing question was asked and this person has not answered it since."""
    asked = [i for i, event in enumerate(events) if event.event == CLOSING_ASKED]
    return bool(asked) and not any(
        event.event == CLOSING_ANSWER and event.actor_id == participant_id
        for event in events[asked[-1] :]
    )


# The yes and no of each language's example, and their first letters in Latin.
YES_WORDS = frozenset({"yes", "ja", "نعم", "так", "بله", "y", "j"})
NO_WORDS = frozenset({"no", "nej", "لا", "ні", "نه", "خیر", "n"})
# The Latin comma, and the Arabic comma that Arabic and Persian keyboards type.
JOB_DETAILS_SEPARATOR = re.compile("[,،]")


def parse_job_details(text: str) -> JobDetails | None:
    """A coordinator's "1.2.2027, 37, yes": start date, hours a week, fits the education."""
    parts = [part.strip() for part in JOB_DETAILS_SEPARATOR.split(text)]
    if len(parts) != 3:
        return None
    start = _parse_date(parts[0])
    hours = int(parts[1]) if parts[1].isdigit() else None
    fits = parts[2].casefold()
    if start is None or hours is None or not 1 <= hours <= 80:
        return None
    if fits not in YES_WORDS | NO_WORDS:
        return None
    return JobDetails(start=start, hours_per_week=hours, matches_qualifications=fits in YES_WORDS)


def _parse_date(text: str) -> date | None:
    for separator in (".", "-", "/"):
        pieces = text.split(separator)
        if len(pieces) == 3 and all(piece.isdigit() for piece in pieces):
            first, second, third = (int(piece) for piece in pieces)
            try:
                if len(pieces[0]) == 4:
                    return date(first, second, third)
                return date(third, second, first)
            except ValueError:
                return None
    return None
