"""Privacy (GDPR): consent and its withdrawal, a person's own copy of their data, erasure and
the retention period. No Telegram types."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.model.participants import Participant, Role
from bot.model.privacy import (
    Consent,
    ConsentVersion,
    Erasure,
    ExportedCourseSeat,
    ExportedDecision,
    ExportedEntry,
    ExportedFollowUp,
    ExportedPair,
    ExportedRun,
    StoppedPair,
)
from bot.model.questionnaire import YES, Answer, Question, load
from bot.services import Services
from storage import privacy as store

CONSENT_QUESTION = "consent"
REQUEST = "request"  # erased because the person asked (/delete)
RETENTION = "retention"  # erased because their last pair ended longer ago than the period


@dataclass(frozen=True)
class MyData:
    """Everything the programme holds about one person (GDPR art. 15 and 20).

    Included: their profile, questionnaire answers, consents, the coordinators' decisions and
    notes on their screening, their pairs, their own journal entries, the coordinators' notes on
    their pairs, their follow-up answers and their mentor course dates. Notes a coordinator
    writes about a person are that person's data too (an assessment of them), so they are part
    of the copy. Left out: what the other side of a pair wrote (the other person's data; their
    private "I feel unsure" was promised to reach only the coordinators, art. 15(4)) and the
    bot's own events.
    """

    participant: Participant
    made_at: datetime
    consents: list[Consent]
    runs: list[ExportedRun]
    decisions: list[ExportedDecision]
    pairs: list[ExportedPair]
    journal: list[ExportedEntry]
    follow_ups: list[ExportedFollowUp] = field(default_factory=list)
    course_seats: list[ExportedCourseSeat] = field(default_factory=list)


def consent_version(questionnaire: str, question: Question) -> ConsentVersion:
    """The consent text with its id: the questionnaire and a hash of the question's msgid, so
    any change of the wording gives a new version."""
    digest = hashlib.sha256(question.text.encode("utf-8")).hexdigest()[:12]
    return ConsentVersion(id=f"{questionnaire}:{digest}", text=question.text)


def consent_given(questionnaire: str, question: Question, value: Answer) -> ConsentVersion | None:
    """The consent text version agreed to, when this answer is a yes to a consent question."""
    if question.id != CONSENT_QUESTION or value != YES:
        return None
    return consent_version(questionnaire, question)


def takes_part(participant: Participant) -> bool:
    """Privacy commands are for mentors and mentees (and people who have not chosen yet);
    coordinators are the programme's staff."""
    return participant.role is not Role.COORDINATOR


async def consents(services: Services, participant: Participant) -> list[Consent]:
    return await store.consents(services.db, participant.id)


async def withdraw(services: Services, participant: Participant) -> list[StoppedPair] | None:
    """Withdraw the person's consent: their pairs stop. None if no consent was standing."""
    return await store.withdraw(services.db, participant.id, services.clock())


async def withdrawn(services: Services, participant: Participant) -> bool:
    """Whether the person gave consent once and has withdrawn it (none stands now)."""
    given = await consents(services, participant)
    return bool(given) and not any(consent.standing for consent in given)


async def consent_again(services: Services, participant: Participant) -> ConsentVersion | None:
    """Give consent again after a withdrawal: to today's text of the questionnaire the last
    consent was given in. Nothing that was closed opens again. None if one stands already."""
    given = await consents(services, participant)
    if not given or any(consent.standing for consent in given):
        return None
    questionnaire = given[-1].questionnaire
    version = consent_version(questionnaire, load(questionnaire).question(CONSENT_QUESTION))
    if not await store.consent_again(
        services.db, participant.id, questionnaire, version, services.clock()
    ):
        return None
    return version


async def erase(services: Services, participant_id: int, because: str) -> Erasure | None:
    return await store.erase(services.db, participant_id, because, services.clock())


async def retention_due(services: Services) -> list[int]:
    """Participants whose last pair ended longer ago than the retention period."""
    cutoff = services.clock() - timedelta(days=services.config.retention_days)
    return await store.retention_due(services.db, cutoff)


async def my_data(services: Services, participant: Participant) -> MyData:
    db, person = services.db, participant.id
    return MyData(
        participant=participant,
        made_at=services.clock(),
        consents=await store.consents(db, person),
        runs=await store.runs(db, person),
        decisions=await store.decisions(db, person),
        pairs=await store.pairs(db, person),
        journal=await store.journal(db, person),
        follow_ups=await store.follow_ups(db, person),
        course_seats=await store.course_seats(db, person),
    )
