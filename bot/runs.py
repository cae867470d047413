"""Moving a person through a questionnaire: every step is stored before the bot answers."""

from __future__ import annotations

from datetime import timedelta

from bot.model.participants import Participant
from bot.model.questionnaire import (
    Answer,
    Invalid,
    Question,
    Questionnaire,
    Run,
    load,
    toggle,
)
from bot.privacy import consent_given
from bot.services import Services
from storage import participants as participant_store
from storage import questionnaires as store
from storage import recruitment

REMIND_AFTER = timedelta(hours=24)


class StaleError(Exception):
    """The run is no longer where the pressed button or the answer expected it to be."""


async def facts_of(services: Services, participant: Participant) -> dict[str, str]:
    """What questionnaires may depend on besides answers: the recruitment channel."""
    if participant.recruitment_channel_id is None:
        return {}
    channel = await recruitment.by_id(services.db, participant.recruitment_channel_id)
    return {"recruitment_channel": channel.name} if channel else {}


async def begin(services: Services, participant: Participant, name: str) -> Run:
    """Start a questionnaire at its first question, or return the one already open."""
    questionnaire = load(name)
    first = questionnaire.next_unanswered({}, await facts_of(services, participant))
    assert first is not None
    return await store.start_run(
        services.db,
        participant_id=participant.id,
        questionnaire=name,
        version=questionnaire.version,
        first_question=first.id,
        now=services.clock(),
    )


async def open_run(services: Services, participant: Participant) -> Run | None:
    return await store.open_run(services.db, participant.id)


async def owned_open_run(services: Services, participant: Participant, run_id: int) -> Run | None:
    """The run a button names, only if it is this person's and still open."""
    run = await store.get_run(services.db, run_id)
    if run is None or run.participant_id != participant.id or run.submitted or run.closed:
        return None
    return run


def current_question(run: Run) -> Question | None:
    return load(run.questionnaire).question(run.current) if run.current else None


async def answer(
    services: Services, participant: Participant, run: Run, value: Answer | Invalid
) -> Run | Invalid:
    """Store the answer to the current question and move to the next one still open."""
    if isinstance(value, Invalid):
        return value
    assert run.current is not None
    questionnaire = load(run.questionnaire)
    answers = {**run.answers, run.current: value}
    following = questionnaire.next_unanswered(answers, await facts_of(services, participant))
    next_id = following.id if following else None
    consent = consent_given(run.questionnaire, questionnaire.question(run.current), value)
    if not await store.record_answer(
        services.db, run, run.current, value, next_id, services.clock(), consent
    ):
        raise StaleError
    return await _reloaded(services, run)


async def keep_answer(services: Services, participant: Participant, run: Run) -> Run:
    """Leave the current (already answered) question as it is and go on."""
    questionnaire = load(run.questionnaire)
    following = questionnaire.next_unanswered(run.answers, await facts_of(services, participant))
    return await _move(services, run, following.id if following else None)


async def back(services: Services, participant: Participant, run: Run) -> Run:
    questionnaire = load(run.questionnaire)
    earlier = questionnaire.previous(
        run.current, run.answers, await facts_of(services, participant)
    )
    if earlier is None:
        return run
    return await _move(services, run, earlier.id)


async def change(services: Services, participant: Participant, run: Run, question_id: str) -> Run:
    """From the summary, go to one question to answer it again."""
    questionnaire = load(run.questionnaire)
    asked = questionnaire.applicable(run.answers, await facts_of(services, participant))
    if run.current is not None or question_id not in {q.id for q in asked}:
        raise StaleError
    return await _move(services, run, question_id)


async def tick(services: Services, run: Run, option_id: str) -> Run:
    """Tick or untick an option of the current multiple-choice question."""
    question = current_question(run)
    assert question is not None
    selection = toggle(question, run.selection, option_id)
    if not await store.save_selection(services.db, run, selection, services.clock()):
        raise StaleError
    return await _reloaded(services, run)


def summary(run: Run, facts: dict[str, str]) -> list[tuple[Question, Answer]]:
    """The answers that count, in the questionnaire's order."""
    questionnaire: Questionnaire = load(run.questionnaire)
    relevant = questionnaire.relevant(run.answers, facts)
    return [(q, relevant[q.id]) for q in questionnaire.questions if q.id in relevant]


async def remember_prompt(services: Services, run: Run, message_id: int) -> None:
    await store.set_prompt_message(services.db, run.id, message_id)


async def idle_runs(services: Services) -> list[tuple[Run, Participant]]:
    """Open questionnaires untouched for a day, not yet reminded since the last answer."""
    found = []
    for run in await store.idle_runs(services.db, services.clock() - REMIND_AFTER):
        participant = await participant_store.by_id(services.db, run.participant_id)
        if participant is not None:
            found.append((run, participant))
    return found


async def mark_reminded(services: Services, run: Run) -> None:
    await store.mark_reminded(services.db, run.id, services.clock())


async def _move(services: Services, run: Run, to_question: str | None) -> Run:
    if not await store.move(services.db, run, to_question, services.clock()):
        raise StaleError
    return await _reloaded(services, run)


async def _reloaded(services: Services, run: Run) -> Run:
    fresh = await store.get_run(services.db, run.id)
    assert fresh is not None
    return fresh
