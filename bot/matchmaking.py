"""Matching in practice: who waits, who fits, proposals, answers, and a pair's life."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.model.matching import (
    MenteeProfile,
    MentorProfile,
    Suggestion,
    is_available,
    rank,
    score,
)
from bot.model.mentees import INTAKE
from bot.model.municipalities import place
from bot.model.pairs import (
    CLOSING_ANSWER,
    JOB_OUTCOMES,
    OPEN_STATUSES,
    JobDetails,
    Outcome,
    Pair,
    PairStatus,
    Side,
    agreed_period_over,
    agreed_until,
    closing_awaits,
    proposal_lapsed,
    proposal_needs_reminder,
)
from bot.model.questionnaire import Answer, load_fields
from bot.model.screening import QUESTIONNAIRE as SCREENING
from bot.scopes import PROGRAMME_WIDE, Scope, people_in
from bot.services import Services
from storage import pairs as store

SUGGESTIONS = 5


@dataclass(frozen=True)
class WaitingMentee:
    participant_id: int
    since: datetime
    answers: dict[str, Answer]


@dataclass(frozen=True)
class Agreement:
    """Where the agreement stands after one side told theirs."""

    settled: tuple[int, date] | None  # (meetings a month, until) once both sides said the same
    other_said: tuple[int, int] | None  # the other side's different account, if any


def mentor_profile(
    participant_id: int, answers: dict[str, Answer], open_pairs: int, capacity: int | None = None
) -> MentorProfile:
    """A mentor as matching sees them; the coordinator's capacity wins over the screening's."""
    return MentorProfile(
        participant_id=participant_id,
        field=str(answers.get("field", "")),
        languages=frozenset(_options(answers.get("languages"))),
        region=_region(answers),
        municipality=_municipality(answers),
        frequency=str(answers.get("frequency", "")),
        mode=str(answers.get("mode", "")),
        capacity=capacity if capacity is not None else _number(answers.get("capacity"), 1),
        active_pairs=open_pairs,
        ready=True,
    )


def mentee_profile(participant_id: int, answers: dict[str, Answer]) -> MenteeProfile:
    return MenteeProfile(
        participant_id=participant_id,
        field=str(answers.get("field", "")),
        languages=frozenset(_options(answers.get("languages"))),
        danish=str(answers.get("danish", "none")),
        region=_region(answers),
        municipality=_municipality(answers),
        frequency=str(answers.get("frequency", "")),
        mode=str(answers.get("mode", "")),
    )


def _municipality(answers: dict[str, Answer]) -> int | None:
    known = place(answers.get("municipality"))
    return known.code if known else None


def _region(answers: dict[str, Answer]) -> str:
    """The region of the municipality; for an answer the list could not place, the region
    answered before the region followed from the municipality (if any)."""
    known = place(answers.get("municipality"))
    return known.region if known else str(answers.get("region") or "")


async def waiting(services: Services) -> list[WaitingMentee]:
    """Mentees with a finished intake and no proposal or pair, oldest first."""
    return [WaitingMentee(*row) for row in await store.waiting_mentees(services.db)]


async def suggestions(
    services: Services, mentee_id: int, scope: Scope = PROGRAMME_WIDE
) -> list[Suggestion] | None:
    """The best ready mentors with room (within the coordinator's scope) for a waiting mentee;
    None if the mentee is not waiting."""
    mentee = next((m for m in await waiting(services) if m.participant_id == mentee_id), None)
    if mentee is None:
        return None
    mentors = [profile for profile, _ in await ready_mentors(services)]
    inside = await people_in(services, scope, (mentor.participant_id for mentor in mentors))
    mentors = [mentor for mentor in mentors if mentor.participant_id in inside]
    return rank(mentee_profile(mentee_id, mentee.answers), mentors, load_fields(), SUGGESTIONS)


async def propose(
    services: Services, coordinator_id: int, actor_id: int, mentee_id: int, mentor_id: int
) -> Pair | None:
    """Propose a mentor for a mentee, if the mentee still waits and the mentor has room."""
    mentee = next((m for m in await waiting(services) if m.participant_id == mentee_id), None)
    mentor = next(
        (p for p, _ in await ready_mentors(services) if p.participant_id == mentor_id), None
    )
    if mentee is None or mentor is None or not is_available(mentor):
        return None
    chosen = score(mentee_profile(mentee_id, mentee.answers), mentor, load_fields())
    return await store.propose(
        services.db,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        score=chosen.score,
        reasons=[(reason.kind.value, reason.value) for reason in chosen.reasons],
        coordinator_id=coordinator_id,
        actor_id=actor_id,
        now=services.clock(),
    )


async def answer(
    services: Services, pair_id: int, participant_id: int, accepted: bool, reason: str | None
) -> Pair | None:
    """A side's yes or no to a proposal made to them; None if it is not theirs or not open."""
    pair = await store.get(services.db, pair_id)
    side = pair.side_of(participant_id) if pair else None
    if pair is None or side is None:
        return None
    return await store.answer(
        services.db,
        pair_id,
        side,
        accepted,
        actor_id=participant_id,
        reason=reason,
        now=services.clock(),
    )


async def pair_for(services: Services, pair_id: int, participant_id: int) -> Pair | None:
    """The pair, only if the person is one of its two sides."""
    pair = await store.get(services.db, pair_id)
    return pair if pair and pair.side_of(participant_id) is not None else None


async def get(services: Services, pair_id: int) -> Pair | None:
    return await store.get(services.db, pair_id)


async def proposals_due(services: Services) -> tuple[list[Pair], list[Pair]]:
    """(proposals to remind, proposals that lapse now)."""
    now = services.clock()
    proposed = await store.with_status(services.db, PairStatus.PROPOSED)
    lapsing = [pair for pair in proposed if proposal_lapsed(pair, now)]
    remind = [p for p in proposed if p not in lapsing and proposal_needs_reminder(p, now)]
    return remind, lapsing


async def mark_reminded(services: Services, pair: Pair) -> None:
    await store.mark_reminded(services.db, pair.id, services.clock())


async def lapse(services: Services, pair: Pair) -> Pair | None:
    return await store.move(
        services.db,
        pair.id,
        allowed_from=(PairStatus.PROPOSED,),
        to=PairStatus.LAPSED,
        event="lapsed",
        actor_id=None,
        detail=None,
        now=services.clock(),
    )


async def pause(services: Services, pair_id: int, actor_id: int, days: int) -> Pair | None:
    until = (services.clock() + timedelta(days=days)).date()
    return await store.move(
        services.db,
        pair_id,
        allowed_from=(PairStatus.ACTIVE,),
        to=PairStatus.PAUSED,
        event="paused",
        actor_id=actor_id,
        detail=until.isoformat(),
        now=services.clock(),
        resume_on=until,
    )


async def resume(services: Services, pair_id: int, actor_id: int | None) -> Pair | None:
    return await store.move(
        services.db,
        pair_id,
        allowed_from=(PairStatus.PAUSED,),
        to=PairStatus.ACTIVE,
        event="resumed",
        actor_id=actor_id,
        detail=None,
        now=services.clock(),
    )


async def end(services: Services, pair_id: int, actor_id: int, outcome: Outcome) -> Pair | None:
    return await store.move(
        services.db,
        pair_id,
        allowed_from=(PairStatus.ACTIVE, PairStatus.PAUSED),
        to=PairStatus.ENDED,
        event="ended",
        actor_id=actor_id,
        detail=outcome.value,
        now=services.clock(),
        outcome=outcome,
    )


async def record_job(
    services: Services, pair_id: int, actor_id: int, job: JobDetails
) -> Pair | None:
    """The job of an ended pair whose outcome was a job: start, hours, fit with education."""
    pair = await store.get(services.db, pair_id)
    if pair is None or pair.outcome not in JOB_OUTCOMES:
        return None
    return await store.move(
        services.db,
        pair_id,
        allowed_from=(PairStatus.ENDED,),
        to=PairStatus.ENDED,
        event="job",
        actor_id=actor_id,
        detail=f"{job.start.isoformat()}/{job.hours_per_week}/{int(job.matches_qualifications)}",
        now=services.clock(),
        job=(job.start.isoformat(), job.hours_per_week, job.matches_qualifications),
    )


async def open_pairs(services: Services) -> list[tuple[Pair, datetime | None]]:
    """Active and paused pairs with the time of their last recorded activity."""
    found = await store.with_status(services.db, PairStatus.ACTIVE, PairStatus.PAUSED)
    activity = await store.last_activity(services.db, [pair.id for pair in found])
    return [(pair, activity.get(pair.id)) for pair in found]


async def open_pair_of(services: Services, participant_id: int) -> Pair | None:
    pairs = await store.open_pairs_of(services.db, participant_id)
    return next((pair for pair in pairs if pair.status in OPEN_STATUSES), None)


async def state_agreement(
    services: Services, pair: Pair, participant_id: int, per_month: int, months: int
) -> Agreement:
    """One side's account of what they agreed; settled when both accounts are the same."""
    accounts = await store.state_agreement(
        services.db, pair.id, participant_id, per_month, months, services.clock()
    )
    other = accounts.get(pair.other(participant_id))
    if other is None:
        return Agreement(settled=None, other_said=None)
    if other != (per_month, months):
        return Agreement(settled=None, other_said=other)
    started = (pair.started_at or services.clock()).date()
    until = agreed_until(started, months)
    await store.set_agreement(services.db, pair.id, per_month, until, services.clock())
    return Agreement(settled=(per_month, until), other_said=None)


async def profile_answers(services: Services, participant_id: int, side: Side) -> dict[str, Answer]:
    """A side's questionnaire answers, from which the other side is shown only a few."""
    questionnaire = SCREENING if side is Side.MENTOR else INTAKE
    return await store.answers_of(services.db, participant_id, questionnaire)


async def ready_mentors(services: Services) -> list[tuple[MentorProfile, dict[str, Answer]]]:
    """Every mentor ready for matching, full or not, with their screening answers."""
    return [
        (mentor_profile(pid, answers, open_pairs, capacity), answers)
        for pid, answers, open_pairs, capacity in await store.ready_mentors(services.db)
    ]


async def set_capacity(
    services: Services, mentor_id: int, capacity: int, coordinator_id: int
) -> MentorProfile | None:
    """How many mentees a ready mentor takes, as the coordinator sets it."""
    if not any(profile.participant_id == mentor_id for profile, _ in await ready_mentors(services)):
        return None
    await store.set_capacity(services.db, mentor_id, capacity, coordinator_id, services.clock())
    return next(p for p, _ in await ready_mentors(services) if p.participant_id == mentor_id)


async def closings_due(services: Services) -> list[Pair]:
    """Active pairs whose agreed period is over and who were not asked yet how to close."""
    today = services.clock().date()
    due = []
    for pair in await store.with_status(services.db, PairStatus.ACTIVE):
        if pair.agreed_until and agreed_period_over(
            pair, today, await store.events(services.db, pair.id)
        ):
            due.append(pair)
    return due


async def record_closing(
    services: Services, pair: Pair, actor_id: int | None, event: str, detail: str | None = None
) -> None:
    await store.record_event(services.db, pair.id, event, actor_id, detail, services.clock())


async def answer_closing(services: Services, pair: Pair, participant_id: int, go_on: bool) -> bool:
    """One side's answer to the closing question, once; False if it was not asked of them."""
    if not closing_awaits(await store.events(services.db, pair.id), participant_id):
        return False
    await record_closing(
        services, pair, participant_id, CLOSING_ANSWER, "go_on" if go_on else "done"
    )
    return True


async def remember_prompt(
    services: Services, chat_id: int, message_id: int, kind: str, pair: Pair
) -> None:
    """A message a coordinator answers by replying (a job's details, a journal note)."""
    await store.add_prompt(services.db, chat_id, message_id, kind, pair.id, services.clock())


async def prompted_pair(services: Services, chat_id: int, message_id: int, kind: str) -> int | None:
    """The pair a reply to this message is about, if the message asked for that kind."""
    asked = await store.prompt(services.db, chat_id, message_id)
    return asked[1] if asked and asked[0] == kind else None


def _number(value: Answer, default: int) -> int:
    return value if isinstance(value, int) else default


def _options(value: Answer) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()
