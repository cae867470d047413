"""Meetings a pair plans: the steps of planning (day, time, how, where), moving and cancelling,
the messages about each meeting (confirmation, reminder, the day-after question) and what the
answers mean for the stall rules."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from enum import Enum, auto

from bot import alerts
from bot.i18n import month_numbers
from bot.model import meetings as model
from bot.model.meetings import (
    CONFIRMATIONS,
    Draft,
    Meeting,
    MeetingStatus,
    Mode,
    NotHeld,
    Notice,
    NoticeKind,
    NoticeStatus,
    Step,
)
from bot.model.pairs import Pair, PairStatus, Side
from bot.model.participants import Participant
from bot.model.when import WhenProblem, day_after, day_before, parse_day
from bot.services import Services
from storage import meeting_drafts as draft_store
from storage import meetings as store
from storage import pairs as pair_store
from storage.meetings import Entry, NewNotice

# A half-finished planning takes typed answers this long after its last step.
DRAFT_FRESH = timedelta(hours=6)
NOTICE_BATCH = 500
UID_DOMAIN = "mentorbro"


class Action(Enum):
    """What the meeting wave does with one due message now."""

    SEND = auto()
    WAIT = auto()  # outside the daytime window, or the pair is paused
    DROP = auto()  # the meeting moved, was cancelled or is over


def today(services: Services) -> date:
    return services.clock().astimezone(services.config.timezone).date()


def time_slots(services: Services) -> list[time]:
    start, end = services.config.meeting_hours
    return model.slots(start, end)


# -- who may plan ------------------------------------------------------------------------------


async def open_pairs(services: Services, participant: Participant) -> list[Pair]:
    """The person's pairs that are running or paused."""
    pairs = await pair_store.open_pairs_of(services.db, participant.id)
    return [p for p in pairs if p.status in (PairStatus.ACTIVE, PairStatus.PAUSED)]


async def active_pair(services: Services, pair_id: int, participant: Participant) -> Pair | None:
    """The pair, only if this person is one of its sides and it is active."""
    pair = await pair_store.get(services.db, pair_id)
    if pair is None or pair.side_of(participant.id) is None:
        return None
    return pair if pair.status is PairStatus.ACTIVE else None


async def upcoming(services: Services, pair_id: int) -> Meeting | None:
    return (await store.upcoming(services.db, [pair_id], services.clock())).get(pair_id)


async def next_meetings(services: Services, pair_ids: list[int]) -> dict[int, Meeting]:
    """The next planned meeting of each pair that has one ahead."""
    return await store.upcoming(services.db, pair_ids, services.clock())


async def get(services: Services, meeting_id: int) -> Meeting | None:
    return await store.get(services.db, meeting_id)


async def changeable(
    services: Services, meeting_id: int, sequence: int, participant: Participant
) -> tuple[Meeting, Pair] | None:
    """The meeting a Move or Cancel button names, and its pair, only if the meeting is still
    as the button showed it, still ahead, and of an active pair of this person."""
    meeting = await store.get(services.db, meeting_id)
    if (
        meeting is None
        or meeting.sequence != sequence
        or meeting.status is not MeetingStatus.PLANNED
        or meeting.starts_at <= services.clock()
    ):
        return None
    pair = await active_pair(services, meeting.pair_id, participant)
    return (meeting, pair) if pair is not None else None


# -- planning, step by step --------------------------------------------------------------------


async def begin(
    services: Services, participant: Participant, pair: Pair, meeting: Meeting | None = None
) -> Draft:
    """A new draft: a new meeting for the pair, or a new time for `meeting`."""
    return await draft_store.start_draft(
        services.db,
        participant.id,
        pair.id,
        meeting.id if meeting else None,
        services.clock(),
    )


async def draft(services: Services, draft_id: int, participant: Participant) -> Draft | None:
    """The draft a button names, only if it is this person's."""
    found = await draft_store.draft(services.db, draft_id)
    return found if found is not None and found.participant_id == participant.id else None


async def typing_draft(services: Services, participant: Participant) -> Draft | None:
    """The draft this person is working on now, if any: a typed message answers its step."""
    return await draft_store.draft_of(services.db, participant.id, services.clock() - DRAFT_FRESH)


