"""Consents, erasures and what a person's own data export holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.model.questionnaire import Answer


@dataclass(frozen=True)
class ConsentVersion:
    id: str  # e.g. "screening:187ffbe33384" (bot/privacy.py consent_version)
    text: str  # the consent text's msgid


@dataclass(frozen=True)
class Consent:
    questionnaire: str
    version: str  # the id of the exact consent text agreed to
    text: str  # that text's msgid
    given_at: datetime
    withdrawn_at: datetime | None

    @property
    def standing(self) -> bool:
        return self.withdrawn_at is None


@dataclass(frozen=True)
class StoppedPair:
    """A pair stopped because one side withdrew consent or was erased."""

    pair_id: int
    other_id: int  # the other side's participant id
    proposal: bool  # a proposal (now declined), else a pair (now paused without a date)


@dataclass(frozen=True)
class Erasure:
    participant_id: int
    role: str | None
    stopped_pairs: list[StoppedPair]


@dataclass(frozen=True)
class ExportedRun:
    questionnaire: str
    submitted: bool
    started_at: datetime
    submitted_at: datetime | None
    answers: dict[str, Answer]


@dataclass(frozen=True)
class ExportedDecision:
    decision: str
    note: str | None
    decided_at: datetime


@dataclass(frozen=True)
class ExportedPair:
    id: int
    as_mentor: bool
    status: str
    proposed_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class ExportedEntry:
    pair_id: int
    by_coordinator: bool
    side: str  # mentor, mentee or coordinator
    kind: str
    answers: dict[str, object]
    text: str | None
    voice: bool
    at: datetime


@dataclass(frozen=True)
class ExportedFollowUp:
    months: int
    answer: str | None
    answered_at: datetime


@dataclass(frozen=True)
class ExportedCourseSeat:
    """A mentor's yes to a mentor course session: booked, waiting or cancelled; attended."""

    starts_at: datetime
    place: str | None
    status: str
    attended: bool | None
