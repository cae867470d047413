"""The mentor course: sessions written by coordinators, seats and waiting lists, invitations,
reminders with a calendar file, attendance. Plain data in and out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta

from bot.i18n import month_numbers
from bot.model.course import (
    ATTENDANCE_DAYS,
    DraftStep,
    News,
    Seat,
    Session,
    SignUp,
    clean_place,
    parse_seats,
    reminder_due,
)
from bot.model.participants import Participant
from bot.model.screening import DecisionRecord
from bot.model.when import WhenProblem, parse_moment
from bot.notices import settled_before
from bot.services import Services
from storage import course_owed as owed_store
from storage import courses as store
from storage import participants as participant_store


@dataclass(frozen=True)
class Reminder:
    mentor: Participant
    session: Session


@dataclass(frozen=True)
class Untold:
    """A mentor still to hear that they moved up, or that their session was deleted."""

    mentor: Participant
    session: Session
    news: News


# -- coordinators write sessions -------------------------------------------------------------


async def new_draft(services: Services, coordinator_id: int) -> Session:
    return await store.create_draft(services.db, coordinator_id, services.clock())


async def remember_prompt(services: Services, session: Session, message_id: int) -> None:
    await store.set_prompt(services.db, session.id, message_id)


async def prompted_draft(
    services: Services, coordinator_id: int, message_id: int
) -> Session | None:
    return await store.prompted_draft(services.db, coordinator_id, message_id)


async def fill_draft(services: Services, draft: Session, text: str) -> Session | WhenProblem | None:
    """Store the answer to the draft's open question; the draft as it now stands. A problem
    with a typed date (WhenProblem), or None for seats or a place that cannot be taken."""
    step = draft.draft_step
    if step is DraftStep.WHEN:
        when = parse_moment(text, services.clock(), services.config.timezone, month_numbers())
        if isinstance(when, WhenProblem):
            return when
        await store.fill(services.db, draft.id, "starts_at", when.astimezone(UTC))
    elif step is DraftStep.PLACE:
        place = clean_place(text)
        if place is None:
            return None
        await store.fill(services.db, draft.id, "place", place)
    elif step is DraftStep.SEATS:
        seats = parse_seats(text)
        if seats is None:
            return None
        await store.fill(services.db, draft.id, "seats", seats)
    updated = await store.get(services.db, draft.id)
    assert updated is not None
    return updated


async def publish(services: Services, session_id: int, language: str) -> Session | None:
    """Open the session to mentors; None when it cannot be (gone, published, begun)."""
    if not await store.publish(services.db, session_id, language, services.clock()):
        return None
    return await store.get(services.db, session_id)


async def delete(services: Services, session_id: int) -> list[int] | None:
    """Delete a session not begun; the mentors who had said yes to it (owed the news)."""
    return await store.delete(services.db, session_id, services.clock())


async def session(services: Services, session_id: int) -> Session | None:
    return await store.get(services.db, session_id)


async def listed(services: Services) -> list[Session]:
    """The sessions to come and those of the last weeks (for attendance), soonest first."""
    since = services.clock() - timedelta(days=ATTENDANCE_DAYS)
    return await store.listed(services.db, since)


async def seats(services: Services, session_id: int) -> list[Seat]:
    return await store.seats(services.db, session_id)


async def mark_attendance(
    services: Services,
    session_id: int,
    participant_id: int,
    attended: bool,
    coordinator_id: int,
    name: str,
) -> tuple[bool, DecisionRecord | None]:
    """(changed, the "course done" decision when attending made the course done)."""
    return await store.mark_attendance(
        services.db,
        session_id,
        participant_id,
        attended,
        coordinator_id=coordinator_id,
        coordinator_name=name,
        now=services.clock(),
    )


# -- mentors ---------------------------------------------------------------------------------


async def open_sessions(services: Services) -> list[Session]:
    return await store.open_sessions(services.db, services.clock())


async def sign_up(services: Services, session_id: int, mentor: Participant) -> SignUp | None:
    return await store.sign_up(services.db, session_id, mentor.id, services.clock())


async def cancel(
    services: Services, session_id: int, mentor: Participant
) -> tuple[bool, int | None]:
    return await store.cancel(services.db, session_id, mentor.id, services.clock())


async def release_seats(services: Services, mentor: Participant) -> int | None:
    """The course done elsewhere: the mentor's seats to come are freed; who moved up."""
    return await store.release_seats(services.db, mentor.id, services.clock())


async def awaiting_course(services: Services, mentor: Participant) -> bool:
    return await store.awaiting_course(services.db, mentor.id, services.clock())


async def none_fit(services: Services, mentor: Participant) -> int:
    """A mentor's "none of these dates fit", stored before the coordinators hear it."""
    return await owed_store.add_no_fit(services.db, mentor.id, services.clock())


async def no_fit_told(services: Services, no_fit_id: int) -> None:
    await owed_store.mark_no_fit_told(services.db, no_fit_id, services.clock())


async def mentor_name(services: Services, participant_id: int) -> str | None:
    return await store.mentor_name(services.db, participant_id)


# -- what the course scan sends --------------------------------------------------------------


async def invitations_due(services: Services) -> list[Participant]:
    """Mentors awaiting the course who are owed an invitation for an open session."""
    now = services.clock()
    await store.owe_invitations(services.db, now)
    mentors = []
    for participant_id in await owed_store.invitations_due(services.db, now):
        mentor = await participant_store.by_id(services.db, participant_id)
        if mentor is not None:
            mentors.append(mentor)
    return mentors


async def invited(services: Services, mentor: Participant) -> None:
    await owed_store.mark_invited(services.db, mentor.id, services.clock())


async def untold_news(services: Services, *, settled: bool = True) -> list[Untold]:
    """News a crash cut off (`settled`: older than the grace a handler needs), or all."""
    now = services.clock()
    untold = []
    for seat, news in await owed_store.untold_news(
        services.db, settled_before(now) if settled else now
    ):
        mentor = await participant_store.by_id(services.db, seat.participant_id)
        session = await store.get(services.db, seat.session_id)
        if mentor is None or session is None:
            await news_told(services, seat.session_id, seat.participant_id)
        else:
            untold.append(Untold(mentor, session, news))
    return untold


async def news_told(services: Services, session_id: int, participant_id: int) -> None:
    await owed_store.mark_news_told(services.db, session_id, participant_id, services.clock())


async def untold_no_fit(services: Services) -> list[tuple[int, int]]:
    return await owed_store.untold_no_fit(services.db, settled_before(services.clock()))


async def reminders_due(services: Services) -> list[Reminder]:
    """Booked mentors of sessions starting tomorrow (programme time), in the daytime window
    of every day of the week (a course is not a check-in); a seat is reminded once."""
    now, window = services.clock(), services.config.daytime
    due = []
    for seat in await owed_store.unreminded(services.db, now):
        session = await store.get(services.db, seat.session_id)
        if session is None or session.starts_at is None:
            continue
        if not reminder_due(session.starts_at, now, window):
            continue
        mentor = await participant_store.by_id(services.db, seat.participant_id)
        if mentor is not None:
            due.append(Reminder(mentor, session))
    return due


async def reminded(services: Services, reminder: Reminder) -> None:
    await owed_store.mark_reminded(
        services.db, reminder.session.id, reminder.mentor.id, services.clock()
    )
