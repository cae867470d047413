"""Reviewing mentor screenings: submit, decide, note, list. Plain data in and out."""

from __future__ import annotations

from dataclasses import dataclass

from bot.model.participants import Participant
from bot.model.questionnaire import Answer, Question, Run
from bot.model.screening import Decision, DecisionRecord, Screening
from bot.runs import facts_of, summary
from bot.services import Services
from storage import participants as participant_store
from storage import questionnaires as run_store
from storage import screenings as store

MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class ScreeningView:
    """What a coordinator sees of one screening."""

    screening: Screening
    mentor: Participant
    answers: list[tuple[Question, Answer]]
    channel: str | None
    decisions: list[DecisionRecord]


@dataclass(frozen=True)
class DecisionResult:
    """A decision taken now (`taken`), or the one that was there first (`earlier`)."""

    view: ScreeningView
    taken: DecisionRecord | None
    earlier: DecisionRecord | None


async def submit(services: Services, run: Run) -> Screening | None:
    """File the screening for review; None when it was already sent."""
    return await store.submit(services.db, run, services.clock())


async def view_of(services: Services, run_id: int) -> ScreeningView | None:
    screening = await store.get(services.db, run_id)
    if screening is None:
        return None
    mentor = await participant_store.by_id(services.db, screening.participant_id)
    run = await run_store.get_run(services.db, run_id)
    if mentor is None or run is None:
        return None
    facts = await facts_of(services, mentor)
    return ScreeningView(
        screening=screening,
        mentor=mentor,
        answers=summary(run, facts),
        channel=facts.get("recruitment_channel"),
        decisions=await store.decisions(services.db, run_id),
    )


async def decide(
    services: Services, run_id: int, decision: Decision, coordinator_id: int, name: str
) -> DecisionResult | None:
    """Take a decision once: of two coordinators pressing together, one wins."""
    taken = await store.decide(
        services.db,
        run_id,
        decision,
        coordinator_id=coordinator_id,
        coordinator_name=name,
        now=services.clock(),
    )
    view = await view_of(services, run_id)
    if view is None:
        return None
    earlier = None if taken else (view.decisions[-1] if view.decisions else None)
    return DecisionResult(view=view, taken=taken, earlier=earlier)


async def remember_note_prompt(
    services: Services, decision: DecisionRecord, message_id: int
) -> None:
    await store.set_note_prompt(services.db, decision.id, message_id)


async def add_note(
    services: Services, coordinator_id: int, prompt_message_id: int, text: str
) -> DecisionRecord | None:
    note = text.strip()[:MAX_NOTE_LENGTH]
    return await store.add_note(services.db, coordinator_id, prompt_message_id, note)


async def remember_review_message(
    services: Services, run_id: int, chat_id: int, message_id: int
) -> None:
    await store.add_review_message(services.db, run_id, chat_id, message_id)


async def review_messages(services: Services, run_id: int) -> list[tuple[int, int]]:
    return await store.review_messages(services.db, run_id)


async def waiting(services: Services) -> list[store.Waiting]:
    return await store.waiting(services.db)


async def screening_of(services: Services, participant: Participant) -> Screening | None:
    return await store.of_participant(services.db, participant.id)
