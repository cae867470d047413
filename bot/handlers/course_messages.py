"""The mentor course's messages to mentors, as the jobs (bot/jobs/course.py) and the
coordinators' and mentors' presses send them: the invitation with the open dates, the news (moved
up from the waiting list, a date deleted), a "none of these dates fit" to the coordinators, the
reminder with its calendar file, and the thanks once the course is done; with the buttons a
mentor presses on them (bot/handlers/course_seats.py)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import courses, scopes
from bot.calendar import COURSE_FILE, course_event
from bot.handlers.callback_data import CallbackData
from bot.i18n import LANGUAGE_NAMES, Translator, translator
from bot.model.course import News, Session
from bot.model.participants import Participant
from bot.outbox import Outbox, Sent
from bot.services import Services


@dataclass(frozen=True)
class CourseSignUp(CallbackData, prefix="co6"):
    """A mentor's yes to one session of the invitation."""

    session_id: int


@dataclass(frozen=True)
class CourseNoFit(CallbackData, prefix="co7"):
    """None of these dates fit."""


@dataclass(frozen=True)
class CourseCancel(CallbackData, prefix="co8"):
    """A mentor gives up their seat, or their place on the waiting list."""

    session_id: int


# -- how a session reads ---------------------------------------------------------------------


def when_text(t: Translator, services: Services, session: Session, form: str = "full") -> str:
    assert session.starts_at is not None
    return t.moment(session.starts_at, services.config.timezone, form)


def session_button(t: Translator, services: Services, session: Session) -> str:
    """A session on a mentor's invitation; a full one says so."""
    assert session.language is not None
    label = f"{when_text(t, services, session, 'medium')} · {LANGUAGE_NAMES[session.language]}"
    if session.full:
        label += " · " + t.gettext("full, waiting list")
    return label


# -- the sends -------------------------------------------------------------------------------


async def tell_course_done(outbox: Outbox, mentor: Participant) -> Sent:
    t = translator(mentor.language)
    return await outbox.send(
        mentor.chat_id,
        t.gettext(
            "Thank you for taking part in the mentor course! You are now ready to be matched "
            "with a mentee. We will write to you when we have a match."
        ),
    )


def invitation_keyboard(
    t: Translator, services: Services, sessions: list[Session]
) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                session_button(t, services, session),
                callback_data=CourseSignUp(session.id).pack(),
            )
        ]
        for session in sessions
    ]
    rows.append(
        [
            InlineKeyboardButton(
                t.gettext("None of these dates fit"), callback_data=CourseNoFit().pack()
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


async def send_invitation(outbox: Outbox, mentor: Participant) -> Sent | None:
    """The open sessions as buttons, in the mentor's language; None when there is none."""
    services = outbox.services
    sessions = await courses.open_sessions(services)
    if not sessions:
        return None
    t = translator(mentor.language)
    return await outbox.send(
        mentor.chat_id,
        t.gettext(
            "You are invited to the mentor course, where you learn about the role and meet "
            "other mentors. Choose the date that suits you:"
        ),
        invitation_keyboard(t, services, sessions),
    )


async def send_due_invitations(outbox: Outbox) -> int:
    """Every mentor owed an invitation gets one; how many were reached."""
    services = outbox.services
    reached = 0
    for mentor in await courses.invitations_due(services):
        sent = await send_invitation(outbox, mentor)
        if sent is None or sent.final:
            await courses.invited(services, mentor)
        reached += 1 if sent is not None and sent.ok else 0
    return reached


async def invite_if_due(outbox: Outbox, mentor: Participant) -> None:
    """A newly approved mentor's invitation, when there are dates to offer."""
    services = outbox.services
    if mentor.id in {due.id for due in await courses.invitations_due(services)}:
        sent = await send_invitation(outbox, mentor)
        if sent is None or sent.final:
            await courses.invited(services, mentor)


async def release_seats(outbox: Outbox, mentor: Participant) -> None:
    """The course done elsewhere: the mentor's seats go to the waiting lists."""
    moved_up = await courses.release_seats(outbox.services, mentor)
    if moved_up is not None:
        await tell_moved_up(outbox, moved_up)


def cancel_keyboard(t: Translator, session: Session, *, waiting: bool) -> InlineKeyboardMarkup:
    label = t.gettext("Leave the waiting list") if waiting else t.gettext("Cancel my seat")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=CourseCancel(session.id).pack())]]
    )


async def tell_no_fit(outbox: Outbox, no_fit_id: int, mentor_id: int) -> None:
    """The mentor's coordinators hear that no date fits; marked once all were reached."""
    services = outbox.services
    name = await courses.mentor_name(services, mentor_id) or "?"
    coordinators = await scopes.coordinators_of_person(services, mentor_id)
    sent = await outbox.to_coordinators(
        coordinators,
        lambda t: t.gettext(
            "{name} cannot come on any of the mentor course dates offered. You can add a date "
            "with /course."
        ).format(name=escape(t.isolate(name))),
    )
    if all(each.final for each in sent.values()):
        await courses.no_fit_told(services, no_fit_id)


async def tell_moved_up(outbox: Outbox, participant_id: int) -> None:
    for untold in await courses.untold_news(outbox.services, settled=False):
        if untold.mentor.id == participant_id and untold.news is News.MOVED_UP:
            await tell_news(outbox, untold)


async def tell_news_of(outbox: Outbox, session_id: int, participant_id: int) -> None:
    for untold in await courses.untold_news(outbox.services, settled=False):
        if untold.mentor.id == participant_id and untold.session.id == session_id:
            await tell_news(outbox, untold)


async def tell_news(outbox: Outbox, untold: courses.Untold) -> None:
    """Moved up from the waiting list, or the session deleted (with the other dates)."""
    services = outbox.services
    mentor, session = untold.mentor, untold.session
    t = translator(mentor.language)
    when = when_text(t, services, session)
    if untold.news is News.MOVED_UP:
        sent = await outbox.send(
            mentor.chat_id,
            t.gettext(
                "Good news: a seat at the mentor course on {when} is free, and it is yours now. "
                "Place: {place}. You will get a reminder the day before."
            ).format(when=when, place=escape(t.isolate(session.place or ""))),
            cancel_keyboard(t, session, waiting=False),
        )
    else:
        sessions = await courses.open_sessions(services)
        text = t.gettext("The mentor course on {when} is cancelled. We are sorry.").format(
            when=when
        )
        if sessions:
            text += "\n" + t.gettext("Would another date suit you?")
        else:
            text += "\n" + t.gettext("You will get an invitation when there is a new date.")
        sent = await outbox.send(
            mentor.chat_id, text, invitation_keyboard(t, services, sessions) if sessions else None
        )
    if sent.final:
        await courses.news_told(services, session.id, mentor.id)


async def send_reminder(outbox: Outbox, reminder: courses.Reminder) -> None:
    """The day before (or, after a restart, the day itself): the reminder and the calendar file."""
    services = outbox.services
    mentor, session = reminder.mentor, reminder.session
    t = translator(mentor.language)
    sent = await outbox.send(
        mentor.chat_id,
        t.gettext(
            "Reminder: the mentor course is on {when}. Place: {place}. The calendar file "
            "below puts it in your calendar."
        ).format(
            when=when_text(t, services, session), place=escape(t.isolate(session.place or ""))
        ),
    )
    if sent.ok:
        event = course_event(session, summary=t.gettext("Mentor course"))
        sent = await outbox.send_event(mentor.chat_id, event, COURSE_FILE)
    if sent.final:
        await courses.reminded(services, reminder)
