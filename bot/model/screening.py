"""Mentor screening after Submit: the coordinators' decisions and readiness for matching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

QUESTIONNAIRE = "screening"


class ScreeningStatus(StrEnum):
    PENDING = "pending"
    INTERVIEW = "interview"
    APPROVED = "approved"
    REJECTED = "rejected"


class Decision(StrEnum):
    INTERVIEW = "interview"
    APPROVED = "approved"
    REJECTED = "rejected"
    COURSE_DONE = "course_done"


@dataclass(frozen=True)
class Screening:
    run_id: int
    participant_id: int
    status: ScreeningStatus
    course_done_at: datetime | None
    submitted_at: datetime


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    run_id: int
    decision: Decision
    coordinator_id: int
    coordinator_name: str
    note: str | None
    decided_at: datetime


@dataclass(frozen=True)
class Transition:
    """The statuses a decision may follow, and the status it leaves."""

    allowed_from: tuple[ScreeningStatus, ...]
    status: ScreeningStatus
    course_done: bool = False


TRANSITIONS = {
    Decision.INTERVIEW: Transition((ScreeningStatus.PENDING,), ScreeningStatus.INTERVIEW),
    Decision.APPROVED: Transition(
        (ScreeningStatus.PENDING, ScreeningStatus.INTERVIEW), ScreeningStatus.APPROVED
    ),
    Decision.REJECTED: Transition(
        (ScreeningStatus.PENDING, ScreeningStatus.INTERVIEW), ScreeningStatus.REJECTED
    ),
    Decision.COURSE_DONE: Transition(
        (ScreeningStatus.APPROVED,), ScreeningStatus.APPROVED, course_done=True
    ),
}


def possible_decisions(screening: Screening) -> tuple[Decision, ...]:
    """The decisions a coordinator can still take on this screening, in button order."""
    if screening.status is ScreeningStatus.APPROVED and screening.course_done_at is not None:
        return ()
    return tuple(
        decision
        for decision, transition in TRANSITIONS.items()
        if screening.status in transition.allowed_from
    )


@dataclass(frozen=True)
class Waiting:
    """A screening a coordinator still has to act on, with what identifies it in a list."""

    screening: Screening
    name: str | None
    field: str | None
    typed_municipality: str | None = None  # an old answer the list could not place