async def choose_day(services: Services, current: Draft, day: date) -> Draft | WhenProblem | None:
    """The day; a problem if it cannot be; None if the draft had moved on."""
    problem = model.day_problem(day, today(services))
    if problem is not None:
        return problem
    return await draft_store.step_draft(services.db, current, Step.TIME, services.clock(), day=day)


def typed_day(services: Services, text: str) -> date | WhenProblem:
    """A date as typed, in any language the bot speaks."""
    return parse_day(text, today(services), month_numbers(), recent=model.PAST_WITHOUT_YEAR)


async def choose_time(services: Services, current: Draft, at: time) -> Draft | WhenProblem | None:
    """The time of day; a problem if it is past; None if the draft had moved on."""
    assert current.day is not None  # the day comes first
    start = model.starts_at(current.day, at, services.config.timezone)
    problem = model.start_problem(start, services.clock())
    if problem is not None:
        return problem
    return await draft_store.step_draft(services.db, current, Step.MODE, services.clock(), at=at)


async def choose_mode(services: Services, current: Draft, mode: Mode) -> Draft | None:
    return await draft_store.step_draft(
        services.db, current, Step.PLACE, services.clock(), mode=mode
    )


async def forget(services: Services, current: Draft) -> None:
    await draft_store.forget_draft(services.db, current.id)


class Refusal(Enum):
    PAUSED_OR_ENDED = auto()  # the pair is no longer active
    PAST = auto()  # the time passed while the place was typed
    TAKEN = auto()  # a meeting was planned (or this one changed) meanwhile


async def finish(
    services: Services, current: Draft, participant: Participant, place: str | None
) -> Meeting | Refusal:
    """The meeting planned (or moved) from the finished draft, its messages written."""
    pair = await active_pair(services, current.pair_id, participant)
    if pair is None:
        await forget(services, current)
        return Refusal.PAUSED_OR_ENDED
    assert current.day is not None and current.at is not None and current.mode is not None
    start = model.starts_at(current.day, current.at, services.config.timezone)
    now = services.clock()
    if model.start_problem(start, now) is not None:
        return Refusal.PAST
    side = pair.side_of(participant.id)
    assert side is not None
    cleaned = (place or "").strip()[: model.PLACE_MAX] or None
    moving = await store.get(services.db, current.meeting_id) if current.meeting_id else None
    kind = NoticeKind.MOVED if moving else NoticeKind.PLANNED
    entry = Entry(participant.id, side.value, f"meeting_{kind.value}", start.isoformat())
    notices = _notices(services, pair, start, kind, now)
    if moving is not None:
        result = await store.move(
            services.db, moving, current.id, start, current.mode, cleaned, notices, entry, now
        )
    else:
        uid = f"{uuid.uuid4()}@{UID_DOMAIN}"
        result = await store.plan(
            services.db, pair.id, current.id, uid, start, current.mode, cleaned, notices, entry, now
        )
    return result if result is not None else Refusal.TAKEN


async def cancel(
    services: Services, meeting: Meeting, author_id: int | None, role: str
) -> Meeting | None:
    """The meeting cancelled; both get the calendar file that removes it."""
    pair = await pair_store.get(services.db, meeting.pair_id)
    if pair is None:
        return None
    now = services.clock()
    entry = Entry(author_id, role, "meeting_cancelled", meeting.starts_at.isoformat())
    notices = _notices(services, pair, meeting.starts_at, NoticeKind.CANCELLED, now)
    return await store.cancel(services.db, meeting, notices, entry, now)


async def cancel_for_pair(services: Services, pair_id: int, coordinator_id: int) -> Meeting | None:
    """A pair that ends cancels its planned meeting."""
    meeting = await upcoming(services, pair_id)
    if meeting is None:
        return None
    return await cancel(services, meeting, coordinator_id, "coordinator")


def _notices(
    services: Services, pair: Pair, start: datetime, kind: NoticeKind, now: datetime
) -> list[NewNotice]:
    """Both sides' confirmation now; for a planned or moved meeting also the reminder the day
    before (if it is planned before that day) and the question the day after."""
    daytime, zone = services.config.daytime, services.config.timezone
    found = []
    for person_id, side in ((pair.mentor_id, Side.MENTOR), (pair.mentee_id, Side.MENTEE)):
        found.append(NewNotice(person_id, side, kind, now))
        if kind is NoticeKind.CANCELLED:
            continue
        if model.wants_reminder(start, now, zone):
            due = day_before(start, daytime)
            found.append(NewNotice(person_id, side, NoticeKind.REMINDER, max(due, now)))
        found.append(NewNotice(person_id, side, NoticeKind.ASK, day_after(start, daytime)))
    return found


