"""Check-ins: scheduling them for each side of an active pair, taking the answers, the journal."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot import alerts, meetings
from bot.model.checkins import (
    REMIND_AFTER,
    CheckIn,
    CheckInStatus,
    Window,
    cadence_days,
    next_due,
)
from bot.model.journal import JournalEntry
from bot.model.pairs import PairStatus, Side
from bot.model.participants import Participant
from bot.model.questionnaire import Answer, Invalid, Question, load, toggle
from bot.services import Services
from storage import checkins as store
from storage import pairs as pair_store

WAVE_SIZE = 500
JOURNAL_PAGE = 10


def window(services: Services) -> Window:
    start, end = services.config.checkin_window
    return Window(start, end, services.config.checkin_weekends, services.config.timezone)


async def schedule_missing(services: Services) -> int:
    """Give each person of each active pair their next check-in; rows are the schedule."""
    now = services.clock()
    missing = await store.unscheduled_sides(services.db)
    for pair_id, participant_id, side, per_month, own, started, last_due in missing:
        every = own or cadence_days(per_month, services.config.checkin_every_days)
        due = next_due(last_due or started, every, window(services))
        await store.schedule(services.db, pair_id, participant_id, side, due, now)
    return len(missing)


async def to_send(services: Services) -> list[CheckIn]:
    return await store.to_send(services.db, services.clock(), WAVE_SIZE)


async def begin_sending(services: Services, check_in: CheckIn) -> bool:
    """Record a check-in as being sent before it is sent; a paused person's waits instead, and
    so does one due within two days before a planned meeting: until after it."""
    until = await store.paused_until(services.db, check_in.participant_id)
    if until is not None and until >= services.clock().date():
        resume = datetime.combine(until + timedelta(days=1), window(services).start)
        await store.postpone(
            services.db,
            check_in.id,
            window(services).place(resume.replace(tzinfo=services.config.timezone)),
        )
        return False
    if check_in.status is CheckInStatus.SCHEDULED:
        after_meeting = await meetings.check_in_waits_until(services, check_in.pair_id)
        if after_meeting is not None:
            await store.postpone(services.db, check_in.id, window(services).place(after_meeting))
            return False
    first = load(check_in.questionnaire).questions[0]
    return await store.begin_sending(
        services.db,
        check_in,
        first.id,
        services.clock(),
        on_missed=lambda due: alerts.missed_change(check_in.side, due),
    )


async def mark_sent(services: Services, check_in: CheckIn) -> None:
    await store.mark_sent(services.db, check_in.id, services.clock())


async def get(services: Services, check_in_id: int) -> CheckIn | None:
    return await store.get(services.db, check_in_id)


async def answerable(
    services: Services, check_in_id: int, participant: Participant
) -> CheckIn | None:
    """The check-in a button names, only if it is this person's and their pair is still active
    (a forged id or a prompt of an ended pair answers nothing)."""
    return await store.answerable(services.db, check_in_id, participant.id)


async def awaiting_message(services: Services, participant: Participant) -> CheckIn | None:
    return await store.awaiting_message(services.db, participant.id)


def current_question(check_in: CheckIn) -> Question | None:
    if check_in.current is None:
        return None
    return load(check_in.questionnaire).question(check_in.current)


async def answer(
    services: Services, check_in: CheckIn, value: Answer | Invalid, voice_file_id: str | None = None
) -> CheckIn | Invalid | None:
    """Store the answer to the current question; None if the check-in had moved on."""
    if isinstance(value, Invalid):
        return value
    assert check_in.current is not None
    answers = {**check_in.answers, check_in.current: value}
    following = load(check_in.questionnaire).next_unanswered(answers, {})
    now = services.clock()
    return await store.record_step(
        services.db,
        check_in,
        answers,
        following.id if following else None,
        now,
        voice_file_id,
        on_finish=alerts.answered_change(check_in.side, check_in.due_at, now, answers),
    )


async def tick(services: Services, check_in: CheckIn, option_id: str) -> CheckIn | None:
    question = current_question(check_in)
    assert question is not None
    selection = toggle(question, check_in.selection, option_id)
    return await store.save_selection(services.db, check_in, selection)


async def reminders_due(services: Services) -> list[CheckIn]:
    return await store.reminders_due(services.db, services.clock() - REMIND_AFTER)


async def mark_reminded(services: Services, check_in: CheckIn) -> None:
    await store.mark_reminded(services.db, check_in.id, services.clock())


async def pause_own(services: Services, participant: Participant, days: int) -> date | None:
    """Pause one's own check-ins; None when the person is in no active pair."""
    pairs = [
        pair
        for pair in await pair_store.open_pairs_of(services.db, participant.id)
        if pair.status is PairStatus.ACTIVE
    ]
    if not pairs:
        return None
    until = services.clock().date() + timedelta(days=days)
    side = pairs[0].side_of(participant.id) or Side.MENTEE
    await store.pause(
        services.db, participant.id, until, [p.id for p in pairs], side, services.clock()
    )
    return until


async def unreachable(services: Services, check_in: CheckIn) -> None:
    """The person blocked the bot: journaled for the coordinator, a signal for the stall rules;
    the prompt counts as sent."""
    now = services.clock()
    await store.mark_unreachable(
        services.db, check_in, now, alerts.unreachable_change(check_in.side, now)
    )


async def set_cadence(
    services: Services, pair_id: int, days: int, coordinator: Participant
) -> bool:
    """A pair's own check-in cadence; False if the pair is no longer active or paused."""
    pair = await pair_store.get(services.db, pair_id)
    if pair is None or pair.status not in (PairStatus.ACTIVE, PairStatus.PAUSED):
        return False
    await store.set_cadence(services.db, pair_id, days, coordinator.id, services.clock())
    await schedule_missing(services)
    return True


async def add_note(services: Services, pair_id: int, coordinator: Participant, text: str) -> None:
    await store.add_journal(
        services.db, pair_id, coordinator.id, "coordinator", "note", services.clock(), text=text
    )


async def voice_of(services: Services, entry_id: int) -> str | None:
    """The voice message of a journal entry, for a coordinator to listen to."""
    found = await store.voice_of(services.db, entry_id)
    return found[1] if found else None


async def journal_page(
    services: Services, pair_id: int, page: int
) -> tuple[list[JournalEntry], int]:
    """One page of a pair's journal (page 0 is the oldest) and the number of pages."""
    entries, total = await store.journal_page(
        services.db, pair_id, page * JOURNAL_PAGE, JOURNAL_PAGE
    )
    return entries, max(1, -(-total // JOURNAL_PAGE))