# -- the messages about meetings ---------------------------------------------------------------


async def notices_due(services: Services) -> list[tuple[Notice, str]]:
    return await store.notices_due(services.db, services.clock(), services.run_id, NOTICE_BATCH)


async def confirmations_of(services: Services, meeting_id: int) -> list[Notice]:
    """The confirmations of a meeting not yet sent, to send at once after a change."""
    return [
        n
        for n in await store.notices_of(services.db, meeting_id)
        if n.kind in CONFIRMATIONS and n.status in (NoticeStatus.DUE, NoticeStatus.PENDING)
    ]


def action(services: Services, notice: Notice, meeting: Meeting, pair_status: str) -> Action:
    """Send, wait or drop a due message: confirmations go at once, an outdated message never;
    the reminder and the question go in the daytime, to active pairs, the reminder only before
    the meeting."""
    now = services.clock()
    if notice.sequence != meeting.sequence:
        return Action.DROP
    if notice.kind in CONFIRMATIONS:
        return Action.SEND
    if meeting.status is not MeetingStatus.PLANNED or pair_status == PairStatus.ENDED.value:
        return Action.DROP
    if notice.kind is NoticeKind.REMINDER and now >= meeting.starts_at:
        return Action.DROP
    if pair_status != PairStatus.ACTIVE.value or not services.config.daytime.contains(now):
        return Action.WAIT
    return Action.SEND


async def begin_notice(services: Services, notice: Notice) -> bool:
    return await store.begin_notice(services.db, notice, services.run_id)


async def release(services: Services, notice: Notice) -> None:
    await store.release_notice(services.db, notice)


async def notice_sent(services: Services, notice: Notice, meeting: Meeting) -> None:
    """Sent: once both are asked whether they met, the meeting waits for a confirmation."""
    asked = notice.kind is NoticeKind.ASK
    change = alerts.meeting_asked_change(meeting.starts_at) if asked else None
    await store.mark_notice_sent(services.db, notice, meeting.pair_id, services.clock(), change)


async def drop(services: Services, notice: Notice) -> None:
    await store.drop_notice(services.db, notice.id)


# -- the day after -----------------------------------------------------------------------------


async def askable(
    services: Services, notice_id: int, participant: Participant
) -> tuple[Notice, Meeting] | None:
    """The day-after question a button names, only if it is this person's, of a meeting of a
    pair still going on."""
    notice = await store.get_notice(services.db, notice_id)
    if (
        notice is None
        or notice.participant_id != participant.id
        or notice.kind is not NoticeKind.ASK
    ):
        return None
    meeting = await store.get(services.db, notice.meeting_id)
    pair = await pair_store.get(services.db, meeting.pair_id) if meeting else None
    if meeting is None or pair is None or pair.status is PairStatus.ENDED:
        return None
    return notice, meeting


async def answer(services: Services, notice: Notice, meeting: Meeting, held: bool) -> bool:
    """Yes counts as a meeting, as a check-in's "we met"; No is a stall signal. False if the
    question was answered already."""
    side, start = notice.side, meeting.starts_at
    kind = "meeting_held" if held else "meeting_not_held"
    entry = Entry(notice.participant_id, side.value, kind, start.isoformat())
    return await store.answer(
        services.db,
        notice,
        meeting.pair_id,
        "yes" if held else "no",
        alerts.meeting_answer_change(side, start, held),
        entry,
        services.clock(),
    )


async def give_reason(
    services: Services, notice: Notice, meeting: Meeting, reason: NotHeld
) -> bool:
    entry = Entry(notice.participant_id, notice.side.value, "meeting_reason", reason.value)
    return await store.give_reason(
        services.db, notice, meeting.pair_id, reason, entry, services.clock()
    )


# -- check-ins ---------------------------------------------------------------------------------


async def check_in_waits_until(services: Services, pair_id: int) -> datetime | None:
    """A check-in due now within two days of a planned meeting waits until after it."""
    now = services.clock()
    for start in await store.starts_after(services.db, pair_id, now - model.DURATION):
        until = model.check_in_waits_until(now, start)
        if until is not None:
            return until
    return None
